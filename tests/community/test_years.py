"""«Начать учебный год»: the new year's draft roster, plans and assignments from the last
year's; nothing doubled on a second run, nothing of the old year changed."""

import pytest
from django.forms import model_to_dict

from community.models import (
    Assignment,
    CommunityPlan,
    DomainError,
    Roster,
    RosterEntry,
    TutorPlan,
    TutorPlanItem,
)
from community.services.years import year_start
from tests.tutoring.factories import (
    AcademicYearFactory,
    SubjectFactory,
    UserFactory,
    user_with_role,
)
from tutoring.models import AcademicYear, AuditEntry, RoleKind, current_start_year

from .factories import (
    AssignmentFactory,
    CommunityPlanFactory,
    PairFactory,
    PlanItemFactory,
    RosterEntryFactory,
    RosterFactory,
    TutorPlanFactory,
    TutorPlanItemFactory,
    municipality_cast,
)

NEW = current_start_year() + 1


def url(municipality) -> str:
    return f"/community/municipalities/{municipality.pk}/new-year/"


@pytest.fixture
def cast(db):
    return municipality_cast()


@pytest.fixture
def old(cast):
    """This year's approved roster (the tutor, with two subjects), its plans, an assignment."""
    year = AcademicYearFactory()
    roster = RosterFactory(
        municipality=cast.municipality, academic_year=year, status=Roster.Status.APPROVED
    )
    entry = RosterEntryFactory(
        roster=roster,
        person=cast.tutor,
        organization=cast.school_org,
        position="учитель физики",
        level="regional",
    )
    entry.subjects.set([SubjectFactory(name="Физика"), SubjectFactory(name="Математика")])
    plan = CommunityPlanFactory(municipality=cast.municipality, academic_year=year)
    PlanItemFactory(plan=plan, content="Семинар для тьюторов", timing="октябрь")
    tutor_plan = TutorPlanFactory(
        municipality=cast.municipality, academic_year=year, tutor=cast.tutor, status="approved"
    )
    TutorPlanItemFactory(plan=tutor_plan, content="Тьюториал по физике")
    AssignmentFactory(
        municipality=cast.municipality, academic_year=year, tutor=cast.tutor, teacher=cast.teacher
    )
    return roster


def start(cast, **choice):
    return year_start(
        actor=cast.methodist, municipality=cast.municipality, start_year=NEW, **choice
    )


def everything(old):
    return {
        "roster": True,
        "plan_from": old.academic_year,
        "tutor_plans": True,
        "assignments": True,
    }


def snapshot(roster):
    """The old year's records as they are stored."""
    year = roster.academic_year
    return {
        "roster": model_to_dict(Roster.objects.get(pk=roster.pk)),
        "entries": [
            (model_to_dict(e, exclude=["subjects"]), sorted(s.pk for s in e.subjects.all()))
            for e in RosterEntry.objects.filter(roster=roster)
        ],
        "plans": list(CommunityPlan.objects.filter(academic_year=year).values()),
        "tutor_plans": list(TutorPlan.objects.filter(academic_year=year).values()),
        "tutor_items": list(TutorPlanItem.objects.filter(plan__academic_year=year).values()),
        "assignments": list(Assignment.objects.filter(academic_year=year).values()),
    }


def test_it_opens_only_to_the_municipalitys_methodist(client, cast):
    codes = {}
    for role in ("director", "school", "teacher", "tutor", "regional", "other_methodist"):
        client.force_login(getattr(cast, role))
        codes[role] = client.get(url(cast.municipality)).status_code
    client.force_login(cast.methodist)
    codes["methodist"] = client.get(url(cast.municipality)).status_code
    assert codes == {
        "director": 403,
        "school": 403,
        "teacher": 403,
        "tutor": 403,
        "regional": 403,
        "other_methodist": 404,
        "methodist": 200,
    }


def test_it_makes_the_new_year_and_a_draft_roster_with_the_entries(cast, old):
    done = start(cast, roster=True)

    year = AcademicYear.objects.get(start_year=NEW)
    roster = Roster.objects.get(municipality=cast.municipality, academic_year=year)
    assert done.roster == roster and roster.is_draft and roster.revision == 1
    [entry] = roster.entries.all()
    assert (entry.person, entry.organization, entry.position, entry.level) == (
        cast.tutor,
        cast.school_org,
        "учитель физики",
        "regional",
    )
    assert sorted(entry.subjects.values_list("name", flat=True)) == ["Математика", "Физика"]


def test_it_copies_plans_and_carries_assignments_over(cast, old):
    done = start(cast, **everything(old))

    plan = CommunityPlan.objects.get(academic_year__start_year=NEW)
    assert plan.is_draft and list(plan.items.values_list("content", flat=True)) == [
        "Семинар для тьюторов"
    ]
    tutor_plan = TutorPlan.objects.get(academic_year__start_year=NEW)
    assert (tutor_plan.tutor, tutor_plan.status) == (cast.tutor, TutorPlan.Status.DRAFT)
    assert list(tutor_plan.items.values_list("content", flat=True)) == ["Тьюториал по физике"]
    assignment = Assignment.objects.get(academic_year__start_year=NEW)
    assert (assignment.tutor, assignment.teacher) == (cast.tutor, cast.teacher)
    assert (done.tutor_plans, done.assignments) == (1, 1)


def test_it_leaves_the_old_year_as_it_was(cast, old):
    before = snapshot(old)

    start(cast, **everything(old))

    assert snapshot(old) == before


def test_it_records_the_start_in_russian_words(client, cast, old):
    start(cast, **everything(old))

    entry = AuditEntry.objects.get(action="year.start")
    assert entry.municipality == cast.municipality
    assert entry.changes["academic_year"] == str(AcademicYear.objects.get(start_year=NEW))
    assert entry.changes["tutor_plans"] == 1 and entry.changes["assignments"] == 1
    assert AuditEntry.objects.filter(action="roster.carry_over").count() == 1
    roster = Roster.objects.get(academic_year__start_year=NEW)
    client.force_login(cast.methodist)
    page = client.get(roster.get_absolute_url()).content.decode()
    assert "черновик состава составлен по утверждённому составу прошлого года" in page


def test_a_second_run_refuses_the_roster_and_the_plan_that_exist(cast, old):
    start(cast, **everything(old))

    with pytest.raises(DomainError, match=r"Состав на .* уже заведён"):
        start(cast, **everything(old))
    with pytest.raises(DomainError, match=r"План-график на .* уже есть"):
        start(cast, plan_from=old.academic_year)
    assert Roster.objects.filter(academic_year__start_year=NEW).count() == 1
    assert CommunityPlan.objects.filter(academic_year__start_year=NEW).count() == 1


def test_a_second_run_skips_the_tutor_plans_and_assignments_that_exist(cast, old):
    start(cast, **everything(old))

    done = start(cast, tutor_plans=True, assignments=True)

    assert (done.tutor_plans, done.tutor_plans_skipped) == (0, 1)
    assert (done.assignments, done.assignments_skipped) == (0, 1)
    assert TutorPlan.objects.filter(academic_year__start_year=NEW).count() == 1
    assert Assignment.objects.filter(academic_year__start_year=NEW).count() == 1


def test_mentoring_pairs_are_not_carried_over(cast, old):
    mentee = user_with_role(RoleKind.TEACHER, organization=cast.school_org)
    PairFactory(
        municipality=cast.municipality,
        academic_year=old.academic_year,
        tutor=cast.tutor,
        teacher=mentee,
    )
    done = start(cast, roster=True, assignments=True)
    assert done.assignments == 1
    assert not Assignment.all_kinds.filter(academic_year__start_year=NEW, teacher=mentee).exists()


def test_a_pair_of_the_same_two_in_the_new_year_is_skipped(cast, old):
    new_year = AcademicYearFactory(start_year=NEW)
    PairFactory(
        municipality=cast.municipality,
        academic_year=new_year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    done = start(cast, roster=True, assignments=True)
    assert (done.assignments, done.assignments_skipped) == (0, 1)
    assert Assignment.all_kinds.get(academic_year=new_year).is_mentoring


def test_a_refusal_leaves_nothing_half_made(cast, old):
    later = AcademicYearFactory(start_year=NEW + 1)
    CommunityPlanFactory(municipality=cast.municipality, academic_year=later)

    with pytest.raises(DomainError, match="более раннего"):
        start(cast, roster=True, plan_from=later, tutor_plans=True)

    assert not Roster.objects.filter(academic_year__start_year=NEW).exists()
    assert not TutorPlan.objects.filter(academic_year__start_year=NEW).exists()
    assert not AcademicYear.objects.filter(start_year=NEW).exists()


def test_it_copies_the_plan_of_any_earlier_year(cast, old):
    long_ago = AcademicYearFactory(start_year=current_start_year() - 4)
    plan = CommunityPlanFactory(municipality=cast.municipality, academic_year=long_ago)
    PlanItemFactory(plan=plan, content="Форсайт-сессия")

    start(cast, plan_from=long_ago)

    new = CommunityPlan.objects.get(academic_year__start_year=NEW)
    assert list(new.items.values_list("content", flat=True)) == ["Форсайт-сессия"]
    assert str(new.academic_year) in new.title


def test_it_carries_over_only_tutors_of_the_new_roster_and_active_teachers(cast, old):
    year = old.academic_year
    gone = user_with_role(RoleKind.TEACHER, organization=cast.school_org, is_active=False)
    AssignmentFactory(
        municipality=cast.municipality, academic_year=year, tutor=cast.tutor, teacher=gone
    )
    outsider = UserFactory()  # a tutor who is not in the roster
    AssignmentFactory(
        municipality=cast.municipality, academic_year=year, tutor=outsider, teacher=cast.teacher
    )
    TutorPlanFactory(municipality=cast.municipality, academic_year=year, tutor=outsider)

    start(cast, roster=True, tutor_plans=True, assignments=True)

    pairs = Assignment.objects.filter(academic_year__start_year=NEW).values_list("tutor", "teacher")
    assert list(pairs) == [(cast.tutor.pk, cast.teacher.pk)]
    tutors = TutorPlan.objects.filter(academic_year__start_year=NEW).values_list("tutor", flat=True)
    assert list(tutors) == [cast.tutor.pk]


def test_it_asks_for_the_roster_before_carrying_assignments(cast, old):
    with pytest.raises(DomainError, match=r"Состава на .* ещё нет"):
        start(cast, assignments=True)
    assert not Assignment.objects.filter(academic_year__start_year=NEW).exists()


def test_the_page_starts_the_year_and_says_what_was_made(client, cast, old):
    client.force_login(cast.methodist)
    data = {
        "start_year": NEW,
        "roster": "on",
        "plan_from": old.academic_year.pk,
        "tutor_plans": "on",
        "assignments": "on",
    }

    response = client.post(url(cast.municipality), data, follow=True)

    text = response.content.decode()
    assert "учебный год начат: черновик состава" in text
    assert "закреплений: 1" in text
    again = client.post(url(cast.municipality), data).content.decode()
    assert "уже заведён" in again
    assert Roster.objects.filter(academic_year__start_year=NEW).count() == 1


def test_the_roster_list_and_the_hub_link_to_it(client, cast):
    client.force_login(cast.methodist)
    for page in ("/community/rosters/", "/community/"):
        assert url(cast.municipality) in client.get(page).content.decode()
    client.force_login(cast.director)
    assert url(cast.municipality) not in client.get("/community/rosters/").content.decode()


def test_the_page_reads_in_a_constant_number_of_queries(
    client, cast, old, django_assert_max_num_queries
):
    client.force_login(cast.methodist)
    with django_assert_max_num_queries(7):
        page = client.get(url(cast.municipality)).content.decode()
    assert "Из последнего утверждённого" in page
    assert str(old.academic_year) in page  # a year whose plan may be copied
