"""What the portal itself knows about a school's risk directions, offered as the justification
of their rating («500+» risk profile): the reasons of «Где нужна помощь» for the share of
pupils at risk of failing, the criteria the experts did not score in full for the teachers'
competence, the share of teachers with a development route for the school's own training.
Three queries a source, whatever the school's size."""

from django.db.models import Max

from community.models import DevelopmentRoute
from expertise.models import Conclusion, Verdict
from expertise.selectors import case_deficits, latest_conclusions
from tutoring.models import AcademicYear, Organization, RiskDirection, Role, RoleKind
from tutoring.words import plural

from ..models import Assessment
from ..risks import risk_rows

Evidence = RiskDirection.Evidence
# A conclusion of the year before still describes the teachers' work of this one.
EXPERTISE_YEARS_BACK = 1


def offered(school: Organization, academic_year: AcademicYear) -> dict[str, str]:
    """The text the portal offers for each kind of evidence it has for the school and year;
    a kind it knows nothing about is absent."""
    found = {
        Evidence.LEARNING_FAILURE: learning_failure(school, academic_year),
        Evidence.COMPETENCE: competence(school, academic_year),
        Evidence.TRAINING: training(school, academic_year),
    }
    return {kind: text for kind, text in found.items() if text}


def results_year(school: Organization, academic_year: AcademicYear) -> int | None:
    """The results a profile of the year works on: those of its spring (`risks.status_year`),
    or the latest before it the school has."""
    return Assessment.objects.filter(
        year__lte=academic_year.start_year, results__organization=school
    ).aggregate(year=Max("year"))["year"]


def learning_failure(school: Organization, academic_year: AcademicYear) -> str:
    year = results_year(school, academic_year)
    if year is None:
        return ""
    rows = risk_rows(school.municipality, year, school=school)
    if not rows:
        return f"По результатам {year} г. в «Где нужна помощь» у школы причин нет."
    lines = [f"— {row.subject.name}, {reason.line}" for row in rows for reason in row.reasons]
    counted = plural(len(lines), "причина", "причины", "причин")
    return f"По результатам {year} г. в «Где нужна помощь» {counted}:\n" + "\n".join(lines)


def competence(school: Organization, academic_year: AcademicYear) -> str:
    first = academic_year.start_year - EXPERTISE_YEARS_BACK
    conclusions = latest_conclusions(
        Conclusion.objects.filter(
            case__organization=school,
            case__academic_year__start_year__range=(first, academic_year.start_year),
        )
    )
    if not conclusions:
        return ""
    lines = []
    for conclusion in conclusions:
        deficits = case_deficits(conclusion)
        if deficits:
            title = conclusion.snapshot.get("title", conclusion.case.title)
            criteria = ", ".join(f"«{criterion['title']}»" for criterion in deficits)
            verdict = Verdict(conclusion.verdict).label
            lines.append(f"— «{title}» ({verdict}): оценены не полностью {criteria}")
    counted = plural(len(conclusions), "заключение", "заключения", "заключений")
    if not lines:
        return f"Экспертиза работ учителей школы: {counted}, все критерии оценены полностью."
    return f"Экспертиза работ учителей школы ({counted}):\n" + "\n".join(lines)


def training(school: Organization, academic_year: AcademicYear) -> str:
    teachers = set(
        Role.objects.filter(
            kind=RoleKind.TEACHER, organization=school, user__is_active=True
        ).values_list("user", flat=True)
    )
    if not teachers:
        return ""
    guided = set(
        DevelopmentRoute.objects.filter(
            organization=school, academic_year=academic_year, teacher__in=teachers
        ).values_list("teacher", flat=True)
    )
    share = f"{100 * len(guided) / len(teachers):.1f}".replace(".", ",")
    return (
        f"Маршрут профессионального развития на {academic_year} учебный год есть у "
        f"{len(guided)} из {plural(len(teachers), 'учителя', 'учителей', 'учителей')} школы "
        f"на портале ({share} %)."
    )
