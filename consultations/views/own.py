"""The tutor's own work: record a session held or planned, or plan a series; change or cancel
a planned one (or it and the rest of its series)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import Municipality, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.words import plural

from .. import selectors
from ..forms.own import OwnCancelForm, OwnSessionEditForm, OwnSessionForm
from ..models import Session
from ..services import own as services


def _municipality(request) -> Municipality:
    """The municipality the tutor records in: theirs, or the one chosen if they have two."""
    ids = services.tutor_municipalities(request.user)
    require(bool(ids))
    chosen = request.GET.get("municipality", "")
    if chosen.isdigit() and int(chosen) in ids:
        return get_object_or_404(Municipality, pk=int(chosen))
    return Municipality.objects.filter(pk__in=ids).order_by("name").first()


@role_required(RoleKind.TUTOR)
@once("Занятие уже записано.")
def own_session_create(request):
    municipality = _municipality(request)
    form = OwnSessionForm(
        request.POST or None,
        request.FILES or None,
        tutor=request.user,
        municipality=municipality,
    )
    if request.method == "POST" and form.is_valid():
        series = form.series()
        if series is None:
            outcome = attempt(
                request,
                services.own_session_record,
                form=form,
                municipality=municipality,
                data=form.own_session(),
                success="Занятие записано.",
            )
            if outcome:
                return redirect(outcome.value)
        else:
            outcome = attempt(
                request,
                services.own_series_record,
                form=form,
                municipality=municipality,
                data=form.own_session(),
                **series,
            )
            if outcome:
                first = outcome.value.sessions.order_by("starts_at").first()
                count = outcome.value.count
                messages.success(
                    request,
                    f"Серия запланирована: {plural(count, 'занятие', 'занятия', 'занятий')}.",
                )
                return redirect(first)
    return render(
        request,
        "consultations/sessions/own_form.html",
        {"form": form, "municipality": municipality},
    )


def _own_planned(request, pk):
    """The tutor's own session; anyone else's is not found."""
    access = access_for(request.user)
    session = get_object_or_404(
        selectors.sessions_for(access).select_related("series"),
        pk=pk,
        tutor=request.user,
        origin=Session.Origin.OWN,
    )
    return session


@role_required(RoleKind.TUTOR)
@once("Изменения уже сохранены.")
def own_session_update(request, pk):
    session = _own_planned(request, pk)
    editable = session.status == Session.Status.PLANNED and not session.is_over
    form = OwnSessionEditForm(request.POST or None, session=session)
    if request.method == "POST" and editable and form.is_valid():
        following = form.following()
        outcome = attempt(
            request,
            services.own_session_update,
            form=form,
            session=session,
            data=form.own_session(),
            following=following,
            success=lambda changed: (
                f"Изменено {plural(len(changed), 'занятие', 'занятия', 'занятий')} серии."
                if following
                else "Занятие изменено."
            ),
        )
        if outcome:
            return redirect(session)
    return render(
        request,
        "consultations/sessions/own_form.html",
        {
            "form": form,
            "municipality": session.municipality,
            "session": session,
            "editable": editable,
        },
    )


@require_POST
@role_required(RoleKind.TUTOR)
def own_session_cancel(request, pk):
    access = access_for(request.user)
    session = get_object_or_404(selectors.sessions_for(access), pk=pk, tutor=request.user)
    require(session.is_own)
    form = OwnCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину отмены: участники увидят её.")
        return redirect(session)
    attempt(
        request,
        services.own_session_cancel,
        session=session,
        reason=form.cleaned_data["reason"],
        following=form.cleaned_data["following"],
        success="Занятие отменено." if not form.cleaned_data["following"] else "Занятия отменены.",
    )
    return redirect(session)
