import datetime
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

from django.contrib import messages
from django.db.models import Min
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.forms_organizations import RUSSIAN_TIMEZONES
from tutoring.models import Role, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.views import paginate

from .. import selectors
from ..forms.availability import AvailabilityFilter, ExceptionForm, HoursTutorFilter, SlotForm
from ..models import AvailabilityException, AvailabilitySlot
from ..services import availability as services

# How far ahead the tutor's own page shows the free time that remains after sessions.
PREVIEW_DAYS = 14
COORDINATORS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _tutor_municipalities(access) -> list:
    municipalities = {role.municipality_id: role.municipality for role in access.roles}
    ids = {role.municipality_id for role in access.roles_of(RoleKind.TUTOR)}
    return sorted((municipalities[pk] for pk in ids), key=lambda m: m.name)


def _zone_label(municipality) -> str:
    # A methodist reads «Москва (UTC+3)», not the zone's key.
    known = dict(RUSSIAN_TIMEZONES).get(municipality.timezone)
    if known:
        return known
    offset = timezone.now().astimezone(municipality.tzinfo).utcoffset()
    hours = int(offset.total_seconds() // 3600)
    return f"{municipality.timezone}, UTC{hours:+d}"


def _own_page(request, slot_form=None, exception_form=None):
    access = access_for(request.user)
    municipalities = _tutor_municipalities(access)
    slots, exceptions = selectors.availability_for(access)
    free = []
    for municipality in municipalities:
        local_now = timezone.now().astimezone(municipality.tzinfo)
        intervals = services.free_intervals(
            tutor=request.user,
            municipality=municipality,
            starts_on=local_now.date(),
            ends_on=local_now.date() + datetime.timedelta(days=PREVIEW_DAYS - 1),
        )
        ahead = [(max(start, local_now), end) for start, end in intervals if end > local_now]
        free.append(
            {"municipality": municipality, "zone": _zone_label(municipality), "free": ahead}
        )
    exceptions = exceptions.filter(tutor=request.user, ends_on__gte=timezone.localdate())
    return render(
        request,
        "consultations/availability/own.html",
        {
            "slots": slots.filter(tutor=request.user).order_by(
                "municipality__name", "weekday", "starts_at"
            ),
            "page": paginate(request, exceptions.order_by("starts_on", "pk")),
            "zones": free,
            "several": len(municipalities) > 1,
            "preview_days": PREVIEW_DAYS,
            "slot_form": slot_form or SlotForm(municipalities=municipalities),
            "exception_form": exception_form or ExceptionForm(municipalities=municipalities),
        },
    )


class _Adding(NamedTuple):
    """One of the two forms of an hours page: what it adds and what the page is then told."""

    form: type
    create: Callable
    done: str
    page_arg: str


SLOT = _Adding(SlotForm, services.slot_create, "Время приёма добавлено: {}.", "slot_form")
EXCEPTION = _Adding(
    ExceptionForm, services.exception_create, "Период без приёма добавлен: {}.", "exception_form"
)


def _add(request, adding: _Adding, *, tutor, municipalities, to: str, page):
    """Save a form posted on an hours page: a message and a redirect to `to`, or the page once
    more with the form's errors."""
    form = adding.form(request.POST, municipalities=municipalities)
    if form.is_valid() and attempt(
        request,
        adding.create,
        form=form,
        tutor=tutor,
        success=adding.done.format,
        **form.cleaned_data,
    ):
        return redirect(to)
    return page(**{adding.page_arg: form})


def _own_add(request, adding: _Adding):
    return _add(
        request,
        adding,
        tutor=request.user,
        municipalities=_tutor_municipalities(access_for(request.user)),
        to=reverse("consultations:availability"),
        page=partial(_own_page, request),
    )


@role_required(RoleKind.TUTOR)
def availability(request):
    return _own_page(request)


@require_POST
@role_required(RoleKind.TUTOR)
@once("Время приёма уже добавлено.")
def slot_create(request):
    return _own_add(request, SLOT)


@require_POST
@role_required(RoleKind.TUTOR)
@once("Период без приёма уже добавлен.")
def exception_create(request):
    return _own_add(request, EXCEPTION)


def _own(request, queryset, pk):
    """A coordinator sees a tutor's availability but only the tutor changes it."""
    obj = get_object_or_404(queryset, pk=pk)
    require(obj.tutor_id == request.user.pk)
    return obj


@require_POST
@role_required(RoleKind.TUTOR)
def slot_delete(request, pk):
    slots, _ = selectors.availability_for(access_for(request.user))
    slot = _own(request, slots, pk)
    services.slot_delete(actor=request.user, slot=slot)
    messages.success(request, f"Время приёма удалено: {slot}.")
    return redirect("consultations:availability")


@require_POST
@role_required(RoleKind.TUTOR)
def exception_delete(request, pk):
    _, exceptions = selectors.availability_for(access_for(request.user))
    exception = _own(request, exceptions, pk)
    services.exception_delete(actor=request.user, exception=exception)
    messages.success(request, f"Период без приёма удалён: {exception}.")
    return redirect("consultations:availability")


@role_required(*COORDINATORS, RoleKind.REGIONAL)
def availability_overview(request):
    access = access_for(request.user)
    tutors = Role.objects.filter(kind=RoleKind.TUTOR)
    # One table per tutor and municipality, even for a tutor who works at two of its schools.
    firsts = tutors.values("user", "municipality").annotate(first=Min("pk")).values("first")
    roles = tutors.filter(pk__in=firsts).select_related("user", "municipality")
    coordinated = {r.municipality_id for r in access.roles if r.kind in COORDINATORS}
    if not access.everywhere:
        roles = roles.filter(municipality__in=coordinated)
    several = access.everywhere or len(coordinated) > 1
    filterset = AvailabilityFilter(
        request.GET,
        queryset=roles.order_by(
            "municipality__name", "user__last_name", "user__first_name", "user__middle_name", "pk"
        ),
        municipalities=access.municipalities() if several else None,
    )
    page = paginate(request, filterset.qs, per_page=20)
    return render(
        request,
        "consultations/availability/overview.html",
        {"filter": filterset, "page": page, "tutors": _tables(access, page.object_list)},
    )


def _tables(access, roles) -> list[dict]:
    """One table per tutor of the page, in two queries however many slots they have."""
    roles = list(roles)
    slots, exceptions = selectors.availability_for(access)
    people = {role.user_id for role in roles}
    places = {role.municipality_id for role in roles}
    by_key = defaultdict(lambda: {"slots": [], "exceptions": []})
    for slot in slots.filter(tutor__in=people, municipality__in=places).order_by(
        "weekday", "starts_at"
    ):
        by_key[slot.tutor_id, slot.municipality_id]["slots"].append(slot)
    upcoming = exceptions.filter(
        tutor__in=people, municipality__in=places, ends_on__gte=timezone.localdate()
    )
    for exception in upcoming.order_by("starts_on"):
        by_key[exception.tutor_id, exception.municipality_id]["exceptions"].append(exception)
    return [
        {
            "role": role,
            "zone": _zone_label(role.municipality),
            **by_key[role.user_id, role.municipality_id],
        }
        for role in roles
    ]


# A methodist keeps the hours of any tutor of the municipality: a tutor who does not use the
# portal still gets consultations placed. Another municipality's tutor is a 404, not a 403, so
# that nobody learns who works elsewhere.


@role_required(RoleKind.METHODIST)
def hours_tutor_list(request):
    access = access_for(request.user)
    filterset = HoursTutorFilter(request.GET, queryset=selectors.hours_tutors_for(access))
    return render(
        request,
        "consultations/availability/tutor_list.html",
        {"filter": filterset, "page": paginate(request, filterset.qs)},
    )


def _kept_tutor(request, pk) -> Role:
    return get_object_or_404(selectors.hours_tutors_for(access_for(request.user)), pk=pk)


def _tutor_page(request, role, slot_form=None, exception_form=None):
    slots = AvailabilitySlot.objects.filter(tutor=role.user, municipality=role.municipality)
    exceptions = AvailabilityException.objects.filter(
        tutor=role.user, municipality=role.municipality, ends_on__gte=timezone.localdate()
    )
    municipalities = [role.municipality]
    return render(
        request,
        "consultations/availability/tutor.html",
        {
            "role": role,
            "tutor": role.user,
            "zone": _zone_label(role.municipality),
            "slots": slots.order_by("weekday", "starts_at"),
            "page": paginate(request, exceptions.order_by("starts_on", "pk")),
            "slot_form": slot_form or SlotForm(municipalities=municipalities),
            "exception_form": exception_form or ExceptionForm(municipalities=municipalities),
        },
    )


def _kept_add(request, pk, adding: _Adding):
    role = _kept_tutor(request, pk)
    return _add(
        request,
        adding,
        tutor=role.user,
        municipalities=[role.municipality],
        to=reverse("consultations:hours_tutor", args=[role.pk]),
        page=partial(_tutor_page, request, role),
    )


@role_required(RoleKind.METHODIST)
def hours_tutor(request, pk):
    return _tutor_page(request, _kept_tutor(request, pk))


@require_POST
@role_required(RoleKind.METHODIST)
@once("Время приёма уже добавлено.")
def hours_slot_create(request, pk):
    return _kept_add(request, pk, SLOT)


@require_POST
@role_required(RoleKind.METHODIST)
def hours_slot_delete(request, pk, slot_pk):
    role = _kept_tutor(request, pk)
    slot = get_object_or_404(
        AvailabilitySlot, pk=slot_pk, tutor=role.user, municipality=role.municipality
    )
    services.slot_delete(actor=request.user, slot=slot)
    messages.success(request, f"Время приёма удалено: {slot}.")
    return redirect("consultations:hours_tutor", pk=role.pk)


@require_POST
@role_required(RoleKind.METHODIST)
@once("Период без приёма уже добавлен.")
def hours_exception_create(request, pk):
    return _kept_add(request, pk, EXCEPTION)


@require_POST
@role_required(RoleKind.METHODIST)
def hours_exception_delete(request, pk, exception_pk):
    role = _kept_tutor(request, pk)
    exception = get_object_or_404(
        AvailabilityException, pk=exception_pk, tutor=role.user, municipality=role.municipality
    )
    services.exception_delete(actor=request.user, exception=exception)
    messages.success(request, f"Период без приёма удалён: {exception}.")
    return redirect("consultations:hours_tutor", pk=role.pk)
