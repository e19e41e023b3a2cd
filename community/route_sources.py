"""Difficulties for a teacher's development route from their diagnosis of deficits (Р-201:
the route is built on it): each kind rated high or medium in the teacher's latest diagnosis
of the route's academic year or the year before. Registered with
`tutoring.extensions.register_difficulty_source`, beside what expertise and monitoring offer."""

from .models import Deficit, DeficitDiagnosis, RouteDifficulty

# The RouteDifficulty source these suggestions come under.
SOURCE = RouteDifficulty.Source.DIAGNOSIS
# A diagnosis of the spring before still describes the teacher the route starts from.
YEARS_BACK = 1
OFFERED = (Deficit.Level.HIGH, Deficit.Level.MEDIUM)
# How a difficulty says where it was found: «…, по итогам наблюдения урока 12.10.2026».
FOUND_BY = {
    Deficit.Source.TEST: "по итогам теста",
    Deficit.Source.EXPERT: "по экспертному заключению",
    Deficit.Source.OBSERVATION: "по итогам наблюдения урока",
    Deficit.Source.OTHER: "по итогам диагностики",
}


def latest_diagnosis(teacher, academic_year) -> DeficitDiagnosis | None:
    return (
        DeficitDiagnosis.objects.filter(
            teacher=teacher,
            academic_year__start_year__range=(
                academic_year.start_year - YEARS_BACK,
                academic_year.start_year,
            ),
        )
        .prefetch_related("deficits")
        .order_by("-date", "-pk")
        .first()
    )


def deficit_text(diagnosis: DeficitDiagnosis, deficit: Deficit) -> str:
    text = (
        f"{deficit.get_kind_display().capitalize()} дефициты ({deficit.get_level_display()}), "
        f"{FOUND_BY[deficit.source]} {diagnosis.date:%d.%m.%Y}"
    )
    return f"{text}: {deficit.note}" if deficit.note else f"{text}."


def offered_texts(diagnosis: DeficitDiagnosis) -> list[str]:
    return [deficit_text(diagnosis, d) for d in diagnosis.rated() if d.level in OFFERED]


def diagnosis_difficulties(teacher, academic_year) -> list[tuple[str, str]]:
    diagnosis = latest_diagnosis(teacher, academic_year)
    return [(SOURCE, text) for text in offered_texts(diagnosis)] if diagnosis else []


def offering_diagnosis(teacher, academic_year, text: str) -> DeficitDiagnosis | None:
    """The diagnosis that offers `text` to the teacher's route of that year, if one does."""
    diagnosis = latest_diagnosis(teacher, academic_year)
    return diagnosis if diagnosis and text in offered_texts(diagnosis) else None
