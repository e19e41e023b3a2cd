"""The risk list against results built by hand: СОШ № 10 (`school`) weak and getting worse,
СОШ № 20 (`other_school`) calm, in one municipality; ВПР of 2025 and 2026, an ОГЭ of 2026."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import ConsultationRequest
from monitoring import risks
from monitoring.models import Assessment, AssessmentKind, Participant, ResultSet
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Role, RoleKind, SchoolStatus

from . import f1files
from .factories import loaded, make_world

SCHOOL = ("edu230123", "МОБУ СОШ № 10")
OTHER = ("edu230120", "МОБУ СОШ № 20")


def vpr(world, year, school, *, twos, total=20, lower=0, seed=0):
    """A ВПР file of `total` participants: `twos` «2», the rest «4»; the journal agrees with
    the work except for `lower` participants whose journal says «5» over a «4»."""
    rows = f1files.generated_rows(total, seed=seed, school_login=school[0], school_name=school[1])
    for index, row in enumerate(rows):
        row.mark = 2 if index < twos else 4
        row.journal_mark = 5 if twos <= index < twos + lower else row.mark
    loaded(world, f1files.f1_file(rows, year=year))


def oge(world, organization, year, *, twos, total=20):
    assessment, _ = Assessment.objects.get_or_create(
        kind=AssessmentKind.OGE, year=year, subject=world.subject, grade=9
    )
    result_set = ResultSet.objects.create(
        assessment=assessment, organization=organization, participants=total, digest="x"
    )
    Participant.objects.bulk_create(
        Participant(
            result_set=result_set,
            code=f"{n:05d}",
            primary_score=3 if n < twos else 15,
            mark=2 if n < twos else 4,
        )
        for n in range(total)
    )


@pytest.fixture
def world(db):
    return make_world()


def reasons(rows, school) -> str:
    return " | ".join(
        f"{r.work}: {r.text}" for row in rows if row.school == school for r in row.reasons
    )


def test_it_flags_a_high_share_of_twos_against_the_municipality(world):
    vpr(world, 2026, SCHOOL, twos=12)
    vpr(world, 2026, OTHER, twos=2, seed=1)

    rows = risks.risk_rows(world.municipality, 2026)

    # 60 % at the school against 14 of 40 = 35 % in the municipality
    assert "ВПР, 5 класс: доля «2» 60,0 % против 35,0 % по муниципалитету" in reasons(
        rows, world.school
    )
    assert reasons(rows, world.other_school) == ""


def test_it_flags_a_rise_of_ten_points(world):
    vpr(world, 2025, SCHOOL, twos=6)
    vpr(world, 2026, SCHOOL, twos=9, seed=1)
    vpr(world, 2025, OTHER, twos=8, seed=2)
    vpr(world, 2026, OTHER, twos=8, seed=3)

    text = reasons(risks.risk_rows(world.municipality, 2026), world.school)

    assert "доля «2» выросла на 15,0 п.: 30,0 % в 2025 г., 45,0 % в 2026 г." in text
    assert "по муниципалитету" not in text  # 45 % against 42.5 %: not high


def test_it_flags_vpr_marks_below_the_journal(world):
    vpr(world, 2026, SCHOOL, twos=0, lower=9)
    vpr(world, 2026, OTHER, twos=0, lower=2, seed=1)

    rows = risks.risk_rows(world.municipality, 2026)

    assert "у 45,0 % участников отметка ВПР ниже отметки в журнале" in reasons(rows, world.school)
    assert reasons(rows, world.other_school) == ""


def test_it_flags_the_share_below_the_gia_minimum(world):
    oge(world, world.school, 2026, twos=5)
    oge(world, world.other_school, 2026, twos=1)

    text = reasons(risks.risk_rows(world.municipality, 2026), world.school)

    assert "ОГЭ, 9 класс: ниже минимального балла 25,0 % против 15,0 % по муниципалитету" in text


def test_it_marks_a_figure_of_few_participants_unreliable(world):
    vpr(world, 2026, SCHOOL, twos=8, total=12)
    vpr(world, 2026, OTHER, twos=2, seed=1)

    row = risks.risk_rows(world.municipality, 2026)[0]

    assert row.school == world.school
    assert row.reasons[0].unreliable


def test_the_school_with_most_reasons_comes_first(world):
    vpr(world, 2025, OTHER, twos=2, seed=4)
    vpr(world, 2026, OTHER, twos=8, lower=9, seed=5)
    vpr(world, 2026, SCHOOL, twos=11, seed=6)
    third = OrganizationFactory(municipality=world.municipality, fis_oko_login="edu230130")
    vpr(world, 2026, (third.fis_oko_login, third.short_name), twos=0, total=40, seed=7)

    rows = risks.risk_rows(world.municipality, 2026)

    assert [row.school for row in rows] == [world.other_school, world.school]
    assert len(rows[0].reasons) == 3


@pytest.fixture
def risky(world):
    AcademicYearFactory(start_year=2026)
    vpr(world, 2026, SCHOOL, twos=12)
    vpr(world, 2026, OTHER, twos=2, seed=1)
    return world


def page(client, user, world):
    client.force_login(user)
    return client.get(reverse("monitoring:risks"), {"year": 2026})


def test_the_methodist_sees_the_reasons_and_the_actions(client, risky):
    text = page(client, risky.methodist, risky).content.decode()

    assert "МОБУ СОШ № 10" in text
    assert "60,0 %" in text
    assert "Открыть заявку" in text
    assert "Закрепить тьютора" in text
    assert "Отметить" in text
    assert "не используются" in text


@pytest.mark.parametrize("role", ["director", "tutor", "regional"])
def test_readers_see_the_list_without_the_actions(client, risky, role):
    text = page(client, getattr(risky, role), risky).content.decode()

    assert "60,0 %" in text
    assert "Открыть заявку" not in text
    assert "Отметить" not in text


def test_a_school_sees_its_own_rows_and_files_a_request_from_them(client, risky):
    vpr(risky, 2025, OTHER, twos=0, seed=8)
    text = page(client, risky.other_school_admin, risky).content.decode()
    assert "МОБУ СОШ № 10" not in text

    text = page(client, risky.school_admin, risky).content.decode()
    assert "Подать заявку" in text
    assert "organization=" not in text


def test_a_teacher_is_refused(client, risky):
    assert page(client, risky.teacher, risky).status_code == 403


def test_the_methodist_marks_a_school_shnor_from_a_row(client, risky):
    client.force_login(risky.methodist)
    url = reverse("monitoring:risk_status")
    data = {"organization": risky.school.pk, "kind": "low_results", "year": 2026}

    response = client.post(url, data, follow=True)

    status = SchoolStatus.objects.get(organization=risky.school)
    assert (status.kind, status.academic_year.start_year) == ("low_results", 2026)
    assert "статус присвоен" in response.content.decode()
    assert AuditEntry.objects.filter(action="school_status.set", actor=risky.methodist).count() == 1
    assert "уже есть" in client.post(url, data, follow=True).content.decode()
    assert SchoolStatus.objects.count() == 1
    assert "ШНОР" in page(client, risky.methodist, risky).content.decode()


def test_only_a_methodist_of_the_municipality_marks_a_school(client, risky):
    data = {"organization": risky.school.pk, "kind": "low_results", "year": 2026}
    client.force_login(risky.director)
    assert client.post(reverse("monitoring:risk_status"), data).status_code == 403
    client.force_login(user_with_role(RoleKind.METHODIST))
    assert client.post(reverse("monitoring:risk_status"), data).status_code == 404
    assert not SchoolStatus.objects.exists()


def test_the_methodist_opens_a_request_for_the_school_from_a_row(client, risky):
    client.force_login(risky.methodist)
    row = risks.risk_rows(risky.municipality, 2026)[0]
    link = page(client, risky.methodist, risky).context["rows"][0].request_link

    form = client.get(link)
    assert form.status_code == 200
    assert risky.school.name in form.content.decode()
    response = client.post(
        link,
        {
            "kind": "tutorial",
            "subject": risky.subject.pk,
            "topic": "Помощь по итогам ВПР",
            "difficulty": row.summary,
            "participants": "учителя математики",
            "participants_count": 2,
            "format": "in_person",
            "windows-TOTAL_FORMS": 1,
            "windows-INITIAL_FORMS": 0,
            "windows-MIN_NUM_FORMS": 1,
            "windows-MAX_NUM_FORMS": 5,
            "windows-0-starts_on": "2099-01-10",
            "windows-0-ends_on": "2099-01-20",
        },
    )

    filed = ConsultationRequest.objects.get()
    assert response["Location"] == filed.get_absolute_url()
    assert (filed.organization, filed.requested_by) == (risky.school, risky.methodist)
    assert "60,0 %" in filed.difficulty


def test_a_methodist_cannot_file_for_a_school_elsewhere(client, risky):
    client.force_login(risky.methodist)
    url = reverse("consultations:request_create")

    assert client.get(url, {"organization": risky.foreign_school.pk}).status_code == 404
    assert client.get(url).status_code == 404


def test_the_assign_link_offers_that_schools_teachers(client, risky):
    other_teacher = user_with_role(RoleKind.TEACHER, organization=risky.other_school)
    tutor_role = Role.objects.get(user=risky.tutor, kind=RoleKind.TUTOR)
    tutor_role.subjects.add(risky.subject)
    client.force_login(risky.methodist)
    link = page(client, risky.methodist, risky).context["rows"][0].assign_link

    form = client.get(link).context["form"]

    assert list(form.fields["teacher"].queryset) == [risky.teacher]
    assert other_teacher not in form.fields["teacher"].queryset
    assert list(form.fields["tutor"].queryset) == [risky.tutor]


def test_the_list_keeps_its_query_count(client, risky):
    client.force_login(risky.methodist)
    url = reverse("monitoring:risks")
    client.get(url, {"year": 2026})

    def count():
        cache.clear()  # the municipality's figures counted afresh, both times
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"year": 2026}).status_code == 200
        return len(queries)

    before = count()
    for n in range(5):
        school = OrganizationFactory(municipality=risky.municipality, fis_oko_login=f"edu23014{n}")
        vpr(risky, 2026, (school.fis_oko_login, school.short_name), twos=15, seed=20 + n)
    assert count() == before <= 25


def test_regional_opens_on_a_municipality_with_results(client, risky):
    MunicipalityFactory(name="Аааевский район")  # first by name, with no results
    client.force_login(risky.regional)

    text = client.get(reverse("monitoring:risks")).content.decode()

    assert "МОБУ СОШ № 10" in text and "60,0 %" in text


def test_a_municipality_without_results_is_not_said_to_be_fine(client, risky):
    empty = MunicipalityFactory(name="Аааевский район")
    client.force_login(risky.regional)

    text = client.get(reverse("monitoring:risks"), {"municipality": empty.pk}).content.decode()

    assert "Результатов 2026 года по муниципальному образованию" in text
    assert "тревожных признаков не найдено" not in text
