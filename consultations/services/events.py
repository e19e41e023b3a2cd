"""Events of the community (master classes, open lessons, seminars, group tutorials) and the
registrations of teachers and tutors for them. Each function is one transaction with one audit
entry."""

import datetime

from django.db import transaction
from django.utils import timezone

from community.models import PlanItem
from tutoring.access import access_for
from tutoring.errors import DomainError
from tutoring.models import Municipality, RoleKind, User
from tutoring.services import audit_record
from tutoring.workflow import Move, Notice, Workflow, holds_in_municipality, send_notices

from ..models import Event, EventRegistration

Status = Event.Status

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "audience",
    "capacity",
    "organizer",
    "plan_item",
)
# The fields a calendar shows (calendar.py): changing one raises the event's SEQUENCE.
CALENDAR_FIELDS = {
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "link",
    "audience",
    "organizer",
}
# The changes the people registered are told of: what, when, where, for whom.
NOTICED_FIELDS = CALENDAR_FIELDS | {"description"}
# Who may take a place at an event of their municipality.
PARTICIPANT_ROLES = (RoleKind.TEACHER, RoleKind.TUTOR)


def audience(event: Event):
    """Whom a published event is for: the teachers and tutors of its municipality."""
    return User.objects.filter(
        is_active=True,
        roles__kind__in=PARTICIPANT_ROLES,
        roles__municipality_id=event.municipality_id,
    ).distinct()


def registered_people(event: Event):
    return User.objects.filter(event_registrations__event=event)


def _starts(event: Event) -> str:
    return f"{timezone.localtime(event.starts_at, event.municipality.tzinfo):%d.%m.%Y %H:%M}"


def _named(event: Event) -> str:
    return f"Мероприятие «{event.title}»"


def _refusal(target: str) -> str:
    return f"Мероприятие нельзя перевести в статус «{Status(target).label}»."


METHODIST_MANAGES = "Мероприятия публикует и отменяет методист муниципалитета."

# An event is drafted, published for the municipality and possibly cancelled; a cancelled
# event stays visible, so that those who registered see that it will not take place.
EVENT = Workflow(
    "consultations.event",
    model=Event,
    noun="Мероприятие",
    error=DomainError,
    moves=[
        Move(
            "publish",
            sources={Status.DRAFT},
            target=Status.PUBLISHED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_MANAGES,
            refusal=_refusal(Status.PUBLISHED),
            action="event.publish",
            notices=lambda event, actor: [
                Notice(
                    audience(event),
                    "consultations.event.published",
                    f"Новое мероприятие: {event}, {_starts(event)}; для кого — {event.audience}. "
                    "Записаться можно на его странице.",
                    event.get_absolute_url(),
                )
            ],
        ),
        Move(
            "cancel",
            sources={Status.DRAFT, Status.PUBLISHED},
            target=Status.CANCELLED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_MANAGES,
            refusal=_refusal(Status.CANCELLED),
            action="event.cancel",
            notices=lambda event, actor: [
                Notice(
                    registered_people(event),
                    "consultations.event.cancelled",
                    f"{_named(event)} {_starts(event)} отменено: {event.cancel_reason}",
                    event.get_absolute_url(),
                )
            ],
        ),
    ],
)


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().select_related("municipality").get(pk=event.pk)


def _check(municipality: Municipality, fields: dict) -> None:
    """The rules the database also enforces, checked first for a message a methodist reads."""
    if fields["ends_at"] <= fields["starts_at"]:
        raise DomainError("Окончание мероприятия должно быть позже его начала.")
    if not fields["place"].strip() and not fields["link"].strip():
        raise DomainError(
            "Укажите место проведения или ссылку для подключения (можно и то и другое)."
        )
    capacity = fields.get("capacity")
    if capacity is not None and capacity < 1:
        raise DomainError(
            "Число мест — не меньше одного; оставьте поле пустым, если мест сколько угодно."
        )
    plan_item = fields.get("plan_item")
    if plan_item is not None and plan_item.plan.municipality_id != municipality.pk:
        raise DomainError("Мероприятие плана — из плана другого муниципального образования.")


@transaction.atomic
def event_create(
    *,
    actor: User,
    municipality: Municipality,
    kind: str,
    title: str,
    starts_at,
    ends_at,
    audience: str,
    description: str = "",
    place: str = "",
    link: str = "",
    capacity: int | None = None,
    organizer: User | None = None,
    plan_item: PlanItem | None = None,
    subjects=(),
) -> Event:
    """A draft: the municipality sees the event once the methodist publishes it."""
    fields = {
        "kind": kind,
        "title": title.strip(),
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place.strip(),
        "link": link.strip(),
        "audience": audience,
        "capacity": capacity,
        "organizer": organizer,
        "plan_item": plan_item,
    }
    _check(municipality, fields)
    event = Event.objects.create(municipality=municipality, created_by=actor, **fields)
    event.subjects.set(subjects)
    audit_record(
        actor=actor,
        action="event.create",
        obj=event,
        changes={"kind": event.get_kind_display(), "plan_item": getattr(plan_item, "pk", None)},
    )
    return event


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{timezone.localtime(value):%d.%m.%Y %H:%M}"
    return str(value)


@transaction.atomic
def event_update(*, actor: User, event: Event, subjects=None, **fields) -> Event:
    event = _locked(event)
    if event.is_cancelled:
        raise DomainError("Отменённое мероприятие не меняется.")
    new = {name: fields.get(name, getattr(event, name)) for name in EVENT_FIELDS}
    new["place"], new["link"] = new["place"].strip(), new["link"].strip()
    _check(event.municipality, new)
    registered = event.registrations.count()
    if new["capacity"] is not None and new["capacity"] < registered:
        raise DomainError(
            f"На мероприятие уже записались {registered} чел.: мест не может быть меньше."
        )
    changes = {}
    for name, value in new.items():
        old = getattr(event, name)
        if old != value:
            changes[name] = [_shown(old), _shown(value)]
            setattr(event, name, value)
    if CALENDAR_FIELDS & changes.keys():
        # The row is locked: the version is raised from its committed value.
        event.sequence += 1
        event.save(update_fields=[*changes, "sequence"])
    elif changes:
        event.save(update_fields=list(changes))
    if subjects is not None:
        event.subjects.set(subjects)
    audit_record(actor=actor, action="event.update", obj=event, changes=changes)
    if event.status == Status.PUBLISHED and NOTICED_FIELDS & changes.keys():
        send_notices(
            [
                Notice(
                    registered_people(event),
                    "consultations.event.changed",
                    f"{_named(event)} изменено ({_changed_words(changes)}): теперь {_starts(event)}"
                    + (f", {event.place}" if event.place else "")
                    + ".",
                    event.get_absolute_url(),
                )
            ],
            actor=actor,
            obj=event,
        )
    return event


def _changed_words(changes: dict) -> str:
    from ..apps import EVENT_CHANGE_LABELS

    return ", ".join(
        EVENT_CHANGE_LABELS.get(name, name) for name in changes if name in NOTICED_FIELDS
    )


@transaction.atomic
def event_publish(*, actor: User, event: Event) -> Event:
    event = EVENT.start(actor, event, "publish")
    return EVENT.finish(actor, event, "publish")


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    """The registrations stay: the people who registered keep seeing the event, marked
    cancelled, on its page and in their calendars."""
    if not reason.strip():
        raise DomainError("Укажите причину отмены: записавшиеся увидят её.")
    event = EVENT.start(actor, event, "cancel")
    event.cancel_reason = reason.strip()
    event.sequence += 1
    return EVENT.finish(
        actor,
        event,
        "cancel",
        fields=["cancel_reason", "sequence"],
        changes={"reason": event.cancel_reason, "registered": event.registrations.count()},
    )


def may_register(user: User, event: Event) -> bool:
    """Teachers and tutors of the event's municipality take places at its events."""
    access = access_for(user)
    return any(access.holds(kind, municipality=event.municipality_id) for kind in PARTICIPANT_ROLES)


@transaction.atomic
def registration_create(*, actor: User, event: Event) -> EventRegistration:
    # The event's row is locked before the places are counted: two teachers taking the last
    # place at the same moment are served one after the other, and the second is refused.
    event = _locked(event)
    if not may_register(actor, event):
        raise DomainError(
            "Записаться могут учителя и тьюторы муниципального образования, которое проводит "
            "мероприятие."
        )
    if event.status != Status.PUBLISHED:
        raise DomainError(
            f"На мероприятие в статусе «{event.get_status_display()}» записаться нельзя."
        )
    if event.starts_at <= timezone.now():
        raise DomainError("Мероприятие уже началось или прошло: запись закрыта.")
    if event.registrations.filter(participant=actor).exists():
        raise DomainError("Вы уже записаны на это мероприятие.")
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise DomainError(
            f"Мест больше нет: все {event.capacity} уже заняты. Следите за новыми "
            "мероприятиями сообщества или спросите организатора о дополнительной группе."
        )
    registration = EventRegistration.objects.create(event=event, participant=actor)
    audit_record(
        actor=actor,
        action="event.register",
        obj=event,
        changes={"participant": actor.full_name or actor.username},
    )
    return registration


@transaction.atomic
def registration_cancel(*, actor: User, event: Event) -> None:
    event = _locked(event)
    registration = event.registrations.filter(participant=actor).first()
    if registration is None:
        raise DomainError("Вы не записаны на это мероприятие.")
    if event.starts_at <= timezone.now():
        raise DomainError("Мероприятие уже началось или прошло: запись не отменить.")
    registration.delete()
    audit_record(
        actor=actor,
        action="event.unregister",
        obj=event,
        changes={"participant": actor.full_name or actor.username},
    )
