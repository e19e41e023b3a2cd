"""A methodist keeps the reception hours of any tutor of the municipality."""

import datetime

import pytest
from django.urls import reverse

from consultations.models import AvailabilityException, AvailabilitySlot, Weekday
from tests.consultations.factories import AvailabilityExceptionFactory, AvailabilitySlotFactory
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    UserFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Role, RoleKind


@pytest.fixture
def municipality(db):
    return MunicipalityFactory()


@pytest.fixture
def tutor_role(municipality):
    school = OrganizationFactory(municipality=municipality)
    user = UserFactory(last_name="Логинова", first_name="Татьяна", middle_name="Артуровна")
    return RoleFactory(
        kind=RoleKind.TUTOR, municipality=municipality, organization=school, user=user
    )


@pytest.fixture
def methodist(municipality):
    return user_with_role(RoleKind.METHODIST, municipality=municipality)


def slot_data(weekday=Weekday.MONDAY, starts_at="14:00", ends_at="17:00"):
    return {"weekday": weekday, "starts_at": starts_at, "ends_at": ends_at}


def test_it_lists_the_municipalitys_tutors_with_their_hours(client, methodist, tutor_role):
    AvailabilitySlotFactory(tutor=tutor_role.user, municipality=tutor_role.municipality)
    AvailabilitySlotFactory(
        tutor=tutor_role.user, municipality=tutor_role.municipality, weekday=Weekday.FRIDAY
    )
    bare = RoleFactory(kind=RoleKind.TUTOR, municipality=tutor_role.municipality)
    RoleFactory(kind=RoleKind.TUTOR)  # of another municipality
    client.force_login(methodist)
    response = client.get(reverse("consultations:hours_tutor_list"))
    rows = {role.pk: role.slot_count for role in response.context["page"]}
    assert rows == {tutor_role.pk: 2, bare.pk: 0}
    assert "не указано" in response.content.decode()


def test_it_lists_a_tutor_of_two_schools_once(client, methodist, tutor_role):
    RoleFactory(
        kind=RoleKind.TUTOR,
        municipality=tutor_role.municipality,
        organization=OrganizationFactory(municipality=tutor_role.municipality),
        user=tutor_role.user,
    )
    client.force_login(methodist)
    response = client.get(reverse("consultations:hours_tutor_list"))
    assert [role.user for role in response.context["page"]] == [tutor_role.user]


def test_it_finds_a_tutor_by_name_in_a_constant_number_of_queries(
    client, methodist, tutor_role, django_assert_max_num_queries
):
    for _ in range(30):
        role = RoleFactory(kind=RoleKind.TUTOR, municipality=tutor_role.municipality)
        AvailabilitySlotFactory(tutor=role.user, municipality=role.municipality)
    client.force_login(methodist)
    url = reverse("consultations:hours_tutor_list")
    client.get(url)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.context["page"].paginator.count == 31
    with django_assert_max_num_queries(6):
        response = client.get(url, {"q": "логинова татьяна"})
    assert [role.pk for role in response.context["page"]] == [tutor_role.pk]


@pytest.mark.parametrize(
    "kind",
    [
        RoleKind.DIRECTOR,
        RoleKind.SCHOOL,
        RoleKind.TEACHER,
        RoleKind.TUTOR,
        RoleKind.REGIONAL,
        RoleKind.REGION_ADMIN,
    ],
)
def test_it_refuses_the_pages_to_other_roles(client, tutor_role, kind):
    municipality = tutor_role.municipality
    unbound = kind in (RoleKind.REGIONAL, RoleKind.REGION_ADMIN)
    user = user_with_role(kind, municipality=None if unbound else municipality)
    client.force_login(user)
    assert client.get(reverse("consultations:hours_tutor_list")).status_code == 403
    assert client.get(reverse("consultations:hours_tutor", args=[tutor_role.pk])).status_code == 403
    url = reverse("consultations:hours_slot_create", args=[tutor_role.pk])
    assert client.post(url, slot_data()).status_code == 403
    assert not AvailabilitySlot.objects.exists()


def test_it_hides_a_tutor_of_another_municipality_from_a_methodist(client, tutor_role):
    client.force_login(user_with_role(RoleKind.METHODIST))
    assert client.get(reverse("consultations:hours_tutor", args=[tutor_role.pk])).status_code == 404
    url = reverse("consultations:hours_slot_create", args=[tutor_role.pk])
    assert client.post(url, slot_data()).status_code == 404
    assert not AvailabilitySlot.objects.exists()


def test_it_lets_the_methodist_add_a_slot_and_the_journal_names_the_tutor(
    client, methodist, tutor_role
):
    client.force_login(methodist)
    url = reverse("consultations:hours_slot_create", args=[tutor_role.pk])
    response = client.post(url, slot_data(), follow=True)
    assert "Время приёма добавлено: понедельник 14:00–17:00" in response.content.decode()
    slot = AvailabilitySlot.objects.get()
    assert (slot.tutor, slot.municipality) == (tutor_role.user, tutor_role.municipality)
    entry = AuditEntry.objects.get(action="availability.slot_add")
    assert entry.actor == methodist
    assert entry.action_label == "добавлено время приёма тьютора"
    assert entry.change_items == [("тьютор", "Логинова Татьяна Артуровна")]


def test_it_refuses_a_slot_that_overlaps_the_tutors_hours(client, methodist, tutor_role):
    AvailabilitySlotFactory(tutor=tutor_role.user, municipality=tutor_role.municipality)
    client.force_login(methodist)
    url = reverse("consultations:hours_slot_create", args=[tutor_role.pk])
    response = client.post(url, slot_data(starts_at="16:00", ends_at="18:00"))
    assert response.status_code == 200
    assert "пересекается с уже указанным: понедельник 14:00–17:00" in response.content.decode()
    assert AvailabilitySlot.objects.count() == 1 and not AuditEntry.objects.exists()


def test_it_refuses_a_slot_that_overlaps_hours_in_another_municipality(
    client, methodist, tutor_role
):
    AvailabilitySlotFactory(tutor=tutor_role.user)  # the tutor consults elsewhere too
    client.force_login(methodist)
    url = reverse("consultations:hours_slot_create", args=[tutor_role.pk])
    response = client.post(url, slot_data(starts_at="15:00", ends_at="16:00"))
    assert "пересекается с уже указанным" in response.content.decode()
    assert AvailabilitySlot.objects.count() == 1


def test_it_lets_the_methodist_delete_a_slot_and_a_period(client, methodist, tutor_role):
    slot = AvailabilitySlotFactory(tutor=tutor_role.user, municipality=tutor_role.municipality)
    exception = AvailabilityExceptionFactory(
        tutor=tutor_role.user, municipality=tutor_role.municipality
    )
    client.force_login(methodist)
    client.post(reverse("consultations:hours_slot_delete", args=[tutor_role.pk, slot.pk]))
    client.post(reverse("consultations:hours_exception_delete", args=[tutor_role.pk, exception.pk]))
    assert not AvailabilitySlot.objects.exists() and not AvailabilityException.objects.exists()
    entries = AuditEntry.objects.order_by("pk")
    assert [e.action_label for e in entries] == [
        "удалено время приёма тьютора",
        "удалён период без приёма",
    ]
    assert {e.changes["tutor"] for e in entries} == {"Логинова Татьяна Артуровна"}


def test_it_deletes_no_slot_of_another_tutor_through_a_tutors_page(client, methodist, tutor_role):
    other = AvailabilitySlotFactory(municipality=tutor_role.municipality)
    client.force_login(methodist)
    url = reverse("consultations:hours_slot_delete", args=[tutor_role.pk, other.pk])
    assert client.post(url).status_code == 404
    assert AvailabilitySlot.objects.filter(pk=other.pk).exists()


def test_it_records_a_period_without_consultations_for_the_tutor(client, methodist, tutor_role):
    client.force_login(methodist)
    url = reverse("consultations:hours_exception_create", args=[tutor_role.pk])
    data = {"starts_on": "2030-07-01", "ends_on": "2030-07-28", "reason": "отпуск"}
    response = client.post(url, data, follow=True)
    assert "01.07.2030–28.07.2030" in response.content.decode()
    exception = AvailabilityException.objects.get()
    assert exception.tutor == tutor_role.user
    assert exception.ends_on == datetime.date(2030, 7, 28)
    entry = AuditEntry.objects.get(action="availability.exception_add")
    assert entry.change_items == [("тьютор", "Логинова Татьяна Артуровна")]


def test_it_refuses_a_period_that_ends_before_it_starts(client, methodist, tutor_role):
    client.force_login(methodist)
    url = reverse("consultations:hours_exception_create", args=[tutor_role.pk])
    data = {"starts_on": "2030-07-28", "ends_on": "2030-07-01", "reason": "отпуск"}
    response = client.post(url, data)
    assert "Дата окончания не может быть раньше даты начала" in response.content.decode()
    assert not AvailabilityException.objects.exists()


def test_it_shows_the_tutors_page_with_the_forms(client, methodist, tutor_role):
    AvailabilitySlotFactory(tutor=tutor_role.user, municipality=tutor_role.municipality)
    client.force_login(methodist)
    response = client.get(reverse("consultations:hours_tutor", args=[tutor_role.pk]))
    text = response.content.decode()
    assert "Логинова Татьяна Артуровна" in text
    assert "Понедельник" in text or "понедельник" in text
    assert "Добавить время приёма" in text
    assert Role.objects.filter(kind=RoleKind.TUTOR).count() == 1


def test_it_offers_the_page_on_the_consultations_page_to_the_methodist(client, methodist):
    client.force_login(methodist)
    page = client.get(reverse("consultations:index")).content.decode()
    assert reverse("consultations:hours_tutor_list") in page
