"""Requests for consultations: filing, editing, withdrawal and the methodist's decisions.
Each function is one transaction with one audit entry; the request's moves are declared once,
in the REQUEST workflow (`tutoring.workflow`), with whom each of them notifies."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tutoring.access import Access
from tutoring.errors import DomainError
from tutoring.models import AcademicYear, Organization, RoleKind, SchoolStatus, User
from tutoring.services import audit_record
from tutoring.workflow import Move, Notice, Workflow, holders, holds_in_municipality, send_notices

from ..models import ConsultationRequest, RequestWindow, Session

Status = ConsultationRequest.Status

REQUEST_FIELDS = (
    "kind",
    "subject",
    "topic",
    "difficulty",
    "participants",
    "participants_count",
    "format",
    "teacher",
)


def is_requester(access: Access, request: ConsultationRequest) -> bool:
    """Who filed the request, or the school it is of."""
    return request.requested_by_id == access.user_id or access.holds(
        RoleKind.SCHOOL, organization=request.organization_id
    )


def is_tutor_of(access: Access, request: ConsultationRequest) -> bool:
    return request.sessions.filter(tutor=access.user_id).exists()


def _methodist_or_tutor(access: Access, request: ConsultationRequest) -> bool:
    return access.holds(RoleKind.METHODIST, municipality=request.municipality_id) or is_tutor_of(
        access, request
    )


# Whom the request's moves concern: who filed it, the teacher it is for and the tutors of its
# sessions. The actor is left out by `notify`.
def concerned(request: ConsultationRequest) -> list[int]:
    tutors = request.sessions.values_list("tutor", flat=True).distinct()
    return [request.requested_by_id, request.teacher_id, *tutors]


def when(session: Session) -> str:
    """«12.03.2026 10:00–11:00» in the municipality's time."""
    zone = session.municipality.tzinfo
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"


def joining_line(session: Session) -> str:
    """« Ссылка для подключения: …» of a remote session, for a notice about its request: the
    people told of a request (`concerned`) all take part in its sessions. Last in the text
    and with no full stop, which a mail client would take for part of the address."""
    link = session.meeting_link
    return f" Ссылка для подключения: {link}" if link else ""


def named(request: ConsultationRequest) -> str:
    """«Заявка № 5 (МБОУ СОШ № 5, математика)»: the school and the subject it is about."""
    return f"Заявка № {request.pk} ({request.organization}, {request.subject})"


def request_notice(request: ConsultationRequest, kind: str, text: str) -> Notice:
    return Notice(concerned(request), kind, text, request.get_absolute_url())


def _latest_planned(request: ConsultationRequest) -> Session | None:
    return (
        request.sessions.filter(status=Session.Status.PLANNED)
        .select_related("municipality", "tutor", "point", "room", "series")
        .order_by("-created_at", "-pk")
        .first()
    )


def _scheduled_text(request: ConsultationRequest) -> str:
    session = _latest_planned(request)
    if session is None:
        return f"{named(request)}: назначено занятие."
    if session.series_id:
        first = (
            session.series.sessions.select_related("municipality")
            .order_by("starts_at", "pk")
            .first()
        )
        return (
            f"{named(request)}: назначена {str(session.series).lower()}, первое — "
            f"{when(first)}, тьютор {session.tutor.short_name}."
        )
    return (
        f"{named(request)}: назначено занятие {when(session)}, тьютор {session.tutor.short_name}."
        + joining_line(session)
    )


def _cancelled_text(request: ConsultationRequest) -> str:
    # The sessions cancelled with the request carry its reason (request_cancel).
    sessions = request.sessions.filter(
        status=Session.Status.CANCELLED, cancel_reason=request.status_reason
    ).select_related("municipality")
    times = ", ".join(when(session) for session in sessions.order_by("starts_at"))
    text = f"{named(request)} отменена: {request.status_reason}"
    if times:
        text += f" Занятие {times} снято с графика."
    return text


def _refusal(target: str) -> str:
    return f"Заявку нельзя перевести в статус «{Status(target).label}»."


METHODIST_DECIDES = "Заявки рассматривает методист муниципалитета."

# The life cycle of a request: submitted → accepted → scheduled → held → closed, with
# rejected, withdrawn and cancelled on the side. A session cancelled or not held returns a
# scheduled request to accepted (reopen), to be booked again.
REQUEST = Workflow(
    "consultations.request",
    model=ConsultationRequest,
    noun="Заявка",
    error=DomainError,
    moves=[
        Move(
            "withdraw",
            sources={Status.SUBMITTED, Status.ACCEPTED},
            target=Status.WITHDRAWN,
            allowed=is_requester,
            forbidden="Отозвать заявку может школа или учитель, который её подал.",
            refusal=_refusal(Status.WITHDRAWN),
            action="request.withdraw",
        ),
        Move(
            "accept",
            sources={Status.SUBMITTED},
            target=Status.ACCEPTED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_DECIDES,
            refusal=_refusal(Status.ACCEPTED),
            action="request.accept",
            notices=lambda request, actor: [
                request_notice(
                    request,
                    "consultations.request.accepted",
                    f"{named(request)} принята: методист подберёт тьютора и время.",
                )
            ],
        ),
        Move(
            "reject",
            sources={Status.SUBMITTED},
            target=Status.REJECTED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_DECIDES,
            refusal=_refusal(Status.REJECTED),
            action="request.reject",
            notices=lambda request, actor: [
                request_notice(
                    request,
                    "consultations.request.rejected",
                    f"{named(request)} отклонена: {request.status_reason}",
                )
            ],
        ),
        Move(
            "cancel",
            sources={Status.ACCEPTED, Status.SCHEDULED},
            target=Status.CANCELLED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_DECIDES,
            refusal=_refusal(Status.CANCELLED),
            action="request.cancel",
            notices=lambda request, actor: [
                request_notice(request, "consultations.request.cancelled", _cancelled_text(request))
            ],
        ),
        Move(
            "schedule",
            sources={Status.ACCEPTED},
            target=Status.SCHEDULED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden="Занятие назначает методист муниципалитета.",
            refusal="Назначить занятие можно только по принятой заявке.",
            action="request.schedule",
            notices=lambda request, actor: [
                request_notice(request, "consultations.request.scheduled", _scheduled_text(request))
            ],
        ),
        # A session cancelled by the methodist, or not held as its tutor reports: the request
        # waits for a new booking. The session's own move tells the people concerned.
        Move(
            "reopen",
            sources={Status.SCHEDULED},
            target=Status.ACCEPTED,
            allowed=_methodist_or_tutor,
            forbidden="Вернуть заявку к назначению занятия может методист или тьютор занятия.",
            refusal=_refusal(Status.ACCEPTED),
            action="request.reopen",
        ),
        Move(
            "held",
            sources={Status.SCHEDULED},
            target=Status.HELD,
            allowed=is_tutor_of,
            forbidden="Отчёт о занятии составляет его тьютор.",
            refusal=_refusal(Status.HELD),
            action="request.held",
        ),
        Move(
            "close",
            sources={Status.HELD},
            target=Status.CLOSED,
            allowed=_methodist_or_tutor,
            forbidden="Закрыть заявку может методист или тьютор её занятия.",
            refusal=_refusal(Status.CLOSED),
            action="request.close",
        ),
    ],
)


def request_move(
    actor: User, request: ConsultationRequest, name: str, *, reason: str = "", changes=None
) -> ConsultationRequest:
    """One move of the request in the caller's transaction: locked, checked, its reason (or
    none) kept, audited and told."""
    request = REQUEST.start(actor, request, name)
    request.status_reason = reason
    return REQUEST.finish(
        actor, request, name, fields=["status_reason", "updated_at"], changes=changes
    )


def is_priority(organization: Organization) -> bool:
    """A request from a school with the ШНОР or ШССУ status this academic year comes first."""
    year = AcademicYear.objects.current()
    return (
        year is not None
        and SchoolStatus.objects.filter(organization=organization, academic_year=year).exists()
    )


def _check_windows(windows: list[tuple]) -> None:
    if not windows:
        raise DomainError("Укажите хотя бы один период, когда удобно провести занятие.")
    today = timezone.localdate()
    for starts_on, ends_on in windows:
        if starts_on < today:
            raise DomainError("Желаемые даты не могут быть в прошлом.")
        if ends_on < starts_on:
            raise DomainError("В желаемых датах дата «по» раньше даты «с».")


@transaction.atomic
def request_create(
    *, actor: User, organization: Organization, windows: list[tuple], **fields
) -> ConsultationRequest:
    _check_windows(windows)
    request = ConsultationRequest.objects.create(
        municipality=organization.municipality,
        organization=organization,
        requested_by=actor,
        priority=is_priority(organization),
        **fields,
    )
    RequestWindow.objects.bulk_create(
        RequestWindow(request=request, starts_on=start, ends_on=end) for start, end in windows
    )
    audit_record(
        actor=actor,
        action="request.create",
        obj=request,
        changes={"kind": request.kind, "priority": request.priority},
    )
    send_notices(
        [
            Notice(
                holders(RoleKind.METHODIST, municipality_id=request.municipality_id),
                "consultations.request.filed",
                f"{request.organization}: новая заявка № {request.pk} на консультацию — "
                f"{request.subject}, «{request.topic}».",
                request.get_absolute_url(),
            )
        ],
        actor=actor,
        obj=request,
    )
    return request


@transaction.atomic
def request_update(
    *, actor: User, request: ConsultationRequest, windows: list[tuple], **fields
) -> ConsultationRequest:
    request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.SUBMITTED:
        raise DomainError("Заявку можно изменить, пока её не приняли.")
    _check_windows(windows)
    changes = {}
    for name in REQUEST_FIELDS:
        old, new = getattr(request, name), fields[name]
        if old != new:
            changes[name] = [str(old or ""), str(new or "")]
            setattr(request, name, new)
    request.save()
    request.windows.all().delete()
    RequestWindow.objects.bulk_create(
        RequestWindow(request=request, starts_on=start, ends_on=end) for start, end in windows
    )
    audit_record(actor=actor, action="request.update", obj=request, changes=changes)
    return request


@transaction.atomic
def request_withdraw(*, actor: User, request: ConsultationRequest, reason: str):
    reason = _reason_required(reason, "методист")
    return request_move(actor, request, "withdraw", reason=reason, changes={"reason": reason})


@transaction.atomic
def request_accept(*, actor: User, request: ConsultationRequest) -> ConsultationRequest:
    return request_move(actor, request, "accept")


def _reason_required(reason: str, what: str) -> str:
    if not reason.strip():
        raise DomainError(f"Укажите причину: {what} видит её.")
    return reason.strip()


@transaction.atomic
def request_reject(*, actor: User, request: ConsultationRequest, reason: str):
    reason = _reason_required(reason, "заявитель")
    return request_move(actor, request, "reject", reason=reason, changes={"reason": reason})


@transaction.atomic
def request_cancel(*, actor: User, request: ConsultationRequest, reason: str):
    """Cancel a request that was accepted or scheduled; its planned sessions are cancelled
    with it, which frees the tutor's and the room's time."""
    reason = _reason_required(reason, "заявитель")
    request = REQUEST.start(actor, request, "cancel")
    cancelled = request.sessions.filter(status=Session.Status.PLANNED).update(
        status=Session.Status.CANCELLED, cancel_reason=reason, sequence=F("sequence") + 1
    )
    request.status_reason = reason
    return REQUEST.finish(
        actor,
        request,
        "cancel",
        fields=["status_reason", "updated_at"],
        changes={"reason": reason, "sessions_cancelled": cancelled},
    )
