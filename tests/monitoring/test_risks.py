"""The risk list against results built by hand: СОШ № 10 (`school`) weak and getting worse,
СОШ № 20 (`other_school`) calm, in one municipality; ВПР of 2025 and 2026, an ОГЭ of 2026."""

import dataclasses

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import ConsultationRequest
from monitoring import analytical, risks
from monitoring.models import Assessment, AssessmentKind, Participant, ResultSet
from monitoring.summaries import summarize
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


def results(world, organization, year, *, twos, total=20, kind=AssessmentKind.OGE, grade=9):
    """`total` participants of a work of `kind` at `organization`, `twos` of them with «2»:
    for counts a generated file cannot make cheaply (a thousand pupils, a share to a tenth)."""
    assessment, _ = Assessment.objects.get_or_create(
        kind=kind, year=year, subject=world.subject, grade=grade
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
    summarize([result_set.pk])


def oge(world, organization, year, *, twos, total=20):
    results(world, organization, year, twos=twos, total=total)


def rising(world, shares: dict[int, int], *, total=1000):
    """ВПР of 5th grade at `world.school` alone, `shares[year]` «2» of `total` each year."""
    for year, twos in shares.items():
        results(world, world.school, year, twos=twos, total=total, kind=AssessmentKind.VPR, grade=5)


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


def test_it_compares_the_share_of_twos_with_the_mean_of_the_earlier_years(world):
    vpr(world, 2023, SCHOOL, twos=4)
    vpr(world, 2024, SCHOOL, twos=6, seed=1)
    vpr(world, 2025, SCHOOL, twos=8, seed=2)
    vpr(world, 2026, SCHOOL, twos=9, seed=3)
    for year in (2023, 2024, 2025, 2026):
        vpr(world, year, OTHER, twos=8, seed=10 + year)

    text = reasons(risks.risk_rows(world.municipality, 2026), world.school)

    # 45 % against the mean of 20, 30 and 40 % in 2023–2025
    assert (
        "ВПР, 5 класс: доля «2» выросла: 2026: 45,0 %, в среднем за 2023–2025: 30,0 %, +15,0 п."
    ) in text
    assert "по муниципалитету" not in text  # 45 % against 42.5 %: not high


def test_one_earlier_year_is_no_trend(world):
    vpr(world, 2025, SCHOOL, twos=2)
    vpr(world, 2026, SCHOOL, twos=9, seed=1)

    assert reasons(risks.risk_rows(world.municipality, 2026), world.school) == ""


def test_the_rise_looks_four_years_back_and_names_a_gap(world):
    # 2021 is five years back, out of the window; 2023 has no results
    rising(world, {2021: 900, 2022: 50, 2024: 50, 2025: 50, 2026: 200})

    text = reasons(risks.risk_rows(world.municipality, 2026), world.school)

    assert "в среднем за 2022, 2024, 2025: 5,0 %, +15,0 п." in text


@pytest.mark.parametrize(("twos", "flagged"), [(109, False), (110, True)])
def test_a_rise_flags_from_ten_points(world, twos, flagged):
    rising(world, {2023: 10, 2024: 10, 2025: 10, 2026: twos})  # 1 % before; 10,9 or 11 % now

    text = reasons(risks.risk_rows(world.municipality, 2026), world.school)

    assert ("+10,0 п." in text) is flagged
    assert ("выросла" in text) is flagged


def test_it_flags_vpr_marks_below_the_journal(world):
    vpr(world, 2026, SCHOOL, twos=0, lower=9)
    vpr(world, 2026, OTHER, twos=0, lower=2, seed=1)

    rows = risks.risk_rows(world.municipality, 2026)

    assert "у 45,0 % участников отметка ВПР ниже отметки в журнале" in reasons(rows, world.school)
    assert reasons(rows, world.other_school) == ""


def test_it_flags_the_share_below_the_gia_minimum_ten_points_above_the_municipality(world):
    oge(world, world.school, 2026, twos=6)
    oge(world, world.other_school, 2026, twos=2)

    text = reasons(risks.risk_rows(world.municipality, 2026), world.school)

    # 6 of 20 = 30 % against 8 of 40 = 20 %
    assert (
        "ОГЭ, 9 класс: ниже минимального балла 30,0 % против 20,0 % по муниципалитету, +10,0 п."
    ) in text


def test_a_gia_share_a_little_above_the_municipality_is_no_reason(world):
    oge(world, world.school, 2026, twos=5)  # 25 %
    oge(world, world.other_school, 2026, twos=99, total=400)  # 24,75 %

    rows = risks.risk_rows(world.municipality, 2026)

    assert reasons(rows, world.school) == ""  # 25 % against 24,8 %: +0,2 points


def test_a_reason_of_fourteen_participants_is_marked_unreliable(world):
    vpr(world, 2026, SCHOOL, twos=8, total=14)
    vpr(world, 2026, OTHER, twos=2, total=25, seed=1)

    (row,) = risks.risk_rows(world.municipality, 2026)

    assert row.school == world.school
    assert [reason.unreliable for reason in row.reasons] == [True]
    assert row.reasons[0].caveat == "ненадёжно: 14 участников, меньше 20"
    assert "(ненадёжно: 14 участников, меньше 20)" in row.summary


def test_a_reason_of_twenty_five_participants_is_reliable(world):
    vpr(world, 2026, SCHOOL, twos=15, total=25)
    vpr(world, 2026, OTHER, twos=2, total=25, seed=1)

    (row,) = risks.risk_rows(world.municipality, 2026)

    assert [reason.unreliable for reason in row.reasons] == [False]
    assert "ненадёжно" not in row.summary


def test_a_rise_with_a_small_earlier_year_is_unreliable(world):
    vpr(world, 2024, SCHOOL, twos=1, total=14)
    vpr(world, 2025, SCHOOL, twos=2, seed=1)
    vpr(world, 2026, SCHOOL, twos=8, total=25, seed=2)

    (row,) = risks.risk_rows(world.municipality, 2026)

    assert row.reasons[0].text == (
        "доля «2» выросла: 2026: 32,0 %, в среднем за 2024–2025: 8,6 %, +23,4 п. "
        "(участников в 2026 г.: 25, в 2024 г.: 14)"
    )
    assert row.reasons[0].caveat == "ненадёжно: 14 участников, меньше 20"


def test_the_analytical_report_lists_the_mark_with_the_reason_and_states_the_rules(world):
    vpr(world, 2026, SCHOOL, twos=8, total=14)
    vpr(world, 2026, OTHER, twos=2, total=25, seed=1)

    data = analytical.analytical_data(analytical.Scope(world.municipality, 2026))

    (row,) = data["risks"]
    (reason,) = row["reasons"]
    assert reason.startswith("ВПР, 5 класс: доля «2» 57,1 % против 25,6 % по муниципалитету")
    assert reason.endswith("(ненадёжно: 14 участников, меньше 20)")
    assert "в среднем за 2–4 предыдущих года" in data["risk_rules"]
    assert "помечается «ненадёжно»" in data["risk_rules"]


def row_html(text: str, school: str) -> str:
    return next(row for row in text.split("<tr>") if school in row)


def test_the_page_marks_the_unreliable_row_and_explains_the_mark(client, world):
    vpr(world, 2026, SCHOOL, twos=8, total=14)
    vpr(world, 2026, OTHER, twos=15, total=25, seed=1)
    third = OrganizationFactory(municipality=world.municipality, fis_oko_login="edu230130")
    vpr(world, 2026, (third.fis_oko_login, third.short_name), twos=0, total=60, seed=2)
    client.force_login(world.methodist)

    text = client.get(reverse("monitoring:risks"), {"year": 2026}).content.decode()

    unreliable = row_html(text, "МОБУ СОШ № 10")
    assert '>ненадёжно</span> <span class="text-body-secondary">(14 участников, меньше 20)' in (
        unreliable
    )
    assert 'title="Ненадёжно: 14 участников, меньше 20. По рекомендациям ФИОКО' in unreliable
    assert "ненадёжно" not in row_html(text, "МОБУ СОШ № 20")
    assert "меньше чем по 20 участникам, не отбрасывается, а помечается «ненадёжно»" in text
    assert "в среднем за 2–4 предыдущих года" in text


def test_the_school_with_most_reasons_comes_first(world):
    vpr(world, 2024, OTHER, twos=2, seed=3)
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
        for year in (2023, 2024, 2025, 2026):  # earlier years for the rise of «2» as well
            twos = 15 if year == 2026 else 2
            vpr(risky, year, (school.fis_oko_login, school.short_name), twos=twos, seed=year + n)
    assert count() == before <= 25
    assert "выросла" in client.get(url, {"year": 2026}).content.decode()


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


def test_a_municipality_loaded_after_the_list_was_read_is_shown_at_once(client, risky):
    """Which municipality has results of which work is kept in the cache work by work;
    a load raises its work's version, so the list never says «no results» of loaded ones."""
    later = MunicipalityFactory(name="Аааевский район")
    school = OrganizationFactory(municipality=later, fis_oko_login="edu230150")
    client.force_login(risky.regional)
    url = reverse("monitoring:risks")
    empty = "Результатов 2026 года по муниципальному образованию"
    assert empty in client.get(url, {"municipality": later.pk}).content.decode()

    # The same work as the list read, loaded by the other municipality's methodist.
    theirs = dataclasses.replace(
        risky,
        municipality=later,
        methodist=user_with_role(RoleKind.METHODIST, municipality=later),
    )
    vpr(theirs, 2026, (school.fis_oko_login, school.short_name), twos=15)

    text = client.get(url, {"municipality": later.pk}).content.decode()
    assert empty not in text
    # Its one school is the whole municipality: no share of «2» above its own.
    assert "По результатам 2026 года тревожных признаков не найдено" in text
