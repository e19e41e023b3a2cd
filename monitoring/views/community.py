"""The community's effectiveness for a year and the professional development of teachers."""

from django.shortcuts import get_object_or_404, redirect, render

from expertise.models import Verdict
from tutoring.access import access_for, role_required
from tutoring.models import AcademicYear, Organization, RoleKind, current_start_year
from tutoring.views import paginate

from .. import effectiveness
from ..filters import TeacherFilter, YearForm

OVERSIGHT = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
DEVELOPMENT = (*OVERSIGHT, RoleKind.SCHOOL, RoleKind.TUTOR, RoleKind.TEACHER)


def year_form(request, access) -> YearForm:
    municipalities = access.municipalities()
    if not access.everywhere:
        municipalities = municipalities.filter(pk__in=access.municipality_ids)
    # The community looks back on the year that ended (seed 002: every October).
    last = AcademicYear.objects.filter(start_year=current_start_year() - 1).first()
    return YearForm(
        request.GET,
        municipalities=municipalities.order_by("name"),
        year=last or AcademicYear.objects.current(),
    )


@role_required(*OVERSIGHT)
def effectiveness_report(request):
    access = access_for(request.user)
    form = year_form(request, access)
    report = None
    if form.is_valid():
        report = effectiveness.community_effectiveness(
            form.cleaned_data["municipality"], form.cleaned_data["year"]
        )
    can_report = report is not None and any(
        access.holds(kind, municipality=report.municipality)
        for kind in (RoleKind.METHODIST, RoleKind.DIRECTOR)
    )
    return render(
        request,
        "monitoring/community/effectiveness.html",
        {"form": form, "report": report, "can_report": can_report},
    )


@role_required(*DEVELOPMENT)
def development_list(request):
    access = access_for(request.user)
    if not access.has(*OVERSIGHT, RoleKind.SCHOOL, RoleKind.TUTOR):
        return redirect("monitoring:development_detail", pk=request.user.pk)
    teachers = effectiveness.teachers_for(access)
    filterset = TeacherFilter(
        request.GET,
        queryset=teachers,
        schools=access.organizations().filter(kind=Organization.Kind.SCHOOL),
    )
    year = filterset.chosen_year()
    rows = effectiveness.development_rows(filterset.qs, year) if year else teachers.none()
    page = paginate(request, rows)
    for teacher in page.object_list:
        teacher.last_verdict_label = (
            Verdict(teacher.last_verdict).label if teacher.last_verdict else ""
        )
    return render(
        request,
        "monitoring/community/development_list.html",
        {"filter": filterset, "page": page, "year": year},
    )


@role_required(*DEVELOPMENT)
def development_detail(request, pk):
    teacher = get_object_or_404(effectiveness.teachers_for(access_for(request.user)), pk=pk)
    return render(
        request,
        "monitoring/community/development_detail.html",
        {"teacher": teacher, "years": effectiveness.development_of(teacher)},
    )
