"""The consultation point's printable documents."""

from datetime import date

from django.utils import timezone

from tutoring.documents import DocumentError
from tutoring.signatures import capitalized

from .models import Schedule


def schedule_heading(schedule: Schedule) -> str:
    """What the schedule is of, after «ГРАФИК РАБОТЫ»: the point named once. A point called
    «Муниципальный тьюторский консультационный пункт» is not printed as «…пункта
    «Муниципальный тьюторский консультационный пункт»»."""
    name = " ".join(schedule.point.name.split())
    # No-break spaces: «с» and «по» stay with their dates.
    period = f"на период с\u00a0{schedule.starts_on:%d.%m.%Y} по\u00a0{schedule.ends_on:%d.%m.%Y}"
    if "пункт" in name.casefold():
        return f"«{name}» {period}"
    return f"тьюторского консультационного пункта «{name}» {period}"


def _approval(schedule: Schedule, snapshot: dict) -> dict:
    if "approval" in snapshot:
        approval = snapshot["approval"]
        return {**approval, "date": date.fromisoformat(approval["date"])}
    # A schedule approved before the stamp was kept: what its snapshot says of the signatory.
    return {
        "position": capitalized(snapshot.get("signatory_position", "")),
        "name": snapshot.get("signatory_name", ""),
        "date": timezone.localtime(schedule.approved_at).date(),
    }


def schedule_context(object_id: str):
    schedule = Schedule.objects.select_related("point__organization", "municipality__issuer").get(
        pk=object_id
    )
    if schedule.is_draft:
        raise DocumentError("Печатается только утверждённый график.")
    snapshot = schedule.snapshot
    approval = _approval(schedule, snapshot)
    return schedule, {
        "schedule": schedule,
        "approval": approval,
        "organization": schedule.point.organization.name,
        "organization_note": schedule.municipality.name,
        "document_type": "График работы",
        "date": approval["date"],
        "number": schedule.number or "",
        "place": snapshot.get("place", schedule.municipality.locality),
        "heading": schedule_heading(schedule),
        "columns": snapshot["columns"],
        "rows": snapshot["rows"],
    }


def schedule_title(schedule: Schedule) -> str:
    return f"График пункта {schedule.starts_on:%d.%m.%Y}–{schedule.ends_on:%d.%m.%Y}"
