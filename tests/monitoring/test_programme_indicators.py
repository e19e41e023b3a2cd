"""The indicators of a school's programme against figures worked out by hand: ВПР results of
СОШ № 10 (`school`), its teachers' routes, the tutors' sessions held there."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest

from community.models import DevelopmentRoute
from consultations.models import Session
from monitoring.figures_cache import results_cache
from monitoring.models import AssessmentKind, Indicator, SchoolProgramme
from monitoring.programmes import indicators
from monitoring.programmes.indicators import Reading, progress
from tests.consultations.factories import SessionFactory
from tests.tutoring.factories import AcademicYearFactory, user_with_role
from tutoring.models import RoleKind

from .factories import make_world
from .test_risks import OTHER, SCHOOL, results, vpr

Source = Indicator.Source
YEKATERINBURG = zoneinfo.ZoneInfo("Asia/Yekaterinburg")


@pytest.fixture
def world(db):
    return make_world()


def programme(world, start_year=2026, *, school=None, kind=SchoolProgramme.Kind.CONCEPT):
    school = school or world.school
    found, _ = SchoolProgramme.objects.get_or_create(
        municipality=school.municipality,
        academic_year=AcademicYearFactory(start_year=start_year),
        organization=school,
        kind=kind,
    )
    return found


def indicator(world, source, *, of=None, **fields):
    vpr_work = {"subject": world.subject, "grade": 5} if source in indicators.VPR_SOURCES else {}
    return Indicator.objects.create(
        programme=of or programme(world),
        title="Показатель",
        source=source,
        baseline=Decimal("0"),
        target=Decimal("10"),
        **(vpr_work | fields),
    )


def read(*items) -> dict[int, Reading]:
    loaded = Indicator.objects.filter(pk__in=[item.pk for item in items]).select_related(
        "programme__organization", "programme__academic_year"
    )
    return indicators.readings(list(loaded))


def twos(world, year, count, *, school=None, total=25):
    school = school or world.school
    results(world, school, year, twos=count, total=total, kind=AssessmentKind.VPR, grade=5)


def route(world, teacher, start_year):
    DevelopmentRoute.objects.create(
        municipality=world.municipality,
        academic_year=AcademicYearFactory(start_year=start_year),
        teacher=teacher,
        organization=world.school,
        tutor=world.tutor,
        topic="Формирующее оценивание",
        created_by=world.tutor,
    )


def held(world, day, hour=12, *, school=None, status=Session.Status.HELD):
    starts_at = datetime.datetime.combine(day, datetime.time(hour), YEKATERINBURG)
    SessionFactory(
        municipality=world.municipality,
        organization=school or world.school,
        status=status,
        starts_at=starts_at,
    )


def test_it_reads_the_share_of_twos(world):
    twos(world, 2026, 12)
    item = indicator(world, Source.VPR_TWOS)

    assert read(item)[item.pk] == Reading(Decimal("48.0"), 2026, "ВПР 2026", "12 из 25 участников")


def test_it_sees_results_loaded_later_at_once(world):
    twos(world, 2026, 12)
    item = indicator(world, Source.VPR_TWOS)
    with results_cache():
        assert read(item)[item.pk].value == Decimal("48.0")

    twos(world, 2027, 5)

    with results_cache():
        found = read(item)[item.pk]
    assert found == Reading(Decimal("20.0"), 2027, "ВПР 2027", "5 из 25 участников")


def test_it_reads_the_share_of_marks_not_lower_than_the_journal(world):
    # 6 of 25 have «5» in the journal over a «4» for the work: 19 of 25 confirmed, 76,0 %.
    vpr(world, 2026, SCHOOL, twos=3, total=25, lower=6)
    item = indicator(world, Source.VPR_CONFIRMED)

    assert read(item)[item.pk] == Reading(Decimal("76.0"), 2026, "ВПР 2026", "19 из 25 участников")


def test_it_reads_the_share_of_teachers_with_a_route(world):
    for _ in range(3):
        user_with_role(RoleKind.TEACHER, organization=world.school)
    route(world, world.teacher, 2026)
    item = indicator(world, Source.ROUTE_SHARE)

    assert read(item)[item.pk] == Reading(
        Decimal("25.0"), 2026, "2026/27 учебный год", "1 из 4 учителей"
    )


def test_it_counts_the_held_sessions_of_the_school_in_the_year_on_its_clock(world):
    world.municipality.timezone = "Asia/Yekaterinburg"
    world.municipality.save()
    held(world, datetime.date(2026, 9, 1), hour=1)  # still 31 August in Moscow: counted
    held(world, datetime.date(2027, 3, 10))
    held(world, datetime.date(2027, 8, 31), hour=23)
    held(world, datetime.date(2026, 8, 31), hour=23)  # the year before
    held(world, datetime.date(2027, 9, 1), hour=6)  # the year after
    held(world, datetime.date(2027, 3, 11), status=Session.Status.PLANNED)
    held(world, datetime.date(2027, 3, 12), status=Session.Status.CANCELLED)
    held(world, datetime.date(2027, 3, 10), school=world.other_school)
    item = indicator(world, Source.SESSIONS_HELD)

    assert read(item)[item.pk] == Reading(Decimal("3.0"), 2026, "2026/27 учебный год", "3 занятия")


def test_it_reads_what_the_school_entered_for_a_manual_indicator(world):
    item = indicator(world, Source.MANUAL, value=Decimal("62.5"), evidence="Протокол № 3")

    assert read(item)[item.pk] == Reading(Decimal("62.5"), 2026, "вводит школа", "")


def test_its_vpr_baseline_is_the_spring_before_the_year(world):
    twos(world, 2025, 10)
    twos(world, 2026, 12)
    twos(world, 2027, 5)

    found = indicators.baseline(
        Source.VPR_TWOS,
        school=world.school,
        academic_year=AcademicYearFactory(start_year=2026),
        subject=world.subject,
        grade=5,
    )

    assert found == Reading(Decimal("48.0"), 2026, "ВПР 2026", "12 из 25 участников")


def test_its_vpr_baseline_takes_the_latest_earlier_results_the_school_has(world):
    vpr(world, 2024, SCHOOL, twos=0, total=20, lower=5)
    vpr(world, 2026, OTHER, twos=0, total=20, lower=1)

    found = indicators.baseline(
        Source.VPR_CONFIRMED,
        school=world.school,
        academic_year=AcademicYearFactory(start_year=2026),
        subject=world.subject.pk,
        grade=5,
    )

    assert found == Reading(Decimal("75.0"), 2024, "ВПР 2024", "15 из 20 участников")


def test_its_route_baseline_is_the_year_before(world):
    other = user_with_role(RoleKind.TEACHER, organization=world.school)
    route(world, world.teacher, 2025)
    route(world, other, 2025)
    route(world, other, 2026)

    year = AcademicYearFactory(start_year=2026)
    found = indicators.baseline(Source.ROUTE_SHARE, school=world.school, academic_year=year)

    assert found == Reading(Decimal("100.0"), 2025, "2025/26 учебный год", "2 из 2 учителей")


def test_its_sessions_baseline_is_the_year_before(world):
    held(world, datetime.date(2025, 10, 1))
    held(world, datetime.date(2026, 10, 1))

    year = AcademicYearFactory(start_year=2026)
    found = indicators.baseline(Source.SESSIONS_HELD, school=world.school, academic_year=year)

    assert found == Reading(Decimal("1.0"), 2025, "2025/26 учебный год", "1 занятие")


def test_a_manual_baseline_is_not_the_portals(world):
    found = indicators.baseline(
        Source.MANUAL, school=world.school, academic_year=AcademicYearFactory(start_year=2026)
    )

    assert found.value is None


def test_it_has_no_value_without_data(world):
    twos(world, 2026, 12, school=world.other_school)  # another school's, and no journal marks
    twos(world, 2026, 12)
    missing = indicator(world, Source.VPR_TWOS, grade=6)
    unconfirmed = indicator(world, Source.VPR_CONFIRMED)
    unstaffed = indicator(world, Source.ROUTE_SHARE, of=programme(world, school=world.other_school))

    found = read(missing, unconfirmed, unstaffed)

    assert found[missing.pk] == Reading(None, None, "", indicators.NO_RESULTS)
    assert found[unconfirmed.pk].value is None
    assert found[unconfirmed.pk].basis == "нет участников с отметкой в журнале"
    assert found[unstaffed.pk].value is None


def test_it_measures_progress_toward_a_falling_target():
    assert progress(Decimal("48"), Decimal("30"), Decimal("39")) == 50
    assert progress(Decimal("48"), Decimal("30"), Decimal("27")) == 117  # 21 of 18 points
    assert progress(Decimal("48"), Decimal("30"), Decimal("50")) == -11  # the wrong way


def test_it_measures_progress_toward_a_rising_target():
    assert progress(Decimal("20"), Decimal("40"), Decimal("25")) == 25
    assert progress(Decimal("20"), Decimal("40"), Decimal("40")) == 100
    assert progress(Decimal("20.0"), Decimal("23.0"), Decimal("20.5")) == 17  # 16,7 rounded


def test_it_has_no_progress_without_a_value_or_a_distance():
    assert progress(Decimal("48"), Decimal("30"), None) is None
    assert progress(Decimal("48"), Decimal("48"), Decimal("40")) is None


def every_source(world, of):
    return [indicator(world, source, of=of) for source in Source.values]


def test_it_reads_any_number_of_indicators_in_the_same_queries(world, django_assert_num_queries):
    twos(world, 2026, 12)
    twos(world, 2026, 4, school=world.other_school)
    held(world, datetime.date(2026, 10, 1))
    route(world, world.teacher, 2026)
    few = every_source(world, programme(world))
    medium_term = programme(world, kind=SchoolProgramme.Kind.MEDIUM_TERM)
    next_year = programme(world, 2027, school=world.other_school)
    many = [*few, *every_source(world, medium_term), *every_source(world, next_year)]

    with django_assert_num_queries(7):
        read(*few)
    with django_assert_num_queries(7):
        assert len(read(*many)) == 15
