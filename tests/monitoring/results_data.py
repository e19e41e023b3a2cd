"""The small ВПР file the analysis is checked against by hand.

Three tasks (1: basic, max 1; 2: basic, max 2; 3: advanced, max 2; maximum 5). Marks by
primary score: 0–1 «2», 2 «3», 3–4 «4», 5 «5». Twelve participants:

МОБУ СОШ № 10 (world.school), 8 participants
  code   scores         primary mark journal  work vs journal
  10001  1  2  2        5       5    5        same
  10002  1  2  1        4       4    5        lower
  10003  1  1  1        3       4    4        same
  10004  1  1  0        2       3    4        lower
  10005  0  2  0        2       3    3        same
  10006  1  1  X        2       3    2        higher
  10007  1  0  0        1       2    —        (no journal mark)
  10008  X  0  X        0       2    3        lower
МОБУ СОШ № 20 (world.other_school, same municipality), 2 participants
  20001  1  2  2        5       5    5        same
  20002  1  1  1        3       4    5        lower
МБОУ СОШ № 1 (world.foreign_school, another municipality), 2 participants
  30001  0  0  0        0       2    3        lower
  30002  1  2  1        4       4    4        same

Worked out:
- school: marks 2/3/4/5 = 2/3/2/1 of 8 → 25 / 37.5 / 25 / 12.5 %; quality 37.5 %, success 75 %;
  mean primary 19 / 8 = 2.375; journal (7 compared) lower 3, same 3, higher 1;
  task success: 1 → 6 / 8 = 75 %; 2 → 9 / 16 = 56.25 %; 3 → 4 / 16 = 25 %.
- municipality (10): marks 2/3/3/2 → 20 / 30 / 30 / 20 %; mean 27 / 10 = 2.7;
  journal (9) lower 4, same 4, higher 1; tasks 8 / 10 = 80 %, 12 / 20 = 60 %, 7 / 20 = 35 %.
- region (12): marks 3/3/4/2; mean 31 / 12; tasks 9 / 12 = 75 %, 14 / 24 = 58.33 %, 8 / 24 =
  33.33 %.
- boundaries seen: «3» from 2, «4» from 3, «5» from 5; school histogram 1, 1, 3, 1, 1, 1.
"""

from monitoring import services
from monitoring.models import Assessment, ImportBatch

from . import f1files
from .factories import World, upload

TASKS = [("1", 1, "Б"), ("2", 2, "Б"), ("3", 2, "П")]
X = "X"

SCHOOL = [
    ("10001", [1, 2, 2], 5, 5, "Сидоров Пётр"),
    ("10002", [1, 2, 1], 4, 5, "Орлова Дарья"),
    ("10003", [1, 1, 1], 4, 4, "Морозов Глеб"),
    ("10004", [1, 1, 0], 3, 4, "Волкова Ева"),
    ("10005", [0, 2, 0], 3, 3, "Зайцев Лев"),
    ("10006", [1, 1, X], 3, 2, "Белова Нина"),
    ("10007", [1, 0, 0], 2, None, "Ковалёв Егор"),
    ("10008", [X, 0, X], 2, 3, "Лисицына Мила"),
]
OTHER = [
    ("20001", [1, 2, 2], 5, 5, "Ершов Тимур"),
    ("20002", [1, 1, 1], 4, 5, "Гусева Яна"),
]
FOREIGN = [
    ("30001", [0, 0, 0], 2, 3, "Фомин Олег"),
    ("30002", [1, 2, 1], 4, 4, "Титова Вера"),
]
NAMES = [name for rows in (SCHOOL, OTHER, FOREIGN) for *_rest, name in rows]
CODES = [code for rows in (SCHOOL, OTHER, FOREIGN) for code, *_rest in rows]


def row(school, code, scores, mark, journal, name="Иванов Иван") -> f1files.Row:
    return f1files.Row(
        school_login=school.fis_oko_login,
        school_name=school.short_name,
        code=code,
        class_name="5А",
        variant=1,
        scores=list(scores),
        primary=sum(s for s in scores if s != X),
        mark=mark,
        journal_mark=journal,
        name=name,
    )


def rows_of(world: World) -> list[f1files.Row]:
    return [
        row(school, *line)
        for school, lines in (
            (world.school, SCHOOL),
            (world.other_school, OTHER),
            (world.foreign_school, FOREIGN),
        )
        for line in lines
    ]


def load_rows(rows, *, tasks=TASKS, **kw) -> Assessment:
    """A regional upload (as `manage.py import_vpr` makes it), checked, confirmed, loaded."""
    data = f1files.f1_file(rows, tasks=tasks, municipal=True, **kw)
    batch = services.batch_check(actor=None, municipality=None, uploaded=upload(data))
    assert batch.status == ImportBatch.Status.READY, batch.errors
    services.batch_confirm(actor=None, batch=batch, queue=False)
    services.batch_load(batch.pk)
    return Assessment.objects.get(
        kind="vpr",
        year=kw.get("year", 2025),
        subject__name=kw.get("subject", "Математика"),
        grade=kw.get("grade", 5),
    )


def load_small_file(world: World, **kw) -> Assessment:
    return load_rows(rows_of(world), **kw)
