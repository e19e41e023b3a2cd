from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind
from tutoring.once import once
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import NominationFilter
from ..forms.rosters import NominationForm, RejectForm
from ..models import DomainError
from ..services import rosters as services


@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def nomination_list(request):
    access = access_for(request.user)
    filterset = NominationFilter(request.GET, queryset=selectors.nominations_for(access))
    return render(
        request,
        "community/nominations/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_nominate": access.has(RoleKind.SCHOOL),
        },
    )


@role_required(RoleKind.SCHOOL)
@once("Предложение уже отправлено: вот оно.")
def nomination_create(request):
    access = access_for(request.user)
    # A school's staff nominate for their own school (the first, if they serve several).
    organization = access.roles_of(RoleKind.SCHOOL)[0].organization
    form = NominationForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.nomination_create(
                actor=request.user,
                organization=organization,
                **data,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Предложение отправлено методисту.")
            for warning in nomination.eligibility_warnings:
                messages.warning(request, f"Обратите внимание: {warning}")
            return redirect(nomination)
    return render(
        request,
        "community/nominations/form.html",
        {"form": form, "organization": organization},
    )


@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def nomination_detail(request, pk):
    access = access_for(request.user)
    nomination = get_object_or_404(selectors.nominations_for(access), pk=pk)
    can_decide = services.NOMINATION.can(access, nomination, "accept")
    return render(
        request,
        "community/nominations/detail.html",
        {
            "nomination": nomination,
            "can_decide": can_decide,
            "reject_form": RejectForm(),
            "history": object_history(nomination),
        },
    )


def _decidable(request, pk):
    access = access_for(request.user)
    nomination = get_object_or_404(selectors.nominations_for(access), pk=pk)
    require(access.holds(RoleKind.METHODIST, municipality=nomination.municipality_id))
    return nomination


@require_POST
@role_required(RoleKind.METHODIST)
def nomination_accept(request, pk):
    nomination = _decidable(request, pk)
    try:
        entry = services.nomination_accept(actor=request.user, nomination=nomination)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(nomination)
    messages.success(request, f"{nomination.teacher.short_name} включён(а) в {entry.roster}.")
    return redirect(entry.roster)


@require_POST
@role_required(RoleKind.METHODIST)
def nomination_reject(request, pk):
    nomination = _decidable(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_reject(
                actor=request.user, nomination=nomination, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Предложение отклонено; школа увидит причину.")
        return redirect(nomination)
    return render(
        request,
        "community/nominations/detail.html",
        {
            "nomination": nomination,
            "can_decide": True,
            "reject_form": form,
            "history": object_history(nomination),
        },
        status=400,
    )
