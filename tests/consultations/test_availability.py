import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import AvailabilityException, AvailabilitySlot, Session, Weekday
from consultations.services.availability import free_intervals, free_intervals_for, is_available
from tests.consultations.factories import (
    AvailabilityExceptionFactory,
    AvailabilitySlotFactory,
    SessionFactory,
)
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

KALTAN = zoneinfo.ZoneInfo("Asia/Novokuznetsk")
MONDAY = datetime.date(2025, 3, 3)


def at(day, hour, minute=0, zone=KALTAN):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)


def kaltan_slot(**fields):
    municipality = MunicipalityFactory(timezone="Asia/Novokuznetsk")
    return AvailabilitySlotFactory(municipality=municipality, **fields)


def free(slot, starts_on=MONDAY, ends_on=MONDAY + datetime.timedelta(days=6), **kwargs):
    return free_intervals(
        tutor=slot.tutor,
        municipality=slot.municipality,
        starts_on=starts_on,
        ends_on=ends_on,
        **kwargs,
    )


def test_it_expands_a_weekly_slot_in_the_municipality_time_zone(db):
    slot = kaltan_slot()
    [(start, end)] = free(slot)
    assert (start, end) == (at(MONDAY, 14), at(MONDAY, 17))
    assert start.tzinfo == KALTAN
    assert start.astimezone(datetime.UTC).hour == 7


def test_it_keeps_utc_plus_seven_all_year_round(db):
    slot = kaltan_slot(weekday=Weekday.WEDNESDAY)
    year = free(slot, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert len(year) == 53  # 2025 begins and ends on a Wednesday
    assert {start.utcoffset() for start, _ in year} == {datetime.timedelta(hours=7)}
    assert {start.astimezone(datetime.UTC).time() for start, _ in year} == {datetime.time(7)}


def test_it_keeps_the_local_hour_across_a_dst_change(db):
    municipality = MunicipalityFactory(timezone="Europe/Berlin")
    slot = AvailabilitySlotFactory(municipality=municipality, weekday=Weekday.MONDAY)
    intervals = free(slot, datetime.date(2025, 3, 24), datetime.date(2025, 4, 6))
    assert [start.hour for start, _ in intervals] == [14, 14]
    assert [start.astimezone(datetime.UTC).hour for start, _ in intervals] == [13, 12]


def test_it_leaves_out_exception_days(db):
    slot = kaltan_slot()
    AvailabilityExceptionFactory(
        tutor=slot.tutor, municipality=slot.municipality, starts_on=MONDAY, ends_on=MONDAY
    )
    intervals = free(slot, MONDAY, MONDAY + datetime.timedelta(days=13))
    assert [start.date() for start, _ in intervals] == [MONDAY + datetime.timedelta(days=7)]


def test_it_cuts_out_sessions_that_are_not_cancelled(db):
    slot = kaltan_slot()
    SessionFactory(
        tutor=slot.tutor,
        municipality=slot.municipality,
        starts_at=at(MONDAY, 15),
        ends_at=at(MONDAY, 16),
    )
    SessionFactory(
        tutor=slot.tutor,
        municipality=slot.municipality,
        starts_at=at(MONDAY, 14),
        ends_at=at(MONDAY, 15),
        status=Session.Status.CANCELLED,
    )
    assert free(slot) == [(at(MONDAY, 14), at(MONDAY, 15)), (at(MONDAY, 16), at(MONDAY, 17))]


def test_it_merges_touching_slots_and_sorts_them(db):
    slot = kaltan_slot(weekday=Weekday.TUESDAY, starts_at=datetime.time(16))
    AvailabilitySlotFactory(
        tutor=slot.tutor,
        municipality=slot.municipality,
        weekday=Weekday.TUESDAY,
        starts_at=datetime.time(12),
        ends_at=datetime.time(16),
    )
    AvailabilitySlotFactory(tutor=slot.tutor, municipality=slot.municipality)  # Monday
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert free(slot) == [(at(MONDAY, 14), at(MONDAY, 17)), (at(tuesday, 12), at(tuesday, 17))]


def test_it_tells_whether_the_whole_interval_is_free(db):
    slot = kaltan_slot()
    session = SessionFactory(
        tutor=slot.tutor,
        municipality=slot.municipality,
        starts_at=at(MONDAY, 16),
        ends_at=at(MONDAY, 17),
    )
    check = {"tutor": slot.tutor, "municipality": slot.municipality}
    assert is_available(**check, starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 16))
    assert not is_available(**check, starts_at=at(MONDAY, 15), ends_at=at(MONDAY, 16, 30))
    assert not is_available(**check, starts_at=at(MONDAY, 13), ends_at=at(MONDAY, 14, 30))
    assert is_available(
        **check, starts_at=at(MONDAY, 15), ends_at=at(MONDAY, 17), ignore_session=session
    )


def test_it_reads_utc_and_naive_datetimes_in_the_right_zone(db):
    slot = kaltan_slot()
    check = {"tutor": slot.tutor, "municipality": slot.municipality}
    seven_utc = at(MONDAY, 7, zone=datetime.UTC)
    assert is_available(**check, starts_at=seven_utc, ends_at=seven_utc.replace(hour=8))
    naive = datetime.datetime.combine(MONDAY, datetime.time(14))
    assert is_available(**check, starts_at=naive, ends_at=naive + datetime.timedelta(hours=3))


def test_it_computes_many_tutors_free_time_in_three_queries(db, django_assert_num_queries):
    slot = kaltan_slot()
    others = [AvailabilitySlotFactory(municipality=slot.municipality).tutor for _ in range(10)]
    with django_assert_num_queries(3):
        free = free_intervals_for(
            tutors=[slot.tutor, *others],
            municipality=slot.municipality,
            starts_on=MONDAY,
            ends_on=MONDAY,
        )
    assert len(free) == 11 and all(len(intervals) == 1 for intervals in free.values())


# The pages: a tutor keeps their own availability, coordinators read everyone's.


def everyone_of(municipality):
    school = OrganizationFactory(municipality=municipality)
    return {
        kind: user_with_role(kind, municipality=municipality, organization=school)
        if kind in (RoleKind.SCHOOL, RoleKind.TEACHER)
        else user_with_role(kind, municipality=None if kind == RoleKind.REGIONAL else municipality)
        for kind in RoleKind.values
    }


def slot_data(weekday=Weekday.MONDAY, starts_at="14:00", ends_at="17:00"):
    return {"weekday": weekday, "starts_at": starts_at, "ends_at": ends_at}


def test_it_lets_a_tutor_add_a_weekly_slot(client, db):
    tutor = user_with_role(RoleKind.TUTOR)
    client.force_login(tutor)
    response = client.post("/consultations/availability/slots/new/", slot_data(), follow=True)
    assert "Время приёма добавлено: понедельник 14:00–17:00" in response.content.decode()
    slot = AvailabilitySlot.objects.get()
    assert (slot.tutor, slot.municipality) == (tutor, tutor.roles.get().municipality)
    assert AuditEntry.objects.get(action="availability.slot_add").actor == tutor


def test_it_refuses_a_slot_that_overlaps_another_on_the_same_day(client, db):
    slot = AvailabilitySlotFactory()
    client.force_login(slot.tutor)
    data = slot_data(starts_at="16:00", ends_at="18:00")
    response = client.post("/consultations/availability/slots/new/", data)
    assert "пересекается с уже указанным: понедельник 14:00–17:00" in response.content.decode()
    assert AvailabilitySlot.objects.count() == 1 and not AuditEntry.objects.exists()


def test_it_accepts_slots_that_touch_or_fall_on_other_days(client, db):
    slot = AvailabilitySlotFactory()
    client.force_login(slot.tutor)
    client.post(
        "/consultations/availability/slots/new/", slot_data(starts_at="17:00", ends_at="19:00")
    )
    client.post("/consultations/availability/slots/new/", slot_data(weekday=Weekday.TUESDAY))
    assert AvailabilitySlot.objects.count() == 3


def test_it_refuses_a_slot_that_ends_before_it_starts(client, db):
    client.force_login(user_with_role(RoleKind.TUTOR))
    data = slot_data(starts_at="17:00", ends_at="14:00")
    response = client.post("/consultations/availability/slots/new/", data)
    assert "окончания приёма должно быть позже" in response.content.decode()
    assert not AvailabilitySlot.objects.exists()


def test_it_records_a_period_without_consultations(client, db):
    tutor = user_with_role(RoleKind.TUTOR)
    client.force_login(tutor)
    data = {"starts_on": "2030-07-01", "ends_on": "2030-07-28", "reason": "отпуск"}
    response = client.post("/consultations/availability/exceptions/new/", data, follow=True)
    assert "01.07.2030–28.07.2030" in response.content.decode()
    assert AvailabilityException.objects.get().tutor == tutor
    assert AuditEntry.objects.filter(action="availability.exception_add").exists()


def test_it_refuses_a_period_that_ends_before_it_starts(client, db):
    client.force_login(user_with_role(RoleKind.TUTOR))
    data = {"starts_on": "2030-07-28", "ends_on": "2030-07-01", "reason": "отпуск"}
    response = client.post("/consultations/availability/exceptions/new/", data)
    assert "Дата окончания не может быть раньше даты начала" in response.content.decode()
    assert not AvailabilityException.objects.exists()


def test_it_lets_the_tutor_delete_their_own_slots_and_periods(client, db):
    slot = AvailabilitySlotFactory()
    exception = AvailabilityExceptionFactory(tutor=slot.tutor, municipality=slot.municipality)
    client.force_login(slot.tutor)
    client.post(f"/consultations/availability/slots/{slot.pk}/delete/")
    client.post(f"/consultations/availability/exceptions/{exception.pk}/delete/")
    assert not AvailabilitySlot.objects.exists() and not AvailabilityException.objects.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"availability.slot_remove", "availability.exception_remove"}


def test_it_lets_nobody_else_delete_a_tutors_slot(client, db):
    slot = AvailabilitySlotFactory()
    url = f"/consultations/availability/slots/{slot.pk}/delete/"
    coordinating_tutor = user_with_role(RoleKind.METHODIST, municipality=slot.municipality)
    coordinating_tutor.roles.create(kind=RoleKind.TUTOR, municipality=slot.municipality)
    for user, status in [
        (user_with_role(RoleKind.METHODIST, municipality=slot.municipality), 403),
        (coordinating_tutor, 403),  # sees the slot, but it is not theirs
        (user_with_role(RoleKind.TUTOR, municipality=slot.municipality), 404),
    ]:
        client.force_login(user)
        assert client.post(url).status_code == status
    assert AvailabilitySlot.objects.exists()


def test_it_opens_the_own_availability_page_to_tutors_only(client, db):
    municipality = MunicipalityFactory()
    for kind, user in everyone_of(municipality).items():
        client.force_login(user)
        status = client.get("/consultations/availability/").status_code
        assert status == (200 if kind == RoleKind.TUTOR else 403)


def test_it_shows_the_tutor_their_free_time_in_local_time(client, db):
    tomorrow = timezone.now().astimezone(KALTAN).date() + datetime.timedelta(days=1)
    slot = kaltan_slot(weekday=tomorrow.weekday())
    client.force_login(slot.tutor)
    page = client.get("/consultations/availability/").content.decode()
    assert "Новокузнецк, Кузбасс (UTC+7)" in page
    assert page.count(": 14:00–17:00") == 2  # tomorrow and a week later


def test_it_says_so_when_the_tutor_has_no_availability(client, db):
    client.force_login(user_with_role(RoleKind.TUTOR))
    page = client.get("/consultations/availability/").content.decode()
    assert "Время приёма не указано" in page


def test_it_shows_every_tutors_availability_to_coordinators_only(client, db):
    slot = AvailabilitySlotFactory(starts_at=datetime.time(9, 30))
    people = everyone_of(slot.municipality)
    for kind, user in people.items():
        client.force_login(user)
        response = client.get("/consultations/availability/tutors/")
        readers = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)
        assert response.status_code == (200 if kind in readers else 403)
        if kind in readers:
            assert slot.tutor.full_name in response.content.decode()
            assert "09:30–17:00" in response.content.decode()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert "09:30" not in client.get("/consultations/availability/tutors/").content.decode()


def test_it_filters_the_overview_by_tutor(client, db):
    slot = AvailabilitySlotFactory(starts_at=datetime.time(9, 30))
    other = AvailabilitySlotFactory(municipality=slot.municipality, starts_at=datetime.time(8))
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=slot.municipality))
    page = client.get("/consultations/availability/tutors/", {"user": other.tutor.pk})
    assert "08:00–17:00" in page.content.decode()
    assert "09:30–17:00" not in page.content.decode()


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def week_of_slots(tutor, municipality, count):
    for i in range(count):
        AvailabilitySlotFactory(
            tutor=tutor,
            municipality=municipality,
            weekday=i % 7,
            starts_at=datetime.time(i // 7 + 8),
            ends_at=datetime.time(i // 7 + 9),
        )
        AvailabilityExceptionFactory(tutor=tutor, municipality=municipality)


def test_it_keeps_availability_pages_queries_flat(client, db):
    municipality = MunicipalityFactory()
    few, many = (user_with_role(RoleKind.TUTOR, municipality=municipality) for _ in range(2))
    week_of_slots(few, municipality, 3)
    week_of_slots(many, municipality, 30)
    client.force_login(few)
    small = queries(client, "/consultations/availability/")
    client.force_login(many)
    assert queries(client, "/consultations/availability/") == small
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    before = queries(client, "/consultations/availability/tutors/")
    for _ in range(5):
        week_of_slots(user_with_role(RoleKind.TUTOR, municipality=municipality), municipality, 6)
    assert queries(client, "/consultations/availability/tutors/") == before
