"""A user of one municipality sees nothing of another; a school sees nothing of another school."""

from tutoring.models import RoleKind
from tutoring.services import audit_record

from .factories import MunicipalityFactory, OrganizationFactory, user_with_role


def test_it_shows_a_methodist_only_the_schools_of_their_municipality(client, db):
    home, away = MunicipalityFactory(), MunicipalityFactory()
    OrganizationFactory(municipality=home, short_name="Школа здесь")
    OrganizationFactory(municipality=away, short_name="Школа там")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=home))
    page = client.get("/organizations/").content.decode()
    assert "Школа здесь" in page
    assert "Школа там" not in page


def test_it_hides_the_people_of_another_municipality(client, db):
    home, away = MunicipalityFactory(), MunicipalityFactory()
    user_with_role(RoleKind.TEACHER, municipality=home, last_name="Здешняя")
    user_with_role(RoleKind.TEACHER, municipality=away, last_name="Нездешняя")
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=home))
    page = client.get("/people/").content.decode()
    assert "Здешняя" in page
    assert "Нездешняя" not in page


def test_it_hides_the_audit_entries_of_another_municipality(client, db):
    home, away = MunicipalityFactory(), MunicipalityFactory()
    audit_record(actor=None, action="test.home", obj=home)
    audit_record(actor=None, action="test.away", obj=away)
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=home))
    page = client.get("/audit/").content.decode()
    assert "test.home" in page
    assert "test.away" not in page


def test_it_refuses_a_school_the_page_of_another_school(client, db):
    municipality = MunicipalityFactory()
    own = OrganizationFactory(municipality=municipality)
    other = OrganizationFactory(municipality=municipality)
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=own))
    assert client.get(f"/organizations/{own.pk}/").status_code == 200
    assert client.get(f"/organizations/{other.pk}/").status_code == 404


def test_it_lists_a_schools_staff_only_on_its_own_page(client, db):
    municipality = MunicipalityFactory()
    own, other = (
        OrganizationFactory(municipality=municipality),
        OrganizationFactory(municipality=municipality),
    )
    user_with_role(RoleKind.TEACHER, organization=other, last_name="Чужая")
    client.force_login(user_with_role(RoleKind.TEACHER, organization=own))
    page = client.get(f"/organizations/{own.pk}/").content.decode()
    assert "Чужая" not in page


def test_it_shows_a_regional_coordinator_every_municipality(client, db):
    OrganizationFactory(short_name="Школа один")
    OrganizationFactory(short_name="Школа два")
    client.force_login(user_with_role(RoleKind.REGIONAL))
    page = client.get("/organizations/").content.decode()
    assert "Школа один" in page
    assert "Школа два" in page


def test_it_gives_a_user_without_roles_an_explanation_and_no_sections(client, db):
    from .factories import UserFactory

    client.force_login(UserFactory())
    page = client.get("/").content.decode()
    assert "нет ни одной роли" in page
    assert client.get("/organizations/").status_code == 403
