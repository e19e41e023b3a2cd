"""«Регион» means the municipalities of the viewed municipality's region (`Municipality.region`),
never everything the installation holds: here one installation serves two regions."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import analysis
from monitoring.analysis import Level
from monitoring.figures_cache import results_cache
from tests.tutoring.factories import user_with_role
from tutoring.models import RoleKind

from . import results_data
from .factories import make_world

OVERVIEW = reverse("monitoring:results")
KUBAN, KUZBASS = "Краснодарский край", "Кемеровская область"


@pytest.fixture
def world(db):
    world = make_world()
    foreign = world.foreign_school.municipality
    foreign.region = KUZBASS
    foreign.save(update_fields=["region"])
    return world


@pytest.fixture
def work(world):
    cache.clear()
    return results_data.load_small_file(world)


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_counts_only_the_municipalities_of_the_region(world, work):
    kuban = analysis.work_figures([work], level=Level.REGION, region=KUBAN)[(work.pk, None)]
    kuzbass = analysis.work_figures([work], level=Level.REGION, region=KUZBASS)[(work.pk, None)]

    assert (kuban.participants, kuban.mean_primary) == (10, 2.7)
    assert (kuzbass.participants, kuzbass.mean_primary) == (2, 2.0)


def test_it_keeps_the_cached_figures_of_each_region_apart(world, work):
    with results_cache():
        kuban = analysis.task_success([work], level=Level.REGION, region=KUBAN)
        kuzbass = analysis.task_success([work], level=Level.REGION, region=KUZBASS)
        again = analysis.task_success([work], level=Level.REGION, region=KUBAN)

    assert [t.percent for t in kuban[(work.pk, None)]] == pytest.approx([80.0, 60.0, 35.0])
    assert [t.percent for t in kuzbass[(work.pk, None)]] == pytest.approx([50.0, 50.0, 25.0])
    assert again == kuban


def test_the_methodists_region_row_leaves_out_the_other_regions_schools(client, world, work):
    text = page(client, world.methodist, OVERVIEW)

    assert f"Регион ({KUBAN})" in text
    assert "2,58" not in text  # the installation's mean, 31 / 12, with the other region
    assert text.count("2,70") == 2  # the municipality is all of its region here


def test_the_school_page_sets_the_school_beside_its_own_region(client, world, work):
    text = page(
        client, world.methodist, reverse("monitoring:results_school", args=[world.school.pk])
    )

    assert f"Регион ({KUBAN})" in text
    assert "58,3" not in text  # task 2 over the installation, 14 / 24
    assert "60,0" in text  # task 2 in the region, 12 / 20


def test_a_school_of_the_other_region_is_set_beside_that_region(client, world, work):
    school_admin = user_with_role(RoleKind.SCHOOL, organization=world.foreign_school)
    url = reverse("monitoring:results_school", args=[world.foreign_school.pk])

    text = page(client, school_admin, url)

    assert f"Регион ({KUZBASS})" in text and KUBAN not in text
    assert "2,58" not in text and "2,70" not in text


def test_the_regional_coordinator_sees_a_row_for_each_region(client, world, work):
    text = page(client, world.regional, OVERVIEW)

    assert f"Регион ({KUBAN})" in text and f"Регион ({KUZBASS})" in text
    assert "2,58" not in text


def test_the_region_row_costs_the_same_queries_in_either_region(client, world, work):
    school_admin = user_with_role(RoleKind.SCHOOL, organization=world.foreign_school)
    counts = []
    for user, school in ((world.school_admin, world.school), (school_admin, world.foreign_school)):
        client.force_login(user)
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("monitoring:results_school", args=[school.pk]))
        counts.append(len(context))
    assert counts[0] == counts[1]
