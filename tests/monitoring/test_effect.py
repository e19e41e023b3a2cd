"""Whether tutoring helped, on a year built by hand: in 2025/26 СОШ № 10 had two maths
sessions; its share of «2» fell from 40 % to 20 %, while a comparable school (35 %) stayed."""

import pytest
from django.urls import reverse

from consultations.models import Session
from monitoring import effect
from tests.consultations.factories import ConsultationRequestFactory, SessionFactory
from tests.tutoring.factories import AcademicYearFactory, OrganizationFactory, SubjectFactory

from .factories import make_world
from .test_effectiveness import at
from .test_risks import OTHER, SCHOOL, vpr


@pytest.fixture
def world(db):
    world = make_world()
    world.year = AcademicYearFactory(start_year=2025)
    russian = SubjectFactory(name="Русский язык")
    for day, school, subject in [
        ("2025-10-06", world.school, world.subject),
        ("2026-02-09", world.school, world.subject),
        ("2025-11-10", world.other_school, russian),  # support in another subject
    ]:
        request = ConsultationRequestFactory(
            municipality=world.municipality, organization=school, subject=subject
        )
        SessionFactory(
            municipality=world.municipality,
            request=request,
            tutor=world.tutor,
            status=Session.Status.HELD,
            starts_at=at(day),
            ends_at=at(day, 11),
        )
    vpr(world, 2025, SCHOOL, twos=8)
    vpr(world, 2026, SCHOOL, twos=4, seed=1)
    vpr(world, 2025, OTHER, twos=7, seed=2)
    vpr(world, 2026, OTHER, twos=7, seed=3)
    far = OrganizationFactory(municipality=world.municipality, fis_oko_login="edu230150")
    vpr(world, 2025, (far.fis_oko_login, far.short_name), twos=0, seed=4)
    vpr(world, 2026, (far.fis_oko_login, far.short_name), twos=10, seed=5)
    return world


def test_it_compares_a_supported_school_with_similar_ones(world):
    [row] = effect.tutoring_effect(world.municipality, world.year)

    assert (row.school, row.subject, row.sessions) == (world.school, world.subject, 2)
    assert (row.supported.before.percent, row.supported.after.percent) == (40.0, 20.0)
    assert row.supported.points == -20.0
    # СОШ № 20 (35 %) is comparable; the school that started at 0 % is not.
    assert row.comparison.schools == 1
    assert row.comparison.points == 0.0
    assert row.difference == -20.0


def test_a_school_without_results_of_both_springs_is_left_out(world):
    lone = OrganizationFactory(municipality=world.municipality)
    request = ConsultationRequestFactory(
        municipality=world.municipality, organization=lone, subject=world.subject
    )
    SessionFactory(
        municipality=world.municipality,
        request=request,
        tutor=world.tutor,
        status=Session.Status.HELD,
        starts_at=at("2026-03-02"),
        ends_at=at("2026-03-02", 11),
    )

    rows = effect.tutoring_effect(world.municipality, world.year)

    assert [row.school for row in rows] == [world.school]


def test_the_page_shows_the_change_and_the_caveat(client, world):
    client.force_login(world.methodist)

    text = client.get(reverse("monitoring:effect"), {"year": world.year.pk}).content.decode()

    assert "40,0 (20) → 20,0 (20)" in text
    assert "-20,0" in text
    assert "школ: 1" in text
    assert "Это не доказательство" in text
    assert "не рейтинг" in text


@pytest.mark.parametrize("role", ["school_admin", "teacher", "tutor"])
def test_the_page_is_for_the_methodical_centre_and_the_region(client, world, role):
    client.force_login(getattr(world, role))

    assert client.get(reverse("monitoring:effect")).status_code == 403


def test_the_regional_coordinator_reads_it(client, world):
    client.force_login(world.regional)

    response = client.get(
        reverse("monitoring:effect"),
        {"year": world.year.pk, "municipality": world.municipality.pk},
    )

    assert "40,0 (20)" in response.content.decode()


def test_its_figures_are_printed_to_a_tenth_rounded_half_up():
    assert effect.Pooled(participants=16, twos=9).percent_text == "56,3"  # 56.25
    assert effect.Pooled().percent_text == "—"
    change = effect.Change(before=effect.Pooled(16, 9), after=effect.Pooled(20, 4))
    assert change.points_text == "-36,3"  # 20.0 - 56.25, away from zero as reports round
