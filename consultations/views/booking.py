"""The methodist's pages of matching and booking: schedule a request from the ranked tutors,
move or cancel a session, build the schedule of a period at once."""

import datetime

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.errors import DomainError
from tutoring.models import Municipality, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt, refuse
from tutoring.views import paginate
from tutoring.words import end_sentence

from .. import selectors
from ..forms.booking import BookingForm, BuildForm, CancelForm, RescheduleForm
from ..matching import rank_tutors
from ..models import ConsultationRequest, ScheduleBuild, Session
from ..services import booking as services
from ..services import schedule_batches
from ..services.availability import free_intervals
from ..services.requests import REQUEST

# How far ahead the reschedule page shows the tutor's free time.
FREE_TIME_AHEAD = datetime.timedelta(days=21)


def _when(session: Session) -> str:
    zone = session.municipality.tzinfo
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"


def _next_quarter(moment: datetime.datetime) -> datetime.datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment + datetime.timedelta(minutes=-moment.minute % 15 or 15)


def _coordinated_request(request, pk):
    access = access_for(request.user)
    consultation_request = get_object_or_404(
        selectors.requests_for(access).prefetch_related("windows"), pk=pk
    )
    require(access.holds(RoleKind.METHODIST, municipality=consultation_request.municipality_id))
    return consultation_request


def _coordinated_session(request, pk) -> Session:
    access = access_for(request.user)
    session = get_object_or_404(
        selectors.sessions_for(access).select_related("request__municipality"), pk=pk
    )
    require(access.holds(RoleKind.METHODIST, municipality=session.municipality_id))
    return session


def _prefill(params, zone) -> dict:
    """A free interval chosen from the ranking arrives as ?tutor=…&start=YYYY-MM-DDTHH:MM."""
    initial = {}
    if params.get("tutor", "").isdigit():
        initial["tutor"] = int(params["tutor"])
    try:
        start = datetime.datetime.fromisoformat(params.get("start", ""))
    except ValueError:
        return initial
    start = start.astimezone(zone) if timezone.is_aware(start) else start
    initial.update(date=start.date(), time=start.time().replace(second=0, microsecond=0))
    return initial


@role_required(RoleKind.METHODIST)
@once("Занятие уже назначено.")
def request_schedule(request, pk):
    consultation_request = _coordinated_request(request, pk)
    zone = consultation_request.municipality.tzinfo
    form = BookingForm(
        request.POST or None,
        request=consultation_request,
        initial=_prefill(request.GET, zone),
    )
    if request.method == "POST" and form.is_valid():
        outside = ", вне желаемых дат заявителя" if form.is_outside_windows() else ""
        series = form.series()
        if series is not None:
            if attempt(
                request,
                services.series_book,
                form=form,
                request=consultation_request,
                success=lambda booked: end_sentence(
                    f"Назначена {str(booked).lower()}, тьютор {booked.tutor.short_name}" + outside
                ),
                **form.booking(),
                **series,
            ):
                return redirect(consultation_request)
        elif attempt(
            request,
            services.session_book,
            form=form,
            request=consultation_request,
            success=lambda session: end_sentence(
                f"Занятие назначено: {_when(session)}, тьютор {session.tutor.short_name}" + outside
            ),
            **form.booking(),
        ):
            return redirect(consultation_request)
    candidates = rank_tutors(consultation_request, include_blocked=True)
    sessions = consultation_request.sessions.select_related("tutor", "point", "room").exclude(
        status=Session.Status.CANCELLED
    )
    return render(
        request,
        "consultations/booking/request_schedule.html",
        {
            "req": consultation_request,
            "form": form,
            "can_book": "schedule"
            in REQUEST.available(access_for(request.user), consultation_request),
            "candidates": [c for c in candidates if not c.blocked],
            "blocked": [c for c in candidates if c.blocked],
            "sessions": sessions,
            "zone": zone,
        },
    )


@role_required(RoleKind.METHODIST)
def session_reschedule(request, pk):
    session = _coordinated_session(request, pk)
    zone = session.municipality.tzinfo
    start = session.starts_at.astimezone(zone)
    initial = {
        "date": start.date(),
        "time": start.time(),
        "duration": int((session.ends_at - session.starts_at).total_seconds() // 60),
    } | _prefill(request.GET, zone)
    form = RescheduleForm(request.POST or None, session=session, initial=initial)
    if request.method == "POST" and form.is_valid():
        note = ", вне желаемых дат заявителя" if form.is_outside_windows() else ""
        moving = form.moving()
        what = (
            "Занятия серии перенесены, первое — на"
            if moving["following"]
            else "Занятие перенесено на"
        )
        if attempt(
            request,
            services.session_reschedule,
            form=form,
            session=session,
            success=lambda moved: f"{what} {_when(moved)}{note}.",
            **moving,
        ):
            return redirect(session.request or "consultations:session_list")
    today = timezone.localdate(timezone=zone)
    free = free_intervals(
        tutor=session.tutor,
        municipality=session.municipality,
        starts_on=today,
        ends_on=today + FREE_TIME_AHEAD,
        ignore_session=session,
    )
    now = timezone.now()
    return render(
        request,
        "consultations/booking/session_reschedule.html",
        {
            "session": session,
            "form": form,
            "cancel_form": CancelForm(series=bool(session.series_id)),
            # An interval that has begun is offered from the next quarter hour, not from its
            # start in the past (which the booking would refuse).
            "free": [(max(s, _next_quarter(now)), e) for s, e in free if e > _next_quarter(now)],
            "is_planned": session.status == Session.Status.PLANNED,
            "zone": zone,
        },
    )


@require_POST
@role_required(RoleKind.METHODIST)
def session_cancel(request, pk):
    session = _coordinated_session(request, pk)
    form = CancelForm(request.POST, series=bool(session.series_id))
    if not form.is_valid():
        refuse(request, DomainError("Укажите причину отмены: заявитель и тьютор увидят её."))
        return redirect("consultations:session_reschedule", pk=session.pk)
    following = form.cleaned_data.get("following", False)
    if not attempt(
        request,
        services.session_cancel,
        session=session,
        reason=form.cleaned_data["reason"],
        following=following,
        success=(
            "Занятия серии отменены, время тьютора и помещения освободилось."
            if following
            else "Занятие отменено, время тьютора и помещения освободилось."
        ),
    ):
        return redirect("consultations:session_reschedule", pk=session.pk)
    if session.request_id is not None:
        return redirect("consultations:request_schedule", pk=session.request_id)
    return redirect("consultations:session_list")


def _methodist_municipalities(request):
    access = access_for(request.user)
    return Municipality.objects.filter(
        pk__in=[role.municipality_id for role in access.roles_of(RoleKind.METHODIST)]
    )


@role_required(RoleKind.METHODIST)
@once("График уже строится: вот его страница.")
def schedule_build(request):
    """The form of «Построить график»: the build runs as a task, its page follows it."""
    municipalities = _methodist_municipalities(request)
    today = timezone.localdate()
    form = BuildForm(
        request.POST or None,
        municipalities=municipalities,
        initial={"starts_on": today, "ends_on": today + datetime.timedelta(days=30)},
    )
    if request.method == "POST" and form.is_valid():
        started = attempt(
            request,
            schedule_batches.schedule_build_start,
            form=form,
            point=form.cleaned_data["point"],
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
        )
        if started:
            return redirect(started.value)
    builds = ScheduleBuild.objects.filter(municipality__in=municipalities).select_related(
        "point", "created_by"
    )[:10]
    return render(
        request,
        "consultations/booking/schedule_build.html",
        {"form": form, "builds": builds},
    )


def _build(request, pk) -> ScheduleBuild:
    return get_object_or_404(
        ScheduleBuild.objects.select_related("point", "municipality", "created_by"),
        pk=pk,
        municipality__in=_methodist_municipalities(request),
    )


@role_required(RoleKind.METHODIST)
def schedule_build_detail(request, pk):
    build = _build(request, pk)
    booked, unplaced = None, []
    if not build.is_running:
        booked = paginate(
            request,
            build.sessions.select_related(
                "request__organization", "tutor", "room", "municipality"
            ).order_by("starts_at", "pk"),
        )
        reasons = dict(build.unplaced)
        requests = ConsultationRequest.objects.select_related("organization").in_bulk(reasons)
        unplaced = [(requests[pk], reason) for pk, reason in reasons.items() if pk in requests]
    return render(
        request,
        "consultations/booking/schedule_build_detail.html",
        {"build": build, "booked": booked, "unplaced": unplaced},
    )


@role_required(RoleKind.METHODIST)
def schedule_build_progress(request, pk):
    """The progress block, polled by htmx while the build runs."""
    build = _build(request, pk)
    response = render(request, "consultations/booking/_build_progress.html", {"build": build})
    if not build.is_running:
        response["HX-Refresh"] = "true"  # over: the page shows its result
    return response
