"""Where support is needed: the schools and subjects whose results of a year call for help,
each with its reasons spelled out. Built on the indicators of `analysis`; a constant number of
queries whatever the number of schools, participants and years.

The rules (shared/DESIGN.md, «Monitoring»; ФИОКО's recommendations for analysing ВПР), written
once in `RULES` for the page, the analytical report and README alike:
- ВПР: the share of «2» is at least `HIGH_TWOS_GAP` points above the municipality's in the
  same work;
- ВПР: the share of «2» of the year is at least `analysis.WORRYING_RISE` points above its mean
  over the 2–4 years before it that have results (DESIGN looks at the share of «2» over 3–5
  years; one earlier year is not a trend, so with fewer than `RISE_EARLIER_MIN` there is no
  such reason);
- ВПР: the marks are below the journal marks for at least `JOURNAL_GAP` % of the pupils with
  both: the marks of the school and of the work do not agree;
- ГИА: the share below the minimum is at least `GIA_GAP` points above the municipality's.
A reason drawn from fewer than `analysis.RELIABLE_FROM` participants is kept and marked
«ненадёжно» on its own line, never dropped. The differences are compared as the page prints
them, to a tenth: a rise shown as «+9,9 п.» never flags, «+10,0 п.» always does."""

from collections import defaultdict
from dataclasses import dataclass, field

from tutoring.models import AcademicYear, Municipality, Organization, SchoolStatus, Subject
from tutoring.words import plural

from . import analysis
from .analysis import Level, rounded
from .models import Assessment, AssessmentKind

HIGH_TWOS_GAP = 10.0
JOURNAL_GAP = 40.0
# The rise of «2»: the same span as the school page's trend (monitoring.analysis).
RISE_EARLIER_MIN = analysis.RISE_EARLIER_MIN
RISE_EARLIER_MAX = analysis.RISE_EARLIER_MAX
# ГИА has no ФИОКО threshold of its own: the share below the minimum is the «2» of ОГЭ and
# ГВЭ, so it takes the same 10-point gap DESIGN gives for the share of «2». A school 0.2 points
# above the municipality is the municipality's level, not a reason.
GIA_GAP = 10.0

UNRELIABLE = "ненадёжно"

RULES = (
    f"на ВПР доля «2» на {HIGH_TWOS_GAP:g} п. и больше выше, чем по муниципалитету в той же работе",
    f"на ВПР доля «2» в выбранном году на {analysis.WORRYING_RISE:g} п. и больше выше, чем в "
    f"среднем за {RISE_EARLIER_MIN}–{RISE_EARLIER_MAX} предыдущих года с результатами "
    f"(признак считается, только если есть хотя бы {RISE_EARLIER_MIN} более ранних года)",
    f"на ВПР у {JOURNAL_GAP:g} % и больше участников с отметкой в журнале отметка за работу "
    "ниже журнальной",
    f"на ГИА доля участников ниже минимального балла на {GIA_GAP:g} п. и больше выше, чем по "
    "муниципалитету",
)
UNRELIABLE_RULE = (
    f"Признак, посчитанный меньше чем по {analysis.RELIABLE_FROM} участникам, не отбрасывается, "
    f"а помечается «{UNRELIABLE}»: по рекомендациям ФИОКО такая цифра ненадёжна, выводы по ней "
    "делать нельзя."
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{rounded(value):.1f}".replace(".", ",") + " %"


def _points(value: float) -> str:
    return f"{rounded(value):+.1f}".replace(".", ",").replace("-", "−") + " п."


def _above(own: float | None, whole: float | None, by: float) -> bool:
    return own is not None and whole is not None and rounded(own - whole) >= by


@dataclass
class Reason:
    work: str  # «ВПР, 5 класс»
    text: str
    # The fewest participants behind the figures of the reason: the school's, in the year or
    # in any earlier year it is compared with.
    participants: int | None = None

    @property
    def unreliable(self) -> bool:
        return self.participants is not None and self.participants < analysis.RELIABLE_FROM

    @property
    def few(self) -> str:
        """«14 участников, меньше 20»: why the reason is unreliable; empty for a reliable one."""
        if not self.unreliable:
            return ""
        counted = plural(self.participants, "участник", "участника", "участников")
        return f"{counted}, меньше {analysis.RELIABLE_FROM}"

    @property
    def caveat(self) -> str:
        """«ненадёжно: 14 участников, меньше 20»; empty for a reliable reason."""
        return f"{UNRELIABLE}: {self.few}" if self.unreliable else ""

    @property
    def line(self) -> str:
        """The reason as one line of a report or a route, with its caveat."""
        line = f"{self.work}: {self.text}"
        return f"{line} ({self.caveat})" if self.unreliable else line


@dataclass
class RiskRow:
    school: Organization
    subject: Subject
    reasons: list[Reason] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)  # «ШНОР», «ШССУ» for the next year

    @property
    def summary(self) -> str:
        """The reasons in one line: the difficulty of a consultation request made from it."""
        return "; ".join(reason.line for reason in self.reasons)


def latest_year(municipality: Municipality | None) -> int | None:
    results = Assessment.objects.all()
    if municipality is not None:
        results = results.filter(results__organization__municipality=municipality)
    return results.order_by("-year").values_list("year", flat=True).first()


def status_year(year: int) -> AcademicYear | None:
    """Results of the spring of `year` decide the support of the academic year that starts in
    its September."""
    return AcademicYear.objects.filter(start_year=year).first()


def rise_reason(series: dict[int, analysis.WorkFigures], year: int, where: str) -> Reason | None:
    """The rise of «2» of one work at one school: `series` holds its figures by year. The year
    against the mean of the shares of «2» of the `RISE_EARLIER_MAX` years before it that have
    one (a year without results is skipped, not counted as zero); None without the year, with
    fewer than `RISE_EARLIER_MIN` earlier years or a smaller rise."""
    now = series.get(year)
    earlier = sorted(
        past
        for past, figures in series.items()
        if year - RISE_EARLIER_MAX <= past < year and figures.twos is not None
    )
    if now is None or now.twos is None or len(earlier) < RISE_EARLIER_MIN:
        return None
    mean = sum(series[past].twos for past in earlier) / len(earlier)
    if not _above(now.twos, mean, analysis.WORRYING_RISE):
        return None
    # The smallest year behind the mean is named too: it is what makes the reason unreliable.
    smallest = min(earlier, key=lambda past: series[past].participants)
    counted = f"участников в {year} г.: {now.participants}"
    fewest = now.participants
    if series[smallest].participants < min(now.participants, analysis.RELIABLE_FROM):
        fewest = series[smallest].participants
        counted += f", в {smallest} г.: {fewest}"
    text = (
        f"доля «2» выросла: {year}: {_pct(now.twos)}, в среднем за {analysis.years_text(earlier)}: "
        f"{_pct(mean)}, {_points(now.twos - mean)} ({counted})"
    )
    return Reason(where, text, fewest)


def risk_rows(municipality: Municipality, year: int, *, school: Organization | None = None):
    """The rows of the risk list of a municipality (or of one of its schools) for the results
    of `year`, the schools with the most reasons first."""
    works = {
        work.pk: work
        for work in Assessment.objects.filter(
            year__gte=year - RISE_EARLIER_MAX, year__lte=year
        ).select_related("subject")
    }
    current = [pk for pk, work in works.items() if work.year == year]
    vpr = [pk for pk in current if works[pk].kind == AssessmentKind.VPR]
    vpr_years = [pk for pk, work in works.items() if work.kind == AssessmentKind.VPR]
    gia = [pk for pk in current if works[pk].kind in analysis.GIA_KINDS]
    place = {"municipalities": [municipality.pk]}
    schools = {"schools": [school.pk]} if school is not None else {}
    found = defaultdict(list)

    # One query for every year of the window: the year's figures, and the earlier ones its
    # share of «2» is compared with.
    figures = analysis.work_figures(vpr_years, level=Level.SCHOOL, **place, **schools)
    municipal = analysis.work_figures(vpr, level=Level.MUNICIPALITY, **place)
    series = defaultdict(dict)
    for (work_id, school_id), own in figures.items():
        work = works[work_id]
        series[(work.kind, work.subject_id, work.grade, work.title, school_id)][work.year] = own
        if work.year != year:
            continue
        where = f"ВПР, {work.grade} класс"
        whole = municipal.get((work_id, municipality.pk))
        if _above(own.twos, whole.twos if whole else None, HIGH_TWOS_GAP):
            text = (
                f"доля «2» {_pct(own.twos)} против {_pct(whole.twos)} по муниципалитету "
                f"(участников {own.participants})"
            )
            found[(school_id, work.subject_id)].append(Reason(where, text, own.participants))
        if own.lower_share is not None and rounded(own.lower_share) >= JOURNAL_GAP:
            text = (
                f"у {_pct(own.lower_share)} участников отметка ВПР ниже отметки в журнале "
                f"(сравнимо участников {own.compared})"
            )
            found[(school_id, work.subject_id)].append(Reason(where, text, own.compared))

    for (_kind, subject_id, grade, _title, school_id), by_year in series.items():
        reason = rise_reason(by_year, year, f"ВПР, {grade} класс")
        if reason is not None:
            found[(school_id, subject_id)].append(reason)

    gia_own = analysis.gia_figures(gia, level=Level.SCHOOL, **place, **schools)
    gia_municipal = analysis.gia_figures(gia, level=Level.MUNICIPALITY, **place)
    for (work_id, school_id), own in gia_own.items():
        whole = gia_municipal.get((work_id, municipality.pk))
        if whole is None or not _above(own.below_share, whole.below_share, GIA_GAP):
            continue
        work = works[work_id]
        text = (
            f"ниже минимального балла {_pct(own.below_share)} против "
            f"{_pct(whole.below_share)} по муниципалитету, "
            f"{_points(own.below_share - whole.below_share)} (участников {own.participants})"
        )
        found[(school_id, work.subject_id)].append(
            Reason(f"{work.get_kind_display()}, {work.grade} класс", text, own.participants)
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
