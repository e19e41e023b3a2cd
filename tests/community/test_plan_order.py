"""A plan is kept, shown and printed in the order the methodist gave it, numbered 1..N;
grouping by activity is the plan's own choice."""

import pytest

from community.models import Activity
from community.services.orders import plan_snapshot
from community.services.plans import plan_item_add
from tutoring.models import AuditEntry

from .factories import CommunityPlanFactory, PlanItemFactory, municipality_cast


@pytest.fixture
def cast(db):
    return municipality_cast()


@pytest.fixture
def plan(cast):
    """Four items whose activities alternate, as in seed 002's plan-schedule."""
    plan = CommunityPlanFactory(municipality=cast.municipality)
    for position, (activity, content) in enumerate(
        [
            (Activity.MONITORING, "Посещение уроков"),
            (Activity.INFORMATIONAL, "Распространение опыта"),
            (Activity.MONITORING, "Мониторинг результатов"),
            (Activity.CONSULTING, "Индивидуальные консультации учителей"),
        ]
    ):
        PlanItemFactory(plan=plan, activity=activity, content=content, position=position)
    return plan


def contents(plan):
    return list(plan.items.order_by("position", "pk").values_list("content", flat=True))


def move(client, plan, content, direction):
    item = plan.items.get(content=content)
    return client.post(
        f"/community/plan-items/{item.pk}/move/", {"direction": direction}, follow=True
    )


def test_it_shows_the_plan_as_one_list_numbered_in_its_order(client, cast, plan):
    client.force_login(cast.methodist)
    page = client.get(f"/community/plans/{plan.pk}/").content.decode()
    assert "Мониторинговая деятельность</div>" in page  # the activity, under the item
    assert 'scope="rowgroup"' not in page  # and no group headings
    at = [page.index(text) for text in contents(plan)]
    assert at == sorted(at)
    assert page.index('<td data-label="№ п/п">4.</td>') > page.index("Мониторинг результатов")


def test_it_moves_an_item_past_one_of_another_activity(client, cast, plan):
    client.force_login(cast.methodist)
    response = move(client, plan, "Распространение опыта", "up")
    assert "Порядок мероприятий изменён" in response.content.decode()
    assert contents(plan) == [
        "Распространение опыта",
        "Посещение уроков",
        "Мониторинг результатов",
        "Индивидуальные консультации учителей",
    ]
    entry = AuditEntry.objects.get(action="plan.item_move")
    assert entry.changes["item_number"] == [2, 1]


def test_it_says_so_when_the_last_item_is_moved_down(client, cast, plan):
    client.force_login(cast.methodist)
    response = move(client, plan, "Индивидуальные консультации учителей", "down")
    assert "Мероприятие и так последнее в плане." in response.content.decode()
    assert not AuditEntry.objects.filter(action="plan.item_move").exists()


def test_it_moves_within_the_activity_when_the_plan_is_grouped(client, cast, plan):
    plan.group_by_activity = True
    plan.save()
    client.force_login(cast.methodist)
    move(client, plan, "Мониторинг результатов", "up")
    # It passes «Распространение опыта» (another activity) and takes the place of its
    # monitoring neighbour.
    assert contents(plan) == [
        "Мониторинг результатов",
        "Распространение опыта",
        "Посещение уроков",
        "Индивидуальные консультации учителей",
    ]
    response = move(client, plan, "Мониторинг результатов", "up")
    assert "и так первое в своём виде деятельности" in response.content.decode()


def test_it_adds_an_item_at_the_end_of_the_plan(cast, plan):
    item = plan_item_add(
        actor=cast.methodist,
        plan=plan,
        activity=Activity.MONITORING,
        content="Мониторинг эффективности",
        timing="октябрь",
        responsible="методисты",
    )
    assert contents(plan)[-1] == item.content


def test_it_keeps_an_items_place_when_its_activity_changes(client, cast, plan):
    item = plan.items.get(content="Посещение уроков")
    client.force_login(cast.methodist)
    data = {
        "activity": Activity.EXPERT,
        "content": item.content,
        "timing": item.timing,
        "responsible": item.responsible,
    }
    client.post(f"/community/plan-items/{item.pk}/edit/", data)
    assert contents(plan)[0] == "Посещение уроков"
    assert plan.items.get(pk=item.pk).activity == Activity.EXPERT


def test_it_lets_the_methodist_group_the_plan_by_activity(client, cast, plan):
    client.force_login(cast.methodist)
    url = f"/community/plans/{plan.pk}/grouping/"
    response = client.post(url, {"group_by_activity": "on"}, follow=True)
    page = response.content.decode()
    assert "Вид плана сохранён" in page
    assert page.index("Информационная деятельность") < page.index("Мониторинговая деятельность")
    # Within a group, the plan's order; numbers run through the groups as shown.
    assert page.index("Посещение уроков") < page.index("Мониторинг результатов")
    assert page.index("Распространение опыта") < page.index('<td data-label="№ п/п">2.</td>')
    entry = AuditEntry.objects.get(action="plan.grouping")
    assert entry.changes == {"grouping": ["единым списком", "по видам деятельности"]}
    client.post(url, {})
    plan.refresh_from_db()
    assert not plan.group_by_activity


def test_it_lets_only_the_municipalitys_methodist_change_the_grouping(client, cast, plan):
    url = f"/community/plans/{plan.pk}/grouping/"
    for user, status in [(cast.director, 403), (cast.other_methodist, 404), (cast.tutor, 404)]:
        client.force_login(user)
        assert client.post(url, {"group_by_activity": "on"}).status_code == status
    plan.refresh_from_db()
    assert not plan.group_by_activity


def test_it_keeps_the_grouping_of_an_approved_plan(client, cast, plan):
    plan.status = "approved"
    plan.save()
    client.force_login(cast.methodist)
    url = f"/community/plans/{plan.pk}/grouping/"
    response = client.post(url, {"group_by_activity": "on"}, follow=True)
    assert "План утверждён и больше не меняется" in response.content.decode()
    plan.refresh_from_db()
    assert not plan.group_by_activity


def test_it_freezes_the_plan_in_its_order_without_group_headings(plan):
    snapshot = plan_snapshot("План-график", plan)
    assert [row[:2] for row in snapshot["rows"]] == [
        ["1", "Посещение уроков"],
        ["2", "Распространение опыта"],
        ["3", "Мониторинг результатов"],
        ["4", "Индивидуальные консультации учителей"],
    ]
    assert snapshot["groups"] == []


def test_it_freezes_a_grouped_plan_under_its_activities(plan):
    plan.group_by_activity = True
    plan.save()
    snapshot = plan_snapshot("План-график", plan)
    assert [group["activity"] for group in snapshot["groups"]] == [
        "Информационная деятельность",
        "Консультационная деятельность",
        "Мониторинговая деятельность",
    ]
    assert [row[:2] for row in snapshot["groups"][2]["rows"]] == [
        ["3", "Посещение уроков"],
        ["4", "Мониторинг результатов"],
    ]


def test_it_keeps_query_counts_of_the_plan_page_flat(
    client, cast, plan, django_assert_max_num_queries
):
    PlanItemFactory.create_batch(20, plan=plan, activity=Activity.EXPERT)
    client.force_login(cast.methodist)
    with django_assert_max_num_queries(10):
        assert client.get(f"/community/plans/{plan.pk}/").status_code == 200


def test_it_numbers_an_older_plan_through_as_it_was_shown_and_keeps_it_grouped(cast):
    """Migration 0005: items numbered within their activity are renumbered through the plan
    in the order the grouped page showed them, and the plan stays grouped."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("community.migrations.0005_plan_print_order")
    old = CommunityPlanFactory(municipality=cast.municipality)
    for activity, position, content in [
        (Activity.MONITORING, 0, "Мониторинг"),
        (Activity.INFORMATIONAL, 1, "Сайт"),
        (Activity.INFORMATIONAL, 0, "Рассылка"),
    ]:
        PlanItemFactory(plan=old, activity=activity, position=position, content=content)
    migration.number_through(apps, None)
    old.refresh_from_db()
    assert old.group_by_activity
    assert contents(old) == ["Рассылка", "Сайт", "Мониторинг"]
    assert [s["rows"][0][0] for s in plan_snapshot("План", old)["groups"]] == ["1", "3"]
