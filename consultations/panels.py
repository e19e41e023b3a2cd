"""The consultation point's panels on the home page: what waits for the user (requests,
sessions, schedules) and the coming events of the user's municipality."""

from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from tutoring.extensions import Panel, Waiting, queue_panel
from tutoring.models import RoleKind

from . import selectors
from .filters import DUE, RequestFilter, ScheduleFilter, SessionFilter
from .models import ConsultationRequest, Event, Schedule, Session
from .views.schedules import schedules_for

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


def queues_panel(user, access):
    """What waits for the user at the consultation point, each line linking to the list that
    shows exactly those requests, sessions or schedules; nothing when nothing waits."""
    items = []
    if access.has(RoleKind.METHODIST):
        items += _requests(
            [
                ("submitted", "Заявки ждут решения: принять или отклонить"),
                ("accepted", "Принятые заявки ждут назначения занятия"),
            ],
            access,
        )
    if access.has(RoleKind.DIRECTOR):
        items += _schedules_to_approve(access)
    if access.has(RoleKind.TUTOR):
        items += _tutor_sessions(access)
    if access.has(RoleKind.TEACHER):
        items += _sessions(
            access, "Предстоящие занятия по вашим заявкам", status=Session.Status.PLANNED
        )
    if access.has(RoleKind.SCHOOL):
        items += _school_requests(access)
    return queue_panel("Консультации: что ждёт вас", items, slug="consultations")


def _link(name: str, params: dict) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _requests(lines, access) -> list[Waiting]:
    items = []
    for status, label in lines:
        params = {"status": status}
        count = RequestFilter(params, queryset=selectors.requests_for(access)).qs.count()
        if count:
            items.append(Waiting(label, _link("consultations:request_list", params), count))
    return items


def _sessions(access, label, *, note="", **params) -> list[Waiting]:
    # The list shows sessions from today unless told otherwise; an empty `since` is «any day».
    params.setdefault("since", timezone.localdate().isoformat())
    queryset = selectors.sessions_for(access)
    count = SessionFilter(params, queryset=queryset, access=access).qs.count()
    if not count:
        return []
    return [Waiting(label, _link("consultations:session_list", params), count, note)]


def _tutor_sessions(access) -> list[Waiting]:
    """This week's sessions (the week of the municipality's time zone, which the request has
    activated) and the sessions over without a report."""
    today = timezone.localdate()
    sunday = today + timedelta(days=6 - today.weekday())
    items = _sessions(
        access,
        "Занятия на этой неделе",
        note=f"с {today:%d.%m} по {sunday:%d.%m}",
        until=sunday.isoformat(),
        status=Session.Status.PLANNED,
    )
    items += _sessions(
        access,
        "Занятия прошли, отчёт ещё не составлен",
        since="",
        report=DUE,
    )
    return items


def _schedules_to_approve(access) -> list[Waiting]:
    params = {"status": Schedule.Status.DRAFT}
    count = ScheduleFilter(params, queryset=schedules_for(access)).qs.count()
    if not count:
        return []
    url = _link("consultations:schedule_list", params)
    return [Waiting("Графики работы пункта ждут утверждения", url, count)]


# A school's requests under way, in the order of their course, each said as what it waits
# for (a bare state, «Заявки: подана», reads as a filter, not as a queue).
UNDER_WAY = {
    ConsultationRequest.Status.SUBMITTED: "Поданные заявки ждут решения методиста",
    ConsultationRequest.Status.ACCEPTED: "Принятые заявки ждут назначения занятия",
    ConsultationRequest.Status.SCHEDULED: "Заявки с назначенным занятием",
    ConsultationRequest.Status.HELD: "Заявки с проведённым занятием ждут закрытия",
}


def _school_requests(access) -> list[Waiting]:
    """The school's requests under way, by state, in one query, and those whose help waits for
    a rating. Closed, rejected, withdrawn and cancelled ones wait for nothing: they stay in
    the list."""
    Status = ConsultationRequest.Status
    requests = selectors.requests_for(access)
    counts = requests.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in UNDER_WAY},
        unrated=Count("pk", filter=Q(status=Status.CLOSED, rating__isnull=True)),
    )
    items = [
        Waiting(label, _link("consultations:request_list", {"status": status}), counts[status])
        for status, label in UNDER_WAY.items()
        if counts[status]
    ]
    if counts["unrated"]:
        url = _link("consultations:request_list", {"rating": DUE})
        items.append(Waiting("Занятия прошли: оцените помощь", url, counts["unrated"]))
    return items


def event_from_plan_item(access, plan, item):
    """«Создать мероприятие» on an item of a community plan, for the plan's methodists."""
    if not access.holds(RoleKind.METHODIST, municipality=plan.municipality_id):
        return None
    return "Создать мероприятие", reverse("consultations:event_create") + f"?plan_item={item.pk}"
