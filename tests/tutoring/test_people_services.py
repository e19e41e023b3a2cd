import threading

import pytest
from django.db import connection, transaction

from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.errors import DomainError
from tutoring.models import AuditEntry, Invitation, Role, RoleKind, User
from tutoring.services import people
from tutoring.services.people import RoleSpec

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return OrganizationFactory()


def test_it_creates_a_teacher_with_an_invitation_and_no_password(school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    person = people.person_create(
        actor=methodist,
        last_name="Гусева",
        first_name="Нина",
        email="N.Guseva@Example.RU",
        roles=[RoleSpec(kind=RoleKind.TEACHER, organization=school)],
    )
    assert person.email == "N.Guseva@example.ru"
    assert not person.has_usable_password()
    assert Role.objects.get(user=person).organization == school
    assert Invitation.objects.get(user=person).is_open
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"person.create", "role.grant", "invitation.send"} <= actions


def test_it_refuses_a_methodist_granting_a_director(school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    with pytest.raises(DomainError):
        people.person_create(
            actor=methodist,
            last_name="Орлов",
            first_name="Пётр",
            roles=[RoleSpec(kind=RoleKind.DIRECTOR, municipality=school.municipality)],
        )
    assert not User.objects.filter(last_name="Орлов").exists()


def test_it_lets_a_region_admin_grant_a_methodist_only_in_their_region():
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    own = MunicipalityFactory(region="Краснодарский край")
    other = MunicipalityFactory(region="Кемеровская область — Кузбасс")
    people.person_create(
        actor=admin,
        last_name="Смирнова",
        first_name="Анна",
        roles=[RoleSpec(kind=RoleKind.METHODIST, municipality=own)],
    )
    with pytest.raises(DomainError):
        people.person_create(
            actor=admin,
            last_name="Кузьмина",
            first_name="Анна",
            roles=[RoleSpec(kind=RoleKind.METHODIST, municipality=other)],
        )


def test_it_refuses_a_duplicate_address_in_any_case(school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    spec = RoleSpec(kind=RoleKind.TEACHER, organization=school)
    people.person_create(
        actor=methodist, last_name="А", first_name="Б", email="x@example.ru", roles=[spec]
    )
    with pytest.raises(DomainError) as error:
        people.person_create(
            actor=methodist, last_name="В", first_name="Г", email="X@EXAMPLE.ru", roles=[spec]
        )
    assert error.value.field == "email"


def test_it_accepts_an_invitation_once(school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    person = people.person_create(
        actor=methodist,
        last_name="Гусева",
        first_name="Нина",
        email="n@example.ru",
        roles=[RoleSpec(kind=RoleKind.TEACHER, organization=school)],
        invite=False,
    )
    invitation = people._invite(person, actor=methodist, municipality=school.municipality)
    token = "known"
    invitation.token_hash = people._token_hash(token)
    invitation.save()
    people.invitation_accept(token=token, password="A-long-pass-42")
    person.refresh_from_db()
    assert person.check_password("A-long-pass-42")
    with pytest.raises(DomainError):
        people.invitation_accept(token=token, password="Another-pass-42")


def test_it_deactivates_and_withdraws_the_invitation(school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    person = people.person_create(
        actor=methodist,
        last_name="Гусева",
        first_name="Нина",
        email="n@example.ru",
        roles=[RoleSpec(kind=RoleKind.TEACHER, organization=school)],
    )
    people.person_deactivate(actor=methodist, person=person)
    person.refresh_from_db()
    assert not person.is_active
    assert not Invitation.objects.get(user=person).is_open


def test_it_refuses_deactivating_oneself(school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    with pytest.raises(DomainError):
        people.person_deactivate(actor=methodist, person=methodist)


def test_a_school_grants_only_teachers_at_itself(school):
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    other = OrganizationFactory(municipality=school.municipality)
    access = people.access_for(staff)
    assert access.may_grant(RoleKind.TEACHER, organization=school)
    assert not access.may_grant(RoleKind.TEACHER, organization=other)
    assert not access.may_grant(RoleKind.SCHOOL, organization=school)
    assert not access.may_grant(RoleKind.METHODIST, municipality=school.municipality)


def test_the_command_creates_a_region_admin_with_an_invitation():
    from django.core.management import call_command

    call_command(
        "create_region_admin",
        region="Краснодарский край",
        email="admin@region.example.ru",
        last_name="Захарченко",
        first_name="Игорь",
    )
    person = User.objects.get(email="admin@region.example.ru")
    assert person.roles.get().region == "Краснодарский край"
    assert Invitation.objects.get(user=person).is_open
    assert not person.has_usable_password()


def test_it_refuses_the_same_person_twice_at_one_school(school):
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    spec = RoleSpec(kind=RoleKind.TEACHER, organization=school)
    people.person_create(actor=staff, last_name="Гусева", first_name="Нина", roles=[spec])
    with pytest.raises(DomainError) as error:
        people.person_create(actor=staff, last_name="гусева", first_name="Нина", roles=[spec])
    assert "уже есть" in error.value.message
    assert User.objects.filter(last_name="Гусева").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submissions_of_one_new_teacher_at_once_add_one_person():
    """The second waits for the first one's lock on the school and then finds the person;
    without the lock both would find nobody and both would add them."""
    school = OrganizationFactory()
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    spec = RoleSpec(kind=RoleKind.TEACHER, organization=school)
    refused = []

    def submit_again():
        try:
            people.person_create(actor=staff, last_name="Гусева", first_name="Нина", roles=[spec])
        except DomainError as error:
            refused.append(error.message)
        finally:
            connection.close()

    with transaction.atomic():
        people.person_create(actor=staff, last_name="Гусева", first_name="Нина", roles=[spec])
        racer = threading.Thread(target=submit_again)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive(), "the second submission did not wait for the first"
    racer.join(timeout=10)
    assert refused and "уже есть" in refused[0]
    assert User.objects.filter(last_name="Гусева").count() == 1
