"""Rubrics as a methodist edits them: the defaults, a new edition as a draft, its criteria and
thresholds, bringing it into force or discarding it; through the pages."""

import pytest

from expertise.default_rubrics import DEFAULT_RUBRICS
from expertise.models import CaseKind, Criterion, Rubric
from expertise.services.rubrics import active_rubric, rubric_new_edition
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

from .factories import make_world, submit

Status = Rubric.Status


@pytest.fixture
def methodist(db):
    return user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory())


def municipality_of(user):
    return user.roles.get().municipality


def draft_for(methodist, kind=CaseKind.WORK_PROGRAMME) -> Rubric:
    rubric = active_rubric(municipality_of(methodist), kind)
    return rubric_new_edition(actor=methodist, rubric=rubric)


def criterion_data(**overrides):
    data = {
        "title": "Учтена рабочая программа воспитания",
        "guidance": "Найдите в тематическом планировании воспитательный потенциал тем.",
        "max_score": 2,
        "required": "",
    }
    return data | overrides


def rubric_data(rubric, **overrides):
    data = {
        "title": rubric.title,
        "description": rubric.description,
        "upper": rubric.upper,
        "lower": rubric.lower,
    }
    return data | overrides


def test_it_installs_the_default_rubric_of_every_kind(client, methodist):
    client.force_login(methodist)
    response = client.post("/expertise/rubrics/install/", follow=True)
    assert "установлено наборов критериев — 4" in response.content.decode()
    municipality = municipality_of(methodist)
    for kind in CaseKind.values:
        rubric = Rubric.objects.get(municipality=municipality, kind=kind)
        default = DEFAULT_RUBRICS[kind]
        assert (rubric.status, rubric.edition) == (Status.ACTIVE, 1)
        assert (rubric.title, rubric.upper, rubric.lower) == (
            default["title"],
            default["upper"],
            default["lower"],
        )
        criteria = list(rubric.criteria.values_list("number", "title", "max_score", "required"))
        assert criteria == [
            (n, c["title"], c["max_score"], c.get("required", False))
            for n, c in enumerate(default["criteria"], start=1)
        ]
    entry = AuditEntry.objects.get(action="rubric.install")
    assert entry.actor == methodist and sorted(entry.changes["kinds"]) == sorted(CaseKind.values)


def test_it_installs_the_defaults_only_once(client, methodist):
    client.force_login(methodist)
    client.post("/expertise/rubrics/install/")
    response = client.post("/expertise/rubrics/install/", follow=True)
    assert "наборы критериев всех видов уже есть" in response.content.decode()
    assert Rubric.objects.count() == len(CaseKind.values)
    assert AuditEntry.objects.filter(action="rubric.install").count() == 1


def test_it_installs_the_defaults_the_first_time_a_case_needs_a_rubric(methodist):
    municipality = municipality_of(methodist)
    rubric = active_rubric(municipality, CaseKind.PORTFOLIO)
    assert rubric.kind == CaseKind.PORTFOLIO and rubric.status == Status.ACTIVE
    assert rubric.criteria.count() == len(DEFAULT_RUBRICS[CaseKind.PORTFOLIO]["criteria"])
    assert active_rubric(municipality, CaseKind.PORTFOLIO) == rubric
    assert Rubric.objects.filter(municipality=municipality).count() == len(CaseKind.values)
    assert AuditEntry.objects.get(action="rubric.install").actor is None


def test_it_lists_the_rubrics_of_the_municipality(client, methodist):
    active_rubric(municipality_of(methodist), CaseKind.LESSON_PLAN)
    client.force_login(methodist)
    page = client.get("/expertise/rubrics/").content.decode()
    for kind in CaseKind.values:
        assert DEFAULT_RUBRICS[kind]["title"] in page


def test_a_new_edition_is_a_draft_copy_of_the_rubric_in_force(client, methodist):
    rubric = active_rubric(municipality_of(methodist), CaseKind.WORK_PROGRAMME)
    client.force_login(methodist)
    response = client.post(f"/expertise/rubrics/{rubric.pk}/new-edition/", follow=True)
    assert "Создан черновик новой редакции" in response.content.decode()
    draft = Rubric.objects.get(kind=CaseKind.WORK_PROGRAMME, status=Status.DRAFT)
    assert draft.edition == 2 and draft.title == rubric.title
    assert (draft.upper, draft.lower) == (rubric.upper, rubric.lower)
    fields = ("number", "title", "guidance", "max_score", "required")
    assert list(draft.criteria.values_list(*fields)) == list(rubric.criteria.values_list(*fields))
    rubric.refresh_from_db()
    assert rubric.status == Status.ACTIVE
    assert AuditEntry.objects.get(action="rubric.new_edition").object_id == str(draft.pk)


def test_it_opens_only_one_draft_of_a_kind_at_a_time(client, methodist):
    draft = draft_for(methodist)
    client.force_login(methodist)
    active = Rubric.objects.get(kind=draft.kind, status=Status.ACTIVE)
    response = client.post(f"/expertise/rubrics/{active.pk}/new-edition/", follow=True)
    assert "Черновик новой редакции уже есть" in response.content.decode()
    assert Rubric.objects.filter(kind=draft.kind).count() == 2


def test_it_adds_a_criterion_to_a_draft_at_the_end(client, methodist):
    draft = draft_for(methodist)
    count = draft.criteria.count()
    client.force_login(methodist)
    url = f"/expertise/rubrics/{draft.pk}/criteria/new/"
    response = client.post(url, criterion_data(), follow=True)
    assert "Критерий добавлен" in response.content.decode()
    added = draft.criteria.get(title="Учтена рабочая программа воспитания")
    assert (added.number, added.max_score, added.required) == (count + 1, 2, False)
    entry = AuditEntry.objects.get(action="criterion.add")
    assert entry.actor == methodist and entry.changes["number"] == count + 1


def test_it_edits_a_criterion_of_a_draft(client, methodist):
    draft = draft_for(methodist)
    criterion = draft.criteria.get(number=1)
    client.force_login(methodist)
    data = criterion_data(title="Все разделы на месте", max_score=3, required="on")
    response = client.post(f"/expertise/criteria/{criterion.pk}/edit/", data, follow=True)
    assert "Критерий изменён" in response.content.decode()
    criterion.refresh_from_db()
    assert (criterion.number, criterion.title, criterion.max_score) == (1, data["title"], 3)
    assert criterion.required
    entry = AuditEntry.objects.get(action="criterion.update")
    assert entry.changes["title"][1] == "Все разделы на месте"


def test_removing_a_criterion_renumbers_the_rest(client, methodist):
    draft = draft_for(methodist)
    titles = list(draft.criteria.values_list("title", flat=True))
    client.force_login(methodist)
    second = draft.criteria.get(number=2)
    response = client.post(f"/expertise/criteria/{second.pk}/remove/", follow=True)
    assert "Критерий удалён" in response.content.decode()
    remaining = list(draft.criteria.values_list("number", "title"))
    assert remaining == list(enumerate([titles[0], *titles[2:]], start=1))
    entry = AuditEntry.objects.get(action="criterion.remove")
    assert entry.changes == {"number": 2, "title": titles[1]}


def test_editing_a_draft_leaves_the_rubric_in_force_as_it_was(client, methodist):
    draft = draft_for(methodist)
    active = Rubric.objects.get(kind=draft.kind, status=Status.ACTIVE)
    before = list(active.criteria.values_list("number", "title", "max_score"))
    client.force_login(methodist)
    client.post(f"/expertise/rubrics/{draft.pk}/criteria/new/", criterion_data())
    first = draft.criteria.get(number=1)
    client.post(f"/expertise/criteria/{first.pk}/edit/", criterion_data(title="Иначе"))
    client.post(f"/expertise/criteria/{draft.criteria.get(number=2).pk}/remove/")
    assert list(active.criteria.values_list("number", "title", "max_score")) == before


def test_it_changes_the_thresholds_of_a_draft(client, methodist):
    draft = draft_for(methodist)
    client.force_login(methodist)
    data = rubric_data(draft, upper=90, lower=70)
    response = client.post(f"/expertise/rubrics/{draft.pk}/edit/", data, follow=True)
    assert "Набор критериев изменён" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.upper, draft.lower) == (90, 70)
    entry = AuditEntry.objects.get(action="rubric.update")
    assert entry.changes["upper"] == [str(DEFAULT_RUBRICS[draft.kind]["upper"]), "90"]


def test_it_refuses_a_lower_threshold_above_the_upper_one(client, methodist):
    draft = draft_for(methodist)
    client.force_login(methodist)
    data = rubric_data(draft, upper=60, lower=80)
    response = client.post(f"/expertise/rubrics/{draft.pk}/edit/", data)
    assert response.status_code == 200
    assert "Нижний порог не может быть выше верхнего" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.upper, draft.lower) == (85, 60)
    assert not AuditEntry.objects.filter(action="rubric.update").exists()


def test_it_accepts_equal_thresholds(client, methodist):
    draft = draft_for(methodist)
    client.force_login(methodist)
    client.post(f"/expertise/rubrics/{draft.pk}/edit/", rubric_data(draft, upper=75, lower=75))
    draft.refresh_from_db()
    assert (draft.upper, draft.lower) == (75, 75)


def test_a_rubric_in_force_is_not_edited(client, methodist):
    rubric = active_rubric(municipality_of(methodist), CaseKind.WORK_PROGRAMME)
    criterion = rubric.criteria.get(number=1)
    client.force_login(methodist)
    page = client.get(f"/expertise/rubrics/{rubric.pk}/").content.decode()
    assert "Добавить критерий" not in page and "Создать новую редакцию" in page
    response = client.get(f"/expertise/rubrics/{rubric.pk}/edit/", follow=True)
    assert "Действующий набор не меняется" in response.content.decode()
    client.post(f"/expertise/rubrics/{rubric.pk}/edit/", rubric_data(rubric, upper=99))
    client.post(f"/expertise/rubrics/{rubric.pk}/criteria/new/", criterion_data())
    client.post(f"/expertise/criteria/{criterion.pk}/edit/", criterion_data(title="Иначе"))
    response = client.post(f"/expertise/criteria/{criterion.pk}/remove/", follow=True)
    assert "Действующий набор критериев не меняется" in response.content.decode()
    rubric.refresh_from_db()
    criterion.refresh_from_db()
    assert rubric.upper == 85 and criterion.title != "Иначе"
    assert rubric.criteria.count() == len(DEFAULT_RUBRICS[rubric.kind]["criteria"])
    assert not AuditEntry.objects.filter(action__startswith="criterion.").exists()


def test_activating_a_draft_retires_the_old_edition_and_only_new_cases_use_it(client, db):
    world = make_world()
    earlier = submit(world, title="Программа, поданная до новой редакции")
    draft = rubric_new_edition(actor=world.methodist, rubric=earlier.rubric)
    client.force_login(world.methodist)
    response = client.post(f"/expertise/rubrics/{draft.pk}/activate/", follow=True)
    assert "Редакция введена в действие" in response.content.decode()
    draft.refresh_from_db()
    old = Rubric.objects.get(pk=earlier.rubric_id)
    assert (draft.status, old.status) == (Status.ACTIVE, Status.RETIRED)
    assert draft.activated_at is not None
    earlier.refresh_from_db()
    assert earlier.rubric == old
    assert submit(world, title="Программа, поданная после").rubric == draft
    entry = AuditEntry.objects.get(action="rubric.activate")
    assert entry.changes == {"edition": 2, "retired": 1}


def test_it_refuses_to_bring_a_draft_without_criteria_into_force(client, methodist):
    draft = draft_for(methodist)
    draft.criteria.all().delete()
    client.force_login(methodist)
    response = client.post(f"/expertise/rubrics/{draft.pk}/activate/", follow=True)
    assert "Добавьте хотя бы один критерий" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert Rubric.objects.get(kind=draft.kind, edition=1).status == Status.ACTIVE


def test_discarding_a_draft_asks_for_confirmation_first(client, methodist):
    draft = draft_for(methodist)
    client.force_login(methodist)
    page = client.get(f"/expertise/rubrics/{draft.pk}/").content.decode()
    assert 'data-confirm="Удалить черновик со всеми его критериями?"' in page
    # The discard is a POST only: following a link cannot delete a draft.
    assert client.get(f"/expertise/rubrics/{draft.pk}/discard/").status_code == 405
    assert Rubric.objects.filter(pk=draft.pk).exists()


def test_it_discards_a_draft_with_its_criteria(client, methodist):
    draft = draft_for(methodist)
    client.force_login(methodist)
    response = client.post(f"/expertise/rubrics/{draft.pk}/discard/", follow=True)
    assert response.redirect_chain[-1][0] == "/expertise/rubrics/"
    assert "Черновик удалён" in response.content.decode()
    assert not Rubric.objects.filter(pk=draft.pk).exists()
    assert not Criterion.objects.filter(rubric=draft.pk).exists()
    assert Rubric.objects.get(kind=draft.kind).status == Status.ACTIVE
    entry = AuditEntry.objects.get(action="rubric.discard")
    assert entry.object_id == str(draft.pk) and entry.changes == {"edition": 2}


def test_it_does_not_discard_a_rubric_in_force(client, methodist):
    rubric = active_rubric(municipality_of(methodist), CaseKind.WORK_PROGRAMME)
    client.force_login(methodist)
    response = client.post(f"/expertise/rubrics/{rubric.pk}/discard/", follow=True)
    assert "Действующий набор критериев не меняется" in response.content.decode()
    assert Rubric.objects.filter(pk=rubric.pk, status=Status.ACTIVE).exists()
    assert not AuditEntry.objects.filter(action="rubric.discard").exists()


def editing_requests(draft):
    criterion = draft.criteria.get(number=1)
    return [
        ("get", f"/expertise/rubrics/{draft.pk}/edit/", {}),
        ("post", f"/expertise/rubrics/{draft.pk}/edit/", rubric_data(draft, upper=99)),
        ("get", f"/expertise/rubrics/{draft.pk}/criteria/new/", {}),
        ("post", f"/expertise/rubrics/{draft.pk}/criteria/new/", criterion_data()),
        ("post", f"/expertise/criteria/{criterion.pk}/edit/", criterion_data(title="Иначе")),
        ("post", f"/expertise/criteria/{criterion.pk}/remove/", {}),
        ("post", f"/expertise/rubrics/{draft.pk}/activate/", {}),
        ("post", f"/expertise/rubrics/{draft.pk}/discard/", {}),
    ]


def test_it_lets_only_the_municipalitys_methodist_edit_its_rubrics(client, methodist):
    draft = draft_for(methodist)
    municipality = draft.municipality
    before = list(draft.criteria.values_list("number", "title"))
    for user, status in [
        (user_with_role(RoleKind.TEACHER, municipality=municipality), 403),
        (user_with_role(RoleKind.TUTOR, municipality=municipality), 403),
        (user_with_role(RoleKind.SCHOOL, municipality=municipality), 403),
        (user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()), 404),
    ]:
        client.force_login(user)
        for method, url, data in editing_requests(draft):
            assert getattr(client, method)(url, data).status_code == status, (user, url)
    draft.refresh_from_db()
    assert (draft.status, draft.upper) == (Status.DRAFT, 85)
    assert list(draft.criteria.values_list("number", "title")) == before
    assert not AuditEntry.objects.exclude(action__in=["rubric.install", "rubric.new_edition"])


def test_a_methodist_of_another_municipality_cannot_open_a_new_edition(client, methodist):
    rubric = active_rubric(municipality_of(methodist), CaseKind.WORK_PROGRAMME)
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.get(f"/expertise/rubrics/{rubric.pk}/").status_code == 404
    assert client.post(f"/expertise/rubrics/{rubric.pk}/new-edition/").status_code == 404
    assert not Rubric.objects.filter(status=Status.DRAFT).exists()
