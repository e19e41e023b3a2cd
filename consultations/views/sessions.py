from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from .. import series as series_dates
from ..filters import SessionFilter
from ..forms.reports import RatingForm, ReportForm
from ..models import Session, SessionSeries
from ..services import reports as services
from ..services.booking import SESSION
from .requests import is_requester, visible_request


@role_required(*RoleKind.values)
def session_list(request):
    """The agenda: a tutor's own sessions, a school's and a teacher's, or the municipality's
    for its coordinators; from today on unless a period is chosen."""
    access = access_for(request.user)
    data = request.GET.copy()
    data.setdefault("since", timezone.localdate().isoformat())
    filterset = SessionFilter(
        data,
        queryset=selectors.sessions_for(access).select_related("request__organization"),
        access=access,
    )
    # The page's ids first, from the sessions alone, then those sessions with what their rows
    # show: asked for the whole filter at once, the joins made PostgreSQL hash every request
    # and user of the region for 25 rows (35 ms at a region's size, 1 ms a tenth of it).
    page = paginate(request, filterset.qs.values_list("pk", flat=True))
    ids = list(page.object_list)
    sessions = filterset.qs.in_bulk(ids)
    page.object_list = selectors.with_join_links(access, [sessions[pk] for pk in ids])
    return render(
        request,
        "consultations/sessions/list.html",
        {"filter": filterset, "page": page, "can_record": access.has(RoleKind.TUTOR)},
    )


def _session(request, pk):
    access = access_for(request.user)
    return get_object_or_404(
        selectors.sessions_for(access).select_related(
            "request__organization", "report", "municipality", "observation", "series", "subject"
        ),
        pk=pk,
    )


@role_required(*RoleKind.values)
def session_detail(request, pk):
    session = _session(request, pk)
    access = access_for(request.user)
    moves = SESSION.available(access, session)
    # The tutor reports once the session is over; before that the page says from when.
    reports = "held" in moves
    return render(
        request,
        "consultations/sessions/detail.html",
        {
            "session": session,
            "report": getattr(session, "report", None),
            "can_report": reports and session.is_over,
            "report_not_yet": reports and not session.is_over and services.report_not_yet(session),
            "moves": moves,
            "join_link": session.meeting_link if selectors.may_join(access, session) else "",
            "own_cancel": session.is_own
            and "cancel" in moves
            and session.tutor_id == request.user.pk,
            "observation": session.observation
            if selectors.may_see_observation(access, session)
            else None,
            "teachers": list(session.teachers.all()),
            "number": series_dates.numbers(session.series_id).get(session.pk)
            if session.series_id
            else None,
            "own_edit": session.is_own
            and session.tutor_id == request.user.pk
            and session.status == Session.Status.PLANNED
            and not session.is_over,
            "history": object_history(session),
        },
    )


@role_required(*RoleKind.values)
def series_detail(request, pk):
    """A series' occurrences that the user may see, numbered in the series, with their state:
    at most SessionSeries.MAX_OCCURRENCES rows, so not paginated."""
    access = access_for(request.user)
    series = get_object_or_404(SessionSeries.objects.select_related("tutor", "request"), pk=pk)
    sessions = list(
        selectors.sessions_for(access).filter(series=series).order_by("starts_at", "pk")
    )
    if not sessions:
        raise Http404
    numbered = series_dates.numbers(series.pk)
    for session in sessions:
        session.number = numbered[session.pk]
    sessions = selectors.with_join_links(access, sessions)
    planned = [s for s in sessions if s.status == Session.Status.PLANNED]
    return render(
        request,
        "consultations/sessions/series.html",
        {
            "series": series,
            "sessions": sessions,
            "first": sessions[0],
            "total": len(numbered),
            "planned": len(planned),
            "next": next((s for s in planned if not s.is_over), None),
        },
    )


@role_required(RoleKind.TUTOR)
@once("Отчёт о занятии уже сохранён.")
def report_create(request, pk):
    session = _session(request, pk)
    require(session.tutor_id == request.user.pk)
    if session.status == Session.Status.PLANNED and not session.is_over:
        # Said before the form is filled in, not after.
        messages.info(request, services.report_not_yet(session))
        return redirect(session)
    form = ReportForm(request.POST or None, request.FILES or None, session=session)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            request,
            services.report_file,
            form=form,
            session=session,
            success="Отчёт о занятии сохранён.",
            **form.cleaned_data,
        )
    ):
        return redirect(session)
    return render(
        request, "consultations/sessions/report_form.html", {"form": form, "session": session}
    )


@require_POST
@role_required(RoleKind.SCHOOL, RoleKind.TEACHER)
def request_rate(request, pk):
    consultation_request = visible_request(request, pk)
    require(is_requester(request.user, consultation_request))
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите оценку от 1 до 5.")
        return redirect(consultation_request)
    attempt(
        request,
        services.request_rate,
        request=consultation_request,
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
        success="Спасибо за оценку: она поможет сообществу тьюторов.",
    )
    return redirect(consultation_request)


@role_required(*RoleKind.values)
def report_materials(request, pk):
    """The report's file, to whoever may see the session (media is never served directly)."""
    session = _session(request, pk)
    report = getattr(session, "report", None)
    if report is None or not report.materials:
        raise Http404
    name = report.materials_name or report.materials.name.rpartition("/")[2]
    return FileResponse(report.materials.open("rb"), as_attachment=True, filename=name)
