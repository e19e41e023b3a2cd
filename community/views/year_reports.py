"""The tutor's report for the year: the tutor's own page, the methodist's overview of every
tutor's report, and the report itself with its moves and its PDF."""

from django.contrib.auth.decorators import login_required
from django.db.models import Min, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require
from tutoring.documents import document_visible
from tutoring.models import AcademicYear, Document, Role, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.views import paginate

from .. import selectors
from ..forms.year_reports import ConclusionForm, YearReportReturnForm
from ..models import TutorYearReport
from ..services import year_reports as services
from .plans import municipalities_where

OVERSEERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _chosen_year(request) -> AcademicYear | None:
    years = AcademicYear.objects.all()
    chosen = request.GET.get("year")
    if chosen and chosen.isdigit():
        return years.filter(pk=chosen).first() or years.current()
    return years.current() or years.first()


@login_required
def year_report_mine(request):
    """The tutor's «Отчёт за год»: the report of the chosen year, or the figures so far and a
    button to begin it."""
    access = access_for(request.user)
    municipalities = municipalities_where(access, RoleKind.TUTOR)
    require(bool(municipalities))
    year = _chosen_year(request)
    municipality = municipalities[0]
    report = TutorYearReport.objects.filter(
        tutor=request.user, municipality=municipality, academic_year=year
    ).first()
    if report is not None:
        return redirect(report)
    figures = services.year_report_figures(
        tutor=request.user, municipality=municipality, academic_year=year
    )
    return render(
        request,
        "community/year_reports/year_report_mine.html",
        {
            "year": year,
            "years": AcademicYear.objects.all(),
            "municipality": municipality,
            "figures": figures.as_snapshot(),
        },
    )


@login_required
@require_POST
@once("Отчёт уже начат: вот он.")
def year_report_begin(request, year_pk):
    access = access_for(request.user)
    municipalities = municipalities_where(access, RoleKind.TUTOR)
    require(bool(municipalities))
    year = get_object_or_404(AcademicYear, pk=year_pk)
    done = attempt(
        request,
        services.year_report_open,
        success="Отчёт начат. Напишите выводы и отправьте его методисту.",
        municipality=municipalities[0],
        academic_year=year,
    )
    return redirect(done.value if done else "community:year_report_mine")


# «не начат»: a tutor without a report for the year, beside the report's own states.
NOT_BEGUN = "none"


@login_required
def year_report_list(request):
    """Every tutor of the municipality and the state of their report for the chosen year,
    «не начат» included; filtered by that state and paginated in the database."""
    access = access_for(request.user)
    municipalities = sorted(
        {role.municipality for kind in OVERSEERS for role in access.roles_of(kind)},
        key=lambda m: m.name,
    )
    require(bool(municipalities))
    year = _chosen_year(request)
    ids = [m.pk for m in municipalities]
    roles = Role.objects.filter(kind=RoleKind.TUTOR, municipality_id__in=ids, user__is_active=True)
    # One row a tutor and municipality, however many tutor roles (schools) they hold there.
    firsts = roles.values("user", "municipality").annotate(first=Min("pk")).values("first")
    report = selectors.year_reports_for(access).filter(
        tutor=OuterRef("user"), municipality=OuterRef("municipality"), academic_year=year
    )
    tutors = (
        Role.objects.filter(pk__in=firsts)
        .annotate(report_id=Subquery(report.values("pk")[:1]))
        .annotate(report_status=Subquery(report.values("status")[:1]))
        .select_related("user", "municipality")
        .order_by("municipality__name", "user__last_name", "user__first_name", "pk")
    )
    states = [(NOT_BEGUN, "не начат"), *TutorYearReport.Status.choices]
    status = request.GET.get("status", "")
    if status == NOT_BEGUN:
        tutors = tutors.filter(report_id__isnull=True)
    elif status in TutorYearReport.Status.values:
        tutors = tutors.filter(report_status=status)
    else:
        status = ""
    page = paginate(request, tutors)
    reports = TutorYearReport.objects.in_bulk(
        [role.report_id for role in page.object_list if role.report_id]
    )
    rows = [(role, reports.get(role.report_id)) for role in page.object_list]
    return render(
        request,
        "community/year_reports/year_report_list.html",
        {
            "year": year,
            "years": AcademicYear.objects.all(),
            "rows": rows,
            "page": page,
            "states": states,
            "status": status,
            "several": len(municipalities) > 1,
        },
    )


@login_required
def year_report_detail(request, pk):
    access = access_for(request.user)
    report = get_object_or_404(selectors.year_reports_for(access), pk=pk)
    owner = services.tutor_owns_report(access, report)
    editable = owner and report.status in services.EDITABLE
    figures = report.snapshot if report.is_frozen else None
    if figures is None:
        figures = services.year_report_figures_of(report).as_snapshot()
    document = Document.objects.filter(
        kind=services.YEAR_REPORT_DOCUMENT, object_id=str(report.pk)
    ).first()
    return render(
        request,
        "community/year_reports/year_report_detail.html",
        {
            "report": report,
            "figures": figures,
            "editable": editable,
            "conclusion_form": ConclusionForm(initial={"conclusion": report.conclusion}),
            "return_form": YearReportReturnForm(),
            "moves": services.YEAR_REPORT.available(access, report),
            "document": document if document and document_visible(access, document) else None,
        },
    )


def _own_report(request, pk):
    access = access_for(request.user)
    report = get_object_or_404(selectors.year_reports_for(access), pk=pk)
    require(services.tutor_owns_report(access, report))
    return report


def _report_for_reviewer(request, pk):
    access = access_for(request.user)
    report = get_object_or_404(selectors.year_reports_for(access), pk=pk)
    require(services.YEAR_REPORT.by_name["accept"].allowed(access, report))
    return report


@login_required
@require_POST
@once("Выводы уже сохранены.")
def year_report_write(request, pk):
    report = _own_report(request, pk)
    form = ConclusionForm(request.POST)
    conclusion = form.cleaned_data["conclusion"] if form.is_valid() else ""
    attempt(
        request,
        services.year_report_write,
        success="Выводы сохранены.",
        report=report,
        conclusion=conclusion,
    )
    return redirect(report)


@login_required
@require_POST
def year_report_submit(request, pk):
    report = _own_report(request, pk)
    attempt(
        request,
        services.year_report_submit,
        success="Отчёт отправлен методисту на проверку.",
        report=report,
    )
    return redirect(report)


@login_required
@require_POST
def year_report_accept(request, pk):
    report = _report_for_reviewer(request, pk)
    attempt(
        request,
        services.year_report_accept,
        success="Отчёт принят. PDF формируется.",
        report=report,
    )
    return redirect(report)


@login_required
@require_POST
def year_report_return(request, pk):
    report = _report_for_reviewer(request, pk)
    form = YearReportReturnForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    attempt(
        request,
        services.year_report_return,
        success="Отчёт возвращён тьютору на доработку с вашими замечаниями.",
        report=report,
        comment=comment,
    )
    return redirect(report)
