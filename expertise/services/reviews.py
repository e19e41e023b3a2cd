"""An expert's review of a round: scores per criterion with comments, the motivated
conclusion, and the verdict the rubric gives them."""

from django.db import transaction
from django.utils import timezone

from tutoring.errors import DomainError
from tutoring.models import User
from tutoring.services import audit_record

from ..models import ExpertiseCase, Review, Score, Verdict
from ..scoring import Marked, outcome
from .cases import _settle

Status = ExpertiseCase.Status


@transaction.atomic
def review_save(
    *,
    actor: User,
    review: Review,
    scores: dict[int, tuple[int | None, str]],
    conclusion: str,
    submit: bool,
) -> Review:
    """Keep the expert's scores (a draft may be incomplete); `submit` hands them in, after
    which they no longer change. `scores` maps a criterion id to (score, comment)."""
    review = Review.objects.select_for_update().select_related("round").get(pk=review.pk)
    case = ExpertiseCase.objects.select_for_update().get(pk=review.round.case_id)
    if review.expert_id != actor.pk:
        raise DomainError("Оценку даёт назначенный эксперт.")
    if review.status == Review.Status.SUBMITTED:
        raise DomainError("Оценка уже отправлена и больше не меняется.")
    if case.status != Status.REVIEW or review.round.number != case.round_number:
        raise DomainError("Экспертиза сейчас не ждёт оценок.")
    criteria = list(case.rubric.criteria.all())
    marks, missing = [], []
    Score.objects.filter(review=review).delete()
    for criterion in criteria:
        score, comment = scores.get(criterion.pk, (None, ""))
        if score is None:
            missing.append(criterion.number)
            continue
        if not 0 <= score <= criterion.max_score:
            raise DomainError(
                f"Балл по критерию {criterion.number} — от 0 до {criterion.max_score}."
            )
        Score.objects.create(
            review=review, criterion=criterion, score=score, comment=comment.strip()
        )
        marks.append(Marked(score, criterion.max_score, criterion.required))
    review.conclusion = conclusion.strip()
    if submit:
        if missing:
            raise DomainError(
                "Оцените все критерии; без оценки: " + ", ".join(map(str, missing)) + "."
            )
        if not review.conclusion:
            raise DomainError("Напишите мотивированное заключение: оно войдёт в документ.")
        result = outcome(
            kind=case.kind, upper=case.rubric.upper, lower=case.rubric.lower, marks=marks
        )
        review.total = result.total
        review.verdict = result.verdict
        review.status = Review.Status.SUBMITTED
        review.submitted_at = timezone.now()
    review.save()
    audit_record(
        actor=actor,
        action="review.submit" if submit else "review.save",
        obj=case,
        changes={
            "round": review.round.number,
            "verdict": Verdict(review.verdict).label if review.verdict else "",
            "total": review.total,
        },
    )
    if submit:
        _settle(case, review.round, actor)
    return review
