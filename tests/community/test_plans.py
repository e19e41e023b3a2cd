"""The community plan (план-график): who sees it, how a methodist builds and approves it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Activity, CommunityPlan, DomainError, PlanItem
from community.services.plans import (
    plan_approve,
    plan_copy,
    plan_item_update,
    plan_return,
    plan_submit,
)
from tests.tutoring.factories import AcademicYearFactory, MunicipalityFactory, RoleFactory
from tutoring.models import AuditEntry, RoleKind, current_start_year

from .factories import CommunityPlanFactory, PlanItemFactory, municipality_cast

# The methodist comes last: their successful action would change what the others get.
ROLES = ["director", "school", "teacher", "tutor", "regional", "other_methodist", "methodist"]


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
        "activity": Activity.EDUCATIONAL,
        "content": "Обмен опытом по методике подготовки к ОГЭ (9 кл.)",
        "timing": "октябрь-ноябрь",
        "responsible": "методисты ИМЦ, тьюторы",
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
def draft(cast):
    return CommunityPlanFactory(municipality=cast.municipality)


@pytest.fixture
def submitted(cast):
    plan = CommunityPlanFactory(municipality=cast.municipality, status="submitted")
    PlanItemFactory(plan=plan)
    return plan


def test_it_opens_the_plan_list_to_every_role(client, cast):
    assert statuses(client, cast, "/community/plans/") == expect(200, 200, 200, 200, 200, 200, 200)


def test_it_shows_a_draft_only_to_the_municipalitys_methodists_and_directors(client, cast, draft):
    got = statuses(client, cast, f"/community/plans/{draft.pk}/")
    assert got == expect(200, 404, 404, 404, 200, 404, 200)


def test_it_shows_an_approved_plan_to_everyone_in_the_municipality(client, cast):
    plan = CommunityPlanFactory(municipality=cast.municipality, status="approved")
    got = statuses(client, cast, f"/community/plans/{plan.pk}/")
    assert got == expect(200, 200, 200, 200, 200, 404, 200)


def test_it_opens_the_forms_to_the_methodist_only(client, cast, draft):
    assert statuses(client, cast, "/community/plans/new/") == expect(
        403, 403, 403, 403, 403, 200, 200
    )
    got = statuses(client, cast, f"/community/plans/{draft.pk}/items/new/")
    assert got == expect(403, 404, 404, 404, 403, 404, 200)


def test_it_lets_only_the_municipalitys_director_approve(client, cast, submitted):
    url = f"/community/plans/{submitted.pk}/approve/"
    others = {"school": 404, "teacher": 404, "tutor": 404, "regional": 403}
    others |= {"other_methodist": 404, "methodist": 403}
    for role, code in others.items():
        client.force_login(getattr(cast, role))
        assert client.post(url).status_code == code, role
    submitted.refresh_from_db()
    assert submitted.status == CommunityPlan.Status.SUBMITTED
    client.force_login(cast.director)
    assert client.post(url).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CommunityPlan.Status.APPROVED


def test_it_lets_only_the_municipalitys_methodist_send_it_for_approval(client, cast, draft):
    PlanItemFactory(plan=draft)
    url = f"/community/plans/{draft.pk}/submit/"
    others = {"director": 403, "school": 404, "teacher": 404, "tutor": 404, "regional": 403}
    for role, code in (others | {"other_methodist": 404}).items():
        client.force_login(getattr(cast, role))
        assert client.post(url).status_code == code, role
    client.force_login(cast.methodist)
    response = client.post(url, follow=True)
    assert "План отправлен руководителю муниципалитета на утверждение." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CommunityPlan.Status.SUBMITTED


def test_it_offers_the_approval_to_the_director_not_the_methodist(client, cast, draft):
    PlanItemFactory(plan=draft)
    client.force_login(cast.methodist)
    page = client.get(f"/community/plans/{draft.pk}/").content.decode()
    assert "Утвердить план</button>" not in page and "Отправить на утверждение</button>" in page
    assert "утверждает руководитель муниципалитета" in page
    client.force_login(cast.director)
    page = client.get(f"/community/plans/{draft.pk}/").content.decode()
    assert "Утвердить план</button>" not in page and "Отправить на утверждение" not in page
    plan_submit(actor=cast.methodist, plan=draft)
    page = client.get(f"/community/plans/{draft.pk}/").content.decode()
    assert "Утвердить план</button>" in page and "Вернуть на доработку</button>" in page
    with pytest.raises(DomainError, match="План утверждает руководитель"):
        plan_approve(actor=cast.methodist, plan=draft)


def test_it_approves_only_a_plan_sent_for_approval(cast, draft):
    PlanItemFactory(plan=draft)
    with pytest.raises(DomainError, match="только план, отправленный на утверждение"):
        plan_approve(actor=cast.director, plan=draft)
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_refuses_to_send_an_empty_plan(client, cast, draft):
    client.force_login(cast.methodist)
    response = client.post(f"/community/plans/{draft.pk}/submit/", follow=True)
    assert "нет ни одного мероприятия" in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft


def test_it_locks_the_plan_while_the_director_reads_it(client, cast, submitted):
    item = submitted.items.get()
    client.force_login(cast.methodist)
    response = client.post(f"/community/plan-items/{item.pk}/delete/", follow=True)
    assert "План на утверждении у руководителя и не меняется" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()


def test_it_returns_the_plan_to_the_methodist_with_a_comment(client, cast, submitted):
    client.force_login(cast.director)
    url = f"/community/plans/{submitted.pk}/return/"
    response = client.post(url, {"comment": ""}, follow=True)
    assert "Напишите, что нужно доработать" in response.content.decode()
    response = client.post(url, {"comment": "Добавьте сроки мониторинга."}, follow=True)
    assert "План возвращён методисту на доработку" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CommunityPlan.Status.RETURNED
    client.force_login(cast.methodist)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert "Добавьте сроки мониторинга." in page and "Отправить на утверждение</button>" in page
    entry = AuditEntry.objects.get(action="plan.return")
    assert entry.changes == {"comment": "Добавьте сроки мониторинга."}
    item = submitted.items.get()
    client.post(f"/community/plan-items/{item.pk}/edit/", item_data(timing="май"))
    item.refresh_from_db()
    assert item.timing == "май"


def test_it_lets_only_the_director_return_the_plan(cast, submitted):
    with pytest.raises(DomainError, match="Возвращает план на доработку руководитель"):
        plan_return(actor=cast.methodist, plan=submitted, comment="Сам себе.")


def test_it_hides_drafts_from_the_list_of_a_teacher(client, cast, draft):
    draft.title = "Черновик плана"
    draft.save()
    client.force_login(cast.teacher)
    page = client.get("/community/plans/").content.decode()
    assert "Черновик плана" not in page
    assert "Планов работы сообщества по этим условиям нет" in page


def test_it_creates_a_plan_with_the_default_title(client, cast):
    year = AcademicYearFactory()
    client.force_login(cast.methodist)
    response = client.post("/community/plans/new/", {"academic_year": year.pk}, follow=True)
    plan = CommunityPlan.objects.get()
    assert plan.title == (
        f"План-график работы тьюторского сообщества {cast.municipality.short_name} "
        f"на {year} учебный год"
    )
    assert plan.is_draft
    assert "План создан" in response.content.decode()
    assert AuditEntry.objects.filter(action="plan.create", object_id=str(plan.pk)).exists()


def test_it_refuses_a_second_plan_for_the_same_year(client, cast, draft):
    client.force_login(cast.methodist)
    data = {"academic_year": draft.academic_year.pk}
    response = client.post("/community/plans/new/", data)
    assert "уже есть" in response.content.decode()
    assert CommunityPlan.objects.count() == 1


def test_it_adds_an_item_and_records_it(client, cast, draft):
    client.force_login(cast.methodist)
    response = client.post(f"/community/plans/{draft.pk}/items/new/", item_data(), follow=True)
    assert "Мероприятие добавлено" in response.content.decode()
    item = draft.items.get()
    assert (item.activity, item.timing) == (Activity.EDUCATIONAL, "октябрь-ноябрь")
    assert AuditEntry.objects.filter(action="plan.item_add").count() == 1


def test_it_requires_a_timing_and_saves_nothing_without_it(client, cast, draft):
    client.force_login(cast.methodist)
    response = client.post(f"/community/plans/{draft.pk}/items/new/", item_data(timing=""))
    assert response.status_code == 200
    assert "Обязательное поле." in response.content.decode()
    assert not PlanItem.objects.exists()
    assert not AuditEntry.objects.filter(action="plan.item_add").exists()


def test_it_suggests_usual_timings_in_a_datalist(client, cast, draft):
    client.force_login(cast.methodist)
    page = client.get(f"/community/plans/{draft.pk}/items/new/?activity=expert").content.decode()
    assert 'list="timing-suggestions"' in page
    assert '<datalist id="timing-suggestions">' in page
    assert '<option value="по запросу ОО">' in page
    assert '<option value="expert" selected>' in page


def test_it_edits_an_item_and_logs_what_changed(client, cast, draft):
    item = PlanItemFactory(plan=draft, timing="май")
    client.force_login(cast.methodist)
    client.post(f"/community/plan-items/{item.pk}/edit/", item_data(timing="апрель-май"))
    item.refresh_from_db()
    assert item.timing == "апрель-май"
    entry = AuditEntry.objects.get(action="plan.item_update")
    assert entry.changes["timing"] == ["май", "апрель-май"]


def test_it_removes_an_item(client, cast, draft):
    item = PlanItemFactory(plan=draft)
    client.force_login(cast.methodist)
    response = client.post(f"/community/plan-items/{item.pk}/delete/", follow=True)
    assert "Мероприятие удалено" in response.content.decode()
    assert not PlanItem.objects.exists()
    assert AuditEntry.objects.filter(action="plan.item_remove").exists()


def test_it_moves_an_item_up(client, cast, draft):
    first = PlanItemFactory(plan=draft, content="Первое", position=0)
    second = PlanItemFactory(plan=draft, content="Второе", position=1)
    client.force_login(cast.methodist)
    client.post(f"/community/plan-items/{second.pk}/move/", {"direction": "up"})
    order = list(draft.items.filter(activity=first.activity).values_list("content", flat=True))
    assert order == ["Второе", "Первое"]
    assert AuditEntry.objects.filter(action="plan.item_move").count() == 1


def test_it_says_so_when_an_item_cannot_move_further(client, cast, draft):
    item = PlanItemFactory(plan=draft)
    client.force_login(cast.methodist)
    url = f"/community/plan-items/{item.pk}/move/"
    response = client.post(url, {"direction": "up"}, follow=True)
    assert "и так первое в плане" in response.content.decode()
    assert not AuditEntry.objects.filter(action="plan.item_move").exists()


def test_it_locks_the_plan_once_approved(client, cast, submitted):
    item = submitted.items.get()
    client.force_login(cast.director)
    client.post(f"/community/plans/{submitted.pk}/approve/")
    client.force_login(cast.methodist)
    response = client.post(f"/community/plan-items/{item.pk}/delete/", follow=True)
    assert "План утверждён и больше не меняется" in response.content.decode()
    assert PlanItem.objects.filter(pk=item.pk).exists()
    with pytest.raises(DomainError, match="План утверждён"):
        plan_item_update(actor=cast.methodist, item=item, **item_data())


def test_it_refuses_to_approve_an_empty_plan(client, cast, draft):
    draft.status = CommunityPlan.Status.SUBMITTED
    draft.save()
    client.force_login(cast.director)
    response = client.post(f"/community/plans/{draft.pk}/approve/", follow=True)
    assert "нет ни одного мероприятия" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == CommunityPlan.Status.SUBMITTED


def test_it_records_the_approval(client, cast, submitted):
    client.force_login(cast.director)
    response = client.post(f"/community/plans/{submitted.pk}/approve/", follow=True)
    assert "План утверждён" in response.content.decode()
    entry = AuditEntry.objects.get(action="plan.approve")
    assert (entry.actor, entry.changes) == (cast.director, {"items": 1})


def test_it_copies_last_years_items_into_this_years_draft(client, cast):
    last = AcademicYearFactory(start_year=current_start_year() - 1)
    old = CommunityPlanFactory(municipality=cast.municipality, academic_year=last)
    PlanItemFactory(plan=old, content="Подготовка к ВПР", timing="сентябрь-октябрь")
    PlanItemFactory(plan=old, activity=Activity.MONITORING, content="Мониторинг")
    client.force_login(cast.methodist)
    this = AcademicYearFactory()
    client.post("/community/plans/copy/", {"academic_year": this.pk})
    plan = CommunityPlan.objects.get(academic_year=this)
    assert plan.is_draft
    assert sorted(plan.items.values_list("content", flat=True)) == [
        "Мониторинг",
        "Подготовка к ВПР",
    ]
    assert old.items.count() == 2
    assert AuditEntry.objects.get(action="plan.copy").changes == {
        "from_plan": old.pk,
        "from_year": str(last),
        "items": 2,
    }


def test_it_copies_the_plan_of_any_earlier_year(client, cast):
    long_ago = AcademicYearFactory(start_year=current_start_year() - 3)
    old = CommunityPlanFactory(municipality=cast.municipality, academic_year=long_ago)
    PlanItemFactory(plan=old, content="Школа молодого тьютора")
    this = AcademicYearFactory()
    client.force_login(cast.methodist)
    page = client.get("/community/plans/new/").content.decode()
    assert str(long_ago) in page  # offered in the choice of the year to copy
    client.post("/community/plans/copy/", {"academic_year": this.pk, "copy_from": long_ago.pk})
    plan = CommunityPlan.objects.get(academic_year=this)
    assert list(plan.items.values_list("content", flat=True)) == ["Школа молодого тьютора"]
    assert old.items.count() == 1


def test_it_refuses_to_copy_a_plan_of_a_later_year(cast):
    this = AcademicYearFactory()
    later = AcademicYearFactory(start_year=this.start_year + 1)
    CommunityPlanFactory(municipality=cast.municipality, academic_year=later)
    with pytest.raises(DomainError, match="более раннего"):
        plan_copy(
            actor=cast.methodist,
            municipality=cast.municipality,
            academic_year=this,
            from_year=later,
        )
    assert not CommunityPlan.objects.filter(academic_year=this).exists()


def test_it_says_so_when_there_is_no_plan_last_year(client, cast):
    client.force_login(cast.methodist)
    response = client.post("/community/plans/copy/", {"academic_year": AcademicYearFactory().pk})
    assert "копировать нечего" in response.content.decode()
    assert not CommunityPlan.objects.exists()


def test_it_refuses_to_copy_over_this_years_plan(cast, draft):
    last = AcademicYearFactory(start_year=draft.academic_year.start_year - 1)
    CommunityPlanFactory(municipality=cast.municipality, academic_year=last)
    with pytest.raises(DomainError, match="уже есть"):
        plan_copy(
            actor=cast.methodist, municipality=cast.municipality, academic_year=draft.academic_year
        )


def test_it_groups_items_by_activity_and_numbers_them_through(client, cast):
    plan = CommunityPlanFactory(
        municipality=cast.municipality, status="approved", group_by_activity=True
    )
    PlanItemFactory(plan=plan, activity=Activity.MONITORING, content="Мониторинг ВПР")
    PlanItemFactory(plan=plan, activity=Activity.INFORMATIONAL, content="Сайт сообщества")
    client.force_login(cast.teacher)
    page = client.get(f"/community/plans/{plan.pk}/").content.decode()
    assert page.index("Информационная деятельность") < page.index("Мониторинговая деятельность")
    first, second = '<td data-label="№ п/п">1.</td>', '<td data-label="№ п/п">2.</td>'
    assert page.index(first) < page.index("Сайт сообщества") < page.index(second)
    assert "Экспертная деятельность" not in page
    assert "Удалить" not in page


def test_it_asks_before_removing_an_item(client, cast, draft):
    PlanItemFactory(plan=draft)
    client.force_login(cast.methodist)
    page = client.get(f"/community/plans/{draft.pk}/").content.decode()
    assert 'data-confirm="Удалить из плана мероприятие № 1' in page
    assert 'data-confirm="Отправить план руководителю на утверждение?' in page
    plan_submit(actor=cast.methodist, plan=draft)
    client.force_login(cast.director)
    page = client.get(f"/community/plans/{draft.pk}/").content.decode()
    assert 'data-confirm="Утвердить план?' in page


def test_it_keeps_query_counts_flat_as_the_plan_grows(client, cast, django_assert_max_num_queries):
    plan = CommunityPlanFactory(municipality=cast.municipality)
    PlanItemFactory.create_batch(3, plan=plan)
    client.force_login(cast.methodist)
    pages = ["/community/plans/", f"/community/plans/{plan.pk}/"]
    small = {url: queries(client, url) for url in pages}
    PlanItemFactory.create_batch(27, plan=plan, activity=Activity.EXPERT)
    for start_year in range(2015, 2020):
        year = AcademicYearFactory(start_year=start_year)
        PlanItemFactory(plan__municipality=cast.municipality, plan__academic_year=year)
    assert {url: queries(client, url) for url in pages} == small
    with django_assert_max_num_queries(10):
        client.get(f"/community/plans/{plan.pk}/")


def test_it_sends_anonymous_visitors_to_the_login_page(client, draft):
    for url in ["/community/plans/", f"/community/plans/{draft.pk}/"]:
        assert client.get(url)["Location"].startswith("/login/?next=")


def test_it_lets_a_methodist_of_two_municipalities_choose_one(client, cast):
    other = MunicipalityFactory()
    RoleFactory(user=cast.methodist, kind=RoleKind.METHODIST, municipality=other)
    client.force_login(cast.methodist)
    year = AcademicYearFactory()
    client.post("/community/plans/new/", {"academic_year": year.pk, "municipality": other.pk})
    assert CommunityPlan.objects.get().municipality == other
