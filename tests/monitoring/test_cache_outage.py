"""A Redis that goes away: the results pages are counted afresh, nobody is signed out, and
/healthz still reports the broker. The cache here is a throwaway Redis of its own, started
and then stopped, so the suite's Redis stays up for the other tests."""

import logging

import pytest
from django.urls import reverse

from tests.services import Redis
from tests.tutoring.factories import PASSWORD

from . import results_data
from .factories import make_world

OVERVIEW = reverse("monitoring:results")


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def work(world):
    return results_data.load_small_file(world)


@pytest.fixture
def cache_server(settings):
    server = Redis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "tutoring.cache.OutageTolerantRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "outage-test",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
    yield server
    server.stop()


def school_page(school):
    return reverse("monitoring:results_school", args=[school.pk])


def test_it_shows_the_results_pages_with_their_figures_when_the_cache_is_down(
    client, world, work, cache_server
):
    client.force_login(world.methodist)
    assert client.get(school_page(world.school)).status_code == 200  # fills the cache
    cache_server.stop()

    overview = client.get(OVERVIEW)
    school = client.get(school_page(world.school))

    assert overview.status_code == 200 and school.status_code == 200
    text = overview.content.decode()
    assert "2,38" in text  # the school's mean primary score, 19 / 8
    assert "2,70" in text  # the municipality's mean, 27 / 10
    assert "Регион" in text and "2,58" in text  # the region's mean, 31 / 12
    text = school.content.decode()
    assert "37,5" in text and "75,0" in text  # quality and success
    assert "58,3" in text  # the region's task 2


def test_it_warns_once_per_request_that_the_cache_is_down(
    client, world, work, cache_server, caplog
):
    cache_server.stop()
    client.force_login(world.methodist)

    for _ in range(2):
        with caplog.at_level(logging.WARNING, logger="tutoring.cache"):
            caplog.clear()
            assert client.get(school_page(world.school)).status_code == 200
        warnings = [r for r in caplog.records if r.name == "tutoring.cache"]
        assert len(warnings) == 1
        assert "unreachable" in warnings[0].getMessage()


def test_it_signs_in_and_keeps_the_session_when_the_cache_is_down(client, world, cache_server):
    cache_server.stop()

    response = client.post("/login/", {"username": world.methodist.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(OVERVIEW).status_code == 200


def test_it_still_takes_a_password_reset_request_when_the_cache_is_down(
    client, world, cache_server
):
    cache_server.stop()

    response = client.post("/password/reset/", {"email": "nobody@example.ru"})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"


def test_healthz_answers_503_for_the_broker_while_the_pages_work(
    client, world, work, cache_server, settings
):
    settings.CELERY_BROKER_URL = cache_server.url
    cache_server.stop()
    client.force_login(world.methodist)

    assert client.get(OVERVIEW).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"] == {"database": "ok", "broker": "error"}


def test_the_risk_list_finds_the_loaded_results_when_the_cache_is_down(
    client, world, work, cache_server
):
    """Which municipalities have results of which work is kept in the cache; without it the
    list counts them afresh rather than saying there are none."""
    client.force_login(world.regional)
    url = reverse("monitoring:risks")
    assert client.get(url).status_code == 200  # fills the cache
    cache_server.stop()

    response = client.get(url, {"municipality": world.municipality.pk})

    assert response.status_code == 200
    text = response.content.decode()
    assert f'<option value="{work.year}" selected>' in text
    assert "ещё нет" not in text and "в портале нет" not in text
