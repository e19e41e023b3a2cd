"""Demo ВПР results for Лабинский район: three years of municipal «Ф1» exports, generated and
then loaded the way a methodist loads them (checked, confirmed, loaded). СОШ № 20 is among
the weakest schools and gets better in the last year, after a year of tutoring."""

import datetime
import io
import random

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import Municipality, Organization, User

from . import demo_gia, demo_programme, services
from .models import Assessment, AssessmentKind, ImportBatch

# Subject, grade, the tasks (number, maximum, level) and the lowest primary score of 3, 4, 5.
WORKS = [
    (
        "Математика",
        5,
        [("1", 1, "Б"), ("2", 1, "Б"), ("3", 1, "Б"), ("4", 1, "Б"), ("5", 2, "Б"),
         ("6", 1, "Б"), ("7", 2, "Б"), ("8", 2, "П"), ("9.1", 1, "Б"), ("9.2", 1, "П"),
         ("10", 2, "П")],
        (5, 9, 12),
    ),
    (
        "Русский язык",
        5,
        [("1К1", 4, "Б"), ("1К2", 3, "Б"), ("1К3", 2, "Б"), ("2", 3, "Б"), ("3", 2, "Б"),
         ("4", 2, "Б"), ("5", 3, "П"), ("6", 2, "Б"), ("7", 2, "П"), ("8", 2, "П")],
        (9, 15, 21),
    ),
]  # fmt: skip

# A school's usual level (the expected share of the maximum); unlisted schools are average.
LEVELS = {SHNOR_SCHOOL: 0.34, "МОБУ СОШ № 22": 0.36, "МОБУ СОШ № 1": 0.7, "МОБУ СОШ № 3": 0.66}
SMALL = {"МОБУ СОШ № 28": 14}  # a small rural school: its figures are not reliable


def years(today: datetime.date | None = None) -> list[int]:
    """The last three springs that had ВПР."""
    today = today or datetime.date.today()
    last = today.year if today.month >= 5 else today.year - 1
    return [last - 2, last - 1, last]


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    methodist = User.objects.get(username="methodist")
    schools = list(
        Organization.objects.filter(municipality=labinsk)
        .exclude(fis_oko_login="")
        .order_by("short_name")
    )
    for year in years():
        for subject, grade, tasks, bounds in WORKS:
            if Assessment.objects.filter(
                kind=AssessmentKind.VPR, year=year, subject__name=subject, grade=grade
            ).exists():
                continue
            content = municipal_file(year, subject, grade, tasks, bounds, schools)
            name = f"ВПР_{year}_{subject.replace(' ', '_')}_{grade}_Лабинский_район.xlsx"
            batch = services.batch_check(
                actor=methodist,
                municipality=labinsk,
                uploaded=SimpleUploadedFile(name, content),
            )
            if batch.status != ImportBatch.Status.READY:
                raise RuntimeError(f"Демо-файл {name} не прошёл проверку: {batch.errors[:3]}")
            services.batch_confirm(actor=methodist, batch=batch, queue=False)
            services.batch_load(batch.pk)
            result.count(True)
    demo_gia.load(result, years())
    demo_programme.load(result)


def _level(school: Organization, year: int, last: int) -> float:
    level = LEVELS.get(school.short_name, 0.55)
    if school.short_name == SHNOR_SCHOOL and year == last:
        level += 0.14  # the year after the tutors came
    return level


def _rows(year, subject, grade, tasks, bounds, schools):
    rng = random.Random(f"{year}-{subject}-{grade}")
    last = years()[-1]
    code = 10000
    for school in schools:
        level = _level(school, year, last)
        for _ in range(SMALL.get(school.short_name) or rng.randint(38, 70)):
            code += rng.randint(1, 9)
            ability = min(max(rng.gauss(level, 0.17), 0.0), 1.0)
            scores = []
            for _number, maximum, task_level in tasks:
                chance = ability if task_level == "Б" else ability * 0.7
                if rng.random() < 0.04:
                    scores.append("X")
                else:
                    scores.append(sum(rng.random() < chance for _ in range(maximum)))
            primary = sum(s for s in scores if s != "X")
            mark = 2 + sum(primary >= bound for bound in bounds)
            journal = min(5, mark + rng.choice((0, 0, 0, 1, 1, -1)))
            yield school, (
                str(code), f"{grade}{rng.choice('АБВ')}", rng.randint(1, 4),
                scores, primary, mark, max(journal, 2),
            )  # fmt: skip


def municipal_file(year, subject, grade, tasks, bounds, schools) -> bytes:
    """A municipal «Ф1» export as ФИС ОКО gives it: metadata, the task levels, one row per
    participant, the school on every row."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Ф1 Индивидуальные результаты")
    maximum = sum(m for _n, m, _l in tasks)
    sheet.write_row(0, 0, [f"ВПР {year} {subject} {grade} класс"])
    sheet.write_row(1, 0, ["Предмет", subject])
    sheet.write_row(2, 0, ["Максимальный первичный балл", maximum])
    sheet.write_row(3, 0, ["Дата", f"{17 + grade % 3:02d}.04.{year}"])
    fixed = ["Муниципалитет", "ОО", "Название ОО", "Код участника", "Класс", "Вариант"]
    totals = ["Первичный балл", "Отметка", "Отметка по журналу"]
    sheet.write_row(5, len(fixed), [level for _n, _m, level in tasks])
    sheet.write_row(6, 0, [*fixed, *(f"{n} ({m}б)" for n, m, _l in tasks), *totals])
    for index, (school, (code, class_name, variant, scores, primary, mark, journal)) in enumerate(
        _rows(year, subject, grade, tasks, bounds, schools), start=7
    ):
        sheet.write_row(
            index,
            0,
            ["Лабинский район", school.fis_oko_login, school.short_name, code, class_name,
             variant, *scores, primary, mark, journal],
        )  # fmt: skip
    book.close()
    return buffer.getvalue()
