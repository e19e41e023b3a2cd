"""Reports: made from a figures page, each kept with its PDF."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import Document, Municipality, Organization, RoleKind
from tutoring.views import paginate

from .. import analytical, reports
from ..filters import YearForm
from ..forms import AnalyticalReportForm
from ..models import Report

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
MAKERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _reports(access):
    return Report.objects.filter(access.municipality_q()).select_related(
        "municipality", "academic_year", "created_by"
    )


@role_required(*READERS)
def report_list(request):
    access = access_for(request.user)
    return render(
        request,
        "monitoring/reports/list.html",
        {"page": paginate(request, _reports(access)), "can_make": access.has(*MAKERS)},
    )


@role_required(*READERS)
def report_detail(request, pk):
    report = get_object_or_404(_reports(access_for(request.user)), pk=pk)
    document = Document.objects.filter(kind=reports.DOCUMENT, object_id=str(report.pk)).first()
    return render(
        request, "monitoring/reports/detail.html", {"report": report, "document": document}
    )


@require_POST
@role_required(*MAKERS)
def report_effectiveness(request):
    access = access_for(request.user)
    form = YearForm(
        request.POST,
        municipalities=access.municipalities().filter(pk__in=access.municipality_ids),
        year=None,
    )
    if not form.is_valid():
        messages.error(request, "Выберите учебный год и муниципальное образование.")
        return redirect("monitoring:effectiveness")
    municipality = form.cleaned_data["municipality"]
    require(any(access.holds(kind, municipality=municipality) for kind in MAKERS))
    report = reports.report_effectiveness(
        actor=request.user, municipality=municipality, academic_year=form.cleaned_data["year"]
    )
    messages.success(request, "Отчёт составлен, PDF формируется.")
    return redirect(report)


def maker_municipalities(access):
    """The municipalities whose reports the user may make: a methodist's or a director's."""
    return Municipality.objects.filter(
        pk__in=[role.municipality_id for role in access.roles if role.kind in MAKERS]
    ).order_by("name")


@role_required(*MAKERS)
def report_analytical(request):
    """The analytical report's choices (prefilled from a results page's link), then the report."""
    access = access_for(request.user)
    municipalities = maker_municipalities(access)
    require(municipalities.exists())
    schools = Organization.objects.filter(
        kind=Organization.Kind.SCHOOL, municipality__in=municipalities
    ).select_related("municipality")
    years = analytical.years_of(schools)
    form = AnalyticalReportForm(
        request.POST if request.method == "POST" else None,
        municipalities=municipalities,
        schools=schools,
        years=years,
        initial={
            "year": request.GET.get("year") or (years[0] if years else None),
            "school": request.GET.get("school"),
            "subject": request.GET.get("subject"),
            "municipality": request.GET.get("municipality"),
        },
    )
    if request.method == "POST" and form.is_valid():
        scope = analytical.Scope(
            municipality=form.cleaned_data["municipality"],
            year=form.cleaned_data["year"],
            school=form.cleaned_data["school"],
            subject=form.cleaned_data["subject"],
        )
        try:
            report = reports.report_analytical(actor=request.user, scope=scope)
        except analytical.NoResults:
            form.add_error(None, f"Результатов за {scope.year} год по этому выбору в портале нет.")
        else:
            messages.success(request, "Аналитическая справка составлена, PDF формируется.")
            return redirect(report)
    return render(
        request, "monitoring/reports/analytical_form.html", {"form": form, "years": years}
    )
