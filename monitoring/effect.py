"""Whether tutoring helped: for each school and subject that had tutors' sessions in an
academic year, the change of its ВПР share of «2» from the spring the year began in to the
next spring, beside comparable schools of the municipality that had no sessions in that
subject (the same subject, a similar starting share: within `SIMILAR` points).

This is not an experiment: schools were not chosen at random, the pupils of two springs are
different pupils, and small schools move a lot by chance. The page and the report say so, show
the sample sizes, and never rank teachers."""

from collections import defaultdict
from dataclasses import dataclass, field

from consultations.models import Session
from tutoring.models import AcademicYear, Municipality, Organization, Subject

from . import analysis
from .analysis import Level
from .effectiveness import year_bounds
from .models import Assessment, AssessmentKind

SIMILAR = 10.0  # points of the starting share of «2» within which schools are comparable


def _number(value: float | None) -> str:
    """A share or a difference as the page prints it, to a tenth. Formatted here, once per
    figure: the template's `floatformat` took half the page's time (some 700 calls a view)."""
    return "—" if value is None else f"{analysis.rounded(value):.1f}".replace(".", ",")


@dataclass
class Pooled:
    """Participants and «2» of one or more schools in one spring, all grades of a subject."""

    participants: int = 0
    twos: int = 0

    def add(self, figures) -> None:
        self.participants += figures.marked
        self.twos += figures.marks.get(2, 0)

    @property
    def percent(self) -> float | None:
        return analysis.share(self.twos, self.participants)

    @property
    def percent_text(self) -> str:
        return _number(self.percent)


@dataclass
class Change:
    before: Pooled = field(default_factory=Pooled)
    after: Pooled = field(default_factory=Pooled)
    schools: int = 1

    @property
    def points(self) -> float | None:
        if self.before.percent is None or self.after.percent is None:
            return None
        return self.after.percent - self.before.percent

    @property
    def points_text(self) -> str:
        return _number(self.points)

    @property
    def unreliable(self) -> bool:
        return min(self.before.participants, self.after.participants) < analysis.RELIABLE_FROM


@dataclass
class EffectRow:
    school: Organization
    subject: Subject
    sessions: int
    supported: Change
    comparison: Change | None  # None when no comparable school has both springs

    @property
    def difference(self) -> float | None:
        """How much more the share of «2» fell (negative) or rose than at comparable schools."""
        if self.comparison is None or None in (self.supported.points, self.comparison.points):
            return None
        return self.supported.points - self.comparison.points

    @property
    def difference_text(self) -> str:
        return _number(self.difference)


def tutoring_effect(municipality: Municipality, year: AcademicYear) -> list[EffectRow]:
    """The rows for the municipality's tutoring in `year`; a constant number of queries."""
    start, end = year_bounds(year)
    sessions = defaultdict(int)
    for school, subject in Session.objects.filter(
        municipality=municipality,
        status=Session.Status.HELD,
        starts_at__range=(start, end),
        organization__isnull=False,
        subject__isnull=False,
    ).values_list("organization", "subject"):
        sessions[(school, subject)] += 1
    before, after = year.start_year, year.start_year + 1
    works = {
        pk: (subject, spring)
        for pk, subject, spring in Assessment.objects.filter(
            kind=AssessmentKind.VPR, year__in=(before, after)
        ).values_list("pk", "subject", "year")
    }
    pooled: dict[tuple[int, int], Change] = defaultdict(Change)
    for (work, school), figures in analysis.work_figures(
        list(works), level=Level.SCHOOL, municipalities=[municipality.pk]
    ).items():
        subject, spring = works[work]
        change = pooled[(school, subject)]
        (change.before if spring == before else change.after).add(figures)
    schools = Organization.objects.in_bulk({school for school, _subject in sessions})
    subjects = Subject.objects.in_bulk({subject for _school, subject in sessions})
    rows = []
    for (school, subject), count in sessions.items():
        supported = pooled.get((school, subject))
        if supported is None or supported.points is None:
            continue
        rows.append(
            EffectRow(
                school=schools[school],
                subject=subjects[subject],
                sessions=count,
                supported=supported,
                comparison=_comparison(pooled, sessions, subject, supported.before.percent),
            )
        )
    rows.sort(key=lambda row: (row.subject.name, row.school.short_name))
    return rows


def _comparison(pooled, sessions, subject: int, start: float) -> Change | None:
    group = Change(schools=0)
    for (school, other_subject), change in pooled.items():
        if other_subject != subject or (school, subject) in sessions or change.points is None:
            continue
        if abs(change.before.percent - start) > SIMILAR:
            continue
        group.schools += 1
        for spring in ("before", "after"):
            mine, theirs = getattr(group, spring), getattr(change, spring)
            mine.participants += theirs.participants
            mine.twos += theirs.twos
    return group if group.schools else None
