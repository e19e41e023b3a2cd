"""After the session: the tutor's report, then the requester's rating. One transaction and
one audit entry each."""

from django.db import transaction
from django.utils import timezone

from tutoring.errors import DomainError
from tutoring.models import User
from tutoring.services import audit_record
from tutoring.uploads import MATERIAL_TYPES, checked_upload, written_files

from ..models import ConsultationRequest, Session, SessionReport
from .booking import SESSION
from .requests import request_move

Status = ConsultationRequest.Status


def report_not_yet(session: Session) -> str:
    ends = timezone.localtime(session.ends_at, session.municipality.tzinfo)
    return (
        "Отчёт составляется после занятия: его можно будет написать "
        f"после окончания, с {ends:%H:%M} {ends:%d.%m.%Y}."
    )


def report_file(
    *, actor: User, session: Session, held: bool, teachers_present=(), materials=None, **fields
) -> SessionReport:
    with written_files() as written:
        return _report_file(
            actor=actor,
            session=session,
            held=held,
            teachers_present=teachers_present,
            materials=materials,
            written=written,
            **fields,
        )


def attach_materials(report: SessionReport, materials, written: list) -> None:
    """Check the file by its content and store it under a generated name with the extension
    of what it is; the original name is given back on download. Refused: nothing stored."""
    if not materials:
        return
    info = checked_upload(materials, allowed=MATERIAL_TYPES, refuse=DomainError)
    report.materials.save(f"materials{info.extension}", materials, save=False)
    written.append(report.materials)
    report.materials_name = (materials.name or f"materials{info.extension}")[:255]


@transaction.atomic
def _report_file(
    *, actor, session, held, teachers_present, materials, written, **fields
) -> SessionReport:
    session = SESSION.start(actor, session, "held" if held else "not_held")
    if not session.is_over:
        raise DomainError(report_not_yet(session))
    if held and not fields.get("summary", "").strip():
        raise DomainError("Опишите, что сделано на занятии.")
    if not held and not fields.get("not_held_reason", "").strip():
        raise DomainError("Укажите, почему занятие не состоялось.")
    report = SessionReport(session=session, held=held, created_by=actor, **fields)
    attach_materials(report, materials, written)
    report.save()
    report.teachers_present.set(teachers_present)
    SESSION.finish(
        actor,
        session,
        "held" if held else "not_held",
        changes={"held": held, "pupils": report.pupils_count},
    )
    if session.request_id is not None:
        if held:
            # Held, and with the report filed there is nothing left to do: the request closes
            # and waits for the requester's rating.
            request_move(actor, session.request, "held")
            request_move(actor, session.request, "close")
        else:
            request_move(actor, session.request, "reopen", reason=fields.get("not_held_reason", ""))
    return report


@transaction.atomic
def request_rate(
    *, actor: User, request: ConsultationRequest, rating: int, comment: str = ""
) -> ConsultationRequest:
    request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.CLOSED:
        raise DomainError("Оценить помощь можно после того, как занятие проведено.")
    if request.rating is not None:
        raise DomainError("Помощь по этой заявке уже оценена.")
    request.rating, request.rating_comment = rating, comment.strip()
    request.save(update_fields=["rating", "rating_comment", "updated_at"])
    audit_record(actor=actor, action="request.rate", obj=request, changes={"rating": rating})
    return request
