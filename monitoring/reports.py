"""Reports printed through the document pipeline. A report keeps the figures it was made
with (`Report.data`), so its PDF says the same thing for good; it is made by one service call
that also asks for the PDF."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tutoring.access import Access
from tutoring.documents import DocumentError, document_request
from tutoring.models import AcademicYear, Document, Municipality, Role, RoleKind, User
from tutoring.selectors import issuer_name
from tutoring.services import audit_record
from tutoring.signatures import person_signature

from . import analytical, charts, effectiveness
from .figures_cache import results_cache
from .models import Report
from .programmes.report import programme_report

DOCUMENT = "monitoring.report"
TEMPLATE = "documents/monitoring/report.html"
# The body of each kind, included by TEMPLATE.
BODIES = {
    Report.Kind.EFFECTIVENESS: "documents/monitoring/effectiveness.html",
    Report.Kind.ANALYTICAL: "documents/monitoring/analytical.html",
    Report.Kind.PROGRAMME: "documents/monitoring/programme_report.html",
}


def _signatory(actor: User | None, municipality: Municipality) -> dict:
    """The person who made the report, signing with their position at their organization (the
    methodical centre for a methodist without one of their own): «Методист МКУ ИМЦ
    г. Лабинска — А. П. Смирнова»."""
    if actor is None:
        return {"name": "", "position": ""}
    role = (
        Role.objects.filter(
            user=actor, municipality=municipality, kind__in=(RoleKind.METHODIST, RoleKind.DIRECTOR)
        )
        .select_related("organization")
        .order_by("kind")
        .first()
    )
    if role is None:
        return person_signature(actor, "", municipality.issuer).as_dict()
    position = role.position or role.get_kind_display()
    return person_signature(actor, position, role.organization or municipality.issuer).as_dict()


def _next_number(municipality: Municipality, year: int) -> int:
    """A running registration number of the municipality's reports in the calendar year."""
    # The municipality's row lock makes two reports made at once take consecutive numbers.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    last = Report.objects.filter(municipality=municipality, created_at__year=year).aggregate(
        last=Max("number")
    )["last"]
    return (last or 0) + 1


def _make(*, actor: User, municipality: Municipality, data: dict, changes: dict, **fields):
    """The report with its figures and the letterhead's, audited, its PDF requested."""
    today = timezone.localdate()
    report = Report.objects.create(
        municipality=municipality,
        number=_next_number(municipality, today.year),
        data={
            **data,
            "issuer": issuer_name(municipality.pk),
            "date": today.isoformat(),
            "place": municipality.locality,
            "signatory": _signatory(actor, municipality),
        },
        created_by=actor,
        **fields,
    )
    audit_record(
        actor=actor,
        action="report.create",
        obj=report,
        changes={"kind": report.get_kind_display(), **changes},
    )
    document_request(kind=DOCUMENT, obj=report, actor=actor)
    return report


@transaction.atomic
def report_effectiveness(
    *, actor: User, municipality: Municipality, academic_year: AcademicYear
) -> Report:
    """The community's effectiveness in a year, as it stands now, with its PDF on the way."""
    data = effectiveness.community_effectiveness(municipality, academic_year).as_data()
    data["dynamics_chart"] = _dynamics_chart(data["dynamics"])
    return _make(
        actor=actor,
        municipality=municipality,
        data=data,
        changes={"year": str(academic_year)},
        kind=Report.Kind.EFFECTIVENESS,
        academic_year=academic_year,
        title=f"Анализ эффективности деятельности сообщества тьюторов за {academic_year} "
        "учебный год",
    )


def _dynamics_chart(dynamics: dict) -> str:
    """The share of «2» of the supported schools beside the others, the spring before the year
    and the spring at its end, as SVG markup kept with the report; empty with no figures."""
    springs = (dynamics["before_year"], dynamics["after_year"])
    series = [
        (row["label"], tuple(zip(springs, (s["percent"] for s in row["shares"]), strict=True)))
        for row in dynamics["rows"]
    ]
    if all(value is None for _label, points in series for _spring, value in points):
        return ""
    return str(charts.trend_chart(series, title="Доля отметок «2» на ВПР, %"))


@transaction.atomic
def report_analytical(*, actor: User, scope: analytical.Scope) -> Report:
    """An analytical report on a year's results of a municipality or a school (narrowed to a
    subject, if one is given), as they stand now, with its PDF on the way. Raises
    `analytical.NoResults` when there are none to report on."""
    changes = {"year": str(scope.year), "scope": scope.name}
    if scope.subject:
        changes["subject"] = scope.subject.name
    # The municipality's and the region's figures are those the results pages keep in the
    # cache: at a region's size counting them afresh takes seconds a work.
    with results_cache():
        data = analytical.analytical_data(scope)
    return _make(
        actor=actor,
        municipality=scope.municipality,
        data=data,
        changes=changes,
        kind=Report.Kind.ANALYTICAL,
        title=scope.title,
    )


@transaction.atomic
def report_programme(
    *, actor: User, municipality: Municipality, academic_year: AcademicYear
) -> Report:
    """The report upward on the municipality's schools in the programme, as they stand now,
    with its PDF on the way: the figures are kept, the print does not change."""
    return _make(
        actor=actor,
        municipality=municipality,
        data=programme_report(municipality, academic_year),
        changes={"year": str(academic_year)},
        kind=Report.Kind.PROGRAMME,
        academic_year=academic_year,
        title=f"О работе со школами с низкими результатами обучения (проект «500+») в "
        f"{academic_year} учебном году",
    )


def report_context(object_id: str):
    report = Report.objects.select_related("municipality").get(pk=object_id)
    if report.kind not in BODIES:
        raise DocumentError("Этот вид отчёта больше не печатается.")
    data = report.data
    return report, {
        "report": data,
        "body": BODIES[report.kind],
        "organization": data["issuer"] or data["municipality"],
        "organization_note": data["municipality"] if data["issuer"] else "",
        "document_type": "Аналитическая справка",
        "date": date.fromisoformat(data["date"]),
        "number": report.number or "",
        # A report made before the place was kept is printed where it is now.
        "place": data.get("place", report.municipality.locality),
        "heading": report.title,
        "signatory_position": data["signatory"]["position"],
        "signatory_name": data["signatory"]["name"],
    }


def report_title(report: Report) -> str:
    return report.title


def report_visible(access: Access, document: Document) -> bool:
    """Reports are for the methodical centre, its director and the region."""
    return access.everywhere or any(
        access.holds(kind, municipality=document.municipality_id)
        for kind in (RoleKind.METHODIST, RoleKind.DIRECTOR)
    )
