"""Consultation points and their rooms. Each function is one transaction with one audit entry."""

from django.db import transaction
from django.db.models import F, Q

from tutoring.errors import DomainError
from tutoring.models import Municipality, Organization, User
from tutoring.services import audit_record

from ..models import ConsultationPoint, Format, Room, Session

POINT_FIELDS = ("organization", "name", "address", "remote_link", "working_hours", "is_active")
ROOM_FIELDS = ("name", "capacity", "remote_link", "is_active")
# What a session's calendar entry shows of its point (LOCATION, ORGANIZER) and of its room;
# the point's link only the remote sessions that join by it show.
POINT_CALENDAR_FIELDS = {"organization", "name", "address"}


def _calendar_changed(sessions) -> None:
    """The planned sessions show the new place in calendars: their SEQUENCE is raised, in the
    database, within the change's transaction."""
    sessions.filter(status=Session.Status.PLANNED).update(sequence=F("sequence") + 1)


def _joining_by(sessions):
    """The remote sessions that join by their room's or point's link, having none of their
    own: those whose meeting link a change of that link changes."""
    return sessions.filter(format=Format.REMOTE, link="")


def _locked(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _changes(obj, fields: dict) -> dict:
    """The fields that change, as {name: [old, new]} for the journal; applies them to obj."""
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return changes


def _check_host(organization: Organization, municipality: Municipality) -> None:
    if organization.municipality_id != municipality.pk:
        raise DomainError(
            "Пункт работает на базе организации своего муниципального образования "
            "(управления образования, методического центра или школы).",
            field="organization",
        )


@transaction.atomic
def point_create(
    *,
    actor: User,
    organization: Organization,
    name: str,
    address: str,
    working_hours: str,
    remote_link: str = "",
    is_active: bool = True,
) -> ConsultationPoint:
    """The point belongs to the municipality of its host organization (seed 002, 6.2)."""
    point = ConsultationPoint.objects.create(
        municipality=organization.municipality,
        organization=organization,
        name=name,
        address=address,
        working_hours=working_hours,
        remote_link=remote_link,
        is_active=is_active,
    )
    audit_record(actor=actor, action="point.create", obj=point)
    return point


@transaction.atomic
def point_update(*, actor: User, point: ConsultationPoint, **fields) -> ConsultationPoint:
    point = _locked(point)
    if "organization" in fields:
        _check_host(fields["organization"], point.municipality)
    changes = _changes(point, {name: fields[name] for name in POINT_FIELDS if name in fields})
    if changes:
        point.save(update_fields=list(changes))
    if POINT_CALENDAR_FIELDS & changes.keys():
        _calendar_changed(point.sessions)
    elif "remote_link" in changes:
        # A room's own link comes before the point's (Session.meeting_link).
        _calendar_changed(
            _joining_by(point.sessions).filter(Q(room__isnull=True) | Q(room__remote_link=""))
        )
    audit_record(actor=actor, action="point.update", obj=point, changes=changes)
    return point


def _check_room_name(point: ConsultationPoint, name: str, room: Room | None = None) -> None:
    others = point.rooms.filter(name__iexact=name.strip())
    if room is not None:
        others = others.exclude(pk=room.pk)
    if others.exists():
        raise DomainError(f"В пункте уже есть помещение «{name.strip()}».", field="name")


@transaction.atomic
def room_create(
    *,
    actor: User,
    point: ConsultationPoint,
    name: str,
    capacity: int,
    remote_link: str = "",
    is_active: bool = True,
) -> Room:
    # The point's row is locked so that two rooms of one name added at once do not both pass
    # the check (the unique constraint would refuse the second with a less useful error).
    point = _locked(point)
    _check_room_name(point, name)
    room = Room.objects.create(
        point=point,
        name=name.strip(),
        capacity=capacity,
        remote_link=remote_link,
        is_active=is_active,
    )
    audit_record(actor=actor, action="room.create", obj=room, municipality=point.municipality)
    return room


@transaction.atomic
def room_update(*, actor: User, room: Room, **fields) -> Room:
    room = Room.objects.select_for_update().select_related("point__municipality").get(pk=room.pk)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        _check_room_name(room.point, fields["name"], room)
    changes = _changes(room, {name: fields[name] for name in ROOM_FIELDS if name in fields})
    if changes:
        room.save(update_fields=list(changes))
    if "name" in changes:
        _calendar_changed(room.sessions)
    elif "remote_link" in changes:
        _calendar_changed(_joining_by(room.sessions))
    audit_record(
        actor=actor,
        action="room.update",
        obj=room,
        changes=changes,
        municipality=room.point.municipality,
    )
    return room


@transaction.atomic
def room_delete(*, actor: User, room: Room) -> None:
    """Only a room that has never had a session goes: the schedule and the reports of past
    sessions keep naming their room. A used room is marked as no longer used instead."""
    room = Room.objects.select_for_update().select_related("point__municipality").get(pk=room.pk)
    if room.sessions.exists():
        raise DomainError(
            f"В помещении «{room.name}» уже проводились или назначены занятия, поэтому его "
            "нельзя удалить. Снимите отметку «используется» — оно перестанет предлагаться "
            "для новых занятий."
        )
    audit_record(
        actor=actor,
        action="room.delete",
        obj=room,
        changes={"point": room.point_id},
        municipality=room.point.municipality,
    )
    room.delete()
