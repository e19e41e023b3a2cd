from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Invitation, Role, RoleKind, User
from tutoring.services import people
from tutoring.services.people import RoleSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    municipality = MunicipalityFactory(region="Краснодарский край")
    school = OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 22")
    other_school = OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 3")
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    teacher = user_with_role(
        RoleKind.TEACHER, organization=school, last_name="Гусева", email="guseva@example.ru"
    )
    return {
        "municipality": municipality,
        "school": school,
        "other_school": other_school,
        "methodist": methodist,
        "director": user_with_role(RoleKind.DIRECTOR, municipality=municipality),
        "school_user": user_with_role(RoleKind.SCHOOL, organization=school),
        "teacher": teacher,
        "tutor": user_with_role(RoleKind.TUTOR, municipality=municipality),
        "regional": user_with_role(RoleKind.REGIONAL),
        "region_admin": user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край"),
        "foreign_methodist": user_with_role(
            RoleKind.METHODIST, municipality=MunicipalityFactory(region="Кемеровская область")
        ),
    }


PAGES = ["list", "new", "invitations", "detail", "edit", "grant"]
# Status of each page, in the order of PAGES, for each role; the person shown is a
# teacher of the school.
EXPECTED = {
    "methodist": [200, 200, 200, 200, 200, 200],
    "director": [200, 403, 200, 200, 403, 403],
    "school_user": [200, 200, 200, 200, 200, 200],
    "teacher": [403, 403, 403, 403, 403, 403],
    "tutor": [403, 403, 403, 403, 403, 403],
    "regional": [200, 403, 200, 200, 403, 403],
    "region_admin": [200, 200, 200, 200, 200, 200],
    "foreign_methodist": [200, 200, 200, 404, 404, 404],
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_it_opens_the_people_pages_to_the_roles_they_are_for(client, world, role):
    client.force_login(world[role])
    pk = world["teacher"].pk
    urls = [
        "/people/",
        "/people/new/",
        "/people/invitations/",
        f"/people/{pk}/",
        f"/people/{pk}/edit/",
        f"/people/{pk}/roles/new/",
    ]
    assert [client.get(url).status_code for url in urls] == EXPECTED[role]


def test_it_refuses_another_municipality_s_methodist_every_action(client, world):
    client.force_login(world["foreign_methodist"])
    pk = world["teacher"].pk
    for action in ("deactivate", "invite"):
        assert client.post(f"/people/{pk}/{action}/").status_code == 404
    assert User.objects.get(pk=pk).is_active


def test_a_school_sees_only_its_own_staff(client, world):
    other = user_with_role(RoleKind.TEACHER, organization=world["other_school"], last_name="Зотова")
    client.force_login(world["school_user"])
    page = client.get("/people/").content.decode()
    assert "Гусева" in page
    assert "Зотова" not in page
    assert client.get(f"/people/{other.pk}/").status_code == 404


def test_it_shows_management_buttons_only_to_who_manages_the_person(client, world):
    client.force_login(world["director"])
    page = client.get(f"/people/{world['teacher'].pk}/").content.decode()
    assert "Гусева" in page
    assert "Изменить данные" not in page
    assert "Добавить человека" not in client.get("/people/").content.decode()
    client.force_login(world["methodist"])
    assert "Изменить данные" in client.get(f"/people/{world['teacher'].pk}/").content.decode()
    # A methodist does not manage the director who signs her orders.
    director_page = client.get(f"/people/{world['director'].pk}/").content.decode()
    assert "Изменить данные" not in director_page


def test_it_searches_by_name_address_and_login(client, world):
    client.force_login(world["methodist"])
    for query in ("Гусева", "guseva@example.ru", world["teacher"].username):
        assert "Гусева" in client.get("/people/", {"q": query}).content.decode()
    assert "Гусева" not in client.get("/people/", {"q": "Сидоров"}).content.decode()


def test_it_filters_by_role_school_and_subject(client, world):
    world["teacher"].roles.get().subjects.add(SubjectFactory(name="Физика"))
    client.force_login(world["methodist"])
    physics = Role.objects.get(user=world["teacher"]).subjects.get()
    assert "Гусева" in client.get("/people/", {"role": "teacher"}).content.decode()
    assert "Гусева" not in client.get("/people/", {"role": "tutor"}).content.decode()
    assert "Гусева" in client.get("/people/", {"organization": "СОШ № 22"}).content.decode()
    assert "Гусева" not in client.get("/people/", {"organization": "СОШ № 3"}).content.decode()
    assert "Гусева" in client.get("/people/", {"subject": physics.pk}).content.decode()


def test_it_hides_deactivated_people_unless_asked(client, world):
    people.person_deactivate(actor=world["methodist"], person=world["teacher"])
    client.force_login(world["methodist"])
    assert "Гусева" not in client.get("/people/").content.decode()
    assert "Гусева" in client.get("/people/", {"state": "inactive"}).content.decode()


def _add_people(municipality, school, n):
    later = timezone.now() + timedelta(days=7)
    for i in range(n):
        teacher = user_with_role(RoleKind.TEACHER, organization=school, email=f"t{i}{n}@x.ru")
        teacher.roles.get().subjects.add(SubjectFactory())
        user_with_role(RoleKind.TUTOR, municipality=municipality, organization=school)
        Invitation.objects.create(
            user=teacher, email=teacher.email, token_hash=f"{n}-{i}", expires_at=later
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/people/", "/people/invitations/", "/people/?pending=on"])
def test_it_reads_the_people_list_in_a_constant_number_of_queries(
    client, world, url, django_assert_max_num_queries
):
    client.force_login(world["methodist"])
    _add_people(world["municipality"], world["school"], 3)
    small = _count(client, url)
    _add_people(world["municipality"], world["school"], 27)
    assert _count(client, url) == small
    # session, user, roles, the subjects of the filter, count, page, two prefetches of roles
    with django_assert_max_num_queries(8):
        client.get(url)


def test_a_long_list_of_people_is_counted_only_up_to_a_limit(client, world, monkeypatch):
    client.force_login(world["methodist"])
    _add_people(world["municipality"], world["school"], 3)  # six people more
    people = len(client.get("/people/").context["page"].object_list)
    assert people > 6

    monkeypatch.setattr("tutoring.views.COUNTED_UP_TO", people)
    page = client.get("/people/").content.decode()
    assert f"Найдено: {people}." in page

    monkeypatch.setattr("tutoring.views.COUNTED_UP_TO", people - 1)
    monkeypatch.setattr("tutoring.views.PAGE_SIZE", people - 1)
    page = client.get("/people/").content.decode()
    assert f"Найдено: более {people - 1}." in page
    assert "Страница 1<" in page and "page=2" in page and " из " not in page
    second = client.get("/people/?page=2")
    assert len(second.context["page"].object_list) == 1
    assert "page=1" in second.content.decode()
    beyond = client.get("/people/?page=5").content.decode()
    assert "На этой странице никого нет." in beyond and "page=4" in beyond


def test_a_school_adds_a_teacher_at_itself_and_they_get_an_invitation(client, world, mailbox):
    client.force_login(world["school_user"])
    form = client.get("/people/new/").context["form"]
    assert [value for value, _ in form.fields["kind"].choices] == ["teacher"]
    assert list(form.fields["organization"].queryset) == [world["school"]]
    with mailbox.sending():
        response = client.post(
            "/people/new/",
            {
                "last_name": "Орлова",
                "first_name": "Вера",
                "email": "v.orlova@example.ru",
                "kind": "teacher",
                "organization": world["school"].pk,
                "position": "учитель математики",
            },
        )
    person = User.objects.get(last_name="Орлова")
    assert response.status_code == 302
    assert person.roles.get().organization == world["school"]
    assert not person.has_usable_password()
    letter = mailbox.last("v.orlova@example.ru")
    assert "/invitation/" in letter.first_link


def test_a_school_cannot_grant_another_role_or_at_another_school(client, world):
    client.force_login(world["school_user"])
    data = {"last_name": "Орлова", "first_name": "Вера", "organization": world["school"].pk}
    response = client.post("/people/new/", {**data, "kind": "school"})
    assert "kind" in response.context["form"].errors
    other = {**data, "kind": "teacher", "organization": world["other_school"].pk}
    response = client.post("/people/new/", other)
    assert "organization" in response.context["form"].errors
    assert not User.objects.filter(last_name="Орлова").exists()


def test_a_methodist_cannot_grant_a_director(client, world):
    client.force_login(world["methodist"])
    response = client.post(
        "/people/new/", {"last_name": "Орлов", "first_name": "Пётр", "kind": "director"}
    )
    assert "kind" in response.context["form"].errors
    assert not User.objects.filter(last_name="Орлов").exists()


def test_a_region_admin_grants_a_methodist(client, world):
    client.force_login(world["region_admin"])
    response = client.post(
        "/people/new/",
        {
            "last_name": "Белова",
            "first_name": "Ольга",
            "kind": "methodist",
            "municipality": world["municipality"].pk,
        },
    )
    assert response.status_code == 302
    assert Role.objects.get(user__last_name="Белова").kind == RoleKind.METHODIST


@pytest.mark.parametrize(
    ("email", "message"),
    [("GUSEVA@example.ru", "уже указан у другого человека"), ("guseva@", "не адрес")],
)
def test_it_refuses_a_duplicate_or_malformed_address_next_to_the_field(
    client, world, email, message
):
    client.force_login(world["methodist"])
    response = client.post(
        "/people/new/",
        {
            "last_name": "Орлова",
            "first_name": "Вера",
            "email": email,
            "kind": "teacher",
            "organization": world["school"].pk,
        },
    )
    assert message in response.context["form"].errors["email"][0]
    assert not User.objects.filter(last_name="Орлова").exists()
    assert not AuditEntry.objects.filter(action="person.create").exists()


def test_it_edits_a_person(client, world):
    client.force_login(world["methodist"])
    data = {"last_name": "Гусева-Орлова", "first_name": "Мария", "email": "guseva@example.ru"}
    assert client.post(f"/people/{world['teacher'].pk}/edit/", data).status_code == 302
    assert User.objects.get(pk=world["teacher"].pk).last_name == "Гусева-Орлова"


def test_it_grants_and_revokes_a_role(client, world):
    client.force_login(world["methodist"])
    teacher = world["teacher"]
    data = {"kind": "teacher", "organization": world["other_school"].pk}
    assert client.post(f"/people/{teacher.pk}/roles/new/", data).status_code == 302
    role = Role.objects.get(user=teacher, organization=world["other_school"])
    response = client.post(f"/people/{teacher.pk}/roles/{role.pk}/revoke/", follow=True)
    assert "снята" in response.content.decode()
    assert not Role.objects.filter(pk=role.pk).exists()


def test_it_refuses_deactivating_oneself_with_a_message(client, world):
    client.force_login(world["methodist"])
    response = client.post(f"/people/{world['methodist'].pk}/deactivate/", follow=True)
    assert "Свою учётную запись отключить нельзя" in response.content.decode()
    assert User.objects.get(pk=world["methodist"].pk).is_active


def test_it_deactivates_and_reactivates_a_person(client, world):
    client.force_login(world["methodist"])
    pk = world["teacher"].pk
    response = client.post(f"/people/{pk}/deactivate/", follow=True)
    assert "отключена" in response.content.decode()
    assert not User.objects.get(pk=pk).is_active
    client.post(f"/people/{pk}/reactivate/")
    assert User.objects.get(pk=pk).is_active


def test_it_lists_who_has_not_accepted_and_resends(client, world, mailbox):
    methodist = world["methodist"]
    with mailbox.sending():
        person = people.person_create(
            actor=methodist,
            last_name="Зайцева",
            first_name="Ирина",
            email="zaitseva@example.ru",
            roles=[RoleSpec(kind=RoleKind.TEACHER, organization=world["school"])],
        )
    first = mailbox.last("zaitseva@example.ru").first_path()
    client.force_login(methodist)
    page = client.get("/people/invitations/").content.decode()
    assert "Зайцева" in page
    assert "Гусева" not in page  # she has a password and no invitation
    with mailbox.sending():
        response = client.post(f"/people/{person.pk}/invite/", {"next": "invitations"}, follow=True)
    assert "Приглашение отправлено на zaitseva@example.ru" in response.content.decode()
    second = mailbox.last("zaitseva@example.ru").first_path()
    assert second != first
    client.logout()
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_the_journal_reads_people_changes_in_russian(client, world):
    methodist = world["methodist"]
    person = people.person_create(
        actor=methodist,
        last_name="Зайцева",
        first_name="Ирина",
        email="zaitseva@example.ru",
        roles=[RoleSpec(kind=RoleKind.TEACHER, organization=world["school"])],
    )
    people.person_deactivate(actor=methodist, person=person)
    client.force_login(methodist)
    page = client.get("/audit/").content.decode()
    for label in (
        "добавлен человек",
        "назначена роль",
        "отправлено приглашение",
        "учётная запись отключена",
    ):
        assert label in page
    history = client.get(f"/people/{person.pk}/").content.decode()
    assert "учётная запись отключена" in history


def test_a_deactivated_person_leaves_every_choice_of_people(world):
    from community.forms.assignments import people_holding
    from community.forms.rosters import teachers_of
    from community.services.library import eligible_authors
    from consultations.forms.booking import tutors_of
    from consultations.forms.events import organizers_of

    municipality, teacher, tutor = world["municipality"], world["teacher"], world["tutor"]
    people.person_deactivate(actor=None, person=teacher)
    people.person_deactivate(actor=None, person=tutor)
    choices = [
        people_holding(RoleKind.TEACHER, [municipality]),
        people_holding(RoleKind.TUTOR, [municipality]),
        teachers_of(organization=world["school"]),
        tutors_of(municipality),
        organizers_of([municipality]),
        eligible_authors(municipality),
    ]
    for queryset in choices:
        assert teacher not in queryset
        assert tutor not in queryset


def test_it_changes_a_role_s_position_and_subjects(client, world):
    physics = SubjectFactory(name="Физика")
    role = world["teacher"].roles.get()
    client.force_login(world["methodist"])
    url = f"/people/{world['teacher'].pk}/roles/{role.pk}/"
    data = {"position": "учитель физики", "subjects": [physics.pk]}
    assert client.post(url, data).status_code == 302
    role.refresh_from_db()
    assert role.position == "учитель физики"
    assert list(role.subjects.all()) == [physics]
    assert "изменена роль" in client.get("/audit/").content.decode()


def test_a_region_admin_sees_the_region_and_its_coordinators_only(client, world):
    far = user_with_role(
        RoleKind.METHODIST,
        municipality=MunicipalityFactory(region="Кемеровская область"),
        last_name="Далёкая",
    )
    coordinator = world["regional"]
    client.force_login(world["region_admin"])
    page = client.get("/people/").content.decode()
    assert "Гусева" in page
    assert f"/people/{coordinator.pk}/" in page
    assert "Далёкая" not in page
    assert client.get(f"/people/{far.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["regional", "director"])
def test_readers_change_nobody(client, world, role):
    client.force_login(world[role])
    pk = world["teacher"].pk
    response = client.post(f"/people/{pk}/deactivate/", follow=True)
    assert "вне вашей зоны ответственности" in response.content.decode()
    assert User.objects.get(pk=pk).is_active
    assert (
        client.post(f"/people/{pk}/edit/", {"last_name": "Х", "first_name": "Y"}).status_code == 403
    )
