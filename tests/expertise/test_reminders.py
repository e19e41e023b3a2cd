"""Expertise reminders: the expert's deadline in two days, and passed (the expert and the
methodists are told)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from expertise.models import ExpertiseCase, Review
from tests.tutoring.factories import user_with_role
from tutoring import reminders
from tutoring.models import Notification, RoleKind

from .factories import assign, make_world, score, submit

NOW = timezone.now()


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def case_due(world, days):
    case = assign(world, submit(world))
    today = timezone.localtime(NOW, world.municipality.tzinfo).date()
    ExpertiseCase.objects.filter(pk=case.pk).update(deadline=today + timedelta(days=days))
    case.refresh_from_db()
    return case


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_it_tells_each_expert_two_days_before_the_deadline(world):
    case_due(world, 2)

    reminders.run(NOW)

    assert told("expertise.review.due") == sorted([world.expert1.pk, world.expert2.pk])
    notification = Notification.objects.get(recipient=world.expert1, kind="expertise.review.due")
    review = Review.objects.get(expert=world.expert1)
    assert notification.link == review.get_absolute_url()
    assert "через 2 дня: Рабочая программа по математике для 5–9 классов." in notification.text
    assert world.teacher.pk not in told("expertise.review.due")
    assert world.methodist.pk not in told("expertise.review.due")


def test_an_expert_who_has_scored_is_not_reminded(world):
    case = case_due(world, 1)
    score(case, world.expert1, 1)

    reminders.run(NOW)

    assert told("expertise.review.due") == [world.expert2.pk]


def test_a_deadline_a_week_away_or_a_withdrawn_case_is_not_reminded(world):
    case_due(world, 7)
    withdrawn = case_due(world, 1)
    ExpertiseCase.objects.filter(pk=withdrawn.pk).update(status=ExpertiseCase.Status.WITHDRAWN)

    assert reminders.run(NOW)["expertise.review.due"] == 0


def test_a_passed_deadline_tells_the_experts_late_and_the_methodists_once(world):
    case = case_due(world, -1)
    score(case, world.expert1, 1)
    other_methodist = user_with_role(RoleKind.METHODIST)

    first = reminders.run(NOW)
    second = reminders.run(NOW + timedelta(hours=1))

    assert told("expertise.review.overdue") == sorted([world.expert2.pk, world.methodist.pk])
    assert other_methodist.pk not in told("expertise.review.overdue")
    assert first["expertise.case.overdue"] == 1
    assert (second["expertise.review.overdue"], second["expertise.case.overdue"]) == (0, 0)
    to_methodist = Notification.objects.get(recipient=world.methodist)
    assert to_methodist.text == (
        f"Срок экспертизы № {case.pk} прошёл {case.deadline:%d.%m.%Y}, не дали оценку "
        "1 эксперт: Рабочая программа по математике для 5–9 классов."
    )
    assert to_methodist.link == case.get_absolute_url()
