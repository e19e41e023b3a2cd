"""Where support is needed: the risk list of a municipality's results, and what the methodist
does from a row (mark the school ШНОР/ШССУ, open a request, assign a tutor)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from consultations.models import RequestKind
from tutoring.access import access_for, require, role_required
from tutoring.models import Municipality, Organization, RoleKind, SchoolStatus
from tutoring.services import school_status_set

from .. import analysis, risks
from ..figures_cache import results_cache
from ..models import Assessment

READERS = (
    RoleKind.METHODIST,
    RoleKind.DIRECTOR,
    RoleKind.TUTOR,
    RoleKind.SCHOOL,
    RoleKind.REGIONAL,
)


class RiskForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=Municipality.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label="Год результатов", coerce=int)

    def __init__(self, data, *, municipalities, years, default=None):
        data = data.copy()
        if municipalities:
            data.setdefault("municipality", (default or municipalities[0]).pk)
        if years:
            data.setdefault("year", years[0])
        super().__init__(data)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=[m.pk for m in municipalities]
        ).order_by("name")
        if len(municipalities) < 2:
            self.fields["municipality"].widget = forms.HiddenInput()
        self.fields["year"].choices = [(year, year) for year in years]


def _scope(access):
    """The municipalities the user reads whole, and the school a school's staff is limited to."""
    school = None
    if access.everywhere:
        municipalities = list(Municipality.objects.order_by("name"))
    else:
        municipalities = list(
            Municipality.objects.filter(pk__in=access.municipality_ids).order_by("name")
        )
        if not municipalities:
            role = access.roles_of(RoleKind.SCHOOL)[0]
            school, municipalities = role.organization, [role.organization.municipality]
    return municipalities, school


def _request_link(row, year, *, methodist: bool) -> str:
    query = {
        "kind": RequestKind.TUTORIAL,
        "subject": row.subject.pk,
        "topic": f"Помощь по итогам оценочных процедур {year} г.: {row.subject.name}"[:300],
        "difficulty": row.summary,
    }
    if methodist:
        query["organization"] = row.school.pk
    return f"{reverse('consultations:request_create')}?{urlencode(query)}"


@role_required(*READERS)
@results_cache()
def risk_list(request):
    access = access_for(request.user)
    municipalities, school = _scope(access)
    # (year, municipality) of every result: the years to offer, and whether the chosen
    # municipality has any that year, so that "nothing found" never stands for "no data".
    works = dict(Assessment.objects.values_list("pk", "year"))
    tested = {
        (works[work], unit)
        for work, unit in analysis.tested_units(list(works), municipalities=municipalities)
    }
    years = sorted({year for year, _municipality in tested}, reverse=True)
    with_results = {municipality for _year, municipality in tested}
    form = RiskForm(
        request.GET,
        municipalities=municipalities,
        years=years,
        default=next((m for m in municipalities if m.pk in with_results), None),
    )
    rows, municipality, year = [], None, None
    if form.is_valid():
        municipality, year = form.cleaned_data["municipality"], form.cleaned_data["year"]
        rows = risks.risk_rows(municipality, year, school=school)
    methodist = municipality is not None and access.holds(
        RoleKind.METHODIST, municipality=municipality
    )
    for row in rows:
        if methodist or school is not None:
            row.request_link = _request_link(row, year, methodist=methodist)
        if methodist:
            query = urlencode({"school": row.school.pk, "subject": row.subject.pk})
            row.assign_link = f"{reverse('community:assignment_create')}?{query}"
    return render(
        request,
        "monitoring/risks/list.html",
        {
            "form": form,
            "rows": rows,
            "year": year,
            "municipality": municipality,
            "has_results": (year, getattr(municipality, "pk", None)) in tested,
            "status_year": risks.status_year(year) if year else None,
            "methodist": methodist,
            "kinds": SchoolStatus.Kind.choices,
            "rules": risks.RULES,
            "unreliable_rule": risks.UNRELIABLE_RULE,
        },
    )


@require_POST
@role_required(RoleKind.METHODIST)
def risk_status(request):
    access = access_for(request.user)
    municipalities = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
    chosen, kind, year = (request.POST.get(name, "") for name in ("organization", "kind", "year"))
    school = get_object_or_404(
        Organization.objects.schools().filter(municipality__in=municipalities),
        pk=int(chosen) if chosen.isdigit() else 0,
    )
    require(kind in SchoolStatus.Kind.values and year.isdigit())
    academic_year = risks.status_year(int(year))
    query = urlencode({"municipality": school.municipality_id, "year": year})
    back = f"{reverse('monitoring:risks')}?{query}"
    if academic_year is None:
        messages.error(request, f"Учебный год {year}/{int(year) + 1} не заведён в справочнике.")
        return redirect(back)
    status, created = school_status_set(
        actor=request.user, organization=school, academic_year=academic_year, kind=kind
    )
    label = f"{school.short_name}: {status.get_kind_display()} на {academic_year} учебный год"
    if created:
        messages.success(request, f"{label} — статус присвоен.")
    else:
        messages.info(request, f"{label} — такой статус уже есть.")
    return redirect(back)
