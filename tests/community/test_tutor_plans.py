"""Tutors' personal plans: a tutor drafts and submits, the methodist approves or returns."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Activity, DomainError, TutorPlan, TutorPlanItem
from community.services import plans as services
from tests.tutoring.factories import AcademicYearFactory, UserFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

from .factories import TutorPlanFactory, TutorPlanItemFactory, municipality_cast

# The tutor and the methodist come last: their successful actions change what others get.
ROLES = ["director", "school", "teacher", "regional", "other_methodist", "tutor", "methodist"]


def statuses(client, cast, url, *, post=False):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = (client.post(url) if post else client.get(url)).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def item_data(**overrides):
    data = {
        "activity": Activity.CONSULTING,
        "content": "Супервизия уроков учителей математики СОШ № 20",
        "timing": "ежемесячно",
        "expected_result": "проведено 8 супервизий",
    }
    return data | overrides


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.fixture
def cast(db):
    return municipality_cast()


@pytest.fixture
def plan(cast):
    return TutorPlanFactory(municipality=cast.municipality, tutor=cast.tutor)


def submitted(plan):
    TutorPlanItemFactory(plan=plan)
    plan.status = TutorPlan.Status.SUBMITTED
    plan.save()
    return plan


def test_it_opens_the_list_to_tutors_and_those_who_oversee_them(client, cast):
    got = statuses(client, cast, "/community/tutor-plans/")
    assert got == expect(200, 403, 403, 200, 200, 200, 200)


def test_it_shows_a_plan_to_its_tutor_and_the_municipalitys_overseers(client, cast, plan):
    got = statuses(client, cast, f"/community/tutor-plans/{plan.pk}/")
    assert got == expect(200, 404, 404, 200, 404, 200, 200)


def test_it_hides_a_plan_from_another_tutor_of_the_municipality(client, cast, plan):
    client.force_login(user_with_role(RoleKind.TUTOR, municipality=cast.municipality))
    assert client.get(f"/community/tutor-plans/{plan.pk}/").status_code == 404
    page = client.get("/community/tutor-plans/").content.decode()
    assert "Тьюторова" not in page
    assert "У вас пока нет плана работы" in page


def test_it_opens_the_new_plan_form_to_tutors_only(client, cast):
    got = statuses(client, cast, "/community/tutor-plans/new/")
    assert got == expect(403, 403, 403, 403, 403, 200, 403)


def test_it_lets_only_the_tutor_edit_their_plan(client, cast, plan):
    got = statuses(client, cast, f"/community/tutor-plans/{plan.pk}/items/new/")
    assert got == expect(403, 404, 404, 403, 404, 200, 403)


def test_it_creates_one_plan_per_tutor_and_year(client, cast):
    year = AcademicYearFactory()
    client.force_login(cast.tutor)
    response = client.post("/community/tutor-plans/new/", {"academic_year": year.pk}, follow=True)
    assert "План создан" in response.content.decode()
    response = client.post("/community/tutor-plans/new/", {"academic_year": year.pk})
    assert "уже есть" in response.content.decode()
    plan = TutorPlan.objects.get()
    assert (plan.tutor, plan.municipality, plan.status) == (cast.tutor, cast.municipality, "draft")
    assert AuditEntry.objects.filter(action="tutor_plan.create").count() == 1


def test_it_adds_an_item_to_the_plan(client, cast, plan):
    client.force_login(cast.tutor)
    response = client.post(f"/community/tutor-plans/{plan.pk}/items/new/", item_data(), follow=True)
    assert "Пункт добавлен" in response.content.decode()
    assert plan.items.get().expected_result == "проведено 8 супервизий"
    assert AuditEntry.objects.filter(action="tutor_plan.item_add").exists()


def test_it_requires_a_timing_and_saves_nothing_without_it(client, cast, plan):
    client.force_login(cast.tutor)
    response = client.post(f"/community/tutor-plans/{plan.pk}/items/new/", item_data(timing=""))
    assert "Обязательное поле." in response.content.decode()
    assert not TutorPlanItem.objects.exists()


def test_it_edits_and_removes_items(client, cast, plan):
    item = TutorPlanItemFactory(plan=plan)
    client.force_login(cast.tutor)
    client.post(f"/community/tutor-plan-items/{item.pk}/edit/", item_data(timing="май"))
    item.refresh_from_db()
    assert item.timing == "май"
    client.post(f"/community/tutor-plan-items/{item.pk}/delete/")
    assert not TutorPlanItem.objects.exists()


def test_it_refuses_to_submit_an_empty_plan(client, cast, plan):
    client.force_login(cast.tutor)
    response = client.post(f"/community/tutor-plans/{plan.pk}/submit/", follow=True)
    assert "нет ни одного пункта" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == TutorPlan.Status.DRAFT


def test_it_submits_the_plan_and_locks_it(client, cast, plan):
    item = TutorPlanItemFactory(plan=plan)
    client.force_login(cast.tutor)
    response = client.post(f"/community/tutor-plans/{plan.pk}/submit/", follow=True)
    assert "отправлен методисту" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == TutorPlan.Status.SUBMITTED
    assert plan.submitted_at is not None
    response = client.post(f"/community/tutor-plan-items/{item.pk}/delete/", follow=True)
    assert "План на согласовании у методиста" in response.content.decode()
    assert TutorPlanItem.objects.filter(pk=item.pk).exists()


def test_it_lets_only_the_municipalitys_methodist_approve(client, cast, plan):
    submitted(plan)
    got = statuses(client, cast, f"/community/tutor-plans/{plan.pk}/approve/", post=True)
    assert got == expect(403, 404, 404, 403, 404, 403, 302)
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == (TutorPlan.Status.APPROVED, cast.methodist)
    assert AuditEntry.objects.filter(action="tutor_plan.approve", actor=cast.methodist).exists()


def test_it_wants_a_comment_to_return_a_plan(client, cast, plan):
    submitted(plan)
    client.force_login(cast.methodist)
    url = f"/community/tutor-plans/{plan.pk}/return/"
    response = client.post(url, {"comment": "  "}, follow=True)
    assert "Напишите, что нужно доработать" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == TutorPlan.Status.SUBMITTED


def test_it_returns_a_plan_with_the_comment_the_tutor_then_sees(client, cast, plan):
    submitted(plan)
    client.force_login(cast.methodist)
    comment = "Добавьте тьюториалы для учителей ШНОР."
    client.post(f"/community/tutor-plans/{plan.pk}/return/", {"comment": comment})
    plan.refresh_from_db()
    assert (plan.status, plan.reviewer_comment) == (TutorPlan.Status.RETURNED, comment)
    client.force_login(cast.tutor)
    page = client.get(f"/community/tutor-plans/{plan.pk}/").content.decode()
    assert "Замечания методиста" in page
    assert comment in page
    assert "Отправить на согласование" in page


def test_it_lets_the_tutor_rework_and_resubmit_a_returned_plan(client, cast, plan):
    submitted(plan)
    services.tutor_plan_return(actor=cast.methodist, plan=plan, comment="Уточните сроки.")
    client.force_login(cast.tutor)
    client.post(f"/community/tutor-plans/{plan.pk}/items/new/", item_data())
    client.post(f"/community/tutor-plans/{plan.pk}/submit/")
    plan.refresh_from_db()
    assert plan.status == TutorPlan.Status.SUBMITTED
    assert plan.items.count() == 2


def test_it_shows_an_illegal_move_as_a_message(client, cast, plan):
    TutorPlanItemFactory(plan=plan)
    client.force_login(cast.methodist)
    response = client.post(f"/community/tutor-plans/{plan.pk}/approve/", follow=True)
    assert "Утвердить можно только план, отправленный на согласование" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == TutorPlan.Status.DRAFT


ILLEGAL = [
    ("draft", "approve"),
    ("draft", "return"),
    ("returned", "approve"),
    ("returned", "return"),
    ("submitted", "submit"),
    ("approved", "submit"),
    ("approved", "approve"),
    ("approved", "return"),
]


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_it_refuses_every_move_the_transitions_do_not_allow(cast, plan, status, action):
    TutorPlanItemFactory(plan=plan)
    TutorPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    move = getattr(services, f"tutor_plan_{action}")
    kwargs = {"comment": "замечание"} if action == "return" else {}
    with pytest.raises(DomainError):
        move(actor=cast.methodist, plan=plan, **kwargs)
    plan.refresh_from_db()
    assert plan.status == status


def test_it_filters_the_methodists_list_by_status_and_year(client, cast):
    old_year = AcademicYearFactory(start_year=2020)
    submitted(TutorPlanFactory(municipality=cast.municipality, tutor=cast.tutor))
    TutorPlanFactory(municipality=cast.municipality, tutor=UserFactory(last_name="Черновикова"))
    TutorPlanFactory(
        municipality=cast.municipality,
        academic_year=old_year,
        tutor=UserFactory(last_name="Давнова"),
    )
    client.force_login(cast.methodist)
    page = client.get("/community/tutor-plans/", {"status": "submitted"}).content.decode()
    assert "Тьюторова" in page
    assert "Черновикова" not in page
    page = client.get("/community/tutor-plans/", {"academic_year": old_year.pk}).content.decode()
    assert "Давнова" in page
    assert "Тьюторова" not in page


def test_it_paginates_the_list(client, cast):
    for n in range(51):
        TutorPlanFactory(municipality=cast.municipality, tutor=UserFactory(last_name=f"Т{n:02d}"))
    client.force_login(cast.director)
    first = client.get("/community/tutor-plans/").content.decode()
    second = client.get("/community/tutor-plans/", {"page": 2}).content.decode()
    assert "Страница 1 из 2" in first
    assert "Т50" in second
    assert "Т50" not in first


def test_it_keeps_query_counts_flat_as_plans_grow(
    client, cast, plan, django_assert_max_num_queries
):
    TutorPlanItemFactory.create_batch(3, plan=plan)
    client.force_login(cast.methodist)
    pages = ["/community/tutor-plans/", f"/community/tutor-plans/{plan.pk}/"]
    small = {url: queries(client, url) for url in pages}
    TutorPlanItemFactory.create_batch(27, plan=plan, activity=Activity.MONITORING)
    for _ in range(5):
        TutorPlanItemFactory(plan__municipality=cast.municipality)
    assert {url: queries(client, url) for url in pages} == small
    with django_assert_max_num_queries(10):
        client.get(f"/community/tutor-plans/{plan.pk}/")
