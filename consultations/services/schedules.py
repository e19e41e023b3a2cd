"""The consultation point's schedule for a period: drafted by the methodist, approved by the
director, then frozen and printed."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tutoring import documents
from tutoring.errors import DomainError
from tutoring.models import RoleKind, User
from tutoring.services import audit_record
from tutoring.signatures import issuer_signature
from tutoring.words import with_kind
from tutoring.workflow import Move, Workflow, holds_in_municipality

from ..models import ConsultationPoint, Schedule, Session

SCHEDULE_DOCUMENT = "consultations.schedule"
LONGEST_PERIOD = timedelta(days=62)
APPROVED = "График утверждён и больше не меняется."
# A schedule is drafted by the methodist and approved by the director, once.
SCHEDULE = Workflow(
    "consultations.schedule",
    model=Schedule,
    noun="График",
    error=DomainError,
    moves=[
        Move(
            "approve",
            sources={Schedule.Status.DRAFT},
            target=Schedule.Status.APPROVED,
            allowed=holds_in_municipality(RoleKind.DIRECTOR),
            forbidden="Утверждает график руководитель муниципалитета.",
            refusal=APPROVED,
            action="schedule.approve",
            done=APPROVED,
        )
    ],
)
COLUMNS = ["Дата", "Время", "Форма работы, тема", "Тьютор", "Участники", "Место проведения"]


def schedule_sessions(schedule: Schedule):
    """The point's sessions within the period, by the municipality's calendar days."""
    zone = schedule.municipality.tzinfo
    since = datetime.combine(schedule.starts_on, time.min, tzinfo=zone)
    until = datetime.combine(schedule.ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return (
        Session.objects.filter(point=schedule.point, starts_at__gte=since, starts_at__lt=until)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("tutor", "room", "request__organization", "municipality")
        .order_by("starts_at", "pk")
    )


@transaction.atomic
def schedule_create(*, actor: User, point: ConsultationPoint, starts_on, ends_on) -> Schedule:
    if ends_on < starts_on:
        raise DomainError("Дата «по» раньше даты «с».")
    if ends_on - starts_on > LONGEST_PERIOD:
        raise DomainError("График составляется не больше чем на два месяца.")
    schedule = Schedule.objects.create(
        municipality=point.municipality,
        point=point,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    audit_record(actor=actor, action="schedule.create", obj=schedule)
    return schedule


def snapshot_rows(schedule: Schedule) -> list[list[str]]:
    zone = schedule.municipality.tzinfo
    rows = []
    for session in schedule_sessions(schedule):
        starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        topic = with_kind(
            session.get_kind_display().capitalize(),
            session.request.topic if session.request_id else "",
        )
        participants = ""
        if session.request_id:
            participants = f"{session.request.participants} ({session.request.organization})"
        place = (
            "дистанционно"
            if session.format == "remote"
            else (session.room.name if session.room_id else schedule.point.name)
        )
        rows.append(
            [
                f"{starts:%d.%m.%Y}",
                f"{starts:%H:%M}–{ends:%H:%M}",
                topic,
                session.tutor.full_name,
                participants,
                place,
            ]
        )
    return rows


def _next_number(schedule: Schedule, year: int) -> int:
    """The next registration number of the point's schedules in the year: a running number
    needs no typing and cannot repeat, and the point issues a schedule or two a month."""
    # The point's row lock makes two approvals at once take consecutive numbers.
    ConsultationPoint.objects.select_for_update().filter(pk=schedule.point_id).first()
    last = (
        Schedule.objects.filter(point=schedule.point_id, approved_at__year=year)
        .exclude(number=None)
        .aggregate(last=Max("number"))["last"]
    )
    return (last or 0) + 1


@transaction.atomic
def schedule_approve(*, actor: User, schedule: Schedule) -> Schedule:
    schedule = SCHEDULE.start(actor, schedule, "approve")
    rows = snapshot_rows(schedule)
    if not rows:
        raise DomainError("В графике на этот период нет ни одного занятия.")
    approved_at = timezone.now()
    approved_on = timezone.localtime(approved_at, schedule.municipality.tzinfo).date()
    # The head of the issuing organization on the day approves the schedule (seed 002, 6.5),
    # whoever of the municipality's directors presses the button; kept in the snapshot, so a
    # later change of head never rewrites what was approved.
    head = issuer_signature(schedule.municipality, approved_on)
    if not head:
        raise DomainError(
            "Не указан руководитель организации, издающей документы муниципалитета: "
            "внесите его в карточку организации, затем утвердите график."
        )
    schedule.number = _next_number(schedule, approved_on.year)
    schedule.snapshot = {
        "columns": COLUMNS,
        "rows": rows,
        "approval": {**head.as_dict(), "date": approved_on.isoformat()},
        "place": schedule.municipality.locality,
    }
    schedule.approved_by, schedule.approved_at = actor, approved_at
    SCHEDULE.finish(
        actor,
        schedule,
        "approve",
        fields=["snapshot", "number", "approved_by", "approved_at"],
        changes={"sessions": len(rows), "number": schedule.number},
    )
    documents.document_request(kind=SCHEDULE_DOCUMENT, obj=schedule, actor=actor)
    return schedule
