"""The links an item of a community plan offers, made by the apps above `community` through
`tutoring.extensions.register_plan_item_action` (an event from the item, for one)."""

from django import template
from django.utils.html import format_html_join

from tutoring import extensions
from tutoring.access import access_for

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_item_actions(context, plan, item):
    """The links for the request's user; the roles are already read, so no query."""
    request = context.get("request")
    if request is None:
        return ""
    actions = extensions.plan_item_actions(access_for(request.user), plan, item)
    number = getattr(item, "number", item.pk)
    return format_html_join(
        "",
        '<div><a class="small" href="{}">{}<span class="visually-hidden"> по пункту плана № {}'
        "</span></a></div>",
        ((url, label, number) for label, url in actions),
    )
