"""The bell of the navigation bar: `{% load notifications %}{% notification_bell %}`, one
query per page (the unread count), refreshed by htmx from `notification_bell`."""

from django import template

from tutoring.notifications import unread_count

register = template.Library()


@register.inclusion_tag("notifications/partials/bell.html", takes_context=True)
def notification_bell(context, oob=False):
    # A page that counted the unread ones already (the inbox) passes its count on.
    count = context.get("unread_notifications")
    if count is None:
        count = unread_count(context["user"])
    # `oob`: sent along with an htmx answer (an item marked read) to replace the bell too.
    return {"bell_count": count, "oob": oob}
