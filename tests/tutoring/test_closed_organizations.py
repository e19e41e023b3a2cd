"""A closed organization leaves the choices of new records; old records keep showing it."""

import datetime

import pytest
from django.urls import reverse

from tests.community.factories import RosterEntryFactory, RosterFactory
from tests.tutoring.factories import OrganizationFactory, user_with_role
from tutoring.models import RoleKind
from tutoring.services import organizations

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster():
    return RosterFactory()


@pytest.fixture
def methodist(roster):
    return user_with_role(RoleKind.METHODIST, municipality=roster.municipality)


def closed(organization, methodist):
    return organizations.organization_close(
        actor=methodist, organization=organization, closed_on=datetime.date(2025, 6, 30)
    )


def test_a_closed_school_leaves_the_new_roster_entrys_choices(client, roster, methodist):
    open_school = OrganizationFactory(municipality=roster.municipality, short_name="МБОУ СОШ № 1")
    gone = closed(
        OrganizationFactory(municipality=roster.municipality, short_name="МБОУ ООШ № 19"),
        methodist,
    )
    client.force_login(methodist)
    page = client.get(reverse("community:entry_create", args=[roster.pk])).content.decode()
    assert open_school.short_name in page
    assert gone.short_name not in page


def test_an_old_entry_still_shows_its_closed_school(client, roster, methodist):
    entry = RosterEntryFactory(roster=roster)
    closed(entry.organization, methodist)
    client.force_login(methodist)
    detail = client.get(reverse("community:roster_detail", args=[roster.pk])).content.decode()
    assert entry.organization.short_name in detail
    form = client.get(reverse("community:entry_update", args=[entry.pk])).content.decode()
    assert f'value="{entry.organization.pk}" selected' in form


def test_a_methodist_cannot_file_a_request_for_a_closed_school(client, roster, methodist):
    school = closed(OrganizationFactory(municipality=roster.municipality), methodist)
    client.force_login(methodist)
    url = reverse("consultations:request_create") + f"?organization={school.pk}"
    assert client.get(url).status_code == 404
