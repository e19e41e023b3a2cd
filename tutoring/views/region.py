"""The region administrator's pages: the municipalities of their region, each with its
issuing organization (ИМЦ or УО) and its methodists and heads, invited by e-mail; and the
region's risk directions of the «500+» risk profile. A region administrator of another region
gets 404; everybody else 403."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import access_for, role_required
from ..forms import RiskDirectionForm
from ..forms_organizations import (
    RUSSIAN_TIMEZONES,
    FirstMethodistForm,
    IssuerForm,
    MunicipalityForm,
    MunicipalityUpdateForm,
    StaffInviteForm,
)
from ..models import Municipality, RiskDirection, RoleKind
from ..once import once
from ..refusals import attempt
from ..services import organizations as organization_services
from ..services import people as people_services
from . import paginate


class Parts:
    """The forms of one page as one to `attempt`: a refusal is shown next to the field it
    names in whichever form has it, or above the first."""

    def __init__(self, *forms):
        self.forms = forms
        self.fields = {name: None for f in forms for name in f.fields}

    def add_error(self, field, message) -> None:
        target = next((f for f in self.forms if field in f.fields), self.forms[0])
        target.add_error(field, message)


def administered(request, pk) -> Municipality:
    access = access_for(request.user)
    return get_object_or_404(
        Municipality.objects.filter(region__in=access.admin_regions).select_related("issuer"),
        pk=pk,
    )


def detail_context(municipality: Municipality, invite_form) -> dict:
    issuer = municipality.issuer
    return {
        "municipality": municipality,
        "timezone_label": dict(RUSSIAN_TIMEZONES).get(municipality.timezone, municipality.timezone),
        "issuer": issuer,
        "heads": issuer.heads.all() if issuer else [],
        "staff": selectors.municipality_staff(municipality),
        "invite_form": invite_form,
    }


@role_required(RoleKind.REGION_ADMIN)
def municipality_list(request):
    access = access_for(request.user)
    return render(
        request,
        "tutoring/region/municipality_list.html",
        {"page": paginate(request, selectors.region_municipalities(access))},
    )


@role_required(RoleKind.REGION_ADMIN)
@once("Муниципалитет уже создан: вот он.")
def municipality_create(request):
    access = access_for(request.user)
    data = request.POST or None
    form = MunicipalityForm(data, regions=access.admin_regions, prefix="municipality")
    issuer_form = IssuerForm(data, municipality=None, prefix="issuer")
    methodist_form = FirstMethodistForm(data, prefix="methodist")
    forms = (form, issuer_form, methodist_form)
    # Every part is checked, so that all mistakes are shown at once.
    valid = [f.is_valid() for f in forms]
    if request.method == "POST" and all(valid):
        done = attempt(
            request,
            organization_services.municipality_create,
            form=Parts(*forms),
            success=lambda municipality: f"{municipality.short_name}: муниципалитет создан.",
            **form.cleaned_data,
            issuer=issuer_form.data_object(),
            methodist=methodist_form.person(),
        )
        if done:
            if methodist_form.person() is not None:
                messages.info(request, "Методисту отправлено письмо-приглашение.")
            return redirect("municipality_detail", done.value.pk)
    return render(
        request,
        "tutoring/region/municipality_form.html",
        {"form": form, "issuer_form": issuer_form, "methodist_form": methodist_form},
    )


@role_required(RoleKind.REGION_ADMIN)
def municipality_detail(request, pk):
    municipality = administered(request, pk)
    return render(
        request,
        "tutoring/region/municipality_detail.html",
        detail_context(municipality, StaffInviteForm()),
    )


@role_required(RoleKind.REGION_ADMIN)
def municipality_update(request, pk):
    access = access_for(request.user)
    municipality = administered(request, pk)
    form = MunicipalityUpdateForm(
        request.POST or None, instance=municipality, regions=access.admin_regions
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            organization_services.municipality_update,
            form=form,
            success="Данные муниципалитета сохранены.",
            municipality=Municipality.objects.get(pk=pk),
            **form.cleaned_data,
        )
        if done:
            return redirect("municipality_detail", pk)
    return render(
        request,
        "tutoring/region/municipality_update.html",
        {"form": form, "municipality": municipality},
    )


@role_required(RoleKind.REGION_ADMIN)
@once("Организация, издающая документы, уже добавлена.")
def municipality_issuer_create(request, pk):
    municipality = administered(request, pk)
    form = IssuerForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            organization_services.organization_create,
            form=form,
            success="Организация, издающая документы, добавлена.",
            municipality=municipality,
            data=form.data_object(),
            as_issuer=True,
        )
        if done:
            return redirect("municipality_detail", pk)
    return render(
        request,
        "tutoring/organizations/form.html",
        {"form": form, "title": f"{municipality.short_name}: организация, издающая документы"},
    )


@require_POST
@role_required(RoleKind.REGION_ADMIN)
@once("Приглашение уже отправлено.")
def municipality_invite(request, pk):
    municipality = administered(request, pk)
    form = StaffInviteForm(request.POST)
    if form.is_valid():
        person = form.person()
        done = attempt(
            request,
            people_services.person_create,
            form=form,
            success=f"{person.last_name} {person.first_name}: приглашение отправлено "
            f"на {person.email}.",
            last_name=person.last_name,
            first_name=person.first_name,
            middle_name=person.middle_name,
            email=person.email,
            phone=person.phone,
            roles=[
                people_services.RoleSpec(
                    kind=form.cleaned_data["kind"],
                    municipality=municipality,
                    position=form.cleaned_data["position"],
                )
            ],
        )
        if done:
            return redirect("municipality_detail", pk)
    return render(
        request,
        "tutoring/region/municipality_detail.html",
        detail_context(municipality, form),
        status=400,
    )


# Risk directions.


def administered_direction(request, pk) -> RiskDirection:
    return get_object_or_404(selectors.risk_directions(access_for(request.user)), pk=pk)


@role_required(RoleKind.REGION_ADMIN)
def risk_direction_list(request):
    access = access_for(request.user)
    return render(
        request,
        "tutoring/region/risk_direction_list.html",
        {
            "directions": selectors.risk_directions(access),
            "several_regions": len(access.admin_regions) > 1,
        },
    )


@role_required(RoleKind.REGION_ADMIN)
@once("Направление уже добавлено.")
def risk_direction_create(request):
    form = RiskDirectionForm(request.POST or None, regions=access_for(request.user).admin_regions)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.risk_direction_create,
            form=form,
            success=lambda direction: f"Направление «{direction.name}» добавлено.",
            region=form.chosen_region(),
            name=form.cleaned_data["name"],
        )
        if done:
            return redirect("risk_direction_list")
    return render(request, "tutoring/region/risk_direction_form.html", {"form": form})


@role_required(RoleKind.REGION_ADMIN)
def risk_direction_update(request, pk):
    direction = administered_direction(request, pk)
    form = RiskDirectionForm(request.POST or None, initial={"name": direction.name})
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.risk_direction_rename,
            form=form,
            success="Направление сохранено.",
            direction=direction,
            name=form.cleaned_data["name"],
        )
        if done:
            return redirect("risk_direction_list")
    return render(
        request,
        "tutoring/region/risk_direction_form.html",
        {"form": form, "direction": direction, "history": selectors.object_history(direction)},
    )


@require_POST
@role_required(RoleKind.REGION_ADMIN)
def risk_direction_retire(request, pk):
    direction = administered_direction(request, pk)
    attempt(
        request,
        services.risk_direction_set_active,
        success=f"Направление «{direction.name}» выведено из употребления: оно остаётся в "
        "профилях, где уже оценено, но новым профилям не предлагается.",
        direction=direction,
        active=False,
    )
    return redirect("risk_direction_list")


@require_POST
@role_required(RoleKind.REGION_ADMIN)
def risk_direction_restore(request, pk):
    direction = administered_direction(request, pk)
    attempt(
        request,
        services.risk_direction_set_active,
        success=f"Направление «{direction.name}» снова предлагается для рисковых профилей.",
        direction=direction,
        active=True,
    )
    return redirect("risk_direction_list")
