"""A development route offers the deficits of the teacher's latest diagnosis of its year or
the year before, rated high or medium, as difficulties; a diagnosis a route took from stays."""

from datetime import date

import pytest

from community.models import DomainError, RouteDifficulty
from community.route_sources import diagnosis_difficulties
from community.services import diagnoses
from community.services import routes as services
from tests.tutoring.factories import AcademicYearFactory
from tutoring import extensions

from .factories import AssignmentFactory, DeficitDiagnosisFactory, DeficitFactory, municipality_cast

DIAGNOSIS = RouteDifficulty.Source.DIAGNOSIS


@pytest.fixture
def cast(db):
    cast = municipality_cast()
    cast.year = AcademicYearFactory(start_year=2026)
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    return cast


def diagnosed(cast, day: date, *deficits):
    diagnosis = DeficitDiagnosisFactory(
        organization=cast.school_org,
        academic_year=AcademicYearFactory(start_year=day.year if day.month >= 9 else day.year - 1),
        teacher=cast.teacher,
        date=day,
    )
    for kind, level, source, note in deficits:
        DeficitFactory(diagnosis=diagnosis, kind=kind, level=level, source=source, note=note)
    return diagnosis


@pytest.fixture
def route(cast):
    return services.route_create(
        actor=cast.tutor,
        teacher=cast.teacher,
        tutor=cast.tutor,
        academic_year=cast.year,
        topic="Обратная связь на уроке",
    )


def test_it_offers_the_high_and_medium_deficits_in_words(cast):
    diagnosed(
        cast,
        date(2026, 10, 12),
        ("communicative", "medium", "test", ""),
        ("methodical", "high", "observation", "не выстроена обратная связь"),
        ("subject", "low", "test", "пробелы в геометрии"),
        ("psychological", "none", "expert", ""),
    )
    assert diagnosis_difficulties(cast.teacher, cast.year) == [
        (
            DIAGNOSIS,
            "Методические дефициты (высокий уровень), по итогам наблюдения урока 12.10.2026: "
            "не выстроена обратная связь",
        ),
        (DIAGNOSIS, "Коммуникативные дефициты (средний уровень), по итогам теста 12.10.2026."),
    ]


def test_it_reads_the_latest_diagnosis_only(cast):
    diagnosed(cast, date(2026, 9, 20), ("subject", "high", "test", ""))
    diagnosed(cast, date(2026, 11, 2), ("methodical", "medium", "expert", ""))
    assert diagnosis_difficulties(cast.teacher, cast.year) == [
        (
            DIAGNOSIS,
            "Методические дефициты (средний уровень), по экспертному заключению 02.11.2026.",
        ),
    ]


def test_it_reads_the_year_before_but_not_older(cast):
    diagnosed(cast, date(2025, 4, 15), ("subject", "high", "test", ""))
    assert diagnosis_difficulties(cast.teacher, cast.year) == []
    diagnosed(cast, date(2026, 3, 10), ("subject", "high", "other", "ВПР школы"))
    assert diagnosis_difficulties(cast.teacher, cast.year) == [
        (
            DIAGNOSIS,
            "Предметные дефициты (высокий уровень), по итогам диагностики 10.03.2026: ВПР школы",
        ),
    ]


def test_the_route_page_offers_them_and_adding_one_ties_the_diagnosis(client, cast, route):
    diagnosis = diagnosed(cast, date(2026, 10, 12), ("methodical", "high", "observation", ""))
    text = "Методические дефициты (высокий уровень), по итогам наблюдения урока 12.10.2026."
    client.force_login(cast.teacher)
    page = client.get(route.get_absolute_url()).content.decode()
    assert text in page and "по итогам диагностики дефицитов" in page

    client.post(route.get_absolute_url() + "difficulties/new/", {"source": DIAGNOSIS, "text": text})

    difficulty = route.difficulties.get()
    assert (difficulty.source, difficulty.text, difficulty.diagnosis) == (
        DIAGNOSIS,
        text,
        diagnosis,
    )


def test_a_diagnosis_a_route_took_from_is_neither_changed_nor_deleted(cast, route):
    diagnosis = diagnosed(cast, date(2026, 10, 12), ("methodical", "high", "observation", ""))
    (_source, text), *_ = extensions.difficulty_suggestions(cast.teacher, cast.year)
    services.difficulty_add(actor=cast.tutor, route=route, source=DIAGNOSIS, text=text)
    with pytest.raises(DomainError, match="«Обратная связь на уроке»"):
        diagnoses.diagnosis_delete(actor=cast.methodist, diagnosis=diagnosis)
    with pytest.raises(DomainError, match="запишите новую диагностику"):
        diagnoses.diagnosis_update(
            actor=cast.methodist, diagnosis=diagnosis, date=diagnosis.date, ratings={}
        )


def test_the_diagnosis_page_names_the_route_that_took_it(client, cast, route):
    diagnosis = diagnosed(cast, date(2026, 10, 12), ("methodical", "high", "observation", ""))
    (_source, text), *_ = extensions.difficulty_suggestions(cast.teacher, cast.year)
    services.difficulty_add(actor=cast.tutor, route=route, source=DIAGNOSIS, text=text)
    client.force_login(cast.methodist)
    page = client.get(diagnosis.get_absolute_url()).content.decode()
    assert f'<a href="{route.get_absolute_url()}">«Обратная связь на уроке»</a>' in page
    assert "Удалить" not in page


def test_a_difficulty_written_by_hand_ties_nothing(cast, route):
    diagnosed(cast, date(2026, 10, 12), ("methodical", "high", "observation", ""))
    services.difficulty_add(
        actor=cast.tutor, route=route, source=DIAGNOSIS, text="Своими словами о дефиците"
    )
    assert route.difficulties.get().diagnosis is None
