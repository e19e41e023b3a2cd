"""Whom the moves of an expertise case tell: the experts assigned, the methodists of a
disagreement, the author of a revision, the author and the school of a conclusion."""

import datetime

import pytest

from expertise.services import cases as services
from tests.tutoring.factories import OrganizationFactory, user_with_role
from tutoring.access import access_for
from tutoring.models import Notification, RoleKind

from . import badfiles
from .factories import assign, checked, full, make_world, partly, score, submit, tutor_of


@pytest.fixture
def world(db):
    return make_world()


def inbox(user, kind=None) -> list[str]:
    notes = Notification.objects.filter(recipient=user)
    if kind:
        notes = notes.filter(kind=kind)
    return list(notes.values_list("kind", flat=True))


def test_it_tells_each_assigned_expert_with_the_deadline(world):
    case = submit(world)
    bystander = tutor_of(world.subject, world.municipality, OrganizationFactory())
    services.case_assign(
        actor=world.methodist,
        case=case,
        experts=[world.expert1],
        deadline=datetime.date(2099, 12, 15),
        blind=False,
    )
    assert inbox(world.expert1) == ["expertise.case.assigned"]
    note = Notification.objects.get(recipient=world.expert1)
    assert "до 15 декабря 2099 г." in note.text and case.title in note.text
    assert note.link == case.get_absolute_url()
    assert inbox(world.expert2) == [] and inbox(bystander) == []
    assert inbox(world.methodist) == [] and inbox(world.teacher) == []


def test_experts_of_a_revised_version_are_not_told_they_were_assigned_again(world):
    case = assign(world, submit(world))
    score(case, world.expert1, partly)
    score(case, world.expert2, partly)
    services.case_resubmit(
        actor=world.teacher,
        case=case,
        files=[checked(badfiles.good_docx())],
        note="Добавлены ЦОР к каждой теме.",
    )
    assert inbox(world.expert1, "expertise.case.assigned") == ["expertise.case.assigned"]


def test_a_disagreement_tells_the_methodists_of_the_municipality(world):
    colleague = user_with_role(RoleKind.METHODIST, municipality=world.municipality)
    elsewhere = user_with_role(RoleKind.METHODIST)
    case = assign(world, submit(world))
    score(case, world.expert1, full)
    assert inbox(world.methodist) == []  # one expert has not scored yet
    score(case, world.expert2, lambda criterion: 0)
    kind = "expertise.case.disagreement"
    assert inbox(world.methodist) == inbox(colleague) == [kind]
    note = Notification.objects.get(recipient=world.methodist)
    assert "нужно ваше решение" in note.text and note.link == case.get_absolute_url()
    assert inbox(elsewhere) == [] and inbox(world.expert2, kind) == []
    assert inbox(world.teacher) == [] and inbox(world.school_admin) == []


def test_a_revision_tells_the_author_alone(world):
    case = assign(world, submit(world))
    score(case, world.expert1, partly)
    score(case, world.expert2, partly)
    assert inbox(world.teacher) == ["expertise.case.revision"]
    note = Notification.objects.get(recipient=world.teacher)
    assert "на доработку" in note.text and note.link == case.get_absolute_url()
    assert inbox(world.school_admin) == [] and inbox(world.methodist) == []
    assert inbox(world.expert1) == ["expertise.case.assigned"]


def test_a_conclusion_tells_the_author_and_the_school(world):
    other_school = user_with_role(RoleKind.SCHOOL, municipality=world.municipality)
    case = assign(world, submit(world))
    score(case, world.expert1, full)
    score(case, world.expert2, full)
    kind = "expertise.case.conclusion"
    assert inbox(world.teacher) == inbox(world.school_admin) == [kind]
    note = Notification.objects.get(recipient=world.school_admin)
    assert "соответствует" in note.text and "Петренко" in note.text
    assert note.link == case.get_absolute_url()
    assert inbox(other_school) == [] and inbox(world.methodist) == []
    assert inbox(world.expert1, kind) == inbox(world.expert2, kind) == []


def test_a_reconciled_conclusion_tells_the_author_and_the_school_not_the_methodist(world):
    case = assign(world, submit(world))
    score(case, world.expert1, full)
    score(case, world.expert2, lambda criterion: 0)
    services.case_reconcile(
        actor=world.methodist, case=case, verdict="complies", reason="Первый эксперт прав."
    )
    kind = "expertise.case.conclusion"
    assert inbox(world.teacher) == inbox(world.school_admin) == [kind]
    assert inbox(world.methodist, kind) == []


def test_the_page_offers_each_user_only_their_moves(world):
    case = submit(world)
    assert services.CASE.available(access_for(world.methodist), case) == {"assign"}
    assert services.CASE.available(access_for(world.teacher), case) == {"withdraw"}
    assert services.CASE.available(access_for(world.expert1), case) == frozenset()
    case = assign(world, case)
    score(case, world.expert1, full)
    score(case, world.expert2, lambda criterion: 0)
    case.refresh_from_db()
    assert services.CASE.available(access_for(world.methodist), case) == {"conclude", "revise"}
    assert services.CASE.available(access_for(world.expert1), case) == frozenset()
    assert services.CASE.available(access_for(world.teacher), case) == frozenset()
