"""A link that other apps' pages show without knowing who may follow it: the community plan
offers «Создать мероприятие» on its items to the methodists of the plan's municipality."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from tutoring.access import access_for
from tutoring.models import RoleKind

register = template.Library()


@register.simple_tag(takes_context=True)
def event_from_plan_item(context, plan, item):
    """The link, for a methodist of the plan's municipality only; nothing for anyone else.
    The roles are those already read for the request, so the tag costs no query."""
    request = context.get("request")
    if request is None:
        return ""
    if not access_for(request.user).holds(RoleKind.METHODIST, municipality=plan.municipality_id):
        return ""
    url = reverse("consultations:event_create") + f"?plan_item={item.pk}"
    return format_html(
        '<div><a class="small" href="{}">Создать мероприятие'
        '<span class="visually-hidden"> по пункту плана № {}</span></a></div>',
        url,
        getattr(item, "number", item.pk),
    )
