"""Difficulties for a teacher's development route from their expertise: the criteria that
the experts did not score in full in the latest conclusion of each of the teacher's cases,
with the experts' comments (their recommendations). Registered with
`tutoring.extensions.register_difficulty_source`, so that `community` offers them without
importing this app."""

from .models import Conclusion, Verdict
from .selectors import case_deficits, latest_conclusions

# The RouteDifficulty source these suggestions come under.
SOURCE = "expertise"
# A conclusion of the year before still describes the teacher's work of this one.
YEARS_BACK = 1


def expertise_difficulties(teacher, academic_year) -> list[tuple[str, str]]:
    latest = latest_conclusions(
        Conclusion.objects.filter(
            case__author=teacher,
            case__academic_year__start_year__range=(
                academic_year.start_year - YEARS_BACK,
                academic_year.start_year,
            ),
        )
    )
    found = []
    for conclusion in latest:
        title = conclusion.snapshot.get("title", conclusion.case.title)
        for criterion in case_deficits(conclusion):
            comments = "; ".join(
                dict.fromkeys(r["comment"] for r in criterion["remarks"] if r["comment"])
            )
            text = f"Экспертиза «{title}» ({Verdict(conclusion.verdict).label}): критерий "
            text += f"«{criterion['title']}» оценён не полностью"
            found.append((SOURCE, f"{text}. {comments}" if comments else f"{text}."))
    return found
