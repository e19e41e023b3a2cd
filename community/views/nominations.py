from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import NominationFilter
from ..forms.rosters import NominationForm, RejectForm
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
        done = attempt(
            request,
            services.nomination_create,
            form=form,
            organization=organization,
            success="Предложение отправлено методисту.",
            **form.cleaned_data,
        )
        if done:
            for warning in done.value.eligibility_warnings:
                messages.warning(request, f"Обратите внимание: {warning}")
            return redirect(done.value)
    return render(
        request,
        "community/nominations/form.html",
        {"form": form, "organization": organization},
    )


@role_required(RoleKind.METHODIST, RoleKind.SCHOOL)
def nomination_detail(request, pk):
    access = access_for(request.user)
    nomination = get_object_or_404(selectors.nominations_for(access), pk=pk)
    return render(
        request,
        "community/nominations/detail.html",
        {
            "nomination": nomination,
            "moves": services.NOMINATION.available(access, nomination),
            "reject_form": RejectForm(),
            "history": object_history(nomination),
        },
    )


def _decidable(request, pk):
    access = access_for(request.user)
    nomination = get_object_or_404(selectors.nominations_for(access), pk=pk)
    # Both decisions are the same person's: the one allowed to accept may reject.
    require(services.NOMINATION.by_name["accept"].allowed(access, nomination))
    return nomination


@require_POST
@role_required(RoleKind.METHODIST)
def nomination_accept(request, pk):
    nomination = _decidable(request, pk)
    done = attempt(
        request,
        services.nomination_accept,
        nomination=nomination,
        success=lambda entry: f"{nomination.teacher.short_name} включён(а) в {entry.roster}.",
    )
    return redirect(done.value.roster if done else nomination)


@require_POST
@role_required(RoleKind.METHODIST)
def nomination_reject(request, pk):
    nomination = _decidable(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            services.nomination_reject,
            nomination=nomination,
            reason=form.cleaned_data["reason"],
            success="Предложение отклонено; школа увидит причину.",
        )
        return redirect(nomination)
    return render(
        request,
        "community/nominations/detail.html",
        {
            "nomination": nomination,
            "moves": services.NOMINATION.available(access_for(request.user), nomination),
            "reject_form": form,
            "history": object_history(nomination),
        },
        status=400,
    )
