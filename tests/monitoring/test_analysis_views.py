"""The results pages: what each role sees, the figures on them, no pupil on any of them, the
xlsx exports, and a number of queries that does not grow with the schools."""

import io

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import Assessment, MinimumScore, Participant, ResultSet
from monitoring.summaries import summarize
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.models import RoleKind

from . import f1files, results_data
from .factories import make_world

OVERVIEW = reverse("monitoring:results")
EXPORT = reverse("monitoring:results_export")


def school_page(school, **query):
    url = reverse("monitoring:results_school", args=[school.pk])
    return url + (f"?year={query['year']}" if query else "")


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def work(world):
    return results_data.load_small_file(world)


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_methodist_sees_the_municipalitys_schools_beside_the_municipality_and_region(
    client, world, work
):
    text = page(client, world.methodist, OVERVIEW)

    assert "ВПР 2025, Математика, 5 класс" in text
    assert "МОБУ СОШ № 10" in text and "МОБУ СОШ № 20" in text
    assert "МБОУ СОШ № 1<" not in text  # another municipality's school
    assert "37,5" in text  # the school's «3»
    assert "2,38" in text  # its mean primary score, 19 / 8
    assert "Тестовый район" in text  # the municipality's row
    assert "2,70" in text  # its mean, 27 / 10
    assert "Регион" in text and "2,58" in text  # the region's mean, 31 / 12
    assert "меньше 20 участников: цифры ненадёжны" in text
    assert "не используются для оценки работы учителей" in text


def test_the_overview_links_each_school_to_its_page(client, world, work):
    text = page(client, world.methodist, OVERVIEW)

    assert f'href="{school_page(world.school)}"' in text


def test_without_a_choice_the_overview_shows_the_latest_vpr(client, world):
    results_data.load_small_file(world, year=2024, held_on="16.04.2024")
    results_data.load_small_file(world, year=2025)

    text = page(client, world.methodist, OVERVIEW)

    assert "ВПР 2025, Математика, 5 класс" in text
    assert "ВПР 2024, Математика, 5 класс" in page(client, world.methodist, OVERVIEW + "?year=2024")


def test_a_director_and_a_tutor_read_the_municipalitys_results(client, world, work):
    for user in (world.director, world.tutor):
        assert "МОБУ СОШ № 20" in page(client, user, OVERVIEW)
        assert "МОБУ СОШ № 20" in page(client, user, school_page(world.other_school))


def test_a_teacher_is_refused(client, world, work):
    client.force_login(world.teacher)

    assert client.get(OVERVIEW).status_code == 403
    assert client.get(school_page(world.school)).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_a_school_sees_only_its_own_results(client, world, work):
    text = page(client, world.school_admin, OVERVIEW)

    assert "МОБУ СОШ № 10" in text and "МОБУ СОШ № 20" not in text
    assert "Тестовый район" in text  # its municipality stands beside it
    assert page(client, world.school_admin, school_page(world.school))
    assert client.get(school_page(world.other_school)).status_code == 404
    assert client.get(school_page(world.foreign_school)).status_code == 404


def test_another_municipalitys_methodist_sees_none_of_these_schools(client, world, work):
    stranger = user_with_role(RoleKind.METHODIST)
    client.force_login(stranger)

    assert client.get(school_page(world.school)).status_code == 404
    text = page(client, stranger, OVERVIEW)
    assert "МОБУ СОШ № 10" not in text and "Результатов пока нет" in text


def test_regional_compares_the_municipalities_then_opens_one(client, world, work):
    text = page(client, world.regional, OVERVIEW)

    assert "Муниципальное образование" in text
    assert world.municipality.short_name in text
    assert world.foreign_school.municipality.short_name in text
    assert "МОБУ СОШ № 10" not in text
    text = page(client, world.regional, f"{OVERVIEW}?municipality={world.municipality.pk}")
    assert "МОБУ СОШ № 10" in text and "МОБУ СОШ № 20" in text
    assert "МБОУ СОШ № 1" in page(client, world.regional, school_page(world.foreign_school))


def test_a_choice_of_a_municipality_outside_ones_reach_is_ignored(client, world, work):
    foreign = world.foreign_school.municipality.pk

    text = page(client, world.methodist, f"{OVERVIEW}?municipality={foreign}")

    assert "МОБУ СОШ № 10" in text and "МБОУ СОШ № 1<" not in text


def test_no_page_shows_a_pupils_name_or_code(client, world, work):
    assert Participant.objects.filter(code="10001").exists()
    for user, url in [
        (world.methodist, OVERVIEW),
        (world.regional, OVERVIEW),
        (world.methodist, school_page(world.school)),
        (world.school_admin, school_page(world.school)),
    ]:
        text = page(client, user, url)
        for name in results_data.NAMES:
            assert name not in text
            assert name.split()[0] not in text
        for code in results_data.CODES:
            assert code not in text


def test_the_school_page_shows_each_indicator_beside_the_municipality_and_region(
    client, world, work
):
    text = page(client, world.methodist, school_page(world.school))

    assert "ВПР 2025, Математика, 5 класс" in text
    assert "37,5" in text and "75,0" in text  # quality and success
    assert "ниже журнальной — 42,9 %, совпала — 42,9 %, выше — 14,3 %" in text
    assert "56,3" in text and "не освоено" in text  # task 2, below 57 %
    assert "58,3" in text  # the region's task 2
    assert "«3» с 2" in text  # the boundary on the histogram
    charts = text.split("<main")[1].count("<svg")  # the bell above has its own icon
    assert charts == 3  # marks, histogram, tasks; one year, so no trend


def test_the_school_page_flags_a_peak_and_a_rising_share_of_twos(client, world):
    rows = results_data.rows_of(world)
    # Two earlier years: the rise is the last year against their mean.
    results_data.load_rows(rows, year=2023, held_on="18.04.2023")
    results_data.load_rows(rows, year=2024, held_on="16.04.2024")
    for line in rows:
        if line.code in ("10001", "10002", "10003"):
            line.scores, line.primary, line.mark = [0, 0, 0], 0, 2
    work = results_data.load_rows(rows, year=2025)
    result_set = ResultSet.objects.get(assessment=work, organization=world.school)
    Participant.objects.bulk_create(
        Participant(result_set=result_set, code=f"1100{n}", primary_score=2, mark=3)
        for n in range(6)
    )
    summarize([result_set.pk])

    text = page(client, world.methodist, school_page(world.school))

    assert "На границе отметки «3» — пик" in text
    assert "Доля «2» в школе в 2025 г. на" in text
    assert "выше, чем в среднем за 2023–2024" in text
    assert text.split("<main")[1].count("<svg") == 4
    assert 'href="?year=2024"' in text
    older = page(client, world.methodist, school_page(world.school, year=2024))
    assert "ВПР 2024, Математика, 5 класс" in older and "ВПР 2025" not in older


def test_pages_say_so_when_there_are_no_results(client, world):
    assert "Результатов пока нет" in page(client, world.methodist, OVERVIEW)
    assert "Результатов этой школы пока нет" in page(
        client, world.methodist, school_page(world.school)
    )


def ege(world, *, scores, school=None):
    work = Assessment.objects.create(
        kind="ege", year=2025, subject=world.subject, grade=11, max_primary=31
    )
    result_set = ResultSet.objects.create(
        assessment=work, organization=school or world.school, participants=len(scores), digest="-"
    )
    Participant.objects.bulk_create(
        Participant(result_set=result_set, code=f"{n:05d}", primary_score=1, test_score=score)
        for n, score in enumerate(scores)
    )
    summarize([result_set.pk])
    return work


def test_ege_figures_on_the_overview_and_the_school_page(client, world):
    work = ege(world, scores=[20, 40, 81, 100])
    MinimumScore.objects.create(kind="ege", year=2025, subject=world.subject, grade=11, score=27)

    text = page(client, world.methodist, f"{OVERVIEW}?work={work.pk}")

    assert "ЕГЭ 2025, Математика, 11 класс" in text
    assert "Ниже минимального балла, %" in text
    assert "60,3" in text  # mean test score, 241 / 4 = 60.25, rounded half up
    assert "25,0" in text and "50,0" in text  # below 27; 81–100
    assert "ЕГЭ 2025, Математика, 11 класс" in page(
        client, world.methodist, school_page(world.school)
    )


def test_switching_the_kind_finds_the_nearest_work(client, world, work):
    ege(world, scores=[50])

    text = page(client, world.methodist, f"{OVERVIEW}?kind=ege&year=2025&grade=5")

    assert "ЕГЭ 2025, Математика, 11 класс" in text
    assert "показана ближайшая" in text


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def test_the_municipality_table_exports_to_xlsx(client, world, work):
    client.force_login(world.methodist)

    book = workbook(client.get(f"{EXPORT}?work={work.pk}"))

    rows = {row[0]: row for row in book["Результаты"].iter_rows(min_row=4, values_only=True)}
    school = rows["МОБУ СОШ № 10"]
    assert school[1:9] == (8, 25, 37.5, 25, 12.5, 37.5, 75, 2.4)
    assert school[-1] == "меньше 20 участников: ненадёжно"
    assert rows[world.municipality.short_name][1:3] == (10, 20)
    assert rows["Регион (Краснодарский край)"][1] == 12
    assert "МБОУ СОШ № 1" not in rows


def test_the_school_tables_export_to_xlsx(client, world, work):
    client.force_login(world.school_admin)

    book = workbook(client.get(reverse("monitoring:results_school_export", args=[world.school.pk])))

    figures = list(book["Показатели"].iter_rows(min_row=4, values_only=True))
    assert [row[1] for row in figures] == [
        "МОБУ СОШ № 10",
        world.municipality.short_name,
        "Регион (Краснодарский край)",
    ]
    tasks = list(book["Задания"].iter_rows(min_row=4, values_only=True))
    assert [row[1:8] for row in tasks] == [
        ("1", "Б", 1, 75, "освоено", 80, 75),
        ("2", "Б", 2, 56.3, "не освоено", 60, 58.3),
        ("3", "П", 2, 25, "не освоено", 35, 33.3),
    ]
    other = reverse("monitoring:results_school_export", args=[world.other_school.pk])
    assert client.get(other).status_code == 404


def test_the_monitoring_page_offers_the_results_to_those_who_read_them(client, world):
    link = f'href="{OVERVIEW}"'
    hub = reverse("monitoring:index")
    assert f'href="{hub}"' in page(client, world.teacher, "/")
    assert link in page(client, world.tutor, hub)
    assert link in page(client, world.school_admin, hub)
    assert link not in page(client, world.teacher, hub)


def municipality_with(count: int, prefix: int):
    """A municipality of `count` schools with results of one work, and its methodist."""
    municipality = MunicipalityFactory()
    schools = [
        OrganizationFactory(municipality=municipality, fis_oko_login=f"edu{prefix}{n:04d}")
        for n in range(count)
    ]
    rows = f1files.generated_rows(
        25 * count, seed=count, logins=[(s.fis_oko_login, s.short_name) for s in schools]
    )
    results_data.load_rows(rows, tasks=f1files.DEFAULT_TASKS)
    return user_with_role(RoleKind.METHODIST, municipality=municipality), schools[0]


def queries(client, user, url) -> int:
    """Queries of a request that finds nothing in the cache."""
    cache.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [2, 30])
def test_the_pages_take_a_fixed_number_of_queries(
    client, world, count, django_assert_max_num_queries
):
    methodist, school = municipality_with(count, 10)
    client.force_login(methodist)
    with django_assert_max_num_queries(16):
        assert "Регион" in client.get(OVERVIEW).content.decode()
    with django_assert_max_num_queries(30):
        assert school.short_name in client.get(school_page(school)).content.decode()


def test_the_query_count_does_not_grow_with_the_schools(client, world):
    small, small_school = municipality_with(2, 11)
    large, large_school = municipality_with(30, 12)

    assert queries(client, small, OVERVIEW) == queries(client, large, OVERVIEW)
    assert queries(client, small, school_page(small_school)) == queries(
        client, large, school_page(large_school)
    )


def test_the_municipalitys_and_regions_figures_come_from_the_cache_until_results_change(
    client, world, work
):
    cold = queries(client, world.methodist, school_page(world.school))
    with CaptureQueriesContext(connection) as warm:
        client.get(school_page(world.school))
    assert len(warm) < cold

    # A corrected file of the other school changes the municipality's and the region's mean.
    results_data.load_rows([results_data.row(world.other_school, "20009", [0, 0, 0], 2, 3)])

    text = client.get(school_page(world.school)).content.decode()
    assert "2,70" not in text  # the municipality's mean before, 27 / 10
    assert "2,11" in text  # after: (19 + 0) / 9
