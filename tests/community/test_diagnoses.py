"""Teachers' diagnoses of professional deficits (Р-201): the tutor, a methodist or the school
records one with the four kinds, each with a level and how it was found; the teacher, their
school, tutor, the municipality and the region read it; nobody else sees it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import Deficit, DeficitDiagnosis, DomainError
from community.services import diagnoses as services
from community.services.diagnoses import Rating
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, RoleKind
from tutoring.selectors import object_history

from .factories import AssignmentFactory, DeficitDiagnosisFactory, DeficitFactory, municipality_cast

Level, Source = Deficit.Level, Deficit.Source
# The methodist comes last: a successful action of theirs would change what the others get.
ROLES = [
    "director",
    "tutor",
    "other_tutor",
    "school",
    "other_school",
    "teacher",
    "regional",
    "other_methodist",
    "methodist",
]


@pytest.fixture
def cast(db):
    cast = municipality_cast()
    cast.year = AcademicYearFactory()
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    cast.other_tutor = user_with_role(
        RoleKind.TUTOR, municipality=cast.municipality, last_name="Посторонняя"
    )
    elsewhere = OrganizationFactory(municipality=cast.municipality)
    cast.other_school = user_with_role(RoleKind.SCHOOL, organization=elsewhere)
    cast.neighbour = user_with_role(RoleKind.TEACHER, organization=elsewhere, last_name="Соседова")
    return cast


@pytest.fixture
def diagnosis(cast):
    diagnosis = DeficitDiagnosisFactory(
        organization=cast.school_org, academic_year=cast.year, teacher=cast.teacher
    )
    DeficitFactory(diagnosis=diagnosis, note="Не выстроена обратная связь на уроке")
    return diagnosis


def record(cast, actor=None, **ratings):
    return services.diagnosis_record(
        actor=actor or cast.methodist,
        teacher=cast.teacher,
        date=timezone.localdate(),
        ratings=ratings
        or {"methodical": Rating(Level.HIGH, Source.OBSERVATION, "Нет обратной связи")},
    )


def statuses(client, cast, url, *, post=False):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = (client.post(url) if post else client.get(url)).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def problems_of(call) -> dict:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.problems


# Services ---------------------------------------------------------------------------------------


def test_it_records_a_diagnosis_with_its_kinds(cast):
    diagnosis = record(
        cast,
        subject=Rating(Level.MEDIUM, Source.TEST, ""),
        communicative=Rating(Level.NONE, Source.OBSERVATION, ""),
    )
    assert (diagnosis.organization, diagnosis.municipality) == (cast.school_org, cast.municipality)
    assert diagnosis.academic_year == cast.year
    assert [(d.kind, d.level) for d in diagnosis.rated()] == [
        ("subject", "medium"),
        ("communicative", "none"),
    ]
    assert AuditEntry.objects.filter(action="diagnosis.record").count() == 1


def test_the_tutor_and_the_school_record_one_too(cast):
    assert record(cast, actor=cast.tutor).created_by == cast.tutor
    assert record(cast, actor=cast.school).created_by == cast.school


def test_it_refuses_a_tutor_not_assigned_to_the_teacher(cast):
    with pytest.raises(DomainError, match="записывают его тьютор"):
        record(cast, actor=cast.other_tutor)
    assert not DeficitDiagnosis.objects.exists()


def test_it_names_a_missing_date_and_no_kind_rated_at_once(cast):
    problems = problems_of(
        lambda: services.diagnosis_record(
            actor=cast.methodist, teacher=cast.teacher, date=None, ratings={}
        )
    )
    assert problems == {
        "date": "Укажите дату диагностики.",
        "subject_level": "Оцените хотя бы один из четырёх видов дефицитов: укажите уровень "
        "и как он выявлен.",
    }
    assert not DeficitDiagnosis.objects.exists()


def test_it_refuses_a_date_ahead_of_the_municipalitys_day(cast):
    tomorrow = timezone.localdate(timezone=cast.municipality.tzinfo) + timedelta(days=1)
    problems = problems_of(
        lambda: services.diagnosis_record(
            actor=cast.methodist,
            teacher=cast.teacher,
            date=tomorrow,
            ratings={"subject": Rating(Level.LOW, Source.TEST)},
        )
    )
    assert problems == {
        "date": f"Дата {tomorrow:%d.%m.%Y} ещё не наступила: укажите день, когда прошла "
        "диагностика."
    }


def test_it_names_a_level_without_a_source_and_a_source_without_a_level(cast):
    problems = problems_of(
        lambda: record(
            cast,
            subject=Rating(Level.HIGH, ""),
            methodical=Rating("", Source.TEST, "Комментарий"),
            communicative=Rating(Level.LOW, Source.OTHER, ""),
        )
    )
    assert set(problems) == {"subject_source", "methodical_level", "communicative_note"}
    assert not DeficitDiagnosis.objects.exists()


def test_it_updates_the_ratings_and_the_history_says_so_in_russian(cast, diagnosis):
    services.diagnosis_update(
        actor=cast.tutor,
        diagnosis=diagnosis,
        date=diagnosis.date,
        ratings={
            "methodical": Rating(Level.MEDIUM, Source.TEST),
            "subject": Rating(Level.LOW, Source.TEST),
        },
    )
    text = history_of(diagnosis)
    assert "изменена диагностика профессиональных дефицитов" in text
    assert (
        "Методические дефициты: «высокий уровень (наблюдение урока): Не выстроена обратная "
        "связь на уроке» → «средний уровень (тест)»"
    ) in text
    assert "Предметные дефициты: «не оценивались» → «низкий уровень (тест)»" in text


def test_the_record_reads_in_russian(cast):
    diagnosis = record(cast)
    text = history_of(diagnosis)
    assert "записана диагностика профессиональных дефицитов" in text
    assert "Дефициты: методические — высокий уровень (наблюдение урока): Нет обратной связи" in text
    assert not re.search(r"\b(methodical|high|observation)\b", text)


def test_it_deletes_a_diagnosis_no_route_took(cast, diagnosis):
    services.diagnosis_delete(actor=cast.school, diagnosis=diagnosis)
    assert not DeficitDiagnosis.objects.exists()
    assert AuditEntry.objects.get(action="diagnosis.delete").changes["teacher"] == (
        cast.teacher.full_name
    )


def test_only_its_recorders_change_a_diagnosis(cast, diagnosis):
    for outsider in (cast.teacher, cast.director, cast.other_tutor, cast.other_school):
        with pytest.raises(DomainError):
            services.diagnosis_delete(actor=outsider, diagnosis=diagnosis)
    assert DeficitDiagnosis.objects.exists()


def history_of(obj) -> str:
    page = render_to_string("includes/history.html", {"history": object_history(obj)})
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


# Pages: who opens what --------------------------------------------------------------------------


def test_the_teachers_page_opens_to_those_who_read_their_diagnoses(client, cast, diagnosis):
    got = statuses(client, cast, f"/community/diagnoses/teachers/{cast.teacher.pk}/")
    assert got == expect(200, 200, 404, 200, 404, 200, 200, 404, 200)


def test_a_diagnosis_opens_to_the_same_readers(client, cast, diagnosis):
    got = statuses(client, cast, diagnosis.get_absolute_url())
    assert got == expect(200, 200, 404, 200, 404, 200, 200, 404, 200)


def test_the_form_opens_to_those_who_record_for_somebody(client, cast):
    got = statuses(client, cast, "/community/diagnoses/new/")
    assert got == expect(403, 200, 403, 200, 200, 403, 403, 403, 200)


def test_the_edit_opens_to_the_recorders_of_the_teacher(client, cast, diagnosis):
    got = statuses(client, cast, f"/community/diagnoses/{diagnosis.pk}/edit/")
    assert got == expect(403, 200, 404, 200, 404, 403, 403, 404, 200)


def test_the_delete_asks_the_recorders_only(client, cast, diagnosis):
    got = statuses(client, cast, f"/community/diagnoses/{diagnosis.pk}/delete/")
    assert got == expect(403, 200, 404, 200, 404, 403, 403, 404, 200)


def test_the_delete_goes_back_to_the_teachers_page(client, cast, diagnosis):
    client.force_login(cast.school)
    response = client.post(f"/community/diagnoses/{diagnosis.pk}/delete/", follow=True)
    assert "Диагностика удалена." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/community/diagnoses/teachers/{cast.teacher.pk}/"
    assert not DeficitDiagnosis.objects.exists()


def test_the_list_shows_each_reader_their_own(client, cast, diagnosis):
    DeficitFactory(
        diagnosis=DeficitDiagnosisFactory(
            organization=cast.neighbour.roles.get().organization, teacher=cast.neighbour
        )
    )
    client.force_login(cast.school)
    page = client.get("/community/diagnoses/").content.decode()
    assert "Учителева" in page and "Соседова" not in page
    client.force_login(cast.methodist)
    page = client.get("/community/diagnoses/").content.decode()
    assert "Учителева" in page and "Соседова" in page


def test_another_school_cannot_pick_our_teacher(client, cast):
    client.force_login(cast.other_school)
    response = client.post(
        "/community/diagnoses/new/",
        {"teacher": cast.teacher.pk, "date": timezone.localdate(), "subject_level": "high"},
    )
    assert "Выберите корректный вариант" in response.content.decode()
    assert not DeficitDiagnosis.objects.exists()


# Pages: the form ------------------------------------------------------------------------------


def test_the_form_records_and_goes_to_the_teachers_page(client, cast):
    client.force_login(cast.tutor)
    response = client.post(
        "/community/diagnoses/new/",
        {
            "teacher": cast.teacher.pk,
            "date": timezone.localdate().isoformat(),
            "methodical_level": "high",
            "methodical_source": "observation",
            "methodical_note": "Нет обратной связи",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Диагностика записана" in page
    assert "высокий уровень" in page and "Методические" in page
    assert DeficitDiagnosis.objects.get().created_by == cast.tutor


def test_the_form_names_every_problem_at_its_field(client, cast):
    client.force_login(cast.methodist)
    response = client.post(
        "/community/diagnoses/new/",
        {"teacher": cast.teacher.pk, "date": "", "methodical_source": "test"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"date", "methodical_level", "subject_level"}
    assert errors["date"] == ["Укажите дату диагностики."]
    assert not DeficitDiagnosis.objects.exists()


def test_the_form_preselects_the_teacher_of_the_link(client, cast):
    client.force_login(cast.methodist)
    page = client.get(f"/community/diagnoses/new/?teacher={cast.teacher.pk}").content.decode()
    assert f'<option value="{cast.teacher.pk}" selected>' in page


def test_the_edit_form_shows_the_ratings_and_saves_them(client, cast, diagnosis):
    client.force_login(cast.school)
    url = f"/community/diagnoses/{diagnosis.pk}/edit/"
    assert '<option value="high" selected>' in client.get(url).content.decode()
    client.post(
        url,
        {"date": diagnosis.date.isoformat(), "subject_level": "low", "subject_source": "test"},
    )
    assert [(d.kind, d.level) for d in diagnosis.rated()] == [("subject", "low")]


def test_the_detail_shows_the_kinds_and_the_history(client, cast, diagnosis):
    services.diagnosis_update(
        actor=cast.methodist,
        diagnosis=diagnosis,
        date=diagnosis.date,
        ratings={"methodical": Rating(Level.MEDIUM, Source.TEST, "")},
    )
    client.force_login(cast.teacher)
    page = client.get(diagnosis.get_absolute_url()).content.decode()
    assert "Методические дефициты" in page and "средний уровень" in page
    assert "Не оценивались: предметные, психолого-педагогические, коммуникативные." in page
    assert "История" in page and "Изменить" not in page


# Query counts -----------------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def diagnoses_of_new_teachers(cast, count):
    for n in range(count):
        teacher = user_with_role(RoleKind.TEACHER, organization=cast.school_org)
        diagnosis = DeficitDiagnosisFactory(organization=cast.school_org, teacher=teacher)
        DeficitFactory(diagnosis=diagnosis, kind="subject", note=f"Заметка {n}")
        DeficitFactory(diagnosis=diagnosis, kind="methodical")


def test_the_list_keeps_its_query_count(client, cast, django_assert_max_num_queries):
    diagnoses_of_new_teachers(cast, 2)
    client.force_login(cast.methodist)
    small = queries(client, "/community/diagnoses/")
    diagnoses_of_new_teachers(cast, 20)
    with django_assert_max_num_queries(small):
        client.get("/community/diagnoses/")
    assert small <= 12


def test_the_teachers_page_keeps_its_query_count(client, cast, django_assert_max_num_queries):
    url = f"/community/diagnoses/teachers/{cast.teacher.pk}/"
    DeficitFactory(
        diagnosis=DeficitDiagnosisFactory(organization=cast.school_org, teacher=cast.teacher)
    )
    client.force_login(cast.school)
    small = queries(client, url)
    for kind in ("subject", "methodical", "psychological", "communicative") * 5:
        diagnosis = DeficitDiagnosisFactory(organization=cast.school_org, teacher=cast.teacher)
        DeficitFactory(diagnosis=diagnosis, kind=kind)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert small <= 12


def test_the_list_filters_by_kind_and_level_of_the_same_row(client, cast, diagnosis):
    other = DeficitDiagnosisFactory(organization=cast.school_org, teacher=cast.teacher)
    DeficitFactory(diagnosis=other, kind="subject", level="high")
    DeficitFactory(diagnosis=other, kind="methodical", level="low")
    client.force_login(cast.methodist)
    page = client.get("/community/diagnoses/", {"kind": "methodical", "level": "high"})
    assert list(page.context["page"].object_list) == [diagnosis]
