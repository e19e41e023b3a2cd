"""Difficulties for a teacher's development route from the results of their school: the
reasons of the risk list (`risks.risk_rows`) for the school and the teacher's subjects in the
results of the spring before the route's year. Registered with
`tutoring.extensions.register_difficulty_source`, so that `community` offers them without
importing this app."""

from tutoring.models import Role, RoleKind

from .risks import risk_rows

# The RouteDifficulty source these suggestions come under.
SOURCE = "results"


def results_difficulties(teacher, academic_year) -> list[tuple[str, str]]:
    # The results of the spring of a year decide the support of the academic year that starts
    # in its September (risks.status_year): a route of 2025/26 works on the results of 2025.
    roles = list(
        Role.objects.filter(user=teacher, kind=RoleKind.TEACHER)
        .select_related("organization__municipality")
        .prefetch_related("subjects")
    )
    found = []
    for role in roles:
        subjects = {subject.pk for subject in role.subjects.all()}
        school = role.organization
        for row in risk_rows(school.municipality, academic_year.start_year, school=school):
            if subjects and row.subject.pk not in subjects:
                continue
            for reason in row.reasons:
                found.append((SOURCE, f"{row.subject.name}, {reason.line}"))
    return found
