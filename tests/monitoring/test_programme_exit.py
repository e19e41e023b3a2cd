"""Leaving the list: the municipality's rule against ВПР results worked out by hand."""

from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring.models import DomainError, ExitRule, ProgrammeExit
from monitoring.programmes import exit as exits
from monitoring.programmes import services
from tests.tutoring.factories import AcademicYearFactory, SchoolStatusFactory
from tutoring.models import AuditEntry, SchoolStatus

from .test_risk_profiles import programme_world
from .test_risks import OTHER, SCHOOL, vpr


@pytest.fixture
def world(db):
    return programme_world()


def spring(world, offset, *, mine, theirs, lower=0):
    """A ВПР of the spring `offset` years after the programme year's start: СОШ № 10 with
    `mine` «2» of 25 (`lower` of them confirmed below the journal), СОШ № 20 `theirs`."""
    year = world.year.start_year + offset
    vpr(world, year, SCHOOL, twos=mine, total=25, lower=lower, seed=offset)
    vpr(world, year, OTHER, twos=theirs, total=25, seed=10 + offset)


def row(world):
    _years, rows = exits.exit_rows(world.municipality, world.year)
    return rows[0]


def test_a_school_below_the_municipality_two_years_running_meets_the_rule(world):
    # 2 of 25 (8 %) against 2+8 of 50 (20 %), then 1 of 25 (4 %) against 7 of 50 (14 %).
    spring(world, 0, mine=2, theirs=8)
    spring(world, 1, mine=1, theirs=6)
    found = row(world)
    assert found.meets
    first = world.year.start_year
    assert found.reasons[0] == f"{first}: доля «2» 8,0 % против 20,0 % по муниципалитету"
    assert (
        found.reasons[-1]
        == f"{world.year.start_year + 1}: отметка подтверждена у 100,0 % участников"
    )


def test_a_school_above_the_municipality_in_one_year_stays(world):
    spring(world, 0, mine=10, theirs=2)
    spring(world, 1, mine=1, theirs=6)
    found = row(world)
    assert not found.meets
    assert found.reasons[0].endswith("— не ниже")


def test_marks_confirmed_below_the_threshold_keep_the_school(world):
    # 10 of 25 pupils' work below the journal: 15 of 25 confirmed, 60 % < 70 %.
    spring(world, 0, mine=2, theirs=8)
    spring(world, 1, mine=1, theirs=6, lower=10)
    found = row(world)
    assert not found.meets
    assert found.reasons[-1].endswith("60,0 % участников — меньше порога")


def test_the_municipality_states_its_own_rule(world):
    spring(world, 1, mine=1, theirs=6, lower=10)
    services.exit_rule_set(
        actor=world.methodist,
        municipality=world.municipality,
        years=1,
        confirmed_min=Decimal("50"),
    )
    assert row(world).meets
    assert "в последнем году" in exits.rule_text(ExitRule.objects.get())


def test_a_rule_out_of_bounds_is_refused_at_each_field(world):
    with pytest.raises(DomainError) as refused:
        services.exit_rule_set(
            actor=world.methodist,
            municipality=world.municipality,
            years=9,
            confirmed_min=Decimal("120"),
        )
    assert set(refused.value.problems) == {"years", "confirmed_min"}
    assert not ExitRule.objects.exists()


def test_the_methodist_confirms_and_the_next_years_status_goes(world):
    spring(world, 0, mine=2, theirs=8)
    spring(world, 1, mine=1, theirs=6)
    following = AcademicYearFactory(start_year=world.year.start_year + 1)
    SchoolStatusFactory(organization=world.school, academic_year=following)
    services.programme_exit_confirm(
        actor=world.methodist, organization=world.school, academic_year=world.year
    )
    assert not SchoolStatus.objects.filter(academic_year=following).exists()
    assert SchoolStatus.objects.filter(academic_year=world.year).exists()
    entry = AuditEntry.objects.get(action="programme.exit")
    assert entry.changes["removed"] == "ШНОР"


def test_a_school_that_does_not_meet_the_rule_is_not_let_out(world):
    spring(world, 0, mine=10, theirs=2)
    spring(world, 1, mine=10, theirs=2)
    with pytest.raises(DomainError, match="не выполняет правило"):
        services.programme_exit_confirm(
            actor=world.methodist, organization=world.school, academic_year=world.year
        )
    assert not ProgrammeExit.objects.exists()


def test_the_page_proposes_and_only_the_methodist_confirms(client, world):
    spring(world, 0, mine=2, theirs=8)
    spring(world, 1, mine=1, theirs=6)
    url = reverse("monitoring:programme_exit")
    for role, expected in (("director", False), ("regional", False), ("methodist", True)):
        client.force_login(getattr(world, role))
        page = client.get(url, {"year": world.year.pk}).content.decode()
        assert "предлагается снять статус" in page, role
        assert ("Подтвердить выход" in page) is expected, role
    confirm = reverse("monitoring:exit_confirm", args=[world.school.pk, world.year.pk])
    client.force_login(world.director)
    assert client.post(confirm).status_code == 403
    client.force_login(world.methodist)
    client.post(confirm)
    assert ProgrammeExit.objects.count() == 1


@pytest.mark.parametrize("role", ["school_admin", "tutor", "teacher", "curator"])
def test_the_page_is_not_for_the_schools_and_tutors(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("monitoring:programme_exit")).status_code == 403
