"""«Минимальные баллы ГИА»: who reads and who keeps them, the checks of a score, deletion only
of a minimum no loaded results use, the seed of a year, and the figures that read it live."""

import pytest
from django.urls import reverse

from monitoring import analysis
from monitoring.analysis import Level
from monitoring.figures_cache import results_cache
from monitoring.models import Assessment, MinimumScore, Participant, ResultSet
from monitoring.summaries import summarize
from tests.tutoring.factories import SubjectFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

from .factories import make_world

LIST = reverse("monitoring:minimum_list")
CREATE = reverse("monitoring:minimum_create")


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def region_admin(db):
    return user_with_role(RoleKind.REGION_ADMIN)


def minimum(world, *, kind="ege", year=2025, grade=11, score=27, subject=None):
    return MinimumScore.objects.create(
        kind=kind, year=year, subject=subject or world.subject, grade=grade, score=score
    )


def loaded_work(world, *, kind="ege", grade=11, test_scores=(20, 26, 27, 50), max_primary=31):
    """A loaded ЕГЭ (or ОГЭ) work of 2025 in mathematics at `world.school`."""
    work = Assessment.objects.create(
        kind=kind, year=2025, subject=world.subject, grade=grade, max_primary=max_primary
    )
    result_set = ResultSet.objects.create(
        assessment=work, organization=world.school, participants=len(test_scores), digest="-"
    )
    Participant.objects.bulk_create(
        Participant(result_set=result_set, code=f"{n:05d}", primary_score=5, test_score=score)
        for n, score in enumerate(test_scores)
    )
    summarize([result_set.pk])
    return work


def form_data(world, **fields):
    return {"kind": "ege", "year": 2026, "subject": world.subject.pk, "grade": 11, "score": 27} | (
        fields
    )


@pytest.mark.parametrize("role", ["methodist", "region_admin"])
def test_it_shows_the_minimums_to_those_who_keep_them_with_the_buttons(
    client, world, region_admin, role
):
    minimum(world)
    client.force_login(region_admin if role == "region_admin" else world.methodist)

    text = client.get(LIST).content.decode()

    assert "ЕГЭ" in text and "Математика" in text and ">27<" in text
    assert "Добавить минимальный балл" in text
    assert "Добавить баллы года из справочника портала" in text
    assert "изменится и число не преодолевших минимальный порог" in text


@pytest.mark.parametrize("role", ["director", "regional"])
def test_it_shows_the_minimums_to_readers_without_the_buttons(client, world, role):
    minimum(world)
    client.force_login(getattr(world, role))

    text = client.get(LIST).content.decode()

    assert "Математика" in text
    assert "Добавить минимальный балл" not in text and "Удалить" not in text
    assert client.post(CREATE, form_data(world)).status_code == 403
    assert not MinimumScore.objects.filter(year=2026).exists()


@pytest.mark.parametrize("role", ["school_admin", "teacher", "tutor"])
def test_it_refuses_schools_teachers_and_tutors(client, world, role):
    client.force_login(getattr(world, role))

    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403


def test_it_adds_a_minimum_with_a_journal_entry_in_russian(client, world):
    client.force_login(world.methodist)

    response = client.post(CREATE, form_data(world), follow=True)

    assert "Минимальный балл добавлен." in response.content.decode()
    stored = MinimumScore.objects.get(year=2026)
    assert (stored.kind, stored.subject, stored.grade, stored.score) == (
        "ege",
        world.subject,
        11,
        27,
    )
    entry = AuditEntry.objects.get(action="minimum.create")
    assert entry.action_label == "минимальный балл ГИА добавлен"
    assert ("минимальный балл", "27") in list(entry.change_items)
    page = client.get(reverse("monitoring:minimum_update", args=[stored.pk])).content.decode()
    assert "минимальный балл ГИА добавлен" in page and "Экзамен: ЕГЭ" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"score": 101}, "Минимальный балл ЕГЭ — тестовый балл от 1 до 100."),
        ({"score": 0}, "Минимальный балл ЕГЭ — тестовый балл от 1 до 100."),
        ({"kind": "oge", "grade": 9, "score": 150}, "первичный балл отметки «3», от 1 до 100."),
        ({"kind": "oge", "grade": 11}, "ОГЭ сдают в 9 классе."),
        ({"year": 1990}, "Год — от 2000 до"),
        ({"score": "много"}, "Введите целое число."),
    ],
)
def test_it_refuses_a_score_outside_the_exams_scale_and_saves_nothing(
    client, world, fields, message
):
    client.force_login(world.methodist)

    response = client.post(CREATE, form_data(world, **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MinimumScore.objects.exists() and not AuditEntry.objects.exists()


def test_an_oge_minimum_stays_within_the_loaded_works_maximum(client, world):
    loaded_work(world, kind="oge", grade=9, test_scores=(None,), max_primary=31)
    client.force_login(world.methodist)

    response = client.post(CREATE, form_data(world, kind="oge", year=2025, grade=9, score=32))

    assert "от 1 до 31 (максимальный первичный балл загруженной работы)" in (
        response.content.decode()
    )
    assert not MinimumScore.objects.exists()


def test_it_refuses_a_second_minimum_for_the_same_work(client, world):
    minimum(world, year=2026, score=27)
    client.force_login(world.methodist)

    response = client.post(CREATE, form_data(world, score=30))

    assert "Минимальный балл ЕГЭ 2026, Математика, 11 класс уже задан (27)" in (
        response.content.decode()
    )
    assert list(MinimumScore.objects.values_list("score", flat=True)) == [27]


def test_it_offers_only_active_subjects(client, world):
    retired = SubjectFactory(name="Черчение", is_active=False)
    client.force_login(world.methodist)

    page = client.get(CREATE).content.decode()
    response = client.post(CREATE, form_data(world, subject=retired.pk))

    assert "Черчение" not in page and "Математика" in page
    assert "Выберите корректный вариант" in response.content.decode()
    assert not MinimumScore.objects.exists()


def test_it_changes_a_score_and_the_figures_that_read_it(
    client, world, django_capture_on_commit_callbacks
):
    work = loaded_work(world, test_scores=(20, 26, 27, 50))
    stored = minimum(world, score=27)
    key = (work.pk, world.municipality.pk)
    with results_cache():
        before = analysis.gia_figures([work], level=Level.MUNICIPALITY, municipalities=[key[1]])
    client.force_login(world.methodist)

    url = reverse("monitoring:minimum_update", args=[stored.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(world, year=2025, score=40))

    with results_cache():
        after = analysis.gia_figures([work], level=Level.MUNICIPALITY, municipalities=[key[1]])
    assert (before[key].below, after[key].below) == (2, 3)
    entry = AuditEntry.objects.get(action="minimum.update")
    assert entry.changes == {"score": ["27", "40"]}


def test_a_minimum_of_loaded_results_keeps_its_work_and_is_not_deleted(client, world):
    loaded_work(world)
    stored = minimum(world)
    client.force_login(world.methodist)

    moved = client.post(
        reverse("monitoring:minimum_update", args=[stored.pk]), form_data(world, year=2024)
    )
    deleted = client.post(reverse("monitoring:minimum_delete", args=[stored.pk]), follow=True)

    assert "можно изменить только сам балл" in moved.content.decode()
    assert "не удалить: по этой работе загружены результаты" in deleted.content.decode()
    stored.refresh_from_db()
    assert stored.year == 2025
    assert not AuditEntry.objects.exists()


def test_it_deletes_a_minimum_no_results_use(client, world, region_admin):
    loaded_work(world)  # ЕГЭ 2025: the minimum of 2026 is nobody's yet
    stored = minimum(world, year=2026)
    client.force_login(region_admin)

    response = client.post(reverse("monitoring:minimum_delete", args=[stored.pk]), follow=True)

    assert "удалён" in response.content.decode()
    assert not MinimumScore.objects.exists()
    entry = AuditEntry.objects.get(action="minimum.delete")
    assert entry.action_label == "минимальный балл ГИА удалён"
    assert entry.actor == region_admin


def test_it_adds_a_years_minimums_from_the_portals_reference_keeping_those_set(client, world):
    minimum(world, year=2027, score=30)
    client.force_login(world.methodist)

    response = client.post(reverse("monitoring:minimum_seed"), {"year": 2027}, follow=True)

    # Migration 0004 gives every ГИА subject: 10 ЕГЭ ones, 5 languages, 2 ОГЭ ones, less the
    # ЕГЭ «Математика» already set.
    assert "Добавлено минимальных баллов 2027 года: 16." in response.content.decode()
    maths = MinimumScore.objects.filter(year=2027, subject=world.subject)
    assert dict(maths.values_list("kind", "score")) == {"ege": 30, "oge": 8}
    again = client.post(reverse("monitoring:minimum_seed"), {"year": 2027}, follow=True)
    assert "уже заданы: ничего не добавлено" in again.content.decode()
    assert AuditEntry.objects.filter(action="minimum.seed").count() == 1


def test_it_refuses_to_seed_a_year_out_of_range(client, world):
    client.force_login(world.methodist)

    response = client.post(reverse("monitoring:minimum_seed"), {"year": 1900}, follow=True)

    assert "Год — от 2000 до" in response.content.decode()
    assert not MinimumScore.objects.exists()


def test_it_filters_by_year_and_exam_in_constant_queries(
    client, world, django_assert_max_num_queries
):
    loaded_work(world)
    for year in (2024, 2025, 2026):
        minimum(world, year=year)
        minimum(world, kind="oge", grade=9, year=year, score=8)
    client.force_login(world.methodist)

    with django_assert_max_num_queries(10):
        text = client.get(LIST, {"year": 2025, "kind": "oge"}).content.decode()

    assert "Найдено: 1." in text
    for year in range(2000, 2024):
        minimum(world, year=year)
    with django_assert_max_num_queries(10):
        page = client.get(LIST).content.decode()
    assert "Найдено: 30." in page and "загружены" in page


def test_the_monitoring_page_and_the_import_page_link_the_minimums(client, world, region_admin):
    client.force_login(region_admin)
    assert LIST in client.get(reverse("monitoring:index")).content.decode()
    client.force_login(world.methodist)
    assert LIST in client.get(reverse("monitoring:import_create")).content.decode()
    client.force_login(world.school_admin)
    assert LIST not in client.get(reverse("monitoring:import_create")).content.decode()
