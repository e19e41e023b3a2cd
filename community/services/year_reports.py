"""The tutor's report for the year: the tutor writes the conclusion and submits it, the
municipality's methodist accepts it or returns it with a comment. At acceptance the figures
are frozen into the snapshot, and the PDF printed from it never changes."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutoring import documents
from tutoring.access import Access
from tutoring.models import AcademicYear, Municipality, RoleKind, User
from tutoring.services import audit_record
from tutoring.workflow import Move, Notice, Workflow, holders, holds_in_municipality

from ..models import DomainError, TutorYearReport
from ..year_report import year_report_figures

YEAR_REPORT_DOCUMENT = "community.year_report"
Status = TutorYearReport.Status
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


def tutor_owns_report(access: Access, report: TutorYearReport) -> bool:
    return report.tutor_id == access.user_id and access.holds(
        RoleKind.TUTOR, municipality=report.municipality_id
    )


def _to_tutor(text: str, kind: str):
    def notices(report: TutorYearReport, actor: User) -> list[Notice]:
        return [Notice([report.tutor], kind, text.format(r=report), report.get_absolute_url())]

    return notices


REVIEWS = "Принимает и возвращает отчёт тьютора методист муниципалитета."
YEAR_REPORT = Workflow(
    "community.year_report",
    model=TutorYearReport,
    noun="Отчёт",
    error=DomainError,
    moves=[
        Move(
            "submit",
            sources=EDITABLE,
            target=Status.SUBMITTED,
            allowed=tutor_owns_report,
            forbidden="Отправляет отчёт на проверку сам тьютор.",
            refusal="Отправить на проверку можно отчёт, который составляется или возвращён.",
            action="year_report.submit",
            notices=lambda report, actor: [
                Notice(
                    holders(RoleKind.METHODIST, municipality_id=report.municipality_id),
                    "community.year_report.submitted",
                    f"{report.tutor.short_name} отправил(а) на проверку отчёт о работе "
                    f"за {report.academic_year} учебный год.",
                    report.get_absolute_url(),
                )
            ],
        ),
        Move(
            "accept",
            sources={Status.SUBMITTED},
            target=Status.ACCEPTED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=REVIEWS,
            refusal="Принять можно только отчёт, отправленный на проверку.",
            action="year_report.accept",
            notices=_to_tutor(
                "Ваш отчёт о работе за {r.academic_year} учебный год принят.",
                "community.year_report.accepted",
            ),
        ),
        Move(
            "return",
            sources={Status.SUBMITTED},
            target=Status.RETURNED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=REVIEWS,
            refusal="Вернуть на доработку можно только отчёт, отправленный на проверку.",
            action="year_report.return",
            notices=_to_tutor(
                "Ваш отчёт о работе за {r.academic_year} учебный год возвращён на доработку: "
                "{r.reviewer_comment}",
                "community.year_report.returned",
            ),
        ),
    ],
)


def year_report_figures_of(report: TutorYearReport):
    return year_report_figures(
        tutor=report.tutor, municipality=report.municipality, academic_year=report.academic_year
    )


@transaction.atomic
def year_report_open(
    *, actor: User, municipality: Municipality, academic_year: AcademicYear
) -> TutorYearReport:
    """The tutor's report for the year, begun on the first visit: one per year."""
    if not actor.roles.filter(kind=RoleKind.TUTOR, municipality=municipality).exists():
        raise DomainError("Отчёт о работе составляет тьютор муниципалитета.")
    unique = {"tutor": actor, "municipality": municipality, "academic_year": academic_year}
    report = TutorYearReport.objects.filter(**unique).first()
    if report is not None:
        return report
    try:
        with transaction.atomic():
            report = TutorYearReport.objects.create(**unique)
    except IntegrityError:
        return TutorYearReport.objects.get(**unique)
    audit_record(
        actor=actor,
        action="year_report.create",
        obj=report,
        changes={"year": str(academic_year)},
    )
    return report


@transaction.atomic
def year_report_write(*, actor: User, report: TutorYearReport, conclusion: str):
    report = TutorYearReport.objects.select_for_update().get(pk=report.pk)
    if report.tutor_id != actor.pk:
        raise DomainError("Выводы в отчёте пишет сам тьютор.")
    if report.status not in EDITABLE:
        raise DomainError(
            "Отчёт на проверке у методиста и не меняется, пока его не примут или не вернут."
            if report.status == Status.SUBMITTED
            else "Отчёт принят и больше не меняется."
        )
    old, report.conclusion = report.conclusion, conclusion.strip()
    report.save(update_fields=["conclusion"])
    audit_record(
        actor=actor,
        action="year_report.write",
        obj=report,
        changes={"conclusion": [old, report.conclusion]},
    )
    return report


@transaction.atomic
def year_report_submit(*, actor: User, report: TutorYearReport) -> TutorYearReport:
    report = YEAR_REPORT.start(actor, report, "submit")
    if not report.conclusion.strip():
        raise DomainError("Напишите выводы о работе за год: без них отчёт не отправить.")
    old = report.status
    report.submitted_at = timezone.now()
    return YEAR_REPORT.finish(
        actor,
        report,
        "submit",
        fields=["submitted_at"],
        changes={"status": [old, Status.SUBMITTED]},
    )


@transaction.atomic
def year_report_return(*, actor: User, report: TutorYearReport, comment: str):
    report = YEAR_REPORT.start(actor, report, "return")
    if not comment.strip():
        raise DomainError("Напишите, что нужно доработать: тьютор увидит этот комментарий.")
    report.reviewer_comment = comment.strip()
    return YEAR_REPORT.finish(
        actor,
        report,
        "return",
        fields=["reviewer_comment"],
        changes={"status": [Status.SUBMITTED, Status.RETURNED], "comment": comment.strip()},
    )


@transaction.atomic
def year_report_accept(*, actor: User | None, report: TutorYearReport) -> TutorYearReport:
    """Accepted: the figures as they stand now are what the report says for good."""
    report = YEAR_REPORT.start(actor, report, "accept")
    report.snapshot = year_report_figures_of(report).as_snapshot()
    report.accepted_by, report.accepted_at = actor, timezone.now()
    YEAR_REPORT.finish(
        actor,
        report,
        "accept",
        fields=["snapshot", "accepted_by", "accepted_at"],
        changes={"status": [Status.SUBMITTED, Status.ACCEPTED]},
    )
    documents.document_request(kind=YEAR_REPORT_DOCUMENT, obj=report, actor=actor)
    return report
