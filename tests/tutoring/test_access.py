"""The access module that every app scopes its querysets and checks its actions with."""

from tutoring.access import access_for
from tutoring.models import Organization, RoleKind, SchoolStatus

from .factories import (
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    SchoolStatusFactory,
    UserFactory,
    user_with_role,
)


def test_it_grants_an_action_only_where_the_role_is_held(db):
    home, away = MunicipalityFactory(), MunicipalityFactory()
    access = access_for(user_with_role(RoleKind.METHODIST, municipality=home))
    assert access.holds(RoleKind.METHODIST, municipality=home)
    assert not access.holds(RoleKind.METHODIST, municipality=away)
    assert not access.holds(RoleKind.DIRECTOR, municipality=home)


def test_it_never_grants_an_action_to_a_regional_coordinator(db):
    access = access_for(user_with_role(RoleKind.REGIONAL))
    assert access.everywhere
    assert not access.holds(RoleKind.METHODIST, municipality=MunicipalityFactory())


def test_it_scopes_records_of_organizations_for_a_school(db):
    municipality = MunicipalityFactory()
    own, other = (
        OrganizationFactory(municipality=municipality),
        OrganizationFactory(municipality=municipality),
    )
    SchoolStatusFactory(organization=own)
    SchoolStatusFactory(organization=other)
    access = access_for(user_with_role(RoleKind.SCHOOL, organization=own))
    visible = SchoolStatus.objects.filter(access.organization_q("organization"))
    assert [s.organization for s in visible] == [own]


def test_it_sees_nothing_without_roles(db):
    SchoolStatusFactory()
    access = access_for(UserFactory())
    assert not SchoolStatus.objects.filter(access.organization_q()).exists()
    assert not Organization.objects.filter(access.municipality_q()).exists()
    assert not access.organizations().exists()


def test_it_combines_the_roles_of_one_person(db):
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=MunicipalityFactory())
    user = user_with_role(RoleKind.TUTOR, municipality=municipality)
    RoleFactory(user=user, kind=RoleKind.TEACHER, organization=school)
    OrganizationFactory(municipality=municipality)
    access = access_for(user)
    assert access.has(RoleKind.TUTOR) and access.has(RoleKind.TEACHER)
    assert set(access.organizations()) == set(
        Organization.objects.filter(municipality=municipality)
    ) | {school}
