"""Закрепление: a methodist assigns tutors to teachers; each side sees its own."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from community.models import Assignment, DomainError
from community.panels import profile_panel
from community.services.assignments import assignment_create
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    RoleFactory,
    UserFactory,
    user_with_role,
)
from tutoring.access import access_for
from tutoring.models import AuditEntry, RoleKind

from .factories import AssignmentFactory, municipality_cast

# The methodist comes last: their successful action would change what the others get.
ROLES = ["director", "school", "teacher", "tutor", "regional", "other_methodist", "methodist"]


def statuses(client, cast, url, *, post=False):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = (client.post(url) if post else client.get(url)).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.fixture
def cast(db):
    return municipality_cast()


@pytest.fixture
def assignment(cast):
    return AssignmentFactory(municipality=cast.municipality, tutor=cast.tutor, teacher=cast.teacher)


def teacher_of(cast, **fields):
    return user_with_role(RoleKind.TEACHER, organization=cast.school_org, **fields)


def form_data(cast, *, tutor=None, teacher=None):
    return {
        "academic_year": AcademicYearFactory().pk,
        "tutor": (tutor or cast.tutor).pk,
        "teacher": (teacher or cast.teacher).pk,
    }


def test_it_opens_the_list_to_every_role(client, cast, assignment):
    got = statuses(client, cast, "/community/assignments/")
    assert got == expect(200, 200, 200, 200, 200, 200, 200)


def test_it_opens_the_form_to_the_methodist_only(client, cast):
    got = statuses(client, cast, "/community/assignments/new/")
    assert got == expect(403, 403, 403, 403, 403, 200, 200)


def test_it_lets_only_the_municipalitys_methodist_remove_an_assignment(client, cast, assignment):
    got = statuses(client, cast, f"/community/assignments/{assignment.pk}/delete/", post=True)
    assert got == expect(403, 403, 403, 403, 403, 404, 302)
    assert not Assignment.objects.exists()
    entry = AuditEntry.objects.get(action="assignment.delete")
    assert entry.changes["teacher"] == cast.teacher.full_name


def test_it_assigns_a_tutor_to_a_teacher(client, cast):
    client.force_login(cast.methodist)
    response = client.post("/community/assignments/new/", form_data(cast), follow=True)
    assert "закреплён(а) за учителем" in response.content.decode()
    assignment = Assignment.objects.get()
    assert (assignment.tutor, assignment.teacher) == (cast.tutor, cast.teacher)
    assert (assignment.municipality, assignment.created_by) == (cast.municipality, cast.methodist)
    assert AuditEntry.objects.filter(action="assignment.create").count() == 1


def test_it_refuses_a_duplicate(client, cast, assignment):
    client.force_login(cast.methodist)
    response = client.post("/community/assignments/new/", form_data(cast))
    assert "уже закреплён(а) за учителем" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_it_refuses_to_assign_a_tutor_to_themselves(client, cast):
    RoleFactory(user=cast.tutor, kind=RoleKind.TEACHER, organization=cast.school_org)
    client.force_login(cast.methodist)
    response = client.post("/community/assignments/new/", form_data(cast, teacher=cast.tutor))
    assert "нельзя закрепить за самим собой" in response.content.decode()
    assert not Assignment.objects.exists()


def test_it_offers_only_the_municipalitys_tutors_and_teachers(client, cast):
    outsider = user_with_role(RoleKind.TEACHER, last_name="Чужакова")
    client.force_login(cast.methodist)
    page = client.get("/community/assignments/new/").content.decode()
    assert "Тьюторова Мария Петровна" in page
    assert f"Учителева Мария Петровна — {cast.school_org.short_name}" in page
    assert "Чужакова" not in page
    response = client.post("/community/assignments/new/", form_data(cast, teacher=outsider))
    assert "Выберите корректный вариант" in response.content.decode()


def test_it_requires_the_tutor_role_in_the_municipality(cast):
    with pytest.raises(DomainError, match="не входит в сообщество тьюторов"):
        assignment_create(
            actor=cast.methodist,
            municipality=cast.municipality,
            academic_year=AcademicYearFactory(),
            tutor=teacher_of(cast),
            teacher=cast.teacher,
        )


def test_it_requires_the_teacher_role_in_the_municipality(cast):
    with pytest.raises(DomainError, match="тьюторантом может быть только учитель"):
        assignment_create(
            actor=cast.methodist,
            municipality=cast.municipality,
            academic_year=AcademicYearFactory(),
            tutor=cast.tutor,
            teacher=user_with_role(RoleKind.TEACHER),
        )


def test_it_shows_a_tutor_only_their_tutees(client, cast, assignment):
    AssignmentFactory(
        municipality=cast.municipality,
        tutor=user_with_role(RoleKind.TUTOR, municipality=cast.municipality),
        teacher=teacher_of(cast, last_name="Чужая"),
    )
    client.force_login(cast.tutor)
    page = client.get("/community/assignments/").content.decode()
    assert "Мои тьюторанты" in page
    assert "Учителева" in page
    assert "Чужая" not in page
    assert "Снять" not in page


def test_it_shows_a_teacher_their_tutors(client, cast, assignment):
    client.force_login(cast.teacher)
    page = client.get("/community/assignments/").content.decode()
    assert "Мои тьюторы" in page
    assert "Тьюторова" in page


def test_it_tells_a_teacher_without_a_tutor_so(client, cast):
    client.force_login(cast.teacher)
    page = client.get("/community/assignments/").content.decode()
    assert "За вами пока не закреплён тьютор" in page


def test_it_shows_a_school_the_assignments_of_its_teachers_only(client, cast, assignment):
    elsewhere = OrganizationFactory(municipality=cast.municipality)
    AssignmentFactory(
        municipality=cast.municipality,
        tutor=cast.tutor,
        teacher=user_with_role(RoleKind.TEACHER, organization=elsewhere, last_name="Соседова"),
    )
    client.force_login(cast.school)
    page = client.get("/community/assignments/").content.decode()
    assert "Учителева" in page
    assert "Соседова" not in page


def test_it_filters_the_list_by_tutor_and_year(client, cast, assignment):
    old_year = AcademicYearFactory(start_year=2020)
    other_tutor = user_with_role(RoleKind.TUTOR, municipality=cast.municipality, last_name="Другая")
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=old_year,
        tutor=other_tutor,
        teacher=teacher_of(cast, last_name="Давняя"),
    )
    client.force_login(cast.methodist)
    page = client.get("/community/assignments/", {"tutor": "тьюторова"}).content.decode()
    assert "Учителева" in page
    assert "Давняя" not in page
    page = client.get("/community/assignments/", {"academic_year": old_year.pk}).content.decode()
    assert "Давняя" in page
    assert "Учителева" not in page


def test_it_asks_before_removing_an_assignment(client, cast, assignment):
    client.force_login(cast.methodist)
    page = client.get("/community/assignments/").content.decode()
    assert 'data-confirm="Снять закрепление: Тьюторова М. П.' in page


def test_it_paginates_the_list(client, cast):
    for n in range(51):
        AssignmentFactory(
            municipality=cast.municipality,
            tutor=cast.tutor,
            teacher=UserFactory(last_name=f"У{n:02d}"),
        )
    client.force_login(cast.methodist)
    first = client.get("/community/assignments/").content.decode()
    second = client.get("/community/assignments/", {"page": 2}).content.decode()
    assert "Страница 1 из 2" in first
    assert "У50" in second
    assert "У50" not in first


def test_it_keeps_query_counts_flat_as_assignments_grow(
    client, cast, assignment, django_assert_max_num_queries
):
    client.force_login(cast.methodist)
    small = queries(client, "/community/assignments/")
    for _ in range(20):
        AssignmentFactory(
            municipality=cast.municipality, tutor=cast.tutor, teacher=teacher_of(cast)
        )
    assert queries(client, "/community/assignments/") == small
    with django_assert_max_num_queries(10):
        client.get("/community/assignments/")


def test_it_builds_the_profile_panel_of_both_sides(cast, assignment):
    tutor_panel = profile_panel(cast.tutor, access_for(cast.tutor))
    assert [a.teacher for a in tutor_panel.context["as_tutor"]] == [cast.teacher]
    html = render_to_string(tutor_panel.template, {"panel": tutor_panel.context})
    assert "Мои тьюторанты" in html
    assert "Учителева Мария Петровна" in html
    teacher_panel = profile_panel(cast.teacher, access_for(cast.teacher))
    html = render_to_string(teacher_panel.template, {"panel": teacher_panel.context})
    assert "Мой тьютор" in html
    assert "Тьюторова Мария Петровна" in html


def test_it_renders_nothing_in_the_profile_panel_without_assignments(cast):
    assert profile_panel(cast.tutor, access_for(cast.tutor)) is None
    html = render_to_string(
        "community/assignments/_profile_panel.html", {"panel": {"as_tutor": [], "as_teacher": []}}
    )
    assert html.strip() == ""
