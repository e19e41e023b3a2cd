"""The report upward on the schools in the programme: a municipality's schools, or every
municipality of the region side by side; xlsx at once, a numbered PDF that keeps its figures."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import Access, access_for, require, role_required
from tutoring.models import AcademicYear, Municipality, RoleKind

from .. import exports, reports
from ..figures_cache import results_cache
from ..programmes.report import programme_reports

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.REGION_ADMIN)
MAKERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def readable_municipalities(access: Access):
    """Whose report the user reads: the region administrator's region, every municipality for
    `regional`, the methodist's and the director's own."""
    if access.everywhere:
        return Municipality.objects.order_by("name")
    if access.admin_regions:
        return Municipality.objects.filter(region__in=access.admin_regions).order_by("name")
    own = [r.municipality_id for r in access.roles if r.kind in MAKERS]
    return Municipality.objects.filter(pk__in=own).order_by("name")


def _choice(request):
    access = access_for(request.user)
    municipalities = list(readable_municipalities(access))
    year = AcademicYear.objects.named(request.GET.get("year")) or AcademicYear.objects.current()
    chosen = request.GET.get("municipality", "")
    picked = [m for m in municipalities if str(m.pk) == chosen]
    if not picked and len(municipalities) == 1:
        picked = municipalities
    return access, municipalities, year, picked


@role_required(*READERS)
@results_cache()
def programme_report(request):
    access, municipalities, year, picked = _choice(request)
    found = programme_reports(picked or municipalities, year) if year else []
    return render(
        request,
        "monitoring/programme_report.html",
        {
            "municipalities": municipalities,
            "years": AcademicYear.objects.order_by("-start_year"),
            "year": year,
            "picked": picked[0] if picked else None,
            "reports": found,
            "can_make": (bool(picked) and access.holds(RoleKind.METHODIST, municipality=picked[0]))
            or (bool(picked) and access.holds(RoleKind.DIRECTOR, municipality=picked[0])),
        },
    )


@role_required(*READERS)
@results_cache()
def programme_report_export(request):
    _access, municipalities, year, picked = _choice(request)
    require(year is not None)
    found = programme_reports(picked or municipalities, year)
    title = f"Школы в программе «500+», {year} учебный год"
    if picked:
        title += f", {picked[0].name}"
    response = HttpResponse(exports.programme_report_xlsx(found, title), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="programme-{year.start_year}.xlsx"'
    return response


@require_POST
@role_required(*MAKERS)
def programme_report_make(request):
    access = access_for(request.user)
    year = AcademicYear.objects.named(request.POST.get("year"))
    municipality = Municipality.objects.filter(pk=request.POST.get("municipality") or None).first()
    require(
        municipality is not None
        and any(access.holds(kind, municipality=municipality) for kind in MAKERS)
    )
    if year is None:
        messages.error(request, "Выберите учебный год отчёта.")
        return redirect("monitoring:programme_report")
    with results_cache():
        report = reports.report_programme(
            actor=request.user, municipality=municipality, academic_year=year
        )
    messages.success(request, "Отчёт составлен, PDF формируется.")
    return redirect(report)
