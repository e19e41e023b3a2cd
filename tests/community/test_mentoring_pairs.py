"""Mentoring pairs «учитель — учитель» (Р-145): a kind of assignment that a methodist or the
school makes with a programme and ends with a result; nothing that counts the tutors' work
counts a pair."""

import re

import pytest
from django.template.loader import render_to_string

from community.forms.routes import route_assignments
from community.models import Assignment, DomainError
from community.panels import profile_panel
from community.services import assignments as services
from monitoring.effectiveness import development_rows, teachers_for
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    user_with_role,
)
from tutoring.access import access_for
from tutoring.models import AuditEntry, RoleKind, User
from tutoring.selectors import object_history

from .factories import AssignmentFactory, PairFactory, municipality_cast

PROGRAMME = "Взаимопосещение уроков, разбор заданий ВПР, совместный открытый урок в марте."
# The methodist comes last: a successful action of theirs would change what the others get.
ROLES = ["director", "tutor", "mentor", "school", "other_school", "teacher", "regional"]
ROLES += ["other_methodist", "methodist"]


@pytest.fixture
def cast(db):
    cast = municipality_cast()
    cast.year = AcademicYearFactory()
    cast.mentor = user_with_role(
        RoleKind.TEACHER, organization=cast.school_org, last_name="Наставникова"
    )
    elsewhere = OrganizationFactory(municipality=cast.municipality)
    cast.other_school = user_with_role(RoleKind.SCHOOL, organization=elsewhere)
    cast.neighbour = user_with_role(RoleKind.TEACHER, organization=elsewhere, last_name="Соседова")
    return cast


@pytest.fixture
def pair(cast):
    return PairFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.mentor,
        teacher=cast.teacher,
    )


def make(cast, actor=None, **fields):
    values = {"mentor": cast.mentor, "mentee": cast.teacher, "programme": PROGRAMME, **fields}
    return services.pair_create(
        actor=actor or cast.methodist,
        municipality=cast.municipality,
        academic_year=cast.year,
        **values,
    )


def problems_of(call) -> dict:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.problems


def statuses(client, cast, url):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = client.get(url).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def history_of(obj) -> str:
    page = render_to_string("includes/history.html", {"history": object_history(obj)})
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


# Services ---------------------------------------------------------------------------------------


def test_the_methodist_makes_a_pair_with_its_programme(cast):
    pair = make(cast)
    assert (pair.kind, pair.tutor, pair.teacher) == ("mentoring", cast.mentor, cast.teacher)
    assert pair.programme == PROGRAMME and not pair.is_ended
    assert AuditEntry.objects.filter(action="assignment.pair_create").count() == 1


def test_the_school_pairs_its_own_teachers_only(cast):
    assert make(cast, actor=cast.school).created_by == cast.school
    problems = problems_of(lambda: make(cast, actor=cast.school, mentor=cast.neighbour))
    assert problems == {
        "mentor": f"{cast.neighbour.short_name} не работает в вашей школе: школа составляет "
        "пары из своих учителей, пару с учителем другой школы составляет методист."
    }


def test_it_names_a_pair_with_oneself_and_no_programme_at_once(cast):
    problems = problems_of(lambda: make(cast, mentee=cast.mentor, programme="  "))
    assert set(problems) == {"mentee", "programme"}
    assert problems["mentee"].startswith("Наставник и наставляемый — один и тот же человек")
    assert not Assignment.all_kinds.exists()


def test_it_refuses_a_mentor_from_another_municipality(cast):
    stranger = user_with_role(RoleKind.TEACHER, last_name="Приезжая")
    problems = problems_of(lambda: make(cast, mentor=stranger))
    assert problems["mentor"].startswith(f"{stranger.short_name} не работает в школах")
    assert not Assignment.all_kinds.exists()


def test_it_refuses_a_second_link_of_the_same_two(cast):
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.mentor,
        teacher=cast.teacher,
    )
    assert "второй пары тех же людей не бывает" in problems_of(lambda: make(cast))["mentee"]


def test_a_pair_ends_with_its_result_and_stays(cast, pair):
    assert set(problems_of(lambda: services.pair_end(actor=cast.school, pair=pair, result=""))) == {
        "result"
    }
    services.pair_end(actor=cast.school, pair=pair, result="Открытый урок проведён.")
    pair.refresh_from_db()
    assert pair.is_ended and pair.result == "Открытый урок проведён."
    with pytest.raises(DomainError, match="её не удаляют"):
        services.assignment_delete(actor=cast.methodist, assignment=pair)


def test_the_history_reads_in_russian(cast):
    pair = make(cast)
    services.pair_end(actor=cast.methodist, pair=pair, result="Разработаны пять заданий.")
    text = history_of(pair)
    assert "создана наставническая пара «учитель — учитель»" in text
    assert f"Наставник: {cast.mentor.full_name}" in text
    assert f"Программа наставничества: {PROGRAMME}" in text
    assert "наставническая пара завершена Результат наставничества: Разработаны пять" in text


# Pages ------------------------------------------------------------------------------------------


def test_the_form_opens_to_the_methodist_and_the_school(client, cast):
    got = statuses(client, cast, "/community/assignments/pairs/new/")
    assert got == expect(403, 403, 403, 200, 200, 403, 403, 200, 200)


def test_a_pair_opens_to_its_people_school_and_municipality(client, cast, pair):
    got = statuses(client, cast, pair.get_absolute_url())
    assert got == expect(200, 404, 200, 200, 404, 200, 200, 404, 200)


def test_ending_opens_to_those_who_make_pairs(client, cast, pair):
    got = statuses(client, cast, f"/community/assignments/{pair.pk}/end/")
    assert got == expect(403, 404, 403, 200, 404, 403, 403, 404, 200)


def test_the_form_makes_the_pair_and_shows_it(client, cast):
    client.force_login(cast.school)
    data = {"academic_year": cast.year.pk, "mentor": cast.mentor.pk, "mentee": cast.teacher.pk}
    response = client.post(
        "/community/assignments/pairs/new/", {**data, "programme": PROGRAMME}, follow=True
    )
    page = response.content.decode()
    assert "Наставническая пара создана" in page and PROGRAMME in page
    assert Assignment.all_kinds.get().is_mentoring


def test_the_form_names_every_problem_at_its_field(client, cast):
    stranger = user_with_role(RoleKind.TEACHER, last_name="Приезжая")
    client.force_login(cast.methodist)
    data = {"academic_year": cast.year.pk, "mentor": stranger.pk, "mentee": cast.teacher.pk}
    errors = client.post("/community/assignments/pairs/new/", data).context["form"].errors
    assert list(errors) == ["mentor"]  # not offered: a teacher of another municipality
    data = {"academic_year": cast.year.pk, "mentor": cast.teacher.pk, "mentee": cast.teacher.pk}
    errors = client.post("/community/assignments/pairs/new/", data).context["form"].errors
    assert set(errors) == {"mentee", "programme"}
    assert not Assignment.all_kinds.exists()


def test_the_list_shows_the_kind_of_each_row(client, cast, pair):
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    client.force_login(cast.methodist)
    page = client.get("/community/assignments/").content.decode()
    assert "наставник, пара «учитель — учитель»" in page and ">тьютор</div>" in page
    pairs = client.get("/community/assignments/", {"kind": "mentoring"}).context["page"]
    assert list(pairs.object_list) == [pair]


def test_the_end_page_saves_the_result(client, cast, pair):
    client.force_login(cast.methodist)
    url = f"/community/assignments/{pair.pk}/end/"
    assert "Напишите результат" in client.post(url, {"result": ""}).content.decode()
    client.post(url, {"result": "Наставляемая провела открытый урок."})
    pair.refresh_from_db()
    assert pair.is_ended


# Pairs are not tutors' work ---------------------------------------------------------------------


def test_the_default_manager_holds_tutors_assignments_only(cast, pair):
    tutoring = AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    assert list(Assignment.objects.all()) == [tutoring]
    assert set(Assignment.all_kinds.all()) == {tutoring, pair}


def test_the_effectiveness_counts_no_mentor_as_a_tutor(cast, pair):
    row = development_rows(User.objects.filter(pk=cast.teacher.pk), cast.year).get()
    assert row.tutors == 0
    assert cast.teacher not in teachers_for(access_for(cast.mentor))


def test_a_route_is_not_drawn_up_with_a_mentor(cast, pair):
    assert not route_assignments(cast.mentor).exists()
    assert not route_assignments(cast.teacher).exists()


def test_the_profile_names_a_mentor_as_a_mentor(cast, pair):
    panel = profile_panel(cast.teacher, access_for(cast.teacher))
    assert panel.context["as_teacher"] == [] and panel.context["as_mentee"] == [pair]
    html = render_to_string(panel.template, {"panel": panel.context})
    assert "Мой наставник" in html and "Мой тьютор" not in html


def test_a_mentor_does_not_read_the_mentees_diagnoses(client, cast, pair):
    client.force_login(cast.mentor)
    assert client.get(f"/community/diagnoses/teachers/{cast.teacher.pk}/").status_code == 404
    assert client.get("/community/diagnoses/new/").status_code == 403
