"""The bell of the navigation bar: `{% load notifications %}{% notification_bell %}`. The count
comes with the request's user (`tutoring.backends`), so the bell costs a page no query; htmx
refreshes it every minute from `notification_bell`."""

from django import template

from tutoring.notifications import bell_count

register = template.Library()


@register.inclusion_tag("notifications/partials/bell.html", takes_context=True)
def notification_bell(context, oob=False):
    # A page that changed what is read (an item marked read by htmx) passes the new count.
    count = context.get("unread_notifications")
    if count is None:
        count = bell_count(context["user"])
    # `oob`: sent along with an htmx answer (an item marked read) to replace the bell too.
    return {"bell_count": count, "oob": oob}
