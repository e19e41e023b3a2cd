from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import Organization, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import RequestFilter
from ..forms.reports import RatingForm
from ..forms.requests import ReasonForm, RequestForm, WindowFormSet, WithdrawForm, windows_of
from ..models import ConsultationRequest, Session
from ..services import requests as services

Status = ConsultationRequest.Status


@role_required(*RoleKind.values)
def request_list(request):
    access = access_for(request.user)
    filterset = RequestFilter(request.GET, queryset=selectors.requests_for(access))
    return render(
        request,
        "consultations/requests/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_file": access.has(RoleKind.SCHOOL, RoleKind.TEACHER),
        },
    )


def _school_for_methodist(request, access) -> Organization:
    """A methodist files on a school's behalf, for a school of their municipality named in
    the link (a row of the results' risk list carries it)."""
    municipalities = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
    chosen = request.GET.get("organization", "")
    return get_object_or_404(
        Organization.objects.schools().open().filter(municipality__in=municipalities),
        pk=int(chosen) if chosen.isdigit() else 0,
    )


@role_required(RoleKind.SCHOOL, RoleKind.TEACHER, RoleKind.METHODIST)
@once()
def request_create(request):
    access = access_for(request.user)
    organization, for_teacher = access.filer()
    if organization is None:
        organization = _school_for_methodist(request, access)
    teacher = request.user if for_teacher else None
    form = RequestForm(
        request.POST or None,
        organization=organization,
        for_teacher=teacher,
        initial=_prefill(request.GET),
    )
    windows = WindowFormSet(request.POST or None, prefix="windows")
    if request.method == "POST" and form.is_valid() and windows.is_valid():
        filed = attempt(
            request,
            services.request_create,
            form=form,
            organization=organization,
            windows=windows_of(windows),
            success=lambda filed: f"{filed} подана. Методист рассмотрит её.",
            **form.cleaned_data,
        )
        if filed:
            return redirect(filed.value)
    return render(
        request,
        "consultations/requests/form.html",
        {"form": form, "windows": windows, "organization": organization},
    )


PREFILLED = ("kind", "subject", "topic", "difficulty", "teacher")


def _prefill(query) -> dict:
    """A request can come pre-filled from elsewhere in the portal (an expert conclusion's
    remarks, a row of the risk list): the link carries the values, the person checks them,
    adds the dates and files it. Only a form's initial values: nothing is trusted unchecked."""
    return {name: query[name] for name in PREFILLED if query.get(name)}


def visible_request(request, pk):
    sessions = Session.objects.select_related("tutor", "point", "room").order_by("starts_at")
    return get_object_or_404(
        selectors.requests_for(access_for(request.user)).prefetch_related(
            "windows", Prefetch("sessions", queryset=sessions)
        ),
        pk=pk,
    )


def is_requester(user, consultation_request) -> bool:
    return services.is_requester(access_for(user), consultation_request)


@role_required(*RoleKind.values)
def request_detail(request, pk):
    access = access_for(request.user)
    consultation_request = visible_request(request, pk)
    requester = services.is_requester(access, consultation_request)
    # The prefetched sessions themselves gain `join_link`, so the template reads it from them.
    selectors.with_join_links(access, consultation_request.sessions.all())
    return render(
        request,
        "consultations/requests/detail.html",
        {
            "req": consultation_request,
            "moves": services.REQUEST.available(access, consultation_request),
            "can_edit": requester and consultation_request.status == Status.SUBMITTED,
            "can_rate": requester
            and consultation_request.status == Status.CLOSED
            and consultation_request.rating is None,
            "rating_form": RatingForm(),
            "reason_form": ReasonForm(),
            "withdraw_form": WithdrawForm(),
            "history": object_history(consultation_request, *consultation_request.sessions.all()),
        },
    )


@role_required(RoleKind.SCHOOL, RoleKind.TEACHER)
def request_update(request, pk):
    consultation_request = visible_request(request, pk)
    require(is_requester(request.user, consultation_request))
    if consultation_request.status != Status.SUBMITTED:
        messages.error(request, "Заявку можно изменить, пока её не приняли.")
        return redirect(consultation_request)
    for_teacher = (
        consultation_request.teacher if not access_for(request.user).has(RoleKind.SCHOOL) else None
    )
    form = RequestForm(
        request.POST or None,
        instance=consultation_request,
        organization=consultation_request.organization,
        for_teacher=for_teacher,
    )
    initial = [
        {"starts_on": w.starts_on, "ends_on": w.ends_on} for w in consultation_request.windows.all()
    ]
    windows = WindowFormSet(request.POST or None, prefix="windows", initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and windows.is_valid()
        and attempt(
            request,
            services.request_update,
            form=form,
            request=consultation_request,
            windows=windows_of(windows),
            success="Заявка изменена.",
            **{name: form.cleaned_data.get(name) for name in services.REQUEST_FIELDS},
        )
    ):
        return redirect(consultation_request)
    return render(
        request,
        "consultations/requests/form.html",
        {"form": form, "windows": windows, "req": consultation_request},
    )


def _act(request, consultation_request, service, success, **kwargs):
    attempt(request, service, request=consultation_request, success=success, **kwargs)
    return redirect(consultation_request)


@require_POST
@role_required(RoleKind.SCHOOL, RoleKind.TEACHER)
def request_withdraw(request, pk):
    consultation_request = visible_request(request, pk)
    require(is_requester(request.user, consultation_request))
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Напишите, почему заявка больше не нужна: методист увидит это.")
        return redirect(consultation_request)
    return _act(
        request,
        consultation_request,
        services.request_withdraw,
        "Заявка отозвана.",
        reason=form.cleaned_data["reason"],
    )


def _coordinated(request, pk):
    consultation_request = visible_request(request, pk)
    require(
        access_for(request.user).holds(
            RoleKind.METHODIST, municipality=consultation_request.municipality_id
        )
    )
    return consultation_request


@require_POST
@role_required(RoleKind.METHODIST)
def request_accept(request, pk):
    consultation_request = _coordinated(request, pk)
    return _act(
        request,
        consultation_request,
        services.request_accept,
        "Заявка принята. Назначьте занятие: подберите тьютора и время.",
    )


@require_POST
@role_required(RoleKind.METHODIST)
def request_reject(request, pk):
    return _decide_with_reason(request, pk, services.request_reject, "Заявка отклонена.")


@require_POST
@role_required(RoleKind.METHODIST)
def request_cancel(request, pk):
    return _decide_with_reason(
        request, pk, services.request_cancel, "Заявка отменена; её занятия сняты с графика."
    )


def _decide_with_reason(request, pk, service, success):
    consultation_request = _coordinated(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите причину: заявитель увидит её.")
        return redirect(consultation_request)
    return _act(request, consultation_request, service, success, reason=form.cleaned_data["reason"])
