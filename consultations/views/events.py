"""Events of the community: the list, the month calendar, an event's page with registration,
and the methodist's forms."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import Role, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import MONTHS, EventFilter, month_bounds
from ..forms.events import EventCancelForm, EventForm, initial_from_plan_item, plan_items_of
from ..models import Event
from ..services import events as services

WEEKDAYS = [
    ("понедельник", "Пн"),
    ("вторник", "Вт"),
    ("среда", "Ср"),
    ("четверг", "Чт"),
    ("пятница", "Пт"),
    ("суббота", "Сб"),
    ("воскресенье", "Вс"),
]


def _managed(access):
    return sorted(
        {role.municipality for role in access.roles_of(RoleKind.METHODIST)},
        key=lambda m: m.name,
    )


def _visible(request):
    access = access_for(request.user)
    return selectors.events_with_places(selectors.events_for(access), request.user.pk)


@role_required(*RoleKind.values)
def event_list(request):
    access = access_for(request.user)
    filterset = EventFilter(request.GET, queryset=_visible(request).select_related("plan_item"))
    events = filterset.qs
    # A query string the filters refuse leaves the list without the period's order: pages
    # of an unordered list could repeat or skip events.
    if not events.ordered:
        events = events.order_by("starts_at", "pk")
    page = paginate(request, events.prefetch_related("subjects"))
    return render(
        request,
        "consultations/events/list.html",
        {
            "filter": filterset,
            "page": page,
            "can_create": access.has(RoleKind.METHODIST),
            "show_municipality": access.everywhere,
        },
    )


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list = field(default_factory=list)


def _month(value: str | None, today: datetime.date) -> datetime.date:
    try:
        first = datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)
    return first if 2000 <= first.year <= 2100 else today.replace(day=1)


@role_required(*RoleKind.values)
def event_calendar(request):
    """A month of events as a grid of weeks (on a phone, as a list of days), in the
    municipality's time."""
    access = access_for(request.user)
    today = timezone.localdate()
    first = _month(request.GET.get("month"), today)
    starts, ends = month_bounds(f"{first:%Y-%m}")
    events = _visible(request).filter(starts_at__gte=starts, starts_at__lt=ends)
    by_day = defaultdict(list)
    for event in events.order_by("starts_at", "pk"):
        by_day[timezone.localtime(event.starts_at).date()].append(event)
    day = first - datetime.timedelta(days=first.weekday())
    weeks = []
    while day < ends.date() or day.weekday() != 0:
        if day.weekday() == 0:
            weeks.append([])
        weeks[-1].append(Day(day, day.month == first.month, day == today, by_day.get(day, [])))
        day += datetime.timedelta(days=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = ends.date()
    return render(
        request,
        "consultations/events/calendar.html",
        {
            "title": f"{MONTHS[first.month - 1].capitalize()} {first.year}",
            "month": f"{first:%Y-%m}",
            "weeks": weeks,
            "weekdays": WEEKDAYS,
            "days_with_events": [d for week in weeks for d in week if d.in_month and d.events],
            "previous": previous,
            "previous_title": f"{MONTHS[previous.month - 1]} {previous.year}",
            "following": following,
            "following_title": f"{MONTHS[following.month - 1]} {following.year}",
            "show_municipality": access.everywhere,
        },
    )


def _event(request, pk) -> Event:
    return get_object_or_404(
        _visible(request).select_related("plan_item__plan").prefetch_related("subjects"), pk=pk
    )


@role_required(*RoleKind.values)
def event_detail(request, pk):
    access = access_for(request.user)
    event = _event(request, pk)
    can_manage = access.holds(RoleKind.METHODIST, municipality=event.municipality_id)
    sees_registrations = can_manage or event.organizer_id == request.user.pk
    registrations = []
    if sees_registrations:
        roles = Role.objects.filter(kind=RoleKind.TEACHER).select_related("organization")
        registrations = event.registrations.select_related("participant").prefetch_related(
            Prefetch("participant__roles", queryset=roles, to_attr="teacher_roles")
        )
    now = timezone.now()
    open_for_registration = event.status == Event.Status.PUBLISHED and event.starts_at > now
    full = event.capacity is not None and event.registered_count >= event.capacity
    return render(
        request,
        "consultations/events/detail.html",
        {
            "event": event,
            "registrations": registrations,
            "sees_registrations": sees_registrations,
            "may_register": open_for_registration
            and not event.is_registered
            and services.may_register(request.user, event),
            "full": full,
            "can_unregister": event.is_registered and event.starts_at > now,
            "can_manage": can_manage,
            "can_edit": can_manage and not event.is_cancelled,
            "moves": services.EVENT.available(access, event),
            "history": object_history(event) if can_manage else None,
        },
    )


@role_required(RoleKind.METHODIST)
@once("Мероприятие уже создано: вот оно.")
def event_create(request):
    municipalities = _managed(access_for(request.user))
    initial = {}
    chosen = request.GET.get("plan_item", "")
    if chosen.isdigit():
        item = get_object_or_404(plan_items_of(municipalities).select_related("plan"), pk=chosen)
        initial = initial_from_plan_item(item)
    form = EventForm(request.POST or None, municipalities=municipalities, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request,
            services.event_create,
            form=form,
            municipality=form.cleaned_data["municipality"],
            success="Мероприятие сохранено как черновик. Проверьте его и опубликуйте: тогда его "
            "увидят учителя и тьюторы муниципалитета.",
            **form.service_fields(),
        )
        if created:
            return redirect(created.value)
    return render(
        request,
        "consultations/events/form.html",
        {"form": form, "plan_items": None if initial else plan_items_of(municipalities)},
    )


def _managed_event(request, pk) -> Event:
    event = _event(request, pk)
    require(access_for(request.user).holds(RoleKind.METHODIST, municipality=event.municipality_id))
    return event


@role_required(RoleKind.METHODIST)
def event_update(request, pk):
    event = _managed_event(request, pk)
    if event.is_cancelled:
        messages.error(request, "Отменённое мероприятие не меняется.")
        return redirect(event)
    form = EventForm(request.POST or None, instance=event, municipalities=[event.municipality])
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            services.event_update,
            form=form,
            event=event,
            success="Мероприятие сохранено.",
            **form.service_fields(),
        )
    ):
        return redirect(event)
    return render(request, "consultations/events/form.html", {"form": form, "event": event})


@require_POST
@role_required(RoleKind.METHODIST)
def event_publish(request, pk):
    event = _managed_event(request, pk)
    attempt(
        request,
        services.event_publish,
        event=event,
        success="Мероприятие опубликовано: учителя и тьюторы муниципалитета могут записаться.",
    )
    return redirect(event)


@role_required(RoleKind.METHODIST)
def event_cancel(request, pk):
    """A page that asks first: it says how many people registered, who will see the event
    cancelled with its reason."""
    event = _managed_event(request, pk)
    if "cancel" not in services.EVENT.available(access_for(request.user), event):
        messages.error(request, "Мероприятие уже отменено.")
        return redirect(event)
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt(
            request,
            services.event_cancel,
            event=event,
            reason=form.cleaned_data["reason"],
            success="Мероприятие отменено. Записавшиеся увидят это и причину отмены.",
        )
        return redirect(event)
    return render(request, "consultations/events/cancel.html", {"form": form, "event": event})


@require_POST
@role_required(RoleKind.TEACHER, RoleKind.TUTOR)
def registration_create(request, pk):
    event = _event(request, pk)
    attempt(
        request,
        services.registration_create,
        event=event,
        success="Вы записаны. Мероприятие появится в вашем календаре (.ics), если вы подписаны "
        "на него.",
    )
    return redirect(event)


@require_POST
@role_required(RoleKind.TEACHER, RoleKind.TUTOR)
def registration_cancel(request, pk):
    event = _event(request, pk)
    attempt(
        request,
        services.registration_cancel,
        event=event,
        success="Запись отменена: место освободилось для коллег.",
    )
    return redirect(event)
