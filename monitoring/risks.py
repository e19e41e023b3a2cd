"""Where support is needed: the schools and subjects whose results of a year call for help,
each with its reasons spelled out. Built on the indicators of `analysis`; a constant number of
queries whatever the number of schools and participants.

The rules (shared/DESIGN.md, «Monitoring»; ФИОКО's recommendations for analysing ВПР):
- the share of «2» is high against the municipality: at least `HIGH_TWOS_GAP` points above
  the municipality's share in the same work;
- the share of «2» rose by `analysis.WORRYING_RISE` points or more since the year before;
- ГИА: the share below the minimum is at least `GIA_BELOW` % and above the municipality's;
- the ВПР marks are below the journal marks for at least `JOURNAL_GAP` % of the pupils with
  both: the marks of the school and of the work do not agree.
A figure from fewer than 20 participants is shown as unreliable, never dropped."""

from collections import defaultdict
from dataclasses import dataclass, field

from tutoring.models import AcademicYear, Municipality, Organization, SchoolStatus, Subject

from . import analysis
from .analysis import Level
from .models import Assessment, AssessmentKind

HIGH_TWOS_GAP = 10.0
GIA_BELOW = 10.0
JOURNAL_GAP = 40.0


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",") + " %"


def _above(own: float | None, whole: float | None, by: float) -> bool:
    return own is not None and whole is not None and own - whole >= by


@dataclass
class Reason:
    work: str  # «ВПР, 5 класс»
    text: str
    unreliable: bool = False


@dataclass
class RiskRow:
    school: Organization
    subject: Subject
    reasons: list[Reason] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # «ШНОР», «ШССУ» for the next year

    @property
    def summary(self) -> str:
        """The reasons in one line: the difficulty of a consultation request made from it."""
        return "; ".join(f"{r.work}: {r.text}" for r in self.reasons)


def latest_year(municipality: Municipality | None) -> int | None:
    results = Assessment.objects.all()
    if municipality is not None:
        results = results.filter(results__organization__municipality=municipality)
    return results.order_by("-year").values_list("year", flat=True).first()


def status_year(year: int) -> AcademicYear | None:
    """Results of the spring of `year` decide the support of the academic year that starts in
    its September."""
    return AcademicYear.objects.filter(start_year=year).first()


def risk_rows(municipality: Municipality, year: int, *, school: Organization | None = None):
    """The rows of the risk list of a municipality (or of one of its schools) for the results
    of `year`, the schools with the most reasons first."""
    works = {
        work.pk: work
        for work in Assessment.objects.filter(year__in=(year - 1, year)).select_related("subject")
    }
    current = [pk for pk, work in works.items() if work.year == year]
    vpr = [pk for pk in current if works[pk].kind == AssessmentKind.VPR]
    gia = [pk for pk in current if works[pk].kind in analysis.GIA_KINDS]
    place = {"municipalities": [municipality.pk]}
    schools = {"schools": [school.pk]} if school is not None else {}
    found = defaultdict(list)

    figures = analysis.work_figures(vpr, level=Level.SCHOOL, **place, **schools)
    municipal = analysis.work_figures(vpr, level=Level.MUNICIPALITY, **place)
    for (work_id, school_id), own in figures.items():
        work = works[work_id]
        where = f"ВПР, {work.grade} класс"
        whole = municipal.get((work_id, municipality.pk))
        if _above(own.twos, whole.twos if whole else None, HIGH_TWOS_GAP):
            text = (
                f"доля «2» {_pct(own.twos)} против {_pct(whole.twos)} по муниципалитету "
                f"(участников {own.participants})"
            )
            found[(school_id, work.subject_id)].append(
                Reason(where, text, own.participants < analysis.RELIABLE_FROM)
            )
        if own.lower_share is not None and own.lower_share >= JOURNAL_GAP:
            text = (
                f"у {_pct(own.lower_share)} участников отметка ВПР ниже отметки в журнале "
                f"(сравнимо участников {own.compared})"
            )
            found[(school_id, work.subject_id)].append(
                Reason(where, text, own.compared < analysis.RELIABLE_FROM)
            )

    trends = analysis.twos_over_years(
        [pk for pk, work in works.items() if work.kind == AssessmentKind.VPR],
        level=Level.SCHOOL,
        **place,
        **schools,
    )
    subject_of = {
        (work.kind, work.subject_id, work.grade, work.title): work for work in works.values()
    }
    for (work_key, school_id), trend in trends.items():
        points = dict(trend.points)
        if year not in points or year - 1 not in points or not trend.worrying:
            continue
        work = subject_of[work_key]
        text = (
            f"доля «2» выросла на {trend.rise:.1f}".replace(".", ",")
            + f" п.: {_pct(points[year - 1])} в {year - 1} г., {_pct(points[year])} в {year} г."
        )
        found[(school_id, work.subject_id)].append(Reason(f"ВПР, {work.grade} класс", text))

    gia_own = analysis.gia_figures(gia, level=Level.SCHOOL, **place, **schools)
    gia_municipal = analysis.gia_figures(gia, level=Level.MUNICIPALITY, **place)
    for (work_id, school_id), own in gia_own.items():
        whole = gia_municipal.get((work_id, municipality.pk))
        below = own.below_share
        if below is None or below < GIA_BELOW:
            continue
        if whole is not None and whole.below_share is not None and below <= whole.below_share:
            continue
        work = works[work_id]
        text = (
            f"ниже минимального балла {_pct(below)}"
            + (f" против {_pct(whole.below_share)} по муниципалитету" if whole else "")
            + f" (участников {own.participants})"
        )
        found[(school_id, work.subject_id)].append(
            Reason(
                f"{work.get_kind_display()}, {work.grade} класс",
                text,
                own.participants < analysis.RELIABLE_FROM,
            )
        )

    return _rows(found, year)


def _rows(found: dict, year: int) -> list[RiskRow]:
    school_ids = {school for school, _subject in found}
    schools = Organization.objects.in_bulk(school_ids)
    subjects = Subject.objects.in_bulk({subject for _school, subject in found})
    statuses = defaultdict(list)
    for organization, kind in SchoolStatus.objects.filter(
        organization__in=school_ids, academic_year__start_year=year
    ).values_list("organization", "kind"):
        statuses[organization].append(SchoolStatus.Kind(kind).label)
    rows = [
        RiskRow(schools[school], subjects[subject], reasons, statuses[school])
        for (school, subject), reasons in found.items()
    ]
    rows.sort(key=lambda row: (-len(row.reasons), row.school.short_name, row.subject.name))
    return rows
