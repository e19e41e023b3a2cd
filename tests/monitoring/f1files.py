"""ФИС ОКО «Ф1 Индивидуальные результаты» exports, made for the tests of the ВПР reader.

`f1_file(rows, ...)` returns the bytes of an xlsx laid out as `shared/formats/vpr-f1.md`
describes: metadata in rows 1–11, the level row (Б/П) in row `LEVEL_ROW`, the header row in
row `HEADER_ROW`, participants from row `FIRST_DATA_ROW` on, with an empty row in the middle
(`blank_rows`) and a totals row at the end (`totals_row`). `data_row(index, count)` gives the
spreadsheet row of the index-th participant, as the reader's problems report it.

`generated_rows(n)` makes plausible participants of one school (or of several, `logins=`);
change one of them with `dataclasses.replace` to make a bad row.
"""

import dataclasses
import datetime
import io
import random

import xlsxwriter

# ВПР Математика 5 класс, shortened: a dotted number and a «К» criterion as real forms have.
DEFAULT_TASKS: list[tuple[str, int, str]] = [
    ("1", 1, "Б"),
    ("2", 1, "Б"),
    ("3", 2, "Б"),
    ("4К1", 1, "Б"),
    ("5", 1, "Б"),
    ("6", 2, "Б"),
    ("7", 2, "П"),
    ("8", 1, "Б"),
    ("9.1", 1, "Б"),
    ("9.2", 1, "П"),
]

LEVEL_ROW = 12
HEADER_ROW = 13
FIRST_DATA_ROW = 14
SHEET = "Ф1 Индивидуальные результаты"

_MALE = [
    ("Иванов", "Иван"),
    ("Петров", "Пётр"),
    ("Смирнов", "Алексей"),
    ("Кузнецов", "Дмитрий"),
    ("Попов", "Артём"),
    ("Соколов", "Максим"),
    ("Лебедев", "Матвей"),
]
_FEMALE = [
    ("Иванова", "Анна"),
    ("Петрова", "Мария"),
    ("Смирнова", "Софья"),
    ("Кузнецова", "Дарья"),
    ("Попова", "Алиса"),
    ("Соколова", "Виктория"),
    ("Лебедева", "Ксения"),
]


@dataclasses.dataclass
class Row:
    school_login: str
    school_name: str
    code: str
    class_name: str
    variant: str | int
    # int, or a string as a cell may hold it: "X", "Х", "-", "1,0"; None is an empty cell.
    scores: list
    primary: int | str | None
    mark: int | str | None
    journal_mark: int | str | None
    name: str = "Иванов Иван"
    sex: str = "М"
    municipality: str = "г. Сочи"


def task_header(number: str, max_score: int) -> str:
    return f"{number} ({max_score}б)"


def max_primary(tasks=DEFAULT_TASKS) -> int:
    return sum(max_score for _, max_score, _ in tasks)


def mark_for(primary: int, maximum: int) -> int:
    share = primary / maximum
    if share < 0.25:
        return 2
    if share < 0.5:
        return 3
    if share < 0.75:
        return 4
    return 5


def data_row(index: int, count: int, *, blank_rows: bool = True) -> int:
    """The 1-based spreadsheet row of participant `index` of `count` in an `f1_file`."""
    skipped = 1 if blank_rows and count >= 2 and index >= count // 2 else 0
    return FIRST_DATA_ROW + index + skipped


def generated_rows(
    n: int,
    tasks=DEFAULT_TASKS,
    *,
    seed: int = 0,
    school_login: str = "edu230123",
    school_name: str = "МОБУ СОШ № 10",
    logins: list[tuple[str, str]] | None = None,
    grade: int = 5,
) -> list[Row]:
    rng = random.Random(seed)
    schools = logins or [(school_login, school_name)]
    maximum = max_primary(tasks)
    codes = rng.sample(range(10000, 100000), n)
    rows = []
    for index in range(n):
        scores = [
            None if rng.random() < 0.05 else rng.randint(0, max_score) for _, max_score, _ in tasks
        ]
        primary = sum(score or 0 for score in scores)
        mark = mark_for(primary, maximum)
        chance = rng.random()
        if chance < 0.1:
            journal_mark = None
        elif chance < 0.25:
            journal_mark = mark + 1 if mark < 5 else mark - 1
        else:
            journal_mark = mark
        surname, first_name = rng.choice(_MALE if index % 2 == 0 else _FEMALE)
        login, name = schools[index % len(schools)]
        rows.append(
            Row(
                school_login=login,
                school_name=name,
                code=str(codes[index]),
                class_name=f"{grade}{'АБВ'[rng.randrange(3)]}",
                variant=rng.choice([1, 2]),
                scores=scores,
                primary=primary,
                mark=mark,
                journal_mark=journal_mark,
                name=f"{surname} {first_name}",
                sex="М" if index % 2 == 0 else "Ж",
            )
        )
    return rows


def _columns(tasks, *, municipal, login_column, with_names):
    """(canonical header, value of a row) in the order of the header row."""
    columns = []
    if municipal:
        columns.append(("Муниципалитет", lambda row: row.municipality))
    if login_column:
        columns.append(("ОО", lambda row: row.school_login))
        columns.append(("Название ОО", lambda row: row.school_name))
    columns += [
        ("Код участника", lambda row: str(row.code)),
        ("Класс", lambda row: row.class_name),
        ("Вариант", lambda row: row.variant),
    ]
    if with_names:
        columns.append(("ФИО", lambda row: row.name))
        columns.append(("Пол", lambda row: row.sex))
    for index, (number, max_score, _) in enumerate(tasks):
        columns.append(
            (
                task_header(number, max_score),
                lambda row, index=index: row.scores[index] if index < len(row.scores) else None,
            )
        )
    columns += [
        ("Первичный балл", lambda row: row.primary),
        ("Отметка", lambda row: row.mark),
        ("Отметка по журналу", lambda row: row.journal_mark),
    ]
    return columns


def _write(sheet, row, column, value, date_format):
    if value is None:
        return
    if isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, date_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))


def _summary_sheet(workbook):
    # A summary sheet before the results, with a participant table of its own, as a trap for
    # a reader that takes the first sheet or the first «Код участника» it meets.
    sheet = workbook.add_worksheet("Сводная")
    sheet.write_string(0, 0, "Сводная по ОО: ВПР 2024 Русский язык 4 класс")
    sheet.write_string(2, 0, "Отметка")
    sheet.write_string(2, 1, "Кол-во")
    for offset, (mark, count) in enumerate([(2, 3), (3, 8), (4, 10), (5, 4)], start=3):
        sheet.write_number(offset, 0, mark)
        sheet.write_number(offset, 1, count)
    sheet.write_string(9, 0, "Код участника")
    sheet.write_string(9, 1, "Первичный балл")
    sheet.write_string(9, 2, "Отметка")
    sheet.write_string(10, 0, "99999")
    sheet.write_number(10, 1, 99)
    sheet.write_number(10, 2, 9)


def f1_file(
    rows: list[Row],
    *,
    tasks=DEFAULT_TASKS,
    year: int = 2025,
    subject: str = "Математика",
    grade: int = 5,
    municipal: bool = False,
    school_line: bool = True,
    school_login: str | None = None,
    school_name: str | None = None,
    login_column: bool | None = None,
    declared: int | None = None,
    sheet: str = SHEET,
    held_on: str | datetime.date | None = "15.04.2025",
    with_names: bool = True,
    extra_sheet: bool = True,
    totals_row: bool = True,
    blank_rows: bool = True,
    header_overrides: dict[str, str] | None = None,
    drop_columns: tuple[str, ...] = (),
) -> bytes:
    """An xlsx export; `login_column` defaults to `municipal`, the school line to rows[0]."""
    if login_column is None:
        login_column = municipal
    first = rows[0] if rows else None
    if school_login is None:
        school_login = first.school_login if first else "edu230123"
    if school_name is None:
        school_name = first.school_name if first else "МОБУ СОШ № 10"
    if declared is None:
        declared = len(rows)
    header_overrides = header_overrides or {}

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    title_format = workbook.add_format({"bold": True, "align": "center"})
    if extra_sheet:
        _summary_sheet(workbook)
    ws = workbook.add_worksheet(sheet)

    ws.merge_range(0, 0, 0, 5, f"ВПР {year} {subject} {grade} класс", title_format)
    ws.write_string(1, 0, "Форма")
    ws.write_string(1, 1, "Ф1 Индивидуальные результаты")
    ws.write_string(2, 0, "Предмет")
    ws.write_string(2, 1, subject)
    ws.write_string(3, 0, "Максимальный первичный балл")
    ws.write_number(3, 1, max_primary(tasks))
    if held_on is not None:
        ws.write_string(4, 0, "Дата")
        _write(ws, 4, 1, held_on, date_format)
    if not municipal and school_line:
        ws.write_string(5, 0, f"{school_name} ({school_login}) | Кол-во участников: {declared}")

    columns = [
        (header, value)
        for header, value in _columns(
            tasks, municipal=municipal, login_column=login_column, with_names=with_names
        )
        if header not in drop_columns
    ]
    levels = {task_header(number, score): level for number, score, level in tasks}
    for column, (header, _) in enumerate(columns):
        if header in levels:
            ws.write_string(LEVEL_ROW - 1, column, levels[header])
        ws.write_string(HEADER_ROW - 1, column, header_overrides.get(header, header))

    for index, row in enumerate(rows):
        line = data_row(index, len(rows), blank_rows=blank_rows) - 1
        for column, (header, value) in enumerate(columns):
            cell = value(row)
            if header == "Код участника":
                ws.write_string(line, column, cell)
            else:
                _write(ws, line, column, cell, date_format)

    if totals_row:
        line = data_row(len(rows) - 1, len(rows), blank_rows=blank_rows) if rows else HEADER_ROW
        label_column = next(
            (i for i, (header, _) in enumerate(columns) if header != "Код участника"), 0
        )
        ws.write_string(line, label_column, "Итого")
        for column, (header, value) in enumerate(columns):
            if header in levels:
                # The number of participants who scored: far above a task's maximum.
                ws.write_number(line, column, sum(1 for row in rows if _scored(value(row))))
            elif header in ("Первичный балл", "Отметка"):
                numbers = [value(row) for row in rows if isinstance(value(row), int)]
                average = sum(numbers) / len(numbers) if numbers else 0
                ws.write_number(line, column, round(average, 1))
    workbook.close()
    return output.getvalue()


def _scored(value) -> bool:
    return isinstance(value, int) and value > 0
