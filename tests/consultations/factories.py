"""Factories for every consultations model, shared by all the consultations tests.

People are made with the role they play here: an availability slot's or a session's tutor
holds the `tutor` role in the record's municipality, a request is filed by a school user of
its school, and every record's point, room and school belong to the same municipality.
"""

import datetime

import factory
from django.utils import timezone

from consultations.models import (
    AvailabilityException,
    AvailabilitySlot,
    ConsultationPoint,
    ConsultationRequest,
    Event,
    EventRegistration,
    Format,
    RequestKind,
    RequestWindow,
    Room,
    Session,
    Weekday,
)
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import Organization, RoleKind


def _tutor_of(record):
    return user_with_role(RoleKind.TUTOR, municipality=record.municipality)


def _next_week_at_ten():
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=7)
    return start.replace(hour=10)


class ConsultationPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationPoint

    municipality = factory.SubFactory(MunicipalityFactory)
    organization = factory.SubFactory(
        OrganizationFactory,
        municipality=factory.SelfAttribute("..municipality"),
        kind=Organization.Kind.METHODICAL_CENTRE,
        short_name=factory.Sequence(lambda n: f"МКУ ИМЦ № {n}"),
    )
    name = factory.Sequence(lambda n: f"Консультационный пункт № {n}")
    address = "ул. Красная, 1"
    remote_link = ""
    working_hours = "пн–пт 14:00–18:00"
    is_active = True


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    point = factory.SubFactory(ConsultationPointFactory)
    name = factory.Sequence(lambda n: f"Кабинет {100 + n}")
    capacity = 20
    is_active = True


class AvailabilitySlotFactory(factory.django.DjangoModelFactory):
    """Monday 14:00–17:00 unless told otherwise."""

    class Meta:
        model = AvailabilitySlot

    municipality = factory.SubFactory(MunicipalityFactory)
    tutor = factory.LazyAttribute(_tutor_of)
    weekday = Weekday.MONDAY
    starts_at = datetime.time(14, 0)
    ends_at = datetime.time(17, 0)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    municipality = factory.SubFactory(MunicipalityFactory)
    tutor = factory.LazyAttribute(_tutor_of)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda e: e.starts_on + datetime.timedelta(days=2))
    reason = "Курсы повышения квалификации"


class RequestWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestWindow

    request = factory.SubFactory("tests.consultations.factories.ConsultationRequestFactory")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    ends_on = factory.LazyAttribute(lambda w: w.starts_on + datetime.timedelta(days=14))


class ConsultationRequestFactory(factory.django.DjangoModelFactory):
    """A school's request with one window (next week, for two weeks).

    `windows=[(starts_on, ends_on), ...]` makes those windows instead; `windows=[]` none.
    """

    class Meta:
        model = ConsultationRequest
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    organization = factory.SubFactory(
        OrganizationFactory, municipality=factory.SelfAttribute("..municipality")
    )
    requested_by = factory.LazyAttribute(
        lambda r: user_with_role(RoleKind.SCHOOL, organization=r.organization)
    )
    teacher = None
    kind = RequestKind.INDIVIDUAL
    subject = factory.SubFactory(SubjectFactory)
    topic = factory.Sequence(lambda n: f"Формирование функциональной грамотности, тема {n}")
    difficulty = "Не получается выстроить задания на применение знаний в жизненных ситуациях."
    participants = "учителя математики 5–9 классов"
    participants_count = 1
    format = Format.IN_PERSON
    priority = False

    @factory.post_generation
    def windows(request, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None:
            RequestWindowFactory(request=request)
            return
        for starts_on, ends_on in extracted:
            RequestWindowFactory(request=request, starts_on=starts_on, ends_on=ends_on)


class SessionFactory(factory.django.DjangoModelFactory):
    """A planned in-person session next week, 10:00–11:30 UTC, in a room of its point.

    Pass `room=None, format=Format.REMOTE` for a remote one.
    """

    class Meta:
        model = Session

    municipality = factory.SubFactory(MunicipalityFactory)
    request = None
    point = factory.SubFactory(
        ConsultationPointFactory, municipality=factory.SelfAttribute("..municipality")
    )
    room = factory.SubFactory(RoomFactory, point=factory.SelfAttribute("..point"))
    tutor = factory.LazyAttribute(_tutor_of)
    kind = RequestKind.INDIVIDUAL
    format = Format.IN_PERSON
    starts_at = factory.LazyFunction(_next_week_at_ten)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(minutes=90))
    status = Session.Status.PLANNED
    created_by = None
    # Whom a booked session supports comes from its request, as session_book copies it.
    organization = factory.LazyAttribute(lambda s: s.request.organization if s.request else None)
    subject = factory.LazyAttribute(lambda s: s.request.subject if s.request else None)
    topic = factory.LazyAttribute(lambda s: s.request.topic if s.request else "")


class OwnSessionFactory(SessionFactory):
    """A tutor's own planned session next week at a school of the municipality, in person at
    a place there: no point, no room, no request. Pass `teachers=[...]` for its participants."""

    origin = Session.Origin.OWN
    point = None
    room = None
    kind = RequestKind.SUPERVISION
    organization = factory.SubFactory(
        "tests.tutoring.factories.OrganizationFactory",
        municipality=factory.SelfAttribute("..municipality"),
    )
    place = factory.LazyAttribute(lambda s: f"{s.organization.short_name}, кабинет 12")
    topic = "Приёмы формирующего оценивания"
    created_by = factory.SelfAttribute("tutor")

    @factory.post_generation
    def teachers(self, create, extracted, **kwargs):
        if create and extracted:
            self.teachers.set(extracted)


class EventFactory(factory.django.DjangoModelFactory):
    """A published seminar next week, 10:00–11:30 UTC, at a place, with 20 places."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Event.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Семинар о функциональной грамотности № {n}")
    starts_at = factory.LazyFunction(_next_week_at_ten)
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(minutes=90))
    place = "МКУ ИМЦ, актовый зал"
    audience = "учителя математики 5–9 классов"
    capacity = 20
    status = Event.Status.PUBLISHED


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventRegistration

    event = factory.SubFactory(EventFactory)
    participant = factory.LazyAttribute(
        lambda r: user_with_role(RoleKind.TEACHER, municipality=r.event.municipality)
    )
