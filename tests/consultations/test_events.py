"""Events of the community: announcing them, registering for a place, the month calendar, the
calendar feed and the home page."""

import datetime
import threading
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from consultations import selectors
from consultations.models import CalendarFeed, DomainError, Event, EventRegistration
from consultations.services import events as services
from tests.community.factories import PlanItemFactory
from tests.tutoring.factories import MunicipalityFactory, SubjectFactory, user_with_role
from tutoring.demo import LABINSK
from tutoring.models import AuditEntry, RoleKind, User

from .factories import EventFactory, EventRegistrationFactory


@pytest.fixture
def cast(db):
    municipality = MunicipalityFactory()
    people = {
        kind: user_with_role(kind, municipality=municipality, last_name=last_name)
        for kind, last_name in (
            (RoleKind.METHODIST, "Смирнова"),
            (RoleKind.DIRECTOR, "Орлов"),
            (RoleKind.SCHOOL, "Кравченко"),
            (RoleKind.TEACHER, "Петренко"),
            (RoleKind.TUTOR, "Логинова"),
        )
    }
    return SimpleNamespace(
        municipality=municipality,
        regional=user_with_role(RoleKind.REGIONAL),
        **people,
    )


def teacher_of(municipality):
    return user_with_role(RoleKind.TEACHER, municipality=municipality)


def form_data(**changes):
    day = timezone.localdate() + datetime.timedelta(days=10)
    data = {
        "kind": Event.Kind.MASTER_CLASS,
        "title": "Смысловое чтение на уроках математики",
        "description": "",
        "date": day.isoformat(),
        "starts": "14:00",
        "ends": "15:30",
        "place": "МКУ ИМЦ, актовый зал",
        "link": "",
        "audience": "учителя математики 5–9 классов",
        "capacity": "12",
    }
    return {**data, **changes}


# Services -------------------------------------------------------------------------------------


def test_it_creates_a_draft_with_an_audit_entry(cast):
    starts = timezone.now() + datetime.timedelta(days=3)
    event = services.event_create(
        actor=cast.methodist,
        municipality=cast.municipality,
        kind=Event.Kind.SEMINAR,
        title="Анализ ВПР",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        audience="учителя математики",
        link="https://sferum.ru/?call_link=x",
        subjects=[SubjectFactory()],
    )
    assert event.status == Event.Status.DRAFT
    assert [s.name for s in event.subjects.all()] == ["Математика"]
    entry = AuditEntry.objects.get(action="event.create")
    assert entry.actor == cast.methodist and entry.municipality == cast.municipality


def test_it_gives_the_last_place_and_refuses_the_next_one(cast):
    event = EventFactory(municipality=cast.municipality, capacity=2)
    EventRegistrationFactory(event=event)
    services.registration_create(actor=cast.teacher, event=event)
    with pytest.raises(DomainError, match="Мест больше нет"):
        services.registration_create(actor=cast.tutor, event=event)
    assert event.registrations.count() == 2
    assert not AuditEntry.objects.filter(action="event.register", actor=cast.tutor).exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_taking_the_last_place_at_once_get_one_place():
    """The second registration waits for the first one's lock on the event and then finds
    no place left; without the lock both would count one free place and both would enter."""
    event = EventFactory(capacity=1)
    first, second = teacher_of(event.municipality), teacher_of(event.municipality)
    refused = []

    def register_second():
        try:
            services.registration_create(actor=second, event=event)
        except DomainError as error:
            refused.append(str(error))
        finally:
            connection.close()

    with transaction.atomic():
        services.registration_create(actor=first, event=event)
        racer = threading.Thread(target=register_second)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive(), "the second registration did not wait for the first"
    racer.join(timeout=10)
    assert refused and refused[0].startswith("Мест больше нет")
    assert list(event.registrations.values_list("participant", flat=True)) == [first.pk]


def test_it_refuses_a_second_registration_of_the_same_person(cast):
    event = EventFactory(municipality=cast.municipality)
    services.registration_create(actor=cast.teacher, event=event)
    with pytest.raises(DomainError, match="уже записаны"):
        services.registration_create(actor=cast.teacher, event=event)
    assert event.registrations.count() == 1


def test_it_lets_a_tutor_register_and_records_it(cast):
    event = EventFactory(municipality=cast.municipality)
    services.registration_create(actor=cast.tutor, event=event)
    entry = AuditEntry.objects.get(action="event.register")
    assert entry.object_id == str(event.pk) and entry.actor == cast.tutor


@pytest.mark.parametrize("who", ["school", "methodist", "director"])
def test_it_refuses_registration_to_other_roles(cast, who):
    event = EventFactory(municipality=cast.municipality)
    with pytest.raises(DomainError, match="учителя и тьюторы"):
        services.registration_create(actor=getattr(cast, who), event=event)


def test_it_refuses_a_teacher_of_another_municipality(cast):
    event = EventFactory(municipality=cast.municipality)
    with pytest.raises(DomainError):
        services.registration_create(actor=teacher_of(MunicipalityFactory()), event=event)


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.CANCELLED])
def test_it_refuses_registration_for_an_unpublished_event(cast, status):
    event = EventFactory(municipality=cast.municipality, status=status)
    with pytest.raises(DomainError, match="записаться нельзя"):
        services.registration_create(actor=cast.teacher, event=event)


def test_it_refuses_registration_once_the_event_began(cast):
    starts = timezone.now() - datetime.timedelta(minutes=5)
    event = EventFactory(
        municipality=cast.municipality,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    with pytest.raises(DomainError, match="запись закрыта"):
        services.registration_create(actor=cast.teacher, event=event)


def test_it_frees_the_place_when_a_registration_is_cancelled(cast):
    event = EventFactory(municipality=cast.municipality, capacity=1)
    services.registration_create(actor=cast.teacher, event=event)
    services.registration_cancel(actor=cast.teacher, event=event)
    services.registration_create(actor=cast.tutor, event=event)
    assert list(event.registrations.values_list("participant", flat=True)) == [cast.tutor.pk]


def test_it_keeps_the_registrations_of_a_cancelled_event(cast):
    event = EventFactory(municipality=cast.municipality)
    EventRegistrationFactory(event=event, participant=cast.teacher)
    services.event_cancel(actor=cast.methodist, event=event, reason="Карантин в школах.")
    event.refresh_from_db()
    assert event.is_cancelled and event.cancel_reason == "Карантин в школах."
    assert event.registrations.count() == 1
    entry = AuditEntry.objects.get(action="event.cancel")
    assert entry.changes == {"reason": "Карантин в школах.", "registered": 1}


def test_it_cancels_only_once_and_with_a_reason(cast):
    event = EventFactory(municipality=cast.municipality)
    with pytest.raises(DomainError, match="причину"):
        services.event_cancel(actor=cast.methodist, event=event, reason=" ")
    services.event_cancel(actor=cast.methodist, event=event, reason="Болезнь ведущего.")
    with pytest.raises(DomainError, match="нельзя перевести"):
        services.event_cancel(actor=cast.methodist, event=event, reason="Ещё раз.")
    with pytest.raises(DomainError, match="нельзя перевести"):
        services.event_publish(actor=cast.methodist, event=event)


def test_it_refuses_fewer_places_than_people_registered(cast):
    event = EventFactory(municipality=cast.municipality, capacity=5)
    EventRegistrationFactory.create_batch(3, event=event)
    with pytest.raises(DomainError, match="уже записались 3"):
        services.event_update(actor=cast.methodist, event=event, capacity=2)
    event.refresh_from_db()
    assert event.capacity == 5


def test_it_refuses_an_event_ending_before_it_starts_or_without_a_place(cast):
    starts = timezone.now() + datetime.timedelta(days=3)
    fields = {
        "actor": cast.methodist,
        "municipality": cast.municipality,
        "kind": Event.Kind.SEMINAR,
        "title": "Семинар",
        "audience": "учителя",
    }
    with pytest.raises(DomainError, match="позже его начала"):
        services.event_create(
            **fields, starts_at=starts, ends_at=starts - datetime.timedelta(hours=1), place="ИМЦ"
        )
    with pytest.raises(DomainError, match="место проведения или ссылку"):
        services.event_create(
            **fields, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1)
        )
    assert not Event.objects.exists()


def test_it_refuses_an_item_of_another_municipalitys_plan(cast):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(DomainError, match="другого муниципального"):
        services.event_create(
            actor=cast.methodist,
            municipality=cast.municipality,
            kind=Event.Kind.SEMINAR,
            title="Семинар",
            audience="учителя",
            place="ИМЦ",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            plan_item=PlanItemFactory(),
        )


# Pages: bad input -----------------------------------------------------------------------------


def test_it_says_in_russian_that_no_places_are_left_and_saves_nothing(client, cast):
    event = EventFactory(municipality=cast.municipality, capacity=1)
    EventRegistrationFactory(event=event)
    client.force_login(cast.teacher)
    page = client.get(f"/consultations/events/{event.pk}/").content.decode()
    assert "Мест больше нет." in page and ">Записаться</button>" not in page
    response = client.post(f"/consultations/events/{event.pk}/register/", follow=True)
    assert "Мест больше нет: все 1 уже заняты." in response.content.decode()
    assert not EventRegistration.objects.filter(participant=cast.teacher).exists()


def test_it_refuses_a_form_whose_end_is_before_its_start(client, cast):
    client.force_login(cast.methodist)
    response = client.post("/consultations/events/new/", form_data(starts="15:00", ends="14:00"))
    assert response.status_code == 200
    assert "Окончание должно быть позже начала." in response.content.decode()
    assert not Event.objects.exists()


def test_it_refuses_a_form_with_neither_place_nor_link(client, cast):
    client.force_login(cast.methodist)
    response = client.post("/consultations/events/new/", form_data(place=""))
    assert "Укажите место проведения или ссылку для подключения" in response.content.decode()
    assert not Event.objects.exists()


# Pages: the methodist's work ------------------------------------------------------------------


def test_it_creates_a_draft_then_publishes_it(client, cast):
    client.force_login(cast.methodist)
    response = client.post("/consultations/events/new/", form_data(), follow=True)
    assert "Мероприятие сохранено как черновик." in response.content.decode()
    event = Event.objects.get()
    local = timezone.localtime(event.starts_at, cast.municipality.tzinfo)
    assert (local.hour, local.minute, event.capacity) == (14, 0, 12)
    response = client.post(f"/consultations/events/{event.pk}/publish/", follow=True)
    assert "Мероприятие опубликовано" in response.content.decode()
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


def test_it_prefills_the_form_from_an_item_of_the_plan(client, cast):
    item = PlanItemFactory(
        plan__municipality=cast.municipality, content="Обмен опытом и методика подготовки к ОГЭ"
    )
    client.force_login(cast.methodist)
    page = client.get(f"/consultations/events/new/?plan_item={item.pk}").content.decode()
    assert 'value="Обмен опытом и методика подготовки к ОГЭ"' in page
    assert f'<option value="{item.pk}" selected>' in page
    response = client.post("/consultations/events/new/", form_data(plan_item=item.pk), follow=True)
    assert response.status_code == 200
    assert Event.objects.get().plan_item == item


def test_it_offers_an_event_on_the_plan_page_to_the_methodist_only(client, cast):
    item = PlanItemFactory(plan__municipality=cast.municipality)
    url = f"/community/plans/{item.plan.pk}/"
    link = f"/consultations/events/new/?plan_item={item.pk}"
    client.force_login(cast.methodist)
    assert link in client.get(url).content.decode()
    client.force_login(cast.teacher)
    assert link not in client.get(url).content.decode()


def test_it_asks_before_cancelling_and_names_the_registered(client, cast):
    event = EventFactory(municipality=cast.municipality)
    EventRegistrationFactory.create_batch(2, event=event)
    client.force_login(cast.methodist)
    page = client.get(f"/consultations/events/{event.pk}/cancel/").content.decode()
    assert f"Отменить мероприятие «{event.title}»?" in page
    assert "Записались: 2 чел." in page
    assert Event.objects.get().status == Event.Status.PUBLISHED
    response = client.post(
        f"/consultations/events/{event.pk}/cancel/", {"reason": "Болезнь ведущего."}, follow=True
    )
    assert "Мероприятие отменено." in response.content.decode()


def test_it_shows_a_registered_teacher_that_the_event_is_cancelled(client, cast):
    event = EventFactory(municipality=cast.municipality)
    EventRegistrationFactory(event=event, participant=cast.teacher)
    services.event_cancel(actor=cast.methodist, event=event, reason="Карантин в школах.")
    client.force_login(cast.teacher)
    page = client.get(f"/consultations/events/{event.pk}/").content.decode()
    assert "Мероприятие отменено: Карантин в школах." in page
    assert event.title in client.get("/consultations/events/").content.decode()


def test_it_shows_the_methodist_and_the_organizer_who_registered(client, cast):
    event = EventFactory(municipality=cast.municipality, organizer=cast.tutor, capacity=10)
    EventRegistrationFactory(event=event, participant=cast.teacher)
    for viewer in (cast.methodist, cast.tutor):
        client.force_login(viewer)
        page = client.get(f"/consultations/events/{event.pk}/").content.decode()
        assert cast.teacher.full_name in page and "1 из 10" in page
    client.force_login(teacher_of(cast.municipality))
    assert (
        cast.teacher.full_name
        not in client.get(f"/consultations/events/{event.pk}/").content.decode()
    )


def test_it_registers_from_the_event_page(client, cast):
    event = EventFactory(municipality=cast.municipality)
    client.force_login(cast.teacher)
    response = client.post(f"/consultations/events/{event.pk}/register/", follow=True)
    assert "Вы записаны." in response.content.decode()
    assert "вы записаны" in response.content.decode()
    response = client.post(f"/consultations/events/{event.pk}/unregister/", follow=True)
    assert "Запись отменена" in response.content.decode()
    assert not EventRegistration.objects.exists()


# Access ---------------------------------------------------------------------------------------

ROLES = ["methodist", "director", "school", "teacher", "tutor", "regional"]


@pytest.mark.parametrize("who", ROLES)
def test_it_shows_drafts_to_the_municipalitys_methodists_only(client, cast, who):
    published = EventFactory(municipality=cast.municipality, title="Открытый урок химии")
    draft = EventFactory(
        municipality=cast.municipality, title="Семинар-черновик", status=Event.Status.DRAFT
    )
    client.force_login(getattr(cast, who))
    page = client.get("/consultations/events/").content.decode()
    assert published.title in page
    assert (draft.title in page) == (who == "methodist")
    expected = 200 if who == "methodist" else 404
    assert client.get(f"/consultations/events/{draft.pk}/").status_code == expected


@pytest.mark.parametrize("who", ROLES)
def test_it_hides_another_municipalitys_events_except_from_the_regional(client, cast, who):
    other = EventFactory()
    client.force_login(getattr(cast, who))
    expected = 200 if who == "regional" else 404
    assert client.get(f"/consultations/events/{other.pk}/").status_code == expected


@pytest.mark.parametrize("who", ROLES)
def test_it_opens_the_forms_to_the_methodist_only(client, cast, who):
    event = EventFactory(municipality=cast.municipality)
    client.force_login(getattr(cast, who))
    expected = 200 if who == "methodist" else 403
    assert client.get("/consultations/events/new/").status_code == expected
    assert client.get(f"/consultations/events/{event.pk}/edit/").status_code == expected
    assert client.get(f"/consultations/events/{event.pk}/cancel/").status_code == expected


def test_it_refuses_the_methodist_of_another_municipality(client, cast):
    event = EventFactory()
    client.force_login(cast.methodist)
    assert client.get(f"/consultations/events/{event.pk}/edit/").status_code == 404
    assert client.post(f"/consultations/events/{event.pk}/publish/").status_code == 404


# Calendar page, feed, home --------------------------------------------------------------------


def local_noon(days: int, zone) -> datetime.datetime:
    day = timezone.localdate(timezone=zone) + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)


def test_it_puts_the_event_on_its_day_of_the_month(client, cast):
    zone = cast.municipality.tzinfo
    starts = local_noon(2, zone)
    event = EventFactory(
        municipality=cast.municipality,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    client.force_login(cast.teacher)
    response = client.get(f"/consultations/events/calendar/?month={starts:%Y-%m}")
    days = [day for week in response.context["weeks"] for day in week if day.events]
    assert [(d.date, [e.pk for e in d.events]) for d in days] == [(starts.date(), [event.pk])]
    page = response.content.decode()
    assert "12:00 " + event.title in page
    assert all(len(week) == 7 for week in response.context["weeks"])
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_it_shows_the_current_month_for_a_bad_month(client, cast):
    client.force_login(cast.teacher)
    response = client.get("/consultations/events/calendar/?month=13-2026")
    assert response.status_code == 200
    assert response.context["month"] == f"{timezone.localdate():%Y-%m}"


def feed_of(client, user):
    client.force_login(user)
    client.get("/consultations/calendar/")
    token = CalendarFeed.objects.get(user=user).token
    client.logout()
    return f"/consultations/calendar/{token}.ics"


def feed_entries(client, url) -> dict[str, dict]:
    calendar = Calendar.from_ical(client.get(url).content)
    return {str(entry["uid"]): entry for entry in calendar.walk("VEVENT")}


def test_it_puts_the_registered_and_the_organized_events_in_the_feed(client, cast):
    registered = EventFactory(municipality=cast.municipality, title="ОГЭ: задачи второй части")
    EventRegistrationFactory(event=registered, participant=cast.teacher)
    cancelled = EventFactory(municipality=cast.municipality)
    EventRegistrationFactory(event=cancelled, participant=cast.teacher)
    services.event_cancel(actor=cast.methodist, event=cancelled, reason="Карантин.")
    other = EventFactory(municipality=cast.municipality)
    entries = feed_entries(client, feed_of(client, cast.teacher))
    entry = entries[f"event-{registered.pk}@tutoring-portal"]
    assert str(entry["summary"]) == "Семинар: ОГЭ: задачи второй части"
    assert str(entry["status"]) == "CONFIRMED"
    assert entry.decoded("dtstart") == registered.starts_at
    assert str(entries[f"event-{cancelled.pk}@tutoring-portal"]["status"]) == "CANCELLED"
    assert f"event-{other.pk}@tutoring-portal" not in entries
    organizer = EventFactory(municipality=cast.municipality, organizer=cast.tutor)
    assert f"event-{organizer.pk}@tutoring-portal" in feed_entries(
        client, feed_of(client, cast.tutor)
    )


def test_it_reads_the_feed_in_a_constant_number_of_queries(client, cast, django_assert_num_queries):
    url = feed_of(client, cast.teacher)
    EventRegistrationFactory(event__municipality=cast.municipality, participant=cast.teacher)
    # The feed, the user's roles, the sessions, the events.
    with django_assert_num_queries(4):
        client.get(url)
    for _ in range(15):
        event = EventFactory(municipality=cast.municipality, organizer=cast.tutor)
        EventRegistrationFactory(event=event, participant=cast.teacher)
    with django_assert_num_queries(4):
        assert client.get(url).content.count(b"BEGIN:VEVENT") == 16


def test_it_lists_the_coming_events_on_the_home_page(client, cast):
    event = EventFactory(municipality=cast.municipality, title="Итоговое сочинение")
    EventRegistrationFactory(event=event, participant=cast.teacher)
    EventFactory(municipality=cast.municipality, title="Черновик", status=Event.Status.DRAFT)
    client.force_login(cast.teacher)
    page = client.get("/").content.decode()
    assert "Ближайшие мероприятия" in page and "Итоговое сочинение" in page
    assert "вы записаны" in page and "Черновик" not in page
    client.force_login(cast.director)
    assert "Итоговое сочинение" in client.get("/").content.decode()


def test_it_adds_the_events_to_the_consultations_hub(client, cast):
    EventFactory(municipality=cast.municipality, status=Event.Status.DRAFT)
    client.force_login(cast.methodist)
    page = client.get("/consultations/").content.decode()
    assert "/consultations/events/" in page and "черновиков: 1" in page


# Query counts ---------------------------------------------------------------------------------


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_events(municipality, count):
    zone = municipality.tzinfo
    subject = SubjectFactory()
    for n in range(count):
        starts = local_noon(n % 20 + 1, zone)
        event = EventFactory(
            municipality=municipality,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )
        event.subjects.set([subject])
        EventRegistrationFactory.create_batch(2, event=event)


PAGES = [
    "/consultations/events/",
    "/consultations/events/?period=all&kind=seminar",
    "/consultations/events/calendar/",
    "/consultations/events/calendar/?month={next_month}",
]


@pytest.mark.parametrize("who", ["methodist", "teacher", "regional"])
def test_the_list_and_the_calendar_keep_their_query_counts(client, cast, who):
    next_month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=32)).strftime(
        "%Y-%m"
    )
    pages = [page.format(next_month=next_month) for page in PAGES]
    client.force_login(getattr(cast, who))
    add_events(cast.municipality, 3)
    few = {url: queries(client, url) for url in pages}
    add_events(cast.municipality, 60)
    many = {url: queries(client, url) for url in pages}
    assert many == few


def test_the_pinned_counts_of_the_list_and_the_calendar(client, cast, django_assert_num_queries):
    add_events(cast.municipality, 40)
    client.force_login(cast.teacher)
    # The session, the user, their roles, the count, the page, its subjects, the filter's
    # subjects.
    with django_assert_num_queries(7):
        client.get("/consultations/events/")
    # The session, the user, their roles, the month's events.
    with django_assert_num_queries(4):
        client.get("/consultations/events/calendar/")


# Demo -----------------------------------------------------------------------------------------


def test_the_demo_has_a_term_of_events(demo):
    events = Event.objects.filter(municipality__name=LABINSK)
    assert events.count() == 9
    assert set(events.values_list("kind", flat=True)) == {
        Event.Kind.MASTER_CLASS,
        Event.Kind.OPEN_LESSON,
        Event.Kind.SEMINAR,
        Event.Kind.GROUP_TUTORIAL,
    }
    assert events.filter(plan_item__isnull=False).count() == 4
    teacher = User.objects.get(username="teacher")
    mine = events.filter(registrations__participant=teacher)
    assert mine.count() == 2 and all(e.starts_at > timezone.now() for e in mine)


def test_the_demo_has_a_full_and_a_cancelled_event(demo):
    events = selectors.events_with_places(Event.objects.all(), None)
    full = [e for e in events if e.capacity and e.registered_count >= e.capacity]
    assert len(full) == 1 and full[0].starts_at > timezone.now()
    cancelled = events.get(status=Event.Status.CANCELLED)
    assert cancelled.registered_count == 1 and cancelled.cancel_reason


def test_the_demo_loads_its_events_once(demo):
    from tutoring.demo import load_demo

    before = Event.objects.count(), EventRegistration.objects.count()
    load_demo()
    assert (Event.objects.count(), EventRegistration.objects.count()) == before


def test_it_filters_the_list_by_subject_month_and_period(client, cast):
    zone = cast.municipality.tzinfo
    biology = SubjectFactory(name="Биология")
    soon = EventFactory(
        municipality=cast.municipality,
        title="Биология в ВПР",
        starts_at=local_noon(1, zone),
        ends_at=local_noon(1, zone) + datetime.timedelta(hours=1),
    )
    soon.subjects.set([biology])
    past = EventFactory(
        municipality=cast.municipality,
        title="Прошедший семинар",
        starts_at=local_noon(-40, zone),
        ends_at=local_noon(-40, zone) + datetime.timedelta(hours=1),
    )
    EventFactory(municipality=cast.municipality, title="Семинар по математике")
    client.force_login(cast.teacher)

    def titles(query):
        response = client.get(f"/consultations/events/?{query}")
        return {event.title for event in response.context["page"].object_list}

    assert titles(f"subject={biology.pk}") == {soon.title}
    assert titles("period=past") == {past.title}
    assert titles(f"month={past.starts_at.astimezone(zone):%Y-%m}") >= {past.title}
    assert past.title not in titles("")
