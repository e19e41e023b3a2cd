"""A tutor's own work: the lesson visits, supervisions, tutorials and consultations a tutor holds
without a request (seed 002, plan item 1 and 5.3–5.7), one session or a series of them.

A planned one takes the tutor's time under the same exclusion constraint as a booked session;
a held one is written down with its report at once and counts wherever a held session counts.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tutoring.errors import DomainError
from tutoring.models import Organization, Role, RoleKind, User
from tutoring.services import audit_record, audit_records
from tutoring.uploads import written_files
from tutoring.words import plural
from tutoring.workflow import Notice, send_notices

from .. import series as series_dates
from ..models import (
    Format,
    LessonObservation,
    RequestKind,
    Room,
    Session,
    SessionReport,
    SessionSeries,
)
from .booking import (
    SESSION,
    cancel_following,
    lock_tutor_and_room,
    move_targets,
    saved_session,
)
from .reports import attach_materials

# The forms of a tutor's own work (seed 002, 5.7; seed 001, 1.1–1.5).
OWN_KINDS = [
    RequestKind.LESSON_VISIT,
    RequestKind.SUPERVISION,
    RequestKind.TUTORIAL,
    RequestKind.INDIVIDUAL,
    RequestKind.GROUP_TEACHERS,
    RequestKind.GROUP_BOTH,
    RequestKind.MASTER_CLASS,
    RequestKind.OPEN_LESSON,
    RequestKind.DEMONSTRATION_LESSON,
]
OBSERVATION_FIELDS = (
    "grade",
    "lesson_topic",
    "observed",
    "strengths",
    "difficulties",
    "recommendations",
)


@dataclass
class OwnSession:
    """What the tutor typed: a session's time, place, people and, if held, its outcome."""

    kind: str
    starts_at: datetime.datetime  # naive: the municipality's wall-clock time
    duration: int  # minutes
    format: str
    organization: Organization | None = None
    room: Room | None = None
    place: str = ""
    link: str = ""
    teachers: list = field(default_factory=list)
    subject: object = None
    topic: str = ""
    held: bool = False
    pupils_count: int = 0
    summary: str = ""
    recommendations: str = ""
    next_step: str = ""
    materials: object = None
    observation: dict | None = None
    tutor_plan_item: object = None
    plan_item: object = None
    route_step: object = None


def tutor_municipalities(tutor: User) -> set[int]:
    return set(
        Role.objects.filter(user=tutor, kind=RoleKind.TUTOR).values_list("municipality", flat=True)
    )


def _check(tutor: User, municipality, data: OwnSession, starts_at, ends_at) -> None:
    """Every rule of a tutor's own session, in the order the tutor would fix them."""
    if municipality.pk not in tutor_municipalities(tutor):
        raise DomainError(
            f"Вы не тьютор муниципалитета «{municipality}»: записывать занятия можно только "
            "в своём муниципалитете."
        )
    if data.kind not in OWN_KINDS:
        raise DomainError("Выберите форму работы из списка.")
    if data.organization is not None and data.organization.municipality_id != municipality.pk:
        raise DomainError(
            f"Школа «{data.organization}» относится к другому муниципальному образованию: "
            f"выберите школу муниципалитета «{municipality}»."
        )
    # One query, however many teachers take part.
    insiders = set(
        Role.objects.filter(
            user__in=data.teachers, kind=RoleKind.TEACHER, municipality=municipality
        ).values_list("user", flat=True)
    )
    outsiders = [t.short_name for t in data.teachers if t.pk not in insiders]
    if outsiders:
        raise DomainError(
            f"Не учителя муниципалитета «{municipality}»: {', '.join(outsiders)}. "
            "Выберите учителей своего муниципалитета."
        )
    if tutor in data.teachers:
        raise DomainError("Тьютор не может быть участником собственного занятия как учитель.")
    if data.kind == RequestKind.LESSON_VISIT and data.observation and len(data.teachers) != 1:
        raise DomainError("Для посещения урока укажите одного учителя — того, чей урок.")
    now = timezone.now()
    if data.held and ends_at > now:
        raise DomainError(
            "Проведённое занятие не может быть в будущем: проверьте дату и время или "
            "запишите его как запланированное."
        )
    if not data.held and starts_at <= now:
        raise DomainError(
            "Запланировать можно только время впереди; прошедшее занятие запишите как проведённое."
        )
    if data.format == Format.REMOTE and not (data.link or (data.room and data.room.remote_link)):
        raise DomainError(
            "Для дистанционного занятия укажите ссылку для подключения: участники "
            "увидят её на странице занятия и в календаре."
        )
    if (
        data.format == Format.IN_PERSON
        and data.room is None
        and not data.place.strip()
        and data.organization is None
    ):
        raise DomainError("Для очного занятия укажите место: школу, кабинет или помещение пункта.")
    if data.room is not None and data.room.point.municipality_id != municipality.pk:
        raise DomainError(f"Помещение «{data.room.name}» в другом муниципалитете.")
    if data.held and not data.summary.strip():
        raise DomainError("Опишите, что сделано на занятии.")


def _session(tutor, municipality, data: OwnSession, starts_at, ends_at, series=None) -> Session:
    return Session(
        municipality=municipality,
        origin=Session.Origin.OWN,
        point=data.room.point if data.room else None,
        room=data.room if data.format == Format.IN_PERSON else None,
        tutor=tutor,
        kind=data.kind,
        format=data.format,
        organization=data.organization,
        subject=data.subject,
        topic=data.topic.strip()[:300],
        place=data.place.strip() if data.format == Format.IN_PERSON else "",
        link=data.link.strip() if data.format == Format.REMOTE else "",
        starts_at=starts_at,
        ends_at=ends_at,
        status=Session.Status.HELD if data.held else Session.Status.PLANNED,
        series=series,
        tutor_plan_item=data.tutor_plan_item,
        plan_item=data.plan_item,
        route_step=data.route_step,
        created_by=tutor,
    )


def _times(municipality, data: OwnSession):
    zone = municipality.tzinfo
    starts_at = data.starts_at
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=zone)
    if not 5 <= data.duration <= 600:
        raise DomainError("Продолжительность — от 5 до 600 минут.")
    return starts_at, starts_at + datetime.timedelta(minutes=data.duration)


def _teacher_notice(session: Session, text: str, kind: str) -> list[Notice]:
    return [
        Notice(
            recipients=list(session.teachers.all()),
            kind=kind,
            text=text,
            link=session.get_absolute_url(),
        )
    ]


def _when(session: Session) -> str:
    zone = session.municipality.tzinfo
    return (
        f"{session.starts_at.astimezone(zone):%d.%m.%Y %H:%M}–"
        f"{session.ends_at.astimezone(zone):%H:%M}"
    )


def own_session_record(*, actor: User, municipality, data: OwnSession) -> Session:
    """Record a session the tutor holds without a request: planned (it takes their time) or
    held (with its report, and the observation note of a lesson visit)."""
    with written_files() as written:
        return _record(actor=actor, municipality=municipality, data=data, written=written)


@transaction.atomic
def _record(*, actor, municipality, data: OwnSession, written) -> Session:
    starts_at, ends_at = _times(municipality, data)
    _check(actor, municipality, data, starts_at, ends_at)
    lock_tutor_and_room(actor, data.room)
    problems = series_dates.clashes(
        [series_dates.Occurrence(1, starts_at, ends_at)],
        tutor=actor,
        room=data.room,
        zone=municipality.tzinfo,
    )
    _refuse_clashes(problems, 1)
    session = saved_session(_session(actor, municipality, data, starts_at, ends_at))
    session.teachers.set(data.teachers)
    if data.observation is not None:
        LessonObservation.objects.create(
            session=session,
            teacher=data.teachers[0],
            **{name: data.observation.get(name, "").strip() for name in OBSERVATION_FIELDS},
        )
    if data.held:
        _report(actor, session, data, written)
    audit_record(
        actor=actor,
        action="session.own_record",
        obj=session,
        changes={
            "work_form": session.get_kind_display(),
            "time": _when(session),
            "status": session.get_status_display(),
            "teachers": ", ".join(t.short_name for t in data.teachers),
        },
    )
    if not data.held:
        send_notices(
            _teacher_notice(
                session,
                f"{actor.short_name}: {session.get_kind_display()} {_when(session)}"
                + (f" — «{session.topic}»" if session.topic else ""),
                "consultations.session.own_planned",
            ),
            actor=actor,
            obj=session,
        )
    return session


def _refuse_clashes(problems: list[str], total: int, refused: str = "Серия не записана") -> None:
    """One session's clash in the words of a booking's; a series' clashes all at once."""
    if problems and total == 1:
        raise DomainError(
            "Тьютор в это время уже занят: выберите другое время. " + problems[0].split(": ", 1)[1]
        )
    series_dates.refuse_clashes(problems, total, refused=refused)


def _report(actor, session: Session, data: OwnSession, written) -> SessionReport:
    report = SessionReport(
        session=session,
        held=True,
        pupils_count=data.pupils_count,
        duration_minutes=data.duration,
        summary=data.summary.strip(),
        recommendations=data.recommendations.strip(),
        next_step=data.next_step.strip(),
        created_by=actor,
    )
    attach_materials(report, data.materials, written)
    report.save()
    report.teachers_present.set(data.teachers)
    return report


@transaction.atomic
def own_series_record(
    *,
    actor: User,
    municipality,
    data: OwnSession,
    interval: int,
    count: int | None = None,
    until: datetime.date | None = None,
) -> SessionSeries:
    """Plan a series of the tutor's own sessions, all or nothing: every clashing occurrence is
    named in one refusal, and nothing is saved until none clashes."""
    if data.held:
        raise DomainError(
            "Серию можно только запланировать: проведённые занятия записывайте по одному."
        )
    starts_at, ends_at = _times(municipality, data)
    _check(actor, municipality, data, starts_at, ends_at)
    zone = municipality.tzinfo
    dates = series_dates.occurrences(
        starts_at, ends_at, interval=interval, count=count, until=until, zone=zone
    )
    lock_tutor_and_room(actor, data.room)
    _refuse_clashes(series_dates.clashes(dates, tutor=actor, room=data.room, zone=zone), len(dates))
    series = SessionSeries.objects.create(
        municipality=municipality,
        tutor=actor,
        interval=interval,
        count=len(dates),
        until=until,
        created_by=actor,
    )
    sessions = [
        saved_session(_session(actor, municipality, data, o.starts_at, o.ends_at, series))
        for o in dates
    ]
    Through = Session.teachers.through
    Through.objects.bulk_create(
        [Through(session=s, user=t) for s in sessions for t in data.teachers]
    )
    first = sessions[0]
    audit_record(
        actor=actor,
        action="series.own_record",
        obj=first,
        changes={
            "work_form": first.get_kind_display(),
            "count": len(dates),
            "interval": series.get_interval_display(),
            "time": _when(first),
        },
    )
    send_notices(
        _teacher_notice(
            first,
            f"{actor.short_name}: {first.get_kind_display()}, серия из "
            f"{plural(len(dates), 'занятия', 'занятий', 'занятий')} "
            f"{series.get_interval_display()}, с {_when(first)}",
            "consultations.session.own_planned",
        ),
        actor=actor,
        obj=first,
    )
    return series


# What an edit of a planned own session may change, besides its time.
EDITABLE = [
    "kind",
    "format",
    "organization",
    "point",
    "room",
    "place",
    "link",
    "subject",
    "topic",
    "tutor_plan_item",
    "plan_item",
    "route_step",
]


def _locked_own(actor: User, session: Session, verb: str) -> Session:
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("municipality", "room")
        .get(pk=session.pk)
    )
    if not session.is_own:
        raise DomainError(f"Это занятие по заявке: {verb} его методист.")
    if session.tutor_id != actor.pk:
        raise DomainError("Изменить занятие может только тьютор, который его записал.")
    if session.status != Session.Status.PLANNED:
        raise DomainError(
            f"Изменить можно только запланированное занятие; это занятие "
            f"{session.get_status_display()}."
        )
    if session.starts_at <= timezone.now():
        raise DomainError("Занятие уже началось или прошло: запишите отчёт о том, как оно прошло.")
    return session


@transaction.atomic
def own_session_update(
    *, actor: User, session: Session, data: OwnSession, following: bool = False
) -> list[Session]:
    """Change a planned own session: its time, form, place or link, teachers, topic and ties.
    With `following`, every later planned occurrence of its series changes with it, moved
    as many days and to the same time of day — all or nothing, every clash named at once.
    The teachers, before and after, are told once."""
    session = _locked_own(actor, session, "переносит")
    if data.held:
        raise DomainError("Проведённое занятие записывается отчётом, а не изменением.")
    municipality = session.municipality
    zone = municipality.tzinfo
    starts_at, ends_at = _times(municipality, data)
    _check(actor, municipality, data, starts_at, ends_at)
    targets, numbered = move_targets(session, following)
    moved = series_dates.shifted(targets, starts_at, ends_at, zone=zone, numbered=numbered)
    lock_tutor_and_room(actor, data.room)
    _refuse_clashes(
        series_dates.clashes(moved, tutor=actor, room=data.room, zone=zone, ignore=targets),
        len(moved),
        refused="Занятия не изменены",
    )
    before_teachers = list(session.teachers.all())
    before = {
        "time": _when(session),
        "work_form": session.get_kind_display(),
        "place": session.where,
        "link": session.meeting_link,
        "topic": session.topic,
        "teachers": ", ".join(t.short_name for t in before_teachers),
    }
    # The edited fields as the form gives them, in an unsaved session: copied to each target.
    edited = _session(actor, municipality, data, starts_at, ends_at)
    was = {target.pk: _when(target) for target in targets}
    for target, occurrence in series_dates.save_order(targets, moved):
        for name in EDITABLE:
            setattr(target, name, getattr(edited, name))
        target.starts_at, target.ends_at = occurrence.starts_at, occurrence.ends_at
        target.sequence += 1
        saved_session(target, fields=[*EDITABLE, "starts_at", "ends_at", "sequence"])
    Through = Session.teachers.through
    Through.objects.filter(session__in=targets).delete()
    Through.objects.bulk_create(
        [Through(session=t, user=u) for t in targets for u in data.teachers]
    )
    after = {
        "time": _when(session),
        "work_form": session.get_kind_display(),
        "place": session.where,
        "link": session.meeting_link,
        "topic": session.topic,
        "teachers": ", ".join(t.short_name for t in data.teachers),
    }
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    audit_record(
        actor=actor,
        action="session.own_update",
        obj=session,
        changes=changes | ({"count": len(targets)} if len(targets) > 1 else {}),
    )
    # The others changed with it, each in its own history, with its own time.
    shared = {key: value for key, value in changes.items() if key != "time"}
    audit_records(
        actor=actor,
        action="session.own_update",
        entries=[
            (
                target,
                shared
                | (
                    {"time": [was[target.pk], _when(target)]}
                    if was[target.pk] != _when(target)
                    else {}
                ),
            )
            for target in targets[1:]
        ],
    )
    what = (
        f"{session.get_kind_display()} {_when(session)}"
        if len(targets) == 1
        else f"{plural(len(targets), 'занятие', 'занятия', 'занятий')} серии с {_when(session)}"
    )
    told = {t.pk: t for t in [*before_teachers, *data.teachers]}
    send_notices(
        [
            Notice(
                recipients=list(told.values()),
                kind="consultations.session.own_changed",
                text=f"{actor.short_name}: изменено — {what}"
                + (f" (было {before['time']})" if before["time"] != after["time"] else ""),
                link=session.get_absolute_url(),
            )
        ],
        actor=actor,
        obj=session,
    )
    return targets


@transaction.atomic
def own_session_cancel(
    *, actor: User, session: Session, reason: str, following: bool = False
) -> list[Session]:
    """Cancel a planned own session, or it and every later planned one of its series; the
    teachers are told once."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Укажите причину отмены: участники увидят её.")
    session = SESSION.start(actor, session, "cancel")
    if not session.is_own:
        raise DomainError("Это занятие по заявке: его отменяет методист.")
    if session.starts_at <= timezone.now():
        raise DomainError(
            "Занятие уже началось или прошло: запишите отчёт о том, что оно не состоялось."
        )
    later = cancel_following(actor, session, reason) if following else []
    targets = [session, *later]
    session.cancel_reason = reason
    session.sequence += 1
    SESSION.finish(
        actor,
        session,
        "cancel",
        fields=["cancel_reason", "sequence"],
        changes={"reason": reason} | ({"count": len(targets)} if later else {}),
    )
    what = (
        f"{session.get_kind_display()} {_when(session)}"
        if len(targets) == 1
        else f"{plural(len(targets), 'занятие', 'занятия', 'занятий')} серии с {_when(session)}"
    )
    send_notices(
        _teacher_notice(
            session,
            f"{actor.short_name}: отменено — {what}: {reason}",
            "consultations.session.own_cancelled",
        ),
        actor=actor,
        obj=session,
    )
    return targets
