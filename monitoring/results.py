"""Reads of the results pages: the table of a work across a municipality's schools (or across
the municipalities, for the region) and a school's page, each beside its municipality and
the region. Built on `analysis`; a constant number of queries whatever the rows, and never a
participant's row: only aggregates leave the database."""

import html
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tutoring.models import Municipality, Organization

from . import analysis, charts
from .analysis import GIA_KINDS, GiaFigures, Histogram, Level, TaskSuccess, Trend, WorkFigures
from .models import Assessment, ResultSet

TREND_YEARS = 5


@dataclass
class Row:
    """One line of a results table: a school, a municipality or the region."""

    name: str
    level: Level
    figures: WorkFigures | GiaFigures | None
    url: str = ""
    peaks: list[int] = field(default_factory=list)  # marks whose boundary is a peak
    letter: str = ""  # how a chart's legend names it

    @property
    def summary(self) -> bool:
        return self.level != Level.SCHOOL

    @property
    def cells(self) -> list[str]:
        """The row's figures as its table writes them, in the columns of `_mark_head.html`
        or `_gia_head.html`, formatted here at once: a region's table of 45 municipalities
        drew its 500 figures through a template lookup and a filter each."""
        f, number = self.figures, charts.number
        if f is None:
            return []
        if isinstance(f, GiaFigures):
            shares = (f.mean, f.below_share, f.high_share, f.full_share)
            return [str(f.participants), *(number(value) for value in shares)]
        return [
            str(f.participants),
            *(number(share) for _mark, share in f.shares),
            number(f.quality),
            number(f.success),
            number(f.mean_primary, 2),
            number(f.lower_share),
            number(f.same_share),
            number(f.higher_share),
        ]

    @property
    def cells_html(self) -> SafeString:
        """`cells` as the row's `<td>`s, written here rather than by a template loop, which
        resolved and escaped each of the 500 figures of a region's table on its own."""
        return mark_safe("".join(f"<td>{html.escape(cell)}</td>" for cell in self.cells))


def is_gia(work: Assessment) -> bool:
    return work.kind in GIA_KINDS


def region_name(municipality: Municipality | None) -> str:
    return f"Регион{f' ({municipality.region})' if municipality and municipality.region else ''}"


def regions_of(municipalities) -> list[str]:
    """The regions (`Municipality.region`) of the municipalities, each once, in order."""
    return sorted({municipality.region for municipality in municipalities})


def works_for(schools: QuerySet[Organization]) -> list[Assessment]:
    """The works that have results of some of these schools, the latest first."""
    return list(
        Assessment.objects.filter(
            pk__in=ResultSet.objects.filter(organization__in=schools).values("assessment")
        )
        .select_related("subject")
        .order_by("-year", "subject__name", "grade", "kind", "title")
    )


def tested_schools(work: Assessment, schools: QuerySet[Organization], municipality=None):
    """The schools of `schools` (in `municipality`, if given) with results of the work."""
    tested = schools.filter(
        pk__in=ResultSet.objects.filter(assessment=work).values("organization")
    ).order_by("short_name", "pk")
    return tested.filter(municipality=municipality) if municipality is not None else tested


def tested_municipalities(work: Assessment, municipalities: QuerySet[Municipality]):
    return municipalities.filter(
        pk__in=ResultSet.objects.filter(assessment=work).values("organization__municipality")
    ).order_by("name")


def _figures(work: Assessment, **scope) -> dict:
    if is_gia(work):
        return analysis.gia_figures([work], **scope)
    return analysis.work_figures([work], **scope)


def unit_rows(work: Assessment, units: list, *, level: Level) -> list[Row]:
    """A row for each school (or municipality) of `units`, in their order."""
    ids = [unit.pk for unit in units]
    scope = {"schools": ids} if level == Level.SCHOOL else {"municipalities": ids}
    figures = _figures(work, level=level, **scope)
    histograms = {}
    if level == Level.SCHOOL and not is_gia(work):
        histograms = analysis.score_histograms([work], level=level, **scope)
    rows = []
    overview = reverse("monitoring:results")
    for unit in units:
        key = (work.pk, unit.pk)
        if level == Level.SCHOOL:
            name, url = unit.short_name, reverse("monitoring:results_school", args=[unit.pk])
        else:
            query = urlencode({"work": work.pk, "municipality": unit.pk})
            name, url = unit.short_name or unit.name, f"{overview}?{query}"
        histogram = histograms.get(key)
        rows.append(
            Row(
                name=name,
                level=level,
                figures=figures.get(key),
                url=url,
                peaks=histogram.peak_marks if histogram else [],
            )
        )
    return rows


def summary_rows(
    work: Assessment, *, municipality: Municipality | None, regions: list[str] = ()
) -> list[Row]:
    """The municipality (when one is chosen) and its region, for the foot of a table. With
    no municipality chosen, a row for each of `regions`: usually the one the installation
    serves."""
    rows = []
    if municipality is not None:
        figures = _figures(work, level=Level.MUNICIPALITY, municipalities=[municipality.pk])
        rows.append(
            Row(
                name=municipality.short_name or municipality.name,
                level=Level.MUNICIPALITY,
                figures=figures.get((work.pk, municipality.pk)),
            )
        )
    if municipality is not None:
        regions = [municipality.region]
    for region in regions:
        figures = _figures(work, level=Level.REGION, region=region)
        name = f"Регион ({region})" if region else "Регион"
        rows.append(Row(name=name, level=Level.REGION, figures=figures.get((work.pk, None))))
    return rows


@dataclass
class TaskRow:
    school: TaskSuccess
    municipality: float | None
    region: float | None


@dataclass
class Section:
    """A work of the school's year: its rows beside the municipality and the region, and for
    works with marks the histogram, the tasks and the share of «2» over the years."""

    work: Assessment
    rows: list[Row]
    histogram: Histogram | None = None
    tasks: list[TaskRow] = field(default_factory=list)
    trend: list[tuple[str, Trend]] = field(default_factory=list)

    @property
    def gia(self) -> bool:
        return is_gia(self.work)

    @property
    def school(self) -> Row:
        return self.rows[0]

    @property
    def has_trend(self) -> bool:
        return any(len(trend.points) > 1 for _name, trend in self.trend)

    @property
    def worrying(self) -> bool:
        return bool(self.trend) and self.trend[0][1].worrying

    @property
    def rise(self) -> float | None:
        return self.trend[0][1].rise if self.trend else None

    # The charts, as SVG markup for the page and for a PDF.

    @property
    def marks_svg(self):
        series = [(row.name, row.letter, row.figures) for row in self.rows if row.figures]
        return charts.marks_chart(series, title=f"Распределение отметок: {self.work}")

    @property
    def histogram_svg(self):
        if self.histogram is None:
            return ""
        return charts.histogram_chart(
            self.histogram, title=f"Распределение первичных баллов в школе: {self.work}"
        )

    @property
    def tasks_svg(self):
        return charts.tasks_chart(
            [row.school for row in self.tasks], title=f"Выполнение заданий в школе: {self.work}"
        )

    @property
    def trend_svg(self):
        return charts.trend_chart(
            [(name, trend.points) for name, trend in self.trend],
            title=f"Доля отметок «2» по годам: {self.work.subject}, {self.work.grade} класс",
        )


@dataclass
class SchoolReport:
    school: Organization
    years: list[int]
    year: int | None
    sections: list[Section]


def _levels(school: Organization) -> list[tuple[Level, dict, str, str]]:
    municipality = school.municipality
    return [
        (Level.SCHOOL, {"schools": [school.pk]}, school.short_name, "Ш"),
        (
            Level.MUNICIPALITY,
            {"municipalities": [municipality.pk]},
            municipality.short_name or municipality.name,
            "М",
        ),
        (Level.REGION, {"region": municipality.region}, region_name(municipality), "Р"),
    ]


def _unit(level: Level, school: Organization) -> int | None:
    return {
        Level.SCHOOL: school.pk,
        Level.MUNICIPALITY: school.municipality_id,
        Level.REGION: None,
    }[level]


def _work_key(work: Assessment) -> tuple:
    return (work.kind, work.subject_id, work.grade, work.title)


def school_report(school: Organization, *, year: int | None = None) -> SchoolReport:
    """Every work of the school's year (the latest, unless `year` names another) beside the
    municipality and the region, with the share of «2» over up to five years."""
    works = works_for(Organization.objects.filter(pk=school.pk))
    years = sorted({w.year for w in works}, reverse=True)
    if year not in years:
        year = years[0] if years else None
    current = [w for w in works if w.year == year]
    # The works with marks of the share-of-«2» window: ФИОКО looks three to five years back.
    first = (year or 0) - TREND_YEARS
    marked = [w for w in works if not is_gia(w) and first < w.year <= (year or 0)]
    marked_now = [w for w in current if not is_gia(w)]
    gia_now = [w for w in current if is_gia(w)]
    levels = _levels(school)

    # Per level: a school's id and a municipality's may be the same number.
    figures, tasks = defaultdict(dict), defaultdict(dict)
    for level, scope, _name, _letter in levels:
        if marked:
            figures[level].update(analysis.work_figures(marked, level=level, **scope))
        if gia_now:
            figures[level].update(analysis.gia_figures(gia_now, level=level, **scope))
        if marked_now:
            tasks[level] = analysis.task_success(marked_now, level=level, **scope)
    histograms = {}
    if marked_now:
        histograms = analysis.score_histograms(marked_now, level=Level.SCHOOL, schools=[school.pk])

    shares = defaultdict(dict)  # (work, level) → year → share of «2»
    for work in marked:
        for level, _scope, _name, _letter in levels:
            found = figures[level].get((work.pk, _unit(level, school)))
            if found is not None:
                shares[(_work_key(work), level)][work.year] = found.twos

    sections = []
    for work in current:
        rows = [
            Row(
                name=name,
                level=level,
                figures=figures[level].get((work.pk, _unit(level, school))),
                letter=letter,
            )
            for level, _scope, name, letter in levels
        ]
        section = Section(work=work, rows=rows)
        if not is_gia(work):
            section.histogram = histograms.get((work.pk, school.pk))
            rows[0].peaks = section.histogram.peak_marks if section.histogram else []
            section.tasks = _task_rows(work, school, tasks)
            section.trend = [
                (name, analysis.two_trend(shares[(_work_key(work), level)]))
                for level, _scope, name, _letter in levels
            ]
        sections.append(section)
    return SchoolReport(school=school, years=years, year=year, sections=sections)


def _task_rows(work: Assessment, school: Organization, tasks: dict) -> list[TaskRow]:
    own = tasks[Level.SCHOOL].get((work.pk, school.pk), [])
    municipal = {
        t.task_id: t.percent
        for t in tasks[Level.MUNICIPALITY].get((work.pk, school.municipality_id), [])
    }
    regional = {t.task_id: t.percent for t in tasks[Level.REGION].get((work.pk, None), [])}
    return [
        TaskRow(
            school=task,
            municipality=municipal.get(task.task_id),
            region=regional.get(task.task_id),
        )
        for task in own
    ]
