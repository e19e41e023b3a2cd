"""What the portal offers for a risk profile, against figures worked out by hand."""

import pytest

from community.models import DevelopmentRoute
from monitoring.profiles import evidence
from tests.tutoring.factories import AcademicYearFactory, user_with_role
from tutoring.models import RiskDirection, RoleKind

from .factories import make_world
from .test_risks import OTHER, SCHOOL, vpr


@pytest.fixture
def world(db):
    return make_world()


def test_it_offers_the_reasons_of_the_risk_list_for_the_share_at_risk(world):
    # СОШ № 10: 12 «2» of 25 (48,0 %); СОШ № 20: 2 of 25. The municipality: 14 of 50, 28,0 %.
    vpr(world, 2026, SCHOOL, twos=12, total=25)
    vpr(world, 2026, OTHER, twos=2, total=25, seed=1)
    text = evidence.learning_failure(world.school, AcademicYearFactory(start_year=2026))
    assert text.startswith("По результатам 2026 г. в «Где нужна помощь» 1 причина:")
    assert "— Математика, ВПР, 5 класс: доля «2» 48,0 % против 28,0 % по муниципалитету" in text


def test_it_reads_the_latest_results_before_the_year(world):
    vpr(world, 2025, SCHOOL, twos=0, total=25)
    text = evidence.learning_failure(world.school, AcademicYearFactory(start_year=2026))
    assert text == "По результатам 2025 г. в «Где нужна помощь» у школы причин нет."


def test_it_offers_nothing_without_results(world):
    assert evidence.learning_failure(world.school, AcademicYearFactory(start_year=2026)) == ""


def test_it_counts_the_teachers_with_a_development_route(world):
    year = AcademicYearFactory(start_year=2026)
    for _ in range(3):
        user_with_role(RoleKind.TEACHER, organization=world.school)
    DevelopmentRoute.objects.create(
        municipality=world.municipality,
        academic_year=year,
        teacher=world.teacher,
        organization=world.school,
        tutor=world.tutor,
        topic="Формирующее оценивание",
        created_by=world.tutor,
    )
    text = evidence.training(world.school, year)
    # One of four teachers: 25,0 %.
    assert text == (
        "Маршрут профессионального развития на 2026/27 учебный год есть у 1 из 4 учителей "
        "школы на портале (25,0 %)."
    )


def test_it_offers_the_criteria_the_experts_did_not_score_in_full(db):
    from tests.expertise.factories import assign, make_world, partly, score, submit

    world = make_world()
    case = submit(world)
    assign(world, case)
    score(case, world.expert1, partly)
    score(case, world.expert2, partly)
    text = evidence.competence(world.school, case.academic_year)
    assert text.startswith("Экспертиза работ учителей школы (1 заключение):")
    assert "— «Рабочая программа по математике для 5–9 классов» (" in text
    assert "оценены не полностью «" in text


def test_it_sets_each_text_under_its_kind_of_direction(world):
    vpr(world, 2026, SCHOOL, twos=0, total=25)
    found = evidence.offered(world.school, AcademicYearFactory(start_year=2026))
    assert set(found) == {
        RiskDirection.Evidence.LEARNING_FAILURE,
        RiskDirection.Evidence.TRAINING,
    }
