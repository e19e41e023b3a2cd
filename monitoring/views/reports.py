"""Reports: made from a figures page, each kept with its PDF."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring.access import access_for, require, role_required
from tutoring.models import Document, RoleKind
from tutoring.views import paginate

from .. import reports
from ..filters import YearForm
from ..models import Report

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
MAKERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _reports(access):
    return Report.objects.filter(access.municipality_q()).select_related(
        "municipality", "academic_year", "created_by"
    )


@role_required(*READERS)
def report_list(request):
    return render(
        request,
        "monitoring/reports/list.html",
        {"page": paginate(request, _reports(access_for(request.user)))},
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
