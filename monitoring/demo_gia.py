"""Demo ГИА results for Лабинский район: for each of three years, the municipality's ОГЭ
(математика, русский язык, 9 класс) and ЕГЭ (русский язык, профильная математика, 11 класс)
in one file of the portal's own ГИА template, loaded the way a methodist loads it (checked,
confirmed, loaded). СОШ № 20 is among the weakest schools and gets better in the last year,
after a year of tutoring, as in the ВПР demo."""

import random
from bisect import bisect_right

from django.core.files.uploadedfile import SimpleUploadedFile

from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import Municipality, Organization, Subject, User

from . import gia, services
from .models import Assessment, AssessmentKind, ImportBatch

# Exam, subject, class, maximum primary score, and how a primary score becomes the result: the
# lowest primary score of a «3», «4», «5» (ОГЭ), or points (primary, test score) of the
# conversion scale between which the test score is interpolated (ЕГЭ).
EXAMS = [
    ("ОГЭ", "Математика", 9, 31, (8, 15, 22)),
    ("ОГЭ", "Русский язык", 9, 33, (15, 23, 29)),
    ("ЕГЭ", "Русский язык", 11, 50, ((0, 0), (10, 24), (16, 36), (34, 70), (50, 100))),
    ("ЕГЭ", "Математика", 11, 32, ((0, 0), (5, 27), (6, 33), (12, 62), (18, 76), (32, 100))),
]

# A school's usual level (the expected share of the maximum); unlisted schools are average.
LEVELS = {SHNOR_SCHOOL: 0.3, "МОБУ СОШ № 22": 0.42, "МОБУ СОШ № 1": 0.68, "МОБУ СОШ № 3": 0.63}
SMALL = {"МОБУ СОШ № 28"}  # a small rural school: its figures are not reliable


def load(result, years: list[int]) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    methodist = User.objects.get(username="methodist")
    result.count(services.minimum_scores_seed(actor=methodist, years=years) > 0)
    schools = list(
        Organization.objects.filter(municipality=labinsk)
        .exclude(fis_oko_login="")
        .order_by("short_name")
    )
    subjects = list(
        Subject.objects.filter(kind=Subject.Kind.SUBJECT).values_list("name", flat=True)
    )
    for year in years:
        if Assessment.objects.filter(
            kind=AssessmentKind.OGE, year=year, subject__name="Математика", grade=9
        ).exists():
            continue
        content = gia.gia_template(
            subjects=subjects,
            schools=[(s.fis_oko_login, s.short_name) for s in schools],
            rows=municipal_rows(year, schools, last=years[-1]),
        )
        name = f"ГИА_{year}_Лабинский_район.xlsx"
        batch = services.batch_check(
            actor=methodist,
            municipality=labinsk,
            uploaded=SimpleUploadedFile(name, content),
            layout=gia.Layout.GIA,
        )
        if batch.status != ImportBatch.Status.READY:
            raise RuntimeError(f"Демо-файл {name} не прошёл проверку: {batch.errors[:3]}")
        services.batch_confirm(actor=methodist, batch=batch, queue=False)
        services.batch_load(batch.pk)
        result.count(True)


def _level(school: Organization, year: int, last: int) -> float:
    level = LEVELS.get(school.short_name, 0.52)
    if school.short_name == SHNOR_SCHOOL and year == last:
        level += 0.14  # the year after the tutors came
    return level


def _test_score(primary: int, scale) -> int:
    points = [p for p, _score in scale]
    index = min(bisect_right(points, primary), len(scale) - 1)
    (low, low_score), (high, high_score) = scale[index - 1], scale[index]
    return round(low_score + (high_score - low_score) * (primary - low) / (high - low))


def municipal_rows(year: int, schools: list[Organization], *, last: int):
    """The rows of the template (in the order of `gia.GIA_COLUMNS`) for every school and
    exam of a year."""
    rng = random.Random(f"gia-{year}")
    code = 100000
    for school in schools:
        level = _level(school, year, last)
        small = school.short_name in SMALL
        ninth = rng.randint(6, 10) if small else rng.randint(34, 62)
        eleventh = rng.randint(3, 6) if small else rng.randint(12, 28)
        pupils = {
            9: [(f"9{rng.choice('АБВ')}", rng.gauss(level, 0.15)) for _ in range(ninth)],
            11: [(f"11{rng.choice('АБ')}", rng.gauss(level, 0.15)) for _ in range(eleventh)],
        }
        for exam, subject, grade, maximum, scale in EXAMS:
            takers = pupils[grade]
            if exam == "ЕГЭ" and subject == "Математика":
                # About half choose the профильный level, the stronger half as a rule.
                takers = sorted(takers, key=lambda pupil: pupil[1])[len(takers) // 2 :]
            for class_name, ability in takers:
                code += rng.randint(1, 7)
                chance = min(max(ability + rng.gauss(0, 0.06), 0.02), 0.98)
                primary = sum(rng.random() < chance for _ in range(maximum))
                if exam == "ОГЭ":
                    test_score, mark = None, 2 + bisect_right(scale, primary)
                else:
                    test_score, mark = _test_score(primary, scale), None
                yield (
                    school.fis_oko_login, year, exam, subject, class_name, str(code),
                    rng.randint(1, 20), primary, test_score, mark,
                )  # fmt: skip
