"""Expertise cases from submission to conclusion. Each function is one transaction with one
audit entry; the moves of a case, who makes them and whom they tell are declared once, in
CASE."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from tutoring import documents
from tutoring.errors import DomainError
from tutoring.models import AcademicYear, Organization, Role, RoleKind, Subject, User
from tutoring.services import audit_record
from tutoring.uploads import written_files
from tutoring.workflow import Move, Notice, Workflow, holders

from ..models import (
    CaseFile,
    Conclusion,
    ExpertiseCase,
    Review,
    Round,
    Verdict,
    verdicts_for,
)
from ..selectors import can_coordinate, conflict_of_interest, is_eligible_expert, is_requester
from .rubrics import active_rubric

Status = ExpertiseCase.Status
CONCLUSION_DOCUMENT = "expertise.conclusion"
MAX_EXPERTS = 2

COORDINATES = "Экспертов назначает методист муниципалитета."
REQUESTS = "Это делает автор, подавший заявку, или администрация его школы."


def is_expert(access, case: ExpertiseCase) -> bool:
    """One of the experts of the case's current round."""
    return Review.objects.filter(
        round__case=case, round__number=case.round_number, expert=access.user_id
    ).exists()


def _settles(access, case: ExpertiseCase) -> bool:
    # The last expert's score settles a unanimous round; where the experts differ, the
    # methodist gives the final verdict.
    if case.status == Status.DISAGREEMENT:
        return can_coordinate(access, case)
    return is_expert(access, case)


def _not_settler(case: ExpertiseCase) -> str:
    if case.status == Status.DISAGREEMENT:
        return "Итоговый вывод при расхождении экспертов принимает методист муниципалитета."
    return "Вывод по экспертизе дают назначенные эксперты."


def _to_experts(case: ExpertiseCase, actor: User) -> list[Notice]:
    # Experts are assigned only to a new case: every expert of its round is a new one.
    experts = User.objects.filter(
        expertise_reviews__round__case=case,
        expertise_reviews__round__number=case.round_number,
    )
    due = (
        f"оцените её до {date_format(case.deadline, 'j E Y')} г."
        if case.deadline
        else "срок не назначен."
    )
    text = f"Вам назначена экспертиза «{case.title}» ({case.subject}): {due}"
    return [Notice(experts, "expertise.case.assigned", text, case.get_absolute_url())]


def _to_methodists(case: ExpertiseCase, actor: User) -> list[Notice]:
    return [
        Notice(
            holders(RoleKind.METHODIST, municipality_id=case.municipality_id),
            "expertise.case.disagreement",
            f"Выводы экспертов по экспертизе «{case.title}» разошлись: нужно ваше решение.",
            case.get_absolute_url(),
        )
    ]


def _to_author(case: ExpertiseCase, actor: User) -> list[Notice]:
    return [
        Notice(
            [case.author],
            "expertise.case.revision",
            f"Работа «{case.title}» возвращена на доработку: загрузите исправленную версию, "
            "её оценят те же эксперты.",
            case.get_absolute_url(),
        )
    ]


def _to_author_and_school(case: ExpertiseCase, actor: User) -> list[Notice]:
    school = User.objects.filter(
        is_active=True, roles__kind=RoleKind.SCHOOL, roles__organization=case.organization_id
    )
    return [
        Notice(
            [case.author, *school],
            "expertise.case.conclusion",
            f"Выдано заключение экспертизы «{case.title}» ({case.author.short_name}): "
            f"{Verdict(case.verdict).label}.",
            case.get_absolute_url(),
        )
    ]


CASE = Workflow(
    "expertise.case",
    model=ExpertiseCase,
    noun="Экспертиза",
    error=DomainError,
    moves=[
        Move(
            "assign",
            sources={Status.NEW},
            target=Status.REVIEW,
            allowed=can_coordinate,
            forbidden=COORDINATES,
            refusal="Экспертов назначают заявке, которая ожидает их назначения.",
            action="case.assign",
            notices=_to_experts,
        ),
        Move(
            "withdraw",
            sources={Status.NEW, Status.REVIEW, Status.REVISION},
            target=Status.WITHDRAWN,
            allowed=is_requester,
            forbidden=REQUESTS,
            refusal="Отозвать можно заявку, по которой ещё не выдано заключение.",
            action="case.withdraw",
        ),
        Move(
            "resubmit",
            sources={Status.REVISION},
            target=Status.REVIEW,
            allowed=is_requester,
            forbidden=REQUESTS,
            refusal="Доработанную версию загружают после вывода «на доработку».",
            action="case.resubmit",
        ),
        Move(
            "disagree",
            sources={Status.REVIEW},
            target=Status.DISAGREEMENT,
            allowed=is_expert,
            forbidden="Вывод по экспертизе дают назначенные эксперты.",
            refusal="Выводы экспертов расходятся только у экспертизы, которая ждёт оценок.",
            action="case.disagreement",
            notices=_to_methodists,
        ),
        Move(
            "conclude",
            sources={Status.REVIEW, Status.DISAGREEMENT},
            target=Status.CONCLUDED,
            allowed=_settles,
            forbidden=_not_settler,
            refusal="Заключение выдаётся по экспертизе, которая ждёт вывода.",
            action="conclusion.issue",
            notices=_to_author_and_school,
        ),
        Move(
            "revise",
            sources={Status.REVIEW, Status.DISAGREEMENT},
            target=Status.REVISION,
            allowed=_settles,
            forbidden=_not_settler,
            refusal="На доработку возвращают экспертизу, которая ждёт вывода.",
            action="conclusion.issue",
            notices=_to_author,
        ),
    ],
)


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
    case = CASE.start(actor, case, "withdraw")
    if not reason.strip():
        raise DomainError("Напишите, почему экспертиза больше не нужна: методист увидит это.")
    case.status_reason = reason.strip()
    # The experts' unfinished work is dropped with the case.
    Review.objects.filter(round__case=case, status=Review.Status.PENDING).delete()
    return CASE.finish(
        actor,
        case,
        "withdraw",
        fields=["status_reason", "updated_at"],
        changes={"reason": reason},
    )


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
    case = CASE.start(actor, case, "assign")
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
    case.deadline = deadline
    case.blind = blind
    case.assigned_by = actor
    round_ = case.rounds.get(number=case.round_number)
    Review.objects.bulk_create(Review(round=round_, expert=expert) for expert in experts)
    return CASE.finish(
        actor,
        case,
        "assign",
        fields=["deadline", "blind", "assigned_by", "updated_at"],
        changes={
            "experts": [expert.full_name for expert in experts],
            "deadline": deadline.isoformat() if deadline else "",
            "blind": blind,
        },
    )


def case_resubmit(*, actor: User, case: ExpertiseCase, files, note: str) -> ExpertiseCase:
    """The author's revised version after «соответствует при условии доработки»: a new round,
    reviewed by the same experts, while the earlier files, scores and comments stay."""
    with written_files() as written, transaction.atomic():
        case = CASE.start(actor, case, "resubmit")
        if not note.strip():
            raise DomainError("Опишите, что исправлено: эксперты начнут с этого.")
        previous = case.rounds.get(number=case.round_number)
        case.round_number += 1
        case.verdict = ""
        round_ = Round.objects.create(
            case=case, number=case.round_number, note=note.strip(), submitted_by=actor
        )
        _store_files(round_, files, written)
        experts = [review.expert_id for review in previous.reviews.all()]
        Review.objects.bulk_create(Review(round=round_, expert_id=pk) for pk in experts)
        return CASE.finish(
            actor,
            case,
            "resubmit",
            fields=["round_number", "verdict", "updated_at"],
            changes={"round": round_.number, "files": [f.name for f in files]},
        )


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
        case = CASE.start(actor, case, "disagree")
        CASE.finish(
            actor, case, "disagree", fields=["updated_at"], changes={"round": round_.number}
        )


@transaction.atomic
def case_reconcile(*, actor: User, case: ExpertiseCase, verdict: str, reason: str) -> Conclusion:
    """The methodist's final verdict where the experts disagreed, with the reason for it."""
    case = ExpertiseCase.objects.select_for_update().get(pk=case.pk)
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

    move = "revise" if verdict == Verdict.REVISION else "conclude"
    case = CASE.start(actor, case, move)
    case.verdict = verdict
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
    CASE.finish(
        actor,
        case,
        move,
        fields=["verdict", "updated_at"],
        changes={
            "round": round_.number,
            "verdict": Verdict(verdict).label,
            "reconciled": reconciled,
        },
    )
    documents.document_request(kind=CONCLUSION_DOCUMENT, obj=conclusion, actor=actor)
    return conclusion
