from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from tutoring.access import access_for, role_required
from tutoring.models import RoleKind
from tutoring.views import paginate

from .. import exports, results, selectors
from ..analysis import Level
from ..analysis_forms import WorkForm
from ..figures_cache import results_cache

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL)
REPORT_MAKERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _report_query(request, municipality, **choice) -> str:
    """The query of the analytical report's form for what the page shows, if the user may
    make one for that municipality; empty otherwise."""
    access = access_for(request.user)
    if municipality is None or not any(
        access.holds(kind, municipality=municipality) for kind in REPORT_MAKERS
    ):
        return ""
    return urlencode({"municipality": getattr(municipality, "pk", municipality), **choice})


def _choice(request):
    """The work and municipality asked for, and the schools or municipalities to list."""
    access = access_for(request.user)
    schools = selectors.result_schools_for(access)
    form = WorkForm(
        request.GET,
        works=results.works_for(schools),
        municipalities=list(selectors.result_municipalities_for(access)),
    )
    municipality = form.chosen_municipality
    if form.work is None:
        return form, municipality, None, Level.SCHOOL
    if municipality is None and len(form.municipalities) > 1:
        municipalities = selectors.result_municipalities_for(access)
        return (
            form,
            None,
            results.tested_municipalities(form.work, municipalities),
            (Level.MUNICIPALITY),
        )
    return (
        form,
        municipality,
        results.tested_schools(form.work, schools, municipality),
        (Level.SCHOOL),
    )


@role_required(*selectors.RESULT_READERS)
@results_cache()
def results_overview(request):
    form, municipality, units, level = _choice(request)
    page = paginate(request, units) if units is not None else None
    return render(
        request,
        "monitoring/analysis/overview.html",
        {
            "form": form,
            "work": form.work,
            "municipality": municipality,
            "level": level,
            "page": page,
            "rows": results.unit_rows(form.work, list(page), level=level) if page else [],
            "summary": results.summary_rows(
                form.work,
                municipality=municipality,
                regions=results.regions_of(form.municipalities.values()),
            )
            if form.work
            else [],
            "gia": form.work is not None and results.is_gia(form.work),
            "can_see_imports": access_for(request.user).has(*IMPORT_READERS),
            "report_query": _report_query(
                request, municipality, year=form.work.year, subject=form.work.subject_id
            )
            if form.work
            else "",
        },
    )


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*selectors.RESULT_READERS)
@results_cache()
def results_export(request):
    form, municipality, units, level = _choice(request)
    work = form.work
    rows = []
    if work is not None:
        rows = results.unit_rows(work, list(units), level=level)
        rows += results.summary_rows(
            work,
            municipality=municipality,
            regions=results.regions_of(form.municipalities.values()),
        )
    title = f"{work}{f', {municipality}' if municipality else ''}" if work else "Нет результатов"
    content = exports.table_xlsx(
        title,
        rows,
        gia=work is not None and results.is_gia(work),
        unit="Школа" if level == Level.SCHOOL else "Муниципальное образование",
    )
    return _xlsx(content, f"results-{work.pk if work else 'none'}.xlsx")


def _school(request, pk):
    return get_object_or_404(selectors.result_schools_for(access_for(request.user)), pk=pk)


def _year(request) -> int | None:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() else None


@role_required(*selectors.RESULT_READERS)
@results_cache()
def results_school(request, pk):
    school = _school(request, pk)
    report = results.school_report(school, year=_year(request))
    return render(
        request,
        "monitoring/analysis/school.html",
        {
            "report": report,
            "report_query": _report_query(
                request, school.municipality_id, school=school.pk, year=report.year
            )
            if report.year
            else "",
        },
    )


@role_required(*selectors.RESULT_READERS)
@results_cache()
def results_school_export(request, pk):
    report = results.school_report(_school(request, pk), year=_year(request))
    return _xlsx(exports.school_xlsx(report), f"results-school-{pk}-{report.year}.xlsx")
