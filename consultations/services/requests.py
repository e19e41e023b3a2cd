"""Requests for consultations: filing, editing, withdrawal and the methodist's decisions.
Each function is one transaction with one audit entry."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tutoring.models import AcademicYear, Organization, SchoolStatus, User
from tutoring.services import audit_record

from ..models import ConsultationRequest, DomainError, RequestWindow, Session
from ..notifications import notify

Status = ConsultationRequest.Status

# The life cycle of a request: submitted → accepted → scheduled → held → closed, with
# rejected, withdrawn and cancelled on the side. Rescheduling returns a scheduled request to
# accepted (its session cancelled) before it is booked again.
TRANSITIONS = {
    Status.SUBMITTED: {Status.ACCEPTED, Status.REJECTED, Status.WITHDRAWN},
    Status.ACCEPTED: {Status.SCHEDULED, Status.WITHDRAWN, Status.CANCELLED},
    Status.SCHEDULED: {Status.HELD, Status.ACCEPTED, Status.CANCELLED},
    Status.HELD: {Status.CLOSED},
    Status.CLOSED: set(),
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
    Status.CANCELLED: set(),
}
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


def can_move(request: ConsultationRequest, to: str) -> bool:
    return to in TRANSITIONS[request.status]


def move(request: ConsultationRequest, to: str, *, reason: str = "") -> None:
    """Change the status, or refuse with a message that says why."""
    if not can_move(request, to):
        raise DomainError(
            f"Заявку в статусе «{request.get_status_display()}» нельзя перевести в статус "
            f"«{Status(to).label}»."
        )
    request.status = to
    request.status_reason = reason
    request.save(update_fields=["status", "status_reason", "updated_at"])


def _locked(request: ConsultationRequest) -> ConsultationRequest:
    return ConsultationRequest.objects.select_for_update().get(pk=request.pk)


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
    return request


@transaction.atomic
def request_update(
    *, actor: User, request: ConsultationRequest, windows: list[tuple], **fields
) -> ConsultationRequest:
    request = _locked(request)
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
    request = _locked(request)
    move(request, Status.WITHDRAWN, reason=_reason_required(reason, "методист"))
    audit_record(actor=actor, action="request.withdraw", obj=request, changes={"reason": reason})
    return request


@transaction.atomic
def request_accept(*, actor: User, request: ConsultationRequest) -> ConsultationRequest:
    request = _locked(request)
    move(request, Status.ACCEPTED)
    audit_record(actor=actor, action="request.accept", obj=request)
    notify(request, "accepted")
    return request


def _reason_required(reason: str, what: str) -> str:
    if not reason.strip():
        raise DomainError(f"Укажите причину: {what} видит её.")
    return reason.strip()


@transaction.atomic
def request_reject(*, actor: User, request: ConsultationRequest, reason: str):
    request = _locked(request)
    move(request, Status.REJECTED, reason=_reason_required(reason, "заявитель"))
    audit_record(actor=actor, action="request.reject", obj=request, changes={"reason": reason})
    return request


@transaction.atomic
def request_cancel(*, actor: User, request: ConsultationRequest, reason: str):
    """Cancel a request that was accepted or scheduled; its planned sessions are cancelled
    with it, which frees the tutor's and the room's time."""
    request = _locked(request)
    reason = _reason_required(reason, "заявитель")
    move(request, Status.CANCELLED, reason=reason)
    cancelled = request.sessions.filter(status=Session.Status.PLANNED).update(
        status=Session.Status.CANCELLED, cancel_reason=reason, sequence=F("sequence") + 1
    )
    audit_record(
        actor=actor,
        action="request.cancel",
        obj=request,
        changes={"reason": reason, "sessions_cancelled": cancelled},
    )
    notify(request, "cancelled")
    return request
