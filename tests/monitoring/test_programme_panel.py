"""The home page says what the programme of the schools with low results waits for."""

import pytest

from monitoring.profiles import services as profiles
from monitoring.programmes import services

from .test_programmes import LEARNING, agree, antirisk_of, ready
from .test_risk_profiles import drafted, programme_world, rate_all


@pytest.fixture
def world(db):
    return programme_world()


def home(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def test_the_curator_and_the_methodist_see_a_profile_waiting(client, world):
    profile = drafted(world)
    rate_all(world, profile)
    profiles.risk_profile_submit(actor=world.school_admin, profile=profile)
    for user in (world.curator, world.methodist):
        page = home(client, user)
        assert "Рисковые профили школ ждут согласования" in page
        assert "waiting=profiles" in page
    assert "Рисковые профили школ ждут согласования" not in home(client, world.tutor)


def test_the_waiting_link_lists_exactly_those_schools(client, world):
    from tests.tutoring.factories import SchoolStatusFactory

    SchoolStatusFactory(organization=world.other_school, academic_year=world.year)
    profile = drafted(world)
    rate_all(world, profile)
    profiles.risk_profile_submit(actor=world.school_admin, profile=profile)
    client.force_login(world.methodist)
    page = client.get(f"/monitoring/profiles/?year={world.year.pk}&waiting=profiles")
    text = page.content.decode()
    assert world.school.short_name in text and world.other_school.short_name not in text


def test_the_school_sees_its_returned_profile(client, world):
    profile = drafted(world)
    rate_all(world, profile)
    profiles.risk_profile_submit(actor=world.school_admin, profile=profile)
    profiles.risk_profile_return(actor=world.curator, profile=profile, comment="Уточните.")
    page = home(client, world.school_admin)
    assert "Рисковый профиль возвращён на доработку" in page
    assert profile.get_absolute_url() in page


def test_the_methodist_sees_a_programme_waiting_and_the_school_its_approval(client, world):
    direction = agree(world, drafted(world)).ratings.get(direction__name=LEARNING).direction
    programme = ready(world, antirisk_of(world, direction))
    services.programme_submit(actor=world.school_admin, programme=programme)
    assert "Программы школ ждут согласования" in home(client, world.methodist)
    services.programme_agree(actor=world.methodist, programme=programme)
    page = home(client, world.school_admin)
    assert "Программа согласована и ждёт утверждения руководителем" in page
