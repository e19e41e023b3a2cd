"""Reads of the school programmes: who sees which (as the risk profiles), what a measure can
be tied to, how far each measure has got, and the content kept at approval."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from community.models import Assignment, DevelopmentRoute
from consultations.models import Event, Session, SessionSeries
from expertise.models import ExpertiseCase
from tutoring.access import Access
from tutoring.models import Role, RoleKind

from ..models import Indicator, Measure, SchoolProgramme
from ..profiles.selectors import school_year_q
from . import indicators

MEASURE_RELATED = (
    "assignment__tutor",
    "assignment__teacher",
    "series__tutor",
    "session__tutor",
    "event",
    "route__teacher",
    "case__author",
)


def programmes_for(access: Access) -> QuerySet[SchoolProgramme]:
    return SchoolProgramme.objects.select_related(
        "organization", "municipality", "academic_year", "direction"
    ).filter(school_year_q(access))


def _year_bounds(programme: SchoolProgramme):
    tz = programme.municipality.tzinfo
    first, last = programme.academic_year.starts_on, programme.academic_year.ends_on
    start = datetime.datetime.combine(first, datetime.time.min, tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tz)
    return start, end


def tie_choices(programme: SchoolProgramme) -> dict[str, QuerySet]:
    """What in the portal a measure of the programme can be carried out by: the school's work
    of the programme's year."""
    school, year = programme.organization, programme.academic_year
    start, end = _year_bounds(programme)
    teachers = Role.objects.filter(kind=RoleKind.TEACHER, organization=school).values("user")
    return {
        "assignment": Assignment.objects.filter(academic_year=year, teacher__in=teachers)
        .select_related("tutor", "teacher")
        .order_by("tutor__last_name", "teacher__last_name", "pk"),
        "series": SessionSeries.objects.filter(sessions__organization=school)
        .filter(sessions__starts_at__gte=start, sessions__starts_at__lt=end)
        .distinct()
        .select_related("tutor")
        .order_by("-created_at", "pk"),
        "session": Session.objects.filter(
            organization=school, starts_at__gte=start, starts_at__lt=end, series__isnull=True
        )
        .exclude(status=Session.Status.CANCELLED)
        .select_related("tutor")
        .order_by("starts_at", "pk"),
        "event": Event.objects.filter(
            municipality=programme.municipality, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "pk"),
        "route": DevelopmentRoute.objects.filter(organization=school, academic_year=year)
        .select_related("teacher")
        .order_by("teacher__last_name", "pk"),
        "case": ExpertiseCase.objects.filter(organization=school, academic_year=year)
        .select_related("author")
        .order_by("-created_at", "pk"),
    }


def tie_belongs(programme: SchoolProgramme, name: str, obj) -> bool:
    return tie_choices(programme)[name].filter(pk=obj.pk).exists()


def tie_label(name: str, obj) -> str:
    """How a tied object reads on the programme's page and in its print."""
    local = timezone.localtime
    if name == "assignment":
        return f"закрепление: {obj.tutor.short_name} → {obj.teacher.short_name}"
    if name == "series":
        return f"{obj} у {obj.tutor.short_name}"
    if name == "session":
        return (
            f"занятие {local(obj.starts_at):%d.%m.%Y}, {obj.tutor.short_name}: {obj.topic}".rstrip(
                ": "
            )
        )
    if name == "event":
        return f"{obj.get_kind_display()} «{obj.title}», {local(obj.starts_at):%d.%m.%Y}"
    if name == "route":
        return f"маршрут {obj.teacher.short_name} «{obj.topic}»"
    return f"экспертиза «{obj.title}» ({obj.author.short_name})"


TIES = ("assignment", "series", "session", "event", "route", "case")


@dataclass
class MeasureRow:
    measure: Measure
    state: str  # done, late, running, waiting
    done_on: datetime.date | None
    tie: str = ""
    note: str = ""  # «проведено 3 из 8 занятий»

    LABELS = {
        "done": "выполнено",
        "done_late": "выполнено с опозданием",
        "late": "просрочено",
        "running": "выполняется",
        "waiting": "не начато",
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.state]


def measure_rows(
    programme: SchoolProgramme, today: datetime.date | None = None
) -> list[MeasureRow]:
    return measure_rows_for([programme], today)[programme.pk]


def measure_rows_for(programmes, today: datetime.date | None = None) -> dict[int, list[MeasureRow]]:
    """The measures of each programme with how far each has got: done (on time or late) when
    the school noted it or what carries it out was held, closed or concluded; late when its
    deadline passed; running or not started by its dates. Two queries for any number."""
    today = today or timezone.localdate()
    measures = list(
        Measure.objects.filter(programme__in=[p.pk for p in programmes]).select_related(
            *MEASURE_RELATED
        )
    )
    series_ids = {m.series_id for m in measures if m.series_id}
    counts = (
        {
            row["series"]: row
            for row in Session.objects.filter(series__in=series_ids)
            .exclude(status=Session.Status.CANCELLED)
            .values("series")
            .annotate(total=Count("pk"), held=Count("pk", filter=Q(status=Session.Status.HELD)))
        }
        if series_ids
        else {}
    )
    found = {programme.pk: [] for programme in programmes}
    for measure in measures:
        found[measure.programme_id].append(_measure_row(measure, counts, today))
    return found


@dataclass
class Progress:
    """How a programme is getting on, for the lists: measures by state, indicators at target."""

    done: int = 0
    late: int = 0
    open: int = 0
    indicators: int = 0
    reached: int = 0
    # When it sums up a school's programmes: how many, how many approved.
    count: int = 0
    approved: int = 0

    @property
    def measures(self) -> int:
        return self.done + self.late + self.open

    def add(self, other: "Progress") -> None:
        for name in ("done", "late", "open", "indicators", "reached"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def progress_for(programmes) -> dict[int, Progress]:
    rows = measure_rows_for(programmes)
    indicator_found = indicator_rows_for(programmes)
    found = {}
    for programme in programmes:
        progress = Progress()
        for row in rows[programme.pk]:
            if row.state in ("done", "done_late"):
                progress.done += 1
            elif row.state == "late":
                progress.late += 1
            else:
                progress.open += 1
        for row in indicator_found[programme.pk]:
            progress.indicators += 1
            progress.reached += row.progress is not None and row.progress >= 100
        found[programme.pk] = progress
    return found


def _measure_row(measure: Measure, counts: dict, today: datetime.date) -> MeasureRow:
    tied = next((name for name in TIES if getattr(measure, f"{name}_id")), None)
    obj = getattr(measure, tied) if tied else None
    done_on, note = measure.done_on, ""
    if obj is not None and done_on is None:
        done_on, note = _carried_out(tied, obj, counts)
    if done_on is not None:
        state = "done" if done_on <= measure.ends_on else "done_late"
    elif measure.ends_on < today:
        state = "late"
    elif measure.starts_on <= today:
        state = "running"
    else:
        state = "waiting"
    return MeasureRow(measure, state, done_on, tie_label(tied, obj) if obj else "", note)


def _carried_out(name: str, obj, counts: dict) -> tuple[datetime.date | None, str]:
    local = timezone.localtime
    if name == "session":
        held = obj.status == Session.Status.HELD
        return (local(obj.starts_at).date() if held else None), obj.get_status_display()
    if name == "series":
        found = counts.get(obj.pk, {"total": 0, "held": 0})
        note = f"проведено {found['held']} из {found['total']}"
        return None, note
    if name == "event":
        held = obj.status == Event.Status.PUBLISHED and obj.ends_at <= timezone.now()
        return (local(obj.ends_at).date() if held else None), ""
    if name == "route":
        closed = obj.status == DevelopmentRoute.Status.CLOSED and obj.closed_at
        return (local(obj.closed_at).date() if closed else None), obj.get_status_display()
    if name == "case":
        concluded = obj.status == ExpertiseCase.Status.CONCLUDED
        return (local(obj.updated_at).date() if concluded else None), obj.get_status_display()
    return None, ""


@dataclass
class IndicatorRow:
    indicator: Indicator
    reading: "indicators.Reading"
    progress: int | None

    @property
    def progress_text(self) -> str:
        """«50 %», «−13 %» with a minus sign, «—» without a current value."""
        if self.progress is None:
            return "—"
        return f"{self.progress} %".replace("-", "−")


def indicator_rows(programme: SchoolProgramme) -> list[IndicatorRow]:
    return indicator_rows_for([programme])[programme.pk]


def indicator_rows_for(programmes) -> dict[int, list[IndicatorRow]]:
    """Each programme's indicators with their current value, read from the portal's data now:
    a load of new results moves them at once."""
    by_pk = {programme.pk: programme for programme in programmes}
    found = list(
        Indicator.objects.filter(programme__in=list(by_pk))
        .select_related("subject")
        .order_by("programme", "position", "pk")
    )
    for indicator in found:
        indicator.programme = by_pk[indicator.programme_id]
    current = indicators.readings(found)
    rows = {pk: [] for pk in by_pk}
    for indicator in found:
        reading = current[indicator.pk]
        rows[indicator.programme_id].append(
            IndicatorRow(
                indicator,
                reading,
                indicators.progress(indicator.baseline, indicator.target, reading.value),
            )
        )
    return rows


def _number(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",").removesuffix(",0")


def snapshot(programme: SchoolProgramme, *, head: dict, day: datetime.date) -> dict:
    """What the head approves, as the print shows it; kept on the programme."""
    agreed = programme.agreed_by
    return {
        "title": str(programme),
        "kind": programme.get_kind_display(),
        "direction": programme.direction.name if programme.direction_id else "",
        "year": str(programme.academic_year),
        "school": programme.organization.name,
        "goal": programme.goal,
        "tasks": [line.strip() for line in programme.tasks.splitlines() if line.strip()],
        "text": programme.text,
        "measures": [
            {
                "title": row.measure.title,
                # The dash stays with the first date when the cell wraps.
                "dates": f"{row.measure.starts_on:%d.%m.%Y}\u00a0– {row.measure.ends_on:%d.%m.%Y}",
                "responsible": row.measure.responsible,
                "expected": row.measure.expected_result,
                "tie": row.tie,
            }
            for row in measure_rows(programme)
        ],
        "indicators": [
            {
                "title": row.indicator.title,
                "baseline": _number(row.indicator.baseline),
                "baseline_note": row.indicator.baseline_note,
                "target": _number(row.indicator.target),
                "source": row.indicator.get_source_display(),
            }
            for row in indicator_rows(programme)
        ],
        "head": head,
        "approved_on": day.isoformat(),
        "agreed": {
            "name": agreed.short_name if agreed else "",
            "on": timezone.localtime(programme.agreed_at, programme.municipality.tzinfo)
            .date()
            .isoformat()
            if programme.agreed_at
            else "",
        },
        "version": programme.version,
    }
