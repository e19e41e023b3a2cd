"""Leaving the list: the municipality's rule checked against the ВПР results of the schools in
the programme. After an academic year, its spring's results (and the years before it) say
whether a school no longer needs the status for the next year; the methodist confirms. A
constant number of queries whatever the number of schools."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from tutoring.models import AcademicYear, Municipality, Organization, SchoolStatus
from tutoring.words import plural_form

from .. import analysis
from ..analysis import Level, rounded, share
from ..models import Assessment, AssessmentKind, ExitRule, ProgrammeExit


def rule_of(municipality: Municipality) -> ExitRule:
    """The municipality's rule, or the default one (unsaved) until its methodist states one."""
    return ExitRule.objects.filter(municipality=municipality).first() or ExitRule(
        municipality=municipality
    )


def rule_text(rule: ExitRule) -> str:
    years = rule.years
    word = plural_form(years, "год", "года", "лет")
    running = "в последнем году" if years == 1 else f"{years} {word} подряд"
    confirmed = f"{rule.confirmed_min:.1f}".replace(".", ",").removesuffix(",0")
    return (
        f"доля «2» по всем работам ВПР школы ниже, чем по муниципалитету, {running}, "
        f"и в последнем году у не менее чем {confirmed} % участников отметка ВПР не ниже "
        "журнальной"
    )


@dataclass
class Pooled:
    twos: int = 0
    marked: int = 0
    lower: int = 0
    confirmed: int = 0

    def add(self, figures: analysis.WorkFigures) -> None:
        self.twos += figures.marks.get(2, 0)
        self.marked += figures.marked
        self.lower += figures.lower
        self.confirmed += figures.same + figures.higher

    @property
    def twos_share(self) -> float | None:
        return share(self.twos, self.marked)

    @property
    def confirmed_share(self) -> float | None:
        return share(self.confirmed, self.confirmed + self.lower)


def _pct(value: float | None) -> str:
    return "нет данных" if value is None else f"{rounded(value):.1f}".replace(".", ",") + " %"


@dataclass
class ExitRow:
    school: Organization
    meets: bool
    reasons: list[str] = field(default_factory=list)
    done: ProgrammeExit | None = None

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)


def exit_rows(municipality: Municipality, academic_year: AcademicYear) -> tuple[list[int], list]:
    """The years the rule looks at and a row per school in the programme of the year: whether
    it meets the rule, why, and the exit if the methodist has confirmed it."""
    rule = rule_of(municipality)
    last = academic_year.start_year + 1  # the spring at the end of the year
    years = sorted(
        set(
            Assessment.objects.filter(
                kind=AssessmentKind.VPR,
                year__lte=last,
                results__organization__municipality=municipality,
            ).values_list("year", flat=True)
        )
    )[-rule.years :]
    schools = list(
        Organization.objects.filter(
            municipality=municipality, statuses__academic_year=academic_year
        )
        .distinct()
        .order_by("short_name", "pk")
    )
    ids = [school.pk for school in schools]
    works = {
        work.pk: work.year
        for work in Assessment.objects.filter(kind=AssessmentKind.VPR, year__in=years)
    }
    own, whole = defaultdict(Pooled), defaultdict(Pooled)
    if works and ids:
        for (work, school), figures in analysis.work_figures(
            list(works), level=Level.SCHOOL, schools=ids
        ).items():
            own[(school, works[work])].add(figures)
        for (work, _m), figures in analysis.work_figures(
            list(works), level=Level.MUNICIPALITY, municipalities=[municipality.pk]
        ).items():
            whole[works[work]].add(figures)
    exits = {
        done.organization_id: done
        for done in ProgrammeExit.objects.filter(
            organization__in=ids, academic_year=academic_year
        ).select_related("confirmed_by")
    }
    rows = []
    for school in schools:
        reasons, meets = [], len(years) == rule.years
        if len(years) < rule.years:
            reasons.append(f"результатов ВПР меньше чем за {rule.years} г.")
        for year in years:
            mine, theirs = own[(school.pk, year)].twos_share, whole[year].twos_share
            below = mine is not None and theirs is not None and rounded(mine) < rounded(theirs)
            meets = meets and below
            reasons.append(
                f"{year}: доля «2» {_pct(mine)} против {_pct(theirs)} по муниципалитету"
                + ("" if below else " — не ниже")
            )
        if years:
            confirmed = own[(school.pk, years[-1])].confirmed_share
            enough = confirmed is not None and Decimal(str(rounded(confirmed))) >= (
                rule.confirmed_min
            )
            meets = meets and enough
            reasons.append(
                f"{years[-1]}: отметка подтверждена у {_pct(confirmed)} участников"
                + ("" if enough else " — меньше порога")
            )
        rows.append(ExitRow(school, meets, reasons, exits.get(school.pk)))
    return years, rows


def next_statuses(row_schools, academic_year: AcademicYear) -> dict[int, list[SchoolStatus]]:
    """The statuses the schools already have for the year after: what an exit takes off."""
    found = defaultdict(list)
    for status in SchoolStatus.objects.filter(
        organization__in=row_schools, academic_year__start_year=academic_year.start_year + 1
    ):
        found[status.organization_id].append(status)
    return found
