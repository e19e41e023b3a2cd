"""Organizations in the browser: the municipality's methodist (and the region administrator)
adds, edits, closes and reopens them and sets their ШНОР/ШССУ statuses. Everyone else who
sees a card reads it only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import access_for, require
from ..forms_organizations import CloseForm, NewOrganizationForm, OrganizationForm, SchoolStatusForm
from ..models import Organization
from ..once import once
from ..refusals import attempt
from ..services import organizations as organization_services


def managed_organization(request, pk) -> Organization:
    """An organization the user sees (404 otherwise) and manages (403 otherwise)."""
    access = access_for(request.user)
    organization = get_object_or_404(selectors.organizations_visible(access), pk=pk)
    require(access.manages_organizations_of(organization.municipality))
    return organization


@login_required
@once("Организация уже добавлена: вот она.")
def organization_create(request):
    access = access_for(request.user)
    municipalities = access.administered_municipalities().order_by("name")
    require(municipalities.exists())
    chosen = request.GET.get("municipality", "")
    initial = {"municipality": int(chosen)} if chosen.isdigit() else {}
    form = NewOrganizationForm(request.POST or None, municipalities=municipalities, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            organization_services.organization_create,
            form=form,
            success=lambda organization: f"{organization.short_name}: организация добавлена.",
            municipality=form.cleaned_data["municipality"],
            data=form.data_object(),
        )
        if done:
            return redirect(done.value)
    return render(
        request,
        "tutoring/organizations/form.html",
        {"form": form, "title": "Новая организация"},
    )


@login_required
def organization_update(request, pk):
    organization = managed_organization(request, pk)
    form = OrganizationForm(
        request.POST or None, instance=organization, municipality=organization.municipality
    )
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            organization_services.organization_update,
            form=form,
            success="Карточка организации сохранена.",
            organization=organization,
            data=form.data_object(),
        )
        if done:
            return redirect("organization_detail", pk)
    return render(
        request,
        "tutoring/organizations/form.html",
        {
            "form": form,
            "organization": organization,
            "title": f"{organization.short_name}: карточка",
        },
    )


@login_required
def organization_close(request, pk):
    organization = managed_organization(request, pk)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            organization_services.organization_close,
            form=form,
            success=f"{organization.short_name} закрыта: её история сохранена, в новых записях "
            "она больше не предлагается.",
            organization=organization,
            closed_on=form.cleaned_data["closed_on"],
        )
        if done:
            return redirect("organization_detail", pk)
    return render(
        request, "tutoring/organizations/close.html", {"form": form, "organization": organization}
    )


@require_POST
@login_required
def organization_reopen(request, pk):
    organization = managed_organization(request, pk)
    attempt(
        request,
        organization_services.organization_reopen,
        success=f"{organization.short_name} снова работает.",
        organization=organization,
    )
    return redirect("organization_detail", pk)


@require_POST
@login_required
def organization_status_set(request, pk):
    organization = managed_organization(request, pk)
    require(organization.kind == Organization.Kind.SCHOOL)
    form = SchoolStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите учебный год и статус.")
        return redirect("organization_detail", pk)
    year, kind = form.cleaned_data["academic_year"], form.cleaned_data["kind"]
    status, created = services.school_status_set(
        actor=request.user, organization=organization, academic_year=year, kind=kind
    )
    if created:
        messages.success(request, f"Статус {status.get_kind_display()} на {year} год присвоен.")
    else:
        messages.info(request, f"Статус {status.get_kind_display()} на {year} год уже был.")
    return redirect("organization_detail", pk)


@require_POST
@login_required
def organization_status_remove(request, pk, status_pk):
    organization = managed_organization(request, pk)
    status = get_object_or_404(organization.statuses.select_related("academic_year"), pk=status_pk)
    services.school_status_remove(
        actor=request.user,
        organization=organization,
        academic_year=status.academic_year,
        kind=status.kind,
    )
    messages.success(
        request, f"Статус {status.get_kind_display()} на {status.academic_year} учебный год снят."
    )
    return redirect("organization_detail", pk)
