"""Expertise reminders (tutoring.reminders): the expert's deadline near, and passed."""

from django.db.models import Count, F, Q
from django.utils import timezone

from tutoring.models import RoleKind
from tutoring.reminders import Rule, days_word, local_date_window
from tutoring.words import end_sentence, plural

from .models import ExpertiseCase, Review

REVIEW_DUE = "expertise.review.due"
REVIEW_OVERDUE = "expertise.review.overdue"

KINDS = [
    (REVIEW_DUE, "Срок экспертизы через 2 дня"),
    (REVIEW_OVERDUE, "Срок экспертизы прошёл"),
]

# The expert is reminded when the deadline is this many days away, or nearer.
DUE_IN_DAYS = 2
OPEN = (ExpertiseCase.Status.REVIEW, ExpertiseCase.Status.DISAGREEMENT)


def _pending_reviews(now, *, first: int, last: int):
    return (
        Review.objects.filter(
            local_date_window(
                now,
                "round__case__deadline",
                first=first,
                last=last,
                tz_field="round__case__municipality__timezone",
            ),
            status=Review.Status.PENDING,
            round__case__status__in=OPEN,
            # A review of an earlier round is closed by the revision that followed it.
            round__number=F("round__case__round_number"),
        )
        .select_related("round__case__municipality")
        .order_by("pk")
    )


def _today(case: ExpertiseCase, now):
    return timezone.localtime(now, case.municipality.tzinfo).date()


def _due_text(review: Review, now) -> str:
    case = review.round.case
    days = (case.deadline - _today(case, now)).days
    # The title after a colon, not in quotes: a lesson plan's title quotes its topic.
    return (
        f"Срок экспертизы — {case.deadline:%d.%m.%Y}, {days_word(days)}: "
        f"{end_sentence(case.title)} Поставьте баллы и напишите заключение."
    )


def _overdue_text(review: Review, now) -> str:
    case = review.round.case
    return (
        f"Срок экспертизы прошёл {case.deadline:%d.%m.%Y}, а ваша оценка ещё не дана: "
        f"{end_sentence(case.title)} Поставьте баллы и напишите заключение."
    )


def _overdue_cases(now):
    pending = Q(rounds__number=F("round_number"), rounds__reviews__status=Review.Status.PENDING)
    return (
        ExpertiseCase.objects.filter(
            local_date_window(
                now, "deadline", first=-30, last=-1, tz_field="municipality__timezone"
            ),
            status__in=OPEN,
        )
        .annotate(pending=Count("rounds__reviews", filter=pending, distinct=True))
        .filter(pending__gt=0)
        .select_related("municipality")
        .order_by("pk")
    )


def _case_overdue_text(case: ExpertiseCase, now) -> str:
    experts = plural(case.pending, "эксперт", "эксперта", "экспертов")
    return (
        f"Срок экспертизы № {case.pk} прошёл {case.deadline:%d.%m.%Y}, не дали оценку "
        f"{experts}: {end_sentence(case.title)}"
    )


RULES = [
    Rule(
        key=REVIEW_DUE,
        kind=REVIEW_DUE,
        due=lambda now: _pending_reviews(now, first=0, last=DUE_IN_DAYS),
        people=lambda review: [review.expert_id],
        text=_due_text,
        municipality_id=lambda review: review.round.case.municipality_id,
    ),
    # The expert is told on their review's page; the methodists once of the case.
    Rule(
        key=REVIEW_OVERDUE,
        kind=REVIEW_OVERDUE,
        due=lambda now: _pending_reviews(now, first=-30, last=-1),
        people=lambda review: [review.expert_id],
        text=_overdue_text,
        municipality_id=lambda review: review.round.case.municipality_id,
    ),
    Rule(
        key="expertise.case.overdue",
        kind=REVIEW_OVERDUE,
        due=_overdue_cases,
        roles=(RoleKind.METHODIST,),
        text=_case_overdue_text,
    ),
]
