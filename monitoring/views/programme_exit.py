"""Leaving the list: the municipality's rule, the schools that meet it after a year, and the
methodist's confirmation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import AcademicYear, Municipality, Organization, RoleKind
from tutoring.refusals import attempt
from tutoring.selectors import object_history

from ..figures_cache import results_cache
from ..programmes import exit as exits
from ..programmes import services
from ..programmes.forms import ExitRuleForm
from .programme_report import readable_municipalities

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


def _municipality(request) -> Municipality:
    # The same municipalities as the report upward: every one for `regional`, the
    # methodist's and the director's own.
    municipalities = readable_municipalities(access_for(request.user))
    chosen = request.GET.get("municipality") or request.POST.get("municipality")
    if chosen and str(chosen).isdigit():
        return get_object_or_404(municipalities, pk=chosen)
    first = municipalities.order_by("name").first()
    require(first is not None)
    return first


def _url(municipality, year) -> str:
    url = reverse("monitoring:programme_exit")
    return f"{url}?municipality={municipality.pk}&year={year.pk}" if year else url


@role_required(*READERS)
@results_cache()
def programme_exit(request):
    access = access_for(request.user)
    municipality = _municipality(request)
    year = AcademicYear.objects.named(request.GET.get("year")) or AcademicYear.objects.current()
    years, rows = exits.exit_rows(municipality, year) if year else ([], [])
    rule = exits.rule_of(municipality)
    manages = access.holds(RoleKind.METHODIST, municipality=municipality)
    return render(
        request,
        "monitoring/programmes/exit.html",
        {
            "municipality": municipality,
            "municipalities": access.municipalities().order_by("name")
            if access.everywhere
            else None,
            "year": year,
            "years_all": AcademicYear.objects.order_by("-start_year"),
            "years": years,
            "rows": rows,
            "rule": rule,
            "rule_text": exits.rule_text(rule),
            "manages": manages,
            "form": ExitRuleForm(
                initial={"years": rule.years, "confirmed_min": rule.confirmed_min}
            ),
            "history": object_history(rule) if rule.pk else [],
        },
    )


@require_POST
@role_required(RoleKind.METHODIST)
def exit_rule_update(request):
    municipality = _municipality(request)
    form = ExitRuleForm(request.POST)
    year = AcademicYear.objects.named(request.POST.get("year"))
    if form.is_valid():
        attempt(
            request,
            services.exit_rule_set,
            success="Правило выхода из списка сохранено.",
            municipality=municipality,
            **form.cleaned_data,
        )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_url(municipality, year))


@require_POST
@role_required(RoleKind.METHODIST)
def exit_confirm(request, school, year):
    access = access_for(request.user)
    organization = get_object_or_404(
        Organization.objects.filter(municipality__in=access.municipality_ids).select_related(
            "municipality"
        ),
        pk=school,
    )
    academic_year = get_object_or_404(AcademicYear, pk=year)
    with results_cache():
        attempt(
            request,
            services.programme_exit_confirm,
            success=f"{organization.short_name} выходит из списка после {academic_year} "
            "учебного года.",
            organization=organization,
            academic_year=academic_year,
        )
    return redirect(_url(organization.municipality, academic_year))
