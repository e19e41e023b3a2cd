"""The figures of an analytical report (аналитическая справка) on the results of a year: for a
municipality, a school, or either of them narrowed to a subject. Everything is turned into
text and SVG markup here, once, so that the report keeps what it said when it was made: its
`data` holds no ids to look up again, only what the PDF prints.

Built on the results pages (`results`) and the risk list (`risks`); the number of queries
grows with the works of the year, never with the schools or the participants."""

from dataclasses import dataclass

from django.db.models import QuerySet

from tutoring.models import Municipality, Organization, Subject
from tutoring.words import plural

from . import analysis, charts, exports, results, risks
from .analysis import Level
from .charts import number
from .models import Assessment

NOTICE = (
    "Справка показывает, где школам и учителям нужна методическая помощь. По официальным "
    "разъяснениям результаты ВПР не используются для оценки работы учителей и школ; цифры, "
    "за которыми меньше 20 участников, ненадёжны, выводы по ним делать нельзя."
)

# The same rules as the risk list states them, so that the report and the page agree.
RISK_RULES = "; ".join(risks.RULES) + ". " + risks.UNRELIABLE_RULE.rstrip(".")


class NoResults(Exception):
    """The chosen scope has no results in the chosen year."""


@dataclass(frozen=True)
class Scope:
    municipality: Municipality
    year: int
    school: Organization | None = None
    subject: Subject | None = None

    @property
    def name(self) -> str:
        return self.school.short_name if self.school else self.municipality.name

    @property
    def title(self) -> str:
        subject = f" ({self.subject.name.lower()})" if self.subject else ""
        where = f"в {self.school.short_name}" if self.school else f"({self.municipality.name})"
        return f"Об итогах оценочных процедур {self.year} года {where}{subject}"


def years_of(schools: QuerySet[Organization]) -> list[int]:
    """The years with results of these schools, the latest first."""
    return sorted({work.year for work in results.works_for(schools)}, reverse=True)


def _cell(value) -> str:
    if isinstance(value, float):
        return number(value)
    return "" if value is None else str(value)


def _table(rows: list[results.Row], *, gia: bool) -> dict:
    """A results table as text: the heads and, per row, its name and cells."""
    # The reliability, a column of its own in a spreadsheet, is a mark by the name here.
    head = (exports.GIA_HEADERS if gia else exports.MARK_HEADERS)[:-1]
    lines = [
        {
            "name": row.name,
            "summary": row.summary,
            "unreliable": bool(row.figures and row.figures.unreliable),
            "cells": [_cell(value) for value in exports.row_values(row, gia=gia)[: len(head)]],
        }
        for row in rows
    ]
    return {"head": head, "rows": lines, "unreliable": any(line["unreliable"] for line in lines)}


def _tasks(own, unit: str, others: list[tuple[str, dict]]) -> dict:
    """The task-success table of `unit`, with each of `others` (name, task id → percent)."""
    return {
        "head": [
            "Задание",
            "Уровень",
            "Макс. балл",
            f"{unit}, %",
            "Вывод",
            *(f"{name}, %" for name, _percents in others),
        ],
        "rows": [
            [
                task.number,
                task.level_label,
                str(task.max_score),
                number(task.percent),
                task.verdict.label if task.verdict else "—",
                *(number(percents.get(task.task_id)) for _name, percents in others),
            ]
            for task in own
        ],
    }


def _peaks_note(histogram) -> str:
    if histogram is None or not histogram.peak_marks:
        return ""
    marks = " и ".join(f"«{mark}»" for mark in histogram.peak_marks)
    return (
        f"На границе отметки {marks} — пик: участников с минимальным баллом отметки заметно "
        "больше, чем с баллами чуть ниже. Стоит проверить, как оценивались работы."
    )


def _journal_note(figures) -> str:
    if figures is None or not getattr(figures, "compared", 0):
        return ""
    return (
        "Отметку за работу сравнили с отметкой по журналу у "
        f"{plural(figures.compared, 'участника', 'участников', 'участников')}: "
        f"ниже журнальной — {number(figures.lower_share)} %, совпала — "
        f"{number(figures.same_share)} %, выше — {number(figures.higher_share)} %."
    )


def _chart(title: str, svg) -> dict:
    return {"title": title, "svg": str(svg)}


def _school_sections(scope: Scope) -> list[dict]:
    report = results.school_report(scope.school, year=scope.year)
    sections = []
    for section in report.sections:
        if scope.subject and section.work.subject_id != scope.subject.pk:
            continue
        found = {
            "title": str(section.work),
            "table": _table(section.rows, gia=section.gia),
            "notes": [],
            "charts": [],
        }
        if not section.gia:
            school = section.school.figures
            found["notes"] = [
                n for n in (_journal_note(school), _peaks_note(section.histogram)) if n
            ]
            found["charts"].append(_chart("Распределение отметок, %", section.marks_svg))
            if section.histogram:
                found["charts"].append(_chart("Первичные баллы в школе", section.histogram_svg))
            if section.tasks:
                found["charts"].append(_chart("Выполнение заданий в школе", section.tasks_svg))
                own = [row.school for row in section.tasks]
                found["tasks"] = _tasks(
                    own,
                    "Школа",
                    [
                        (
                            section.rows[1].name,
                            {r.school.task_id: r.municipality for r in section.tasks},
                        ),
                        ("Регион", {r.school.task_id: r.region for r in section.tasks}),
                    ],
                )
            if section.has_trend:
                found["charts"].append(_chart("Доля отметок «2» по годам", section.trend_svg))
        sections.append(found)
    return sections


def _municipal_section(work: Assessment, scope: Scope, schools: QuerySet[Organization]) -> dict:
    municipality = scope.municipality
    gia = results.is_gia(work)
    tested = list(results.tested_schools(work, schools, municipality))
    summary = results.summary_rows(work, municipality=municipality)
    rows = results.unit_rows(work, tested, level=Level.SCHOOL)
    section = {
        "title": str(work),
        "table": _table([*rows, *summary], gia=gia),
        "notes": [],
        "charts": [],
    }
    peaks = [row.name for row in rows if row.peaks]
    if peaks:
        section["notes"].append(
            "Пики первичных баллов на границах отметок: " + ", ".join(peaks) + ". Стоит "
            "проверить, как оценивались работы в этих школах."
        )
    if gia:
        return section
    journal = _journal_note(summary[0].figures)
    if journal:
        section["notes"].insert(0, journal)
    letters = ("М", "Р")
    series = [
        (row.name, letter, row.figures)
        for row, letter in zip(summary, letters, strict=True)
        if row.figures
    ]
    section["charts"].append(
        _chart(
            "Распределение отметок, %",
            charts.marks_chart(series, title=f"Распределение отметок: {work}"),
        )
    )
    scoped = {"municipalities": [municipality.pk]}
    own = analysis.task_success([work], level=Level.MUNICIPALITY, **scoped).get(
        (work.pk, municipality.pk), []
    )
    region = analysis.task_success([work], level=Level.REGION, region=municipality.region).get(
        (work.pk, None), []
    )
    if own:
        section["charts"].append(
            _chart(
                "Выполнение заданий в муниципалитете",
                charts.tasks_chart(own, title=f"Выполнение заданий: {work}"),
            )
        )
        section["tasks"] = _tasks(
            own, summary[0].name, [("Регион", {task.task_id: task.percent for task in region})]
        )
    earlier = Assessment.objects.filter(
        kind=work.kind,
        subject=work.subject_id,
        grade=work.grade,
        title=work.title,
        year__gt=work.year - results.TREND_YEARS,
        year__lte=work.year,
    )
    trend = []
    for row, level, unit, kwargs in (
        (summary[0], Level.MUNICIPALITY, municipality.pk, scoped),
        (summary[-1], Level.REGION, None, {"region": municipality.region}),
    ):
        found = analysis.twos_over_years(earlier, level=level, **kwargs)
        key = ((work.kind, work.subject_id, work.grade, work.title), unit)
        if key in found:
            trend.append((row.name, found[key].points))
    if any(len(points) > 1 for _name, points in trend):
        section["charts"].append(
            _chart(
                "Доля отметок «2» по годам",
                charts.trend_chart(
                    trend, title=f"Доля отметок «2» по годам: {work.subject}, {work.grade} класс"
                ),
            )
        )
    return section


def _risks(scope: Scope) -> list[dict]:
    found = risks.risk_rows(scope.municipality, scope.year, school=scope.school)
    return [
        {
            "school": row.school.short_name,
            "subject": row.subject.name,
            "reasons": [reason.line for reason in row.reasons],
        }
        for row in found
        if scope.subject is None or row.subject.pk == scope.subject.pk
    ]


def analytical_data(scope: Scope) -> dict:
    """The report's figures as text and SVG; NoResults when the scope has none that year."""
    municipality = scope.municipality
    schools = Organization.objects.filter(
        kind=Organization.Kind.SCHOOL, municipality=municipality
    ).select_related("municipality")
    if scope.school is not None:
        sections = _school_sections(scope)
    else:
        works = [
            work
            for work in results.works_for(schools)
            if work.year == scope.year and (scope.subject is None or work.subject == scope.subject)
        ]
        sections = [_municipal_section(work, scope, schools) for work in works]
    if not sections:
        raise NoResults
    return {
        "scope": "school" if scope.school else "municipality",
        "year": scope.year,
        "municipality": municipality.name,
        "school": scope.school.short_name if scope.school else "",
        "subject": scope.subject.name if scope.subject else "",
        "sections": sections,
        "risks": _risks(scope),
        "notice": NOTICE,
        "risk_rules": RISK_RULES,
    }
