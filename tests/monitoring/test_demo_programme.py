"""СОШ № 20 in «500+» after `load_demo`: its curator, last year's agreed profile and approved
antirisk programme, this year's profile waiting for agreement and its concept in draft."""

import pdfplumber
import pytest

from community.models import DevelopmentRoute
from consultations.models import Session
from monitoring.models import (
    Curatorship,
    Indicator,
    Measure,
    RiskLevel,
    RiskProfile,
    RiskRating,
    SchoolProgramme,
)
from monitoring.programmes.selectors import indicator_rows, measure_rows
from monitoring.programmes.services import DOCUMENT
from tutoring.demo import SHNOR_SCHOOL, load_demo
from tutoring.models import AcademicYear, AuditEntry, Document, Notification, Organization

LEARNING_FAILURE = "Высокая доля обучающихся с рисками учебной неуспешности"
COMPETENCE = "Недостаточная предметная и методическая компетентность педагогических работников"
MODELS = [
    Curatorship,
    RiskProfile,
    RiskRating,
    SchoolProgramme,
    Measure,
    Indicator,
    Document,
    Notification,
    AuditEntry,
]


@pytest.fixture
def years(demo):
    current = AcademicYear.objects.current()
    return AcademicYear.objects.get(start_year=current.start_year - 1), current


@pytest.fixture
def school(demo):
    return Organization.objects.get(
        short_name=SHNOR_SCHOOL, municipality__short_name="Лабинский район"
    )


@pytest.fixture
def antirisk(school, years):
    return SchoolProgramme.objects.get(
        organization=school, academic_year=years[0], kind=SchoolProgramme.Kind.ANTIRISK
    )


def test_it_makes_the_demo_tutor_the_curator_of_the_school_both_years(school, years):
    curators = Curatorship.objects.filter(organization=school, academic_year__in=years)

    assert {c.curator.username for c in curators} == {"tutor"}
    assert {c.assigned_by.username for c in curators} == {"methodist"}
    assert curators.count() == 2


def test_last_years_profile_was_returned_once_by_the_curator_and_agreed(school, years):
    profile = RiskProfile.objects.get(organization=school, academic_year=years[0])
    levels = dict(profile.ratings.values_list("direction__name", "level"))
    returns = AuditEntry.objects.filter(
        action="risk_profile.return",
        object_type="monitoring.RiskProfile",
        object_id=str(profile.pk),
    )

    assert profile.status == RiskProfile.Status.AGREED
    assert profile.agreed_by.username == "tutor"
    assert len(levels) == 11 and all(levels.values())
    assert levels[LEARNING_FAILURE] == levels[COMPETENCE] == RiskLevel.HIGH
    assert [r.actor.username for r in returns] == ["tutor"]
    assert profile.agreed_at.year == years[0].start_year


def test_this_years_profile_waits_for_agreement_and_the_concept_is_a_sectioned_draft(school, years):
    profile = RiskProfile.objects.get(organization=school, academic_year=years[1])
    concept = SchoolProgramme.objects.get(
        organization=school, academic_year=years[1], kind=SchoolProgramme.Kind.CONCEPT
    )

    assert profile.status == RiskProfile.Status.SUBMITTED
    assert concept.status == SchoolProgramme.Status.DRAFT
    assert concept.text.startswith("# Анализ текущего состояния")


def test_the_approved_antirisk_programme_is_carried_out_by_the_tutors_work(antirisk):
    rows = measure_rows(antirisk)
    sessions = Session.objects.filter(pk__in=[r.measure.session_id for r in rows])
    routes = DevelopmentRoute.objects.filter(pk__in=[r.measure.route_id for r in rows])

    assert antirisk.status == SchoolProgramme.Status.APPROVED
    assert antirisk.direction.name == LEARNING_FAILURE
    assert 3 <= len(rows) <= 4
    assert {s.tutor.username for s in sessions} == {"tutor"} and sessions.count() == 2
    assert {r.teacher.username for r in routes} == {"teacher"}
    assert {s.organization.short_name for s in sessions} == {SHNOR_SCHOOL}
    assert all(r.state == "done" for r in rows)


def test_its_indicators_are_read_from_the_demo_results(antirisk):
    rows = indicator_rows(antirisk)

    assert {r.indicator.source for r in rows} == {
        "vpr_twos",
        "vpr_confirmed",
        "route_share",
        "sessions_held",
    }
    assert all(r.reading.value is not None for r in rows)
    assert all(r.indicator.baseline_note for r in rows)  # the portal counted each baseline
    twos = next(r for r in rows if r.indicator.source == "vpr_twos")
    assert twos.reading.value < twos.indicator.baseline  # the year of tutoring shows


def test_the_approved_programme_is_printed_on_the_day_it_was_approved(antirisk):
    document = Document.objects.get(kind=DOCUMENT, object_id=str(antirisk.pk))

    assert document.status == Document.Status.READY
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert f"15.10.{antirisk.academic_year.start_year}" in text
    assert "Н. В. Гринько" in text


def test_loading_the_demo_again_changes_nothing(demo):
    before = {model.__name__: model.objects.count() for model in MODELS}

    load_demo()

    assert {model.__name__: model.objects.count() for model in MODELS} == before
