"""Expertise cases from submission to conclusion. Each function is one transaction with one
audit entry; the allowed moves of a case are written once, in TRANSITIONS."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from tutoring import documents
from tutoring.models import AcademicYear, Organization, Role, RoleKind, Subject, User
from tutoring.services import audit_record
from tutoring.uploads import written_files

from ..models import (
    CaseFile,
    Conclusion,
    DomainError,
    ExpertiseCase,
    Review,
    Round,
    Verdict,
    verdicts_for,
)
from ..selectors import conflict_of_interest, is_eligible_expert
from .rubrics import active_rubric

Status = ExpertiseCase.Status
CONCLUSION_DOCUMENT = "expertise.conclusion"
MAX_EXPERTS = 2

TRANSITIONS = {
    Status.NEW: {Status.REVIEW, Status.WITHDRAWN},
    Status.REVIEW: {Status.DISAGREEMENT, Status.REVISION, Status.CONCLUDED, Status.WITHDRAWN},
    Status.DISAGREEMENT: {Status.REVISION, Status.CONCLUDED},
    Status.REVISION: {Status.REVIEW, Status.WITHDRAWN},
    Status.CONCLUDED: set(),
    Status.WITHDRAWN: set(),
}


def can_move(case: ExpertiseCase, to: str) -> bool:
    return to in TRANSITIONS[case.status]


def _move(case: ExpertiseCase, to: str, *, reason: str = "") -> None:
    if not can_move(case, to):
        raise DomainError(
            f"Экспертизу в состоянии «{case.get_status_display()}» нельзя перевести "
            f"в состояние «{Status(to).label}»."
        )
    case.status = to
    case.status_reason = reason
    case.save(update_fields=["status", "status_reason", "updated_at"])


def _locked(case: ExpertiseCase) -> ExpertiseCase:
    return ExpertiseCase.objects.select_for_update().get(pk=case.pk)


def _store_files(round_: Round, files, written: list) -> None:
    """Files come checked by `tutoring.uploads` (each carries its `upload_info`)."""
    if not files:
        raise DomainError("Приложите хотя бы один файл.")
    for uploaded in files:
        info = uploaded.upload_info
        case_file = CaseFile(
            round=round_,
            original_name=uploaded.name[:255],
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
        )
        # The stored name takes the extension of what the content is, not of what it was called.
        case_file.file.save(f"upload{info.extension}", uploaded, save=False)
        written.append(case_file.file)
        case_file.save()


def case_submit(
    *,
    actor: User,
    organization: Organization,
    author: User,
    kind: str,
    title: str,
    subject: Subject,
    academic_year: AcademicYear,
    files,
    grades: str = "",
    comment: str = "",
) -> ExpertiseCase:
    with written_files() as written, transaction.atomic():
        return _case_submit(
            actor=actor,
            organization=organization,
            author=author,
            files=files,
            written=written,
            kind=kind,
            title=title,
            subject=subject,
            academic_year=academic_year,
            grades=grades,
            comment=comment,
        )


def _case_submit(*, actor, organization, author, files, written, **fields) -> ExpertiseCase:
    if not Role.objects.filter(
        user=author, kind=RoleKind.TEACHER, organization=organization
    ).exists():
        raise DomainError("Автор должен быть учителем этой школы.")
    case = ExpertiseCase.objects.create(
        municipality=organization.municipality,
        organization=organization,
        author=author,
        submitted_by=actor,
        rubric=active_rubric(organization.municipality, fields["kind"]),
        **fields,
    )
    round_ = Round.objects.create(case=case, number=1, submitted_by=actor)
    _store_files(round_, files, written)
    audit_record(
        actor=actor,
        action="case.submit",
        obj=case,
        changes={"kind": case.get_kind_display(), "files": [f.name for f in files]},
    )
    return case


@transaction.atomic
def case_withdraw(*, actor: User, case: ExpertiseCase, reason: str) -> ExpertiseCase:
    case = _locked(case)
    if not reason.strip():
        raise DomainError("Напишите, почему экспертиза больше не нужна: методист увидит это.")
    _move(case, Status.WITHDRAWN, reason=reason.strip())
    # The experts' unfinished work is dropped with the case.
    Review.objects.filter(round__case=case, status=Review.Status.PENDING).delete()
    audit_record(actor=actor, action="case.withdraw", obj=case, changes={"reason": reason})
    return case


@transaction.atomic
def case_assign(
    *,
    actor: User,
    case: ExpertiseCase,
    experts: list[User],
    deadline: date | None,
    blind: bool,
) -> ExpertiseCase:
    """Name one or two experts for the case. Conflicts of interest are refused here, whatever
    the form offered: the author, and anyone working at the author's school."""
    case = _locked(case)
    if not 1 <= len(experts) <= MAX_EXPERTS or len(set(experts)) != len(experts):
        raise DomainError("Назначьте одного или двух разных экспертов.")
    for expert in experts:
        reason = conflict_of_interest(case, expert)
        if reason:
            raise DomainError(f"{expert.full_name} не может быть экспертом: {reason}.")
        if not is_eligible_expert(case, expert):
            raise DomainError(
                f"{expert.full_name} не тьютор по предмету «{case.subject}» в этом "
                "муниципальном образовании."
            )
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError("Срок экспертизы не может быть в прошлом.")
    _move(case, Status.REVIEW)
    case.deadline = deadline
    case.blind = blind
    case.assigned_by = actor
    case.save(update_fields=["deadline", "blind", "assigned_by", "updated_at"])
    round_ = case.rounds.get(number=case.round_number)
    Review.objects.bulk_create(Review(round=round_, expert=expert) for expert in experts)
    audit_record(
        actor=actor,
        action="case.assign",
        obj=case,
        changes={
            "experts": [expert.full_name for expert in experts],
            "deadline": deadline.isoformat() if deadline else "",
            "blind": blind,
        },
    )
    return case


def case_resubmit(*, actor: User, case: ExpertiseCase, files, note: str) -> ExpertiseCase:
    """The author's revised version after «соответствует при условии доработки»: a new round,
    reviewed by the same experts, while the earlier files, scores and comments stay."""
    with written_files() as written, transaction.atomic():
        case = _locked(case)
        if not note.strip():
            raise DomainError("Опишите, что исправлено: эксперты начнут с этого.")
        _move(case, Status.REVIEW)
        previous = case.rounds.get(number=case.round_number)
        case.round_number += 1
        case.verdict = ""
        case.save(update_fields=["round_number", "verdict", "updated_at"])
        round_ = Round.objects.create(
            case=case, number=case.round_number, note=note.strip(), submitted_by=actor
        )
        _store_files(round_, files, written)
        experts = [review.expert_id for review in previous.reviews.all()]
        Review.objects.bulk_create(Review(round=round_, expert_id=pk) for pk in experts)
        audit_record(
            actor=actor,
            action="case.resubmit",
            obj=case,
            changes={"round": round_.number, "files": [f.name for f in files]},
        )
        return case


def _settle(case: ExpertiseCase, round_: Round, actor: User) -> None:
    """Once every expert of the round has scored: one verdict issues the conclusion, differing
    verdicts go to the methodist."""
    reviews = list(round_.reviews.all())
    if any(review.status != Review.Status.SUBMITTED for review in reviews):
        return
    verdicts = {review.verdict for review in reviews}
    if len(verdicts) == 1:
        _issue(case, round_, verdict=verdicts.pop(), actor=actor, reconciled=False, reason="")
    else:
        _move(case, Status.DISAGREEMENT)


@transaction.atomic
def case_reconcile(*, actor: User, case: ExpertiseCase, verdict: str, reason: str) -> Conclusion:
    """The methodist's final verdict where the experts disagreed, with the reason for it."""
    case = _locked(case)
    if case.status != Status.DISAGREEMENT:
        raise DomainError("Решение принимается, только когда выводы экспертов расходятся.")
    if verdict not in verdicts_for(case.kind):
        raise DomainError("Выберите один из выводов для этого вида экспертизы.")
    if not reason.strip():
        raise DomainError("Обоснуйте итоговый вывод: он войдёт в заключение.")
    round_ = case.rounds.get(number=case.round_number)
    conclusion = _issue(
        case, round_, verdict=verdict, actor=actor, reconciled=True, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action="case.reconcile",
        obj=case,
        changes={"verdict": Verdict(verdict).label, "reason": reason.strip()},
    )
    return conclusion


def _issue(case, round_, *, verdict, actor, reconciled, reason) -> Conclusion:
    """Issue the round's conclusion: frozen from now on, and its PDF queued."""
    from .conclusions import conclusion_snapshot

    to = Status.REVISION if verdict == Verdict.REVISION else Status.CONCLUDED
    _move(case, to)
    case.verdict = verdict
    case.save(update_fields=["verdict", "updated_at"])
    conclusion = Conclusion.objects.create(
        case=case,
        round=round_,
        municipality_id=case.municipality_id,
        verdict=verdict,
        reconciled=reconciled,
        reason=reason,
        issued_by=actor,
        snapshot={},
    )
    conclusion.snapshot = conclusion_snapshot(conclusion)
    conclusion.save(update_fields=["snapshot"])
    audit_record(
        actor=actor,
        action="conclusion.issue",
        obj=case,
        changes={
            "round": round_.number,
            "verdict": Verdict(verdict).label,
            "reconciled": reconciled,
        },
    )
    documents.document_request(kind=CONCLUSION_DOCUMENT, obj=conclusion, actor=actor)
    return conclusion
