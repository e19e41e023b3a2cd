"""The consultation point's printable documents."""

from tutoring.documents import DocumentError

from .models import Schedule


def schedule_context(object_id: str):
    schedule = Schedule.objects.select_related("point__organization", "municipality").get(
        pk=object_id
    )
    if schedule.is_draft:
        raise DocumentError("Печатается только утверждённый график.")
    snapshot = schedule.snapshot
    return schedule, {
        "schedule": schedule,
        "organization": schedule.point.organization.name,
        "organization_note": schedule.municipality.name,
        "document_type": "График работы",
        "date": schedule.approved_at,
        "place": schedule.point.address,
        "heading": f"муниципального тьюторского консультационного пункта «{schedule.point}» "
        f"на период с {schedule.starts_on:%d.%m.%Y} по {schedule.ends_on:%d.%m.%Y}",
        "columns": snapshot["columns"],
        "rows": snapshot["rows"],
        "signatory_position": snapshot["signatory_position"],
        "signatory_name": snapshot["signatory_name"],
    }


def schedule_title(schedule: Schedule) -> str:
    return f"График пункта {schedule.starts_on:%d.%m.%Y}–{schedule.ends_on:%d.%m.%Y}"
