"""The consultation point's panel on the home page: the coming events of the user's
municipality."""

from django.urls import reverse
from django.utils import timezone

from tutoring.extensions import Panel
from tutoring.models import RoleKind

from . import selectors
from .models import Event

# Enough to see what is coming; the list page has the rest.
HOME_EVENTS = 5


def home_panel(user, access):
    """The next events for every role; a teacher or a tutor also sees where they registered.
    Nothing when nothing is coming."""
    if not access.roles:
        return None
    events = list(
        selectors.events_with_places(selectors.events_for(access), user.pk)
        .filter(status=Event.Status.PUBLISHED, ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")[:HOME_EVENTS]
    )
    if not events:
        return None
    return Panel(
        "consultations/panels/home_events.html",
        {
            "events": events,
            "participant": access.has(RoleKind.TEACHER, RoleKind.TUTOR),
            "show_municipality": access.everywhere,
        },
    )


def event_from_plan_item(access, plan, item):
    """«Создать мероприятие» on an item of a community plan, for the plan's methodists."""
    if not access.holds(RoleKind.METHODIST, municipality=plan.municipality_id):
        return None
    return "Создать мероприятие", reverse("consultations:event_create") + f"?plan_item={item.pk}"
