"""Meeting links of remote sessions: from the session, its room or its point; shown to its
participants only (the page, the agenda, the request, the letters, the reminders, the .ics
and the feed); a remote booking with no link anywhere is refused and saves nothing."""

import datetime

import pytest
from django.utils import timezone
from icalendar import Calendar

from consultations.calendar import calendar_bytes
from consultations.matching import build_schedule
from consultations.models import DomainError, Format, Session
from consultations.selectors import may_join
from consultations.services.booking import session_reschedule
from consultations.services.points import point_update, room_update
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring import reminders
from tutoring.access import access_for
from tutoring.models import AuditEntry, Notification, RoleKind

from .factories import ConsultationRequestFactory, RoomFactory, SessionFactory
from .test_booking import at, book, booking_world, form_data, request_of, schedule_url
from .test_calendar import feed_of

POINT_LINK = "https://sferum.ru/?call_link=punkt"
OWN_LINK = "https://telemost.yandex.ru/j/12345"
ROOM_LINK = "https://sferum.ru/?call_link=kabinet12"
SCHOOL = "school7@example.ru"


@pytest.fixture
def world(db):
    """The booking world (its point has a permanent link); the request is filed by the school
    for one of its teachers, and booked remote; a teacher of another school takes part."""
    world = booking_world()
    world.teacher = user_with_role(RoleKind.TEACHER, organization=world.school)
    world.request.teacher = world.teacher
    world.request.save(update_fields=["teacher"])
    world.requester = world.request.requested_by
    world.requester.email = SCHOOL
    world.requester.save(update_fields=["email"])
    world.elsewhere = OrganizationFactory(municipality=world.municipality)
    world.guest = user_with_role(RoleKind.TEACHER, organization=world.elsewhere)
    return world


def remote(world, **overrides) -> Session:
    session = book(world, room=None, format=Format.REMOTE, **overrides)
    session.teachers.add(world.guest)
    return session


def participants(world) -> dict:
    m = world.municipality
    return {
        "its tutor": world.tutor,
        "the request's teacher": world.teacher,
        "the requester (the school)": world.requester,
        "another of the school's staff": user_with_role(RoleKind.SCHOOL, organization=world.school),
        "a teacher taking part": world.guest,
        "a methodist": world.methodist,
        "the director": user_with_role(RoleKind.DIRECTOR, municipality=m),
    }


def onlookers(world) -> dict:
    """People who see the session but do not take part in it."""
    return {
        "a regional coordinator": user_with_role(RoleKind.REGIONAL, municipality=None),
        "the school of a teacher taking part": user_with_role(
            RoleKind.SCHOOL, organization=world.elsewhere
        ),
    }


def page_of(client, user, session) -> str:
    client.force_login(user)
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200, user
    return response.content.decode()


# Who sees the link on the session's page.


def test_it_shows_the_link_and_a_join_button_to_each_participant(client, world):
    session = remote(world)
    for who, user in participants(world).items():
        page = page_of(client, user, session)
        assert "Подключиться" in page and POINT_LINK in page, who
        assert "дистанционно" in page and world.point.address not in page, who


def test_it_hides_the_link_from_those_who_only_read_the_session(client, world):
    session = remote(world)
    for who, user in onlookers(world).items():
        page = page_of(client, user, session)
        assert POINT_LINK not in page and "Подключиться" not in page, who
        assert "Ссылку для подключения видят участники занятия" in page, who


def test_it_shows_the_session_to_nobody_else(client, world):
    session = remote(world)
    strangers = [
        user_with_role(RoleKind.TEACHER, organization=world.school),  # not taking part
        user_with_role(RoleKind.TUTOR, municipality=world.municipality),  # not its tutor
        user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()),
    ]
    for user in strangers:
        client.force_login(user)
        assert client.get(session.get_absolute_url()).status_code == 404, user


def test_it_shows_an_in_person_session_at_its_place_with_no_join_button(client, world):
    session = book(world)
    page = page_of(client, world.teacher, session)
    assert f"{world.point.name}, {world.point.address}, Кабинет 12" in page
    assert "Подключиться" not in page and POINT_LINK not in page


def test_may_join_decides_by_role(world):
    session = remote(world)
    for who, user in participants(world).items():
        assert may_join(access_for(user), session), who
    for who, user in onlookers(world).items():
        assert not may_join(access_for(user), session), who


# The agenda and the request.


def test_the_agenda_links_a_participants_remote_session_only(client, world):
    remote(world)
    client.force_login(world.guest)
    assert POINT_LINK in client.get("/consultations/sessions/").content.decode()
    client.force_login(onlookers(world)["a regional coordinator"])
    page = client.get("/consultations/sessions/").content.decode()
    assert "дистанционно" in page and POINT_LINK not in page


def test_the_agenda_keeps_its_queries_flat_with_remote_sessions(
    client, world, django_assert_max_num_queries
):
    remote(world)
    client.force_login(world.methodist)
    with django_assert_max_num_queries(12) as captured:
        client.get("/consultations/sessions/")
    one = len(captured)
    for hour in (15, 16):
        other = request_of(world)
        book(
            world,
            request=other,
            start=at(world, world.monday, hour),
            room=None,
            format=Format.REMOTE,
        )
    with django_assert_max_num_queries(one):
        page = client.get("/consultations/sessions/").content.decode()
    assert page.count(POINT_LINK) == 3


def test_the_request_page_links_its_remote_session_for_the_requester(client, world):
    remote(world)
    client.force_login(world.requester)
    page = client.get(world.request.get_absolute_url()).content.decode()
    assert "подключиться" in page and POINT_LINK in page


# Booking: the link, and the refusal without one.


def test_it_refuses_a_remote_booking_with_no_link_anywhere(world):
    world.point.remote_link = ""
    world.point.save(update_fields=["remote_link"])
    with pytest.raises(DomainError, match="Для дистанционного занятия нужна ссылка"):
        book(world, room=None, format=Format.REMOTE)
    assert not Session.objects.exists()
    assert not AuditEntry.objects.filter(action="session.book").exists()
    world.request.refresh_from_db()
    assert world.request.status == world.request.Status.ACCEPTED


def test_it_books_a_remote_session_by_its_own_link_or_its_rooms(world):
    world.point.remote_link = ""
    world.point.save(update_fields=["remote_link"])
    own = book(world, room=None, format=Format.REMOTE, link=OWN_LINK)
    assert own.link == OWN_LINK and own.meeting_link == OWN_LINK
    hall = RoomFactory(point=world.point, remote_link=ROOM_LINK)
    by_room = book(
        world,
        request=request_of(world),
        start=at(world, world.monday, 15),
        room=hall,
        format=Format.REMOTE,
    )
    assert by_room.link == "" and by_room.meeting_link == ROOM_LINK


def test_the_booking_page_refuses_a_remote_session_without_link_and_saves_nothing(client, world):
    world.point.remote_link = ""
    world.point.save(update_fields=["remote_link"])
    client.force_login(world.methodist)
    data = form_data(world, format=Format.REMOTE, room="")
    page = client.post(schedule_url(world), data).content.decode()
    assert "Для дистанционного занятия нужна ссылка для подключения" in page
    assert not Session.objects.exists()
    response = client.post(schedule_url(world), data | {"link": OWN_LINK}, follow=True)
    assert "Занятие назначено" in response.content.decode()
    assert Session.objects.get().link == OWN_LINK


def test_the_booking_page_says_which_link_an_empty_field_stands_for(client, world):
    client.force_login(world.methodist)
    page = client.get(schedule_url(world)).content.decode()
    assert "Ссылка для подключения" in page and f'placeholder="{POINT_LINK}"' in page


def test_the_schedule_builder_leaves_a_remote_request_of_a_point_without_link(world):
    world.point.remote_link = ""
    world.point.save(update_fields=["remote_link"])
    world.request.format = Format.REMOTE
    world.request.save(update_fields=["format"])
    booked, unplaced = build_schedule(
        actor=world.methodist,
        municipality=world.municipality,
        point=world.point,
        starts_on=world.monday,
        ends_on=world.monday + datetime.timedelta(days=6),
    )
    assert booked == []
    assert dict(unplaced)[world.request] == (
        f"у пункта «{world.point}» нет постоянной ссылки для дистанционных занятий"
    )


# Rescheduling with another link.


def test_a_new_link_raises_the_sequence_and_tells_the_participants(world):
    session = remote(world)
    moved = session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        link=OWN_LINK,
    )
    assert moved.link == OWN_LINK and moved.sequence == 1
    told = Notification.objects.get(
        recipient=world.teacher, kind="consultations.request.rescheduled"
    )
    assert "новая ссылка для подключения" in told.text and told.text.endswith(OWN_LINK)
    entry = AuditEntry.objects.get(action="session.reschedule")
    assert entry.changes["link"] == [POINT_LINK, OWN_LINK]


def test_the_reschedule_page_keeps_the_link_field_for_a_remote_session_only(client, world):
    client.force_login(world.methodist)
    in_person = book(world)
    page = client.get(f"/consultations/sessions/{in_person.pk}/reschedule/").content.decode()
    assert "Ссылка для подключения" not in page
    session = remote(world, request=request_of(world), start=at(world, world.monday, 16))
    url = f"/consultations/sessions/{session.pk}/reschedule/"
    assert "Ссылка для подключения" in client.get(url).content.decode()
    start = session.starts_at.astimezone(world.municipality.tzinfo)
    data = {"date": start.date().isoformat(), "time": "16:00", "duration": 60, "room": ""}
    client.post(url, data | {"link": OWN_LINK})
    session.refresh_from_db()
    assert session.link == OWN_LINK


# The calendar: letters and the feed.


def entry_of(content: bytes):
    (entry,) = Calendar.from_ical(content).walk("VEVENT")
    return entry


def test_the_ics_of_a_participant_has_the_link_as_url_and_location(world):
    session = remote(world)
    entry = entry_of(calendar_bytes([session], name="Занятие", joinable=lambda s: True))
    assert str(entry["url"]) == POINT_LINK
    assert str(entry["location"]) == POINT_LINK


def test_the_ics_of_an_onlooker_says_remote_with_no_link(world):
    session = remote(world)
    entry = entry_of(calendar_bytes([session], name="Занятие"))
    assert "url" not in entry
    assert str(entry["location"]) == "дистанционно"


def test_the_ics_of_an_in_person_session_is_at_its_place(world):
    session = book(world)
    entry = entry_of(calendar_bytes([session], name="Занятие", joinable=lambda s: True))
    assert str(entry["location"]) == session.where
    assert str(entry["location"]) == f"{world.point.name}, {world.point.address}, Кабинет 12"
    assert "url" not in entry


def test_the_feed_gives_the_link_to_a_participant_only(client, world):
    session = remote(world)
    entry = feed_entry(client, world.guest, session)
    assert (str(entry["url"]), str(entry["location"])) == (POINT_LINK, POINT_LINK)
    onlooker = onlookers(world)["the school of a teacher taking part"]
    entry = feed_entry(client, onlooker, session)
    assert "url" not in entry and str(entry["location"]) == "дистанционно"


def feed_entry(client, user, session):
    calendar = Calendar.from_ical(feed_of(client, user).content)
    uid = f"session-{session.pk}@tutoring-portal"
    (entry,) = [e for e in calendar.walk("VEVENT") if str(e["uid"]) == uid]
    return entry


def test_the_booking_letter_carries_the_link_in_its_text_and_invitation(world, mailbox):
    with mailbox.sending():
        remote(world)
    letter = mailbox.last(SCHOOL)
    assert f"Ссылка для подключения: {POINT_LINK}" in letter.body
    assert POINT_LINK in letter.links
    ((_, mimetype, content),) = [a for a in letter.attachments if a[0].endswith(".ics")]
    assert mimetype == "text/calendar"
    entry = entry_of(content)
    assert (str(entry["url"]), str(entry["location"])) == (POINT_LINK, POINT_LINK)


# The reminder «Занятие завтра».


def test_the_reminder_of_a_remote_session_tomorrow_carries_its_link(world, mailbox):
    now = timezone.now().replace(microsecond=0)
    request = ConsultationRequestFactory(
        municipality=world.municipality,
        organization=world.school,
        requested_by=world.requester,
        teacher=world.teacher,
    )
    session = SessionFactory(
        municipality=world.municipality,
        request=request,
        point=world.point,
        room=None,
        format=Format.REMOTE,
        link=OWN_LINK,
        starts_at=now + datetime.timedelta(hours=20),
        ends_at=now + datetime.timedelta(hours=21),
    )
    with mailbox.sending():
        reminders.run(now)
    told = Notification.objects.get(recipient=world.teacher, kind="consultations.session.tomorrow")
    assert ", дистанционно." in told.text and told.text.endswith(f"подключения: {OWN_LINK}")
    letter = mailbox.last(SCHOOL)
    assert OWN_LINK in letter.links
    ((_, _, content),) = letter.attachments
    assert str(entry_of(content)["url"]) == OWN_LINK
    assert session.tutor_id in set(
        Notification.objects.filter(kind="consultations.session.tomorrow").values_list(
            "recipient", flat=True
        )
    )


# A point's or a room's new link reaches the calendars of the sessions joined by it.


def test_a_new_point_link_raises_the_sequence_of_the_remote_sessions_joined_by_it(world):
    joined = remote(world)
    own = remote(world, request=request_of(world), start=at(world, world.monday, 15), link=OWN_LINK)
    in_person = book(world, request=request_of(world), start=at(world, world.monday, 16))
    point_update(actor=world.methodist, point=world.point, remote_link=ROOM_LINK)
    sequences = Session.objects.in_bulk([joined.pk, own.pk, in_person.pk])
    assert sequences[joined.pk].sequence == 1
    assert (sequences[own.pk].sequence, sequences[in_person.pk].sequence) == (0, 0)


def test_a_new_room_link_raises_the_sequence_of_the_remote_sessions_in_it(world):
    joined = book(world, format=Format.REMOTE)  # in the room, remote: joined by the point's
    in_person = book(world, request=request_of(world), start=at(world, world.monday, 16))
    room_update(actor=world.methodist, room=world.room, remote_link=ROOM_LINK)
    joined.refresh_from_db()
    in_person.refresh_from_db()
    assert joined.meeting_link == ROOM_LINK and joined.sequence == 1
    assert in_person.sequence == 0


def test_a_methodist_gives_a_room_its_link_on_the_points_pages(client, world):
    client.force_login(world.methodist)
    page = client.get(f"/consultations/rooms/{world.room.pk}/edit/").content.decode()
    assert "Ссылка для дистанционных занятий" in page
    data = {"name": "Кабинет 12", "capacity": 20, "remote_link": ROOM_LINK, "is_active": "on"}
    response = client.post(f"/consultations/rooms/{world.room.pk}/edit/", data, follow=True)
    world.room.refresh_from_db()
    assert world.room.remote_link == ROOM_LINK
    assert ROOM_LINK in response.content.decode()
    entry = AuditEntry.objects.get(action="room.update")
    assert entry.changes["remote_link"] == ["", ROOM_LINK]
    client.force_login(world.teacher)
    assert ROOM_LINK not in client.get(world.point.get_absolute_url()).content.decode()


def test_the_demos_remote_sessions_have_a_link(demo):
    remote_sessions = Session.objects.filter(format=Format.REMOTE).select_related("point", "room")
    assert remote_sessions.exists()
    assert all(session.meeting_link for session in remote_sessions)


def test_a_tutors_own_session_is_organized_in_the_name_of_the_municipalitys_centre(db):
    from tutoring.models import Organization

    from .factories import OwnSessionFactory

    municipality = MunicipalityFactory()
    municipality.issuer = OrganizationFactory(
        municipality=municipality,
        kind=Organization.Kind.METHODICAL_CENTRE,
        name="МКУ «Информационно-методический центр»",
    )
    municipality.save()
    session = OwnSessionFactory(municipality=municipality)
    entry = entry_of(calendar_bytes([session], name="Занятие"))
    assert entry["organizer"].params["CN"] == "МКУ «Информационно-методический центр»"
