"""Filled ГИА and diagnostic-work templates for the tests.

`gia_file(rows)` writes rows with the portal's own template writer, as a user's file looks
when the downloaded template is filled in; `hand_made_gia_file(rows, ...)` writes one the
way people change templates: columns moved, headers in other case and spacing, a title above
the header row, empty rows, a column of names. `GIA_FIRST_ROW` is the spreadsheet row of the
first participant of a `gia_file`, as the reader's problems report it.
"""

import dataclasses
import datetime
import io
import random

import xlsxwriter

from monitoring import gia

SUBJECTS = ["Математика", "Русский язык"]
GIA_FIRST_ROW = 3


@dataclasses.dataclass
class GiaRow:
    login: str = "edu230123"
    year: int | str = 2025
    exam: str = "ОГЭ"
    subject: str = "Математика"
    class_name: str = "9А"
    code: str = "100001"
    variant: int | str | None = 1
    primary: int | str | None = 17
    test_score: int | str | None = None
    mark: int | str | None = 4
    name: str = "Зайцев Тимофей Петрович"

    def values(self) -> list:
        return [
            self.login,
            self.year,
            self.exam,
            self.subject,
            self.class_name,
            self.code,
            self.variant,
            self.primary,
            self.test_score,
            self.mark,
        ]


def oge_rows(n: int, *, seed: int = 0, subject: str = "Математика", **fields) -> list[GiaRow]:
    """ОГЭ rows with marks that follow the primary score (a «3» from 8 points)."""
    rng = random.Random(seed)
    codes = rng.sample(range(100000, 999999), n)
    rows = []
    for code in codes:
        primary = rng.randint(0, 31)
        mark = 2 + sum(primary >= bound for bound in (8, 15, 22))
        rows.append(
            GiaRow(
                code=str(code),
                subject=subject,
                class_name=f"9{rng.choice('АБ')}",
                primary=primary,
                mark=mark,
                **fields,
            )
        )
    return rows


def ege_rows(n: int, *, seed: int = 0, subject: str = "Русский язык", **fields) -> list[GiaRow]:
    rng = random.Random(seed)
    codes = rng.sample(range(100000, 999999), n)
    rows = []
    for code in codes:
        primary = rng.randint(0, 50)
        rows.append(
            GiaRow(
                exam="ЕГЭ",
                subject=subject,
                class_name="11А",
                code=str(code),
                primary=primary,
                test_score=min(100, 2 * primary),
                mark=None,
                **fields,
            )
        )
    return rows


def gia_file(rows: list[GiaRow], *, subjects=SUBJECTS) -> bytes:
    return gia.gia_template(subjects=subjects, rows=[row.values() for row in rows])


def hand_made_gia_file(
    rows: list[GiaRow],
    *,
    headers: list[str] | None = None,
    sheet: str = "Лист1",
    title_rows: int = 2,
    blank_every: int = 3,
) -> bytes:
    """`headers`: the header row as a person rewrote it, in any order, from «ФИО», «Логин
    ОО», «Год», «Экзамен», «Предмет», «Класс», «Код участника», «Вариант», «Первичный балл»,
    «Тестовый балл», «Отметка» (spelt as they like)."""
    headers = headers or [
        "ФИО",
        "  КОД  участника ",
        "логин оо",
        "экзамен",
        "Предмет",
        "класс",
        "год",
        "ПЕРВИЧНЫЙ БАЛЛ",
        "Отметка",
        "тестовый   балл",
    ]
    fields = {
        "фио": "name",
        "логин оо": "login",
        "логин оо (фис око)": "login",
        "оо": "login",
        "год": "year",
        "экзамен": "exam",
        "предмет": "subject",
        "класс": "class_name",
        "код участника": "code",
        "вариант": "variant",
        "первичный балл": "primary",
        "тестовый балл": "test_score",
        "отметка": "mark",
    }
    keys = [fields[gia.normalized(header)] for header in headers]
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    ws = book.add_worksheet(sheet)
    for line in range(title_rows):
        ws.write_string(line, 0, f"Результаты ГИА, лист {line + 1}")
    ws.write_row(title_rows, 0, headers)
    line = title_rows + 1
    for index, row in enumerate(rows):
        if blank_every and index and index % blank_every == 0:
            line += 1  # an empty row
        for column, key in enumerate(keys):
            value = getattr(row, key)
            if value is None:
                continue
            if isinstance(value, int):
                ws.write_number(line, column, value)
            else:
                ws.write_string(line, column, str(value))
        line += 1
    book.close()
    return output.getvalue()


# A shortened пробный ОГЭ по математике: the task numbers and maxima as real works have them.
DIAGNOSTIC_TASKS = [("1", 1, "Б"), ("2", 1, "Б"), ("3", 2, "Б"), ("4.1", 1, "П"), ("5", 2, "П")]
DIAGNOSTIC_FIRST_ROW = 10


def diagnostic_rows(
    n: int, *, seed: int = 0, login: str = "edu230123", tasks=DIAGNOSTIC_TASKS, grade: int = 9
):
    """(login, code, class, variant, [scores], primary, mark, journal mark), as
    `gia.diagnostic_template` takes them."""
    rng = random.Random(seed)
    rows = []
    for code in rng.sample(range(10000, 99999), n):
        scores = [rng.randint(0, maximum) for _number, maximum, _level in tasks]
        primary = sum(scores)
        mark = 2 + sum(primary >= bound for bound in (2, 4, 6))
        rows.append([login, str(code), f"{grade}А", 1, scores, primary, mark, None])
    return rows


def diagnostic_file(
    rows,
    *,
    title: str = "Пробный ОГЭ (декабрь)",
    subject: str = "Математика",
    grade: int = 9,
    held_on: datetime.date | None = datetime.date(2025, 12, 10),
    tasks=DIAGNOSTIC_TASKS,
    max_primary: int | None = None,
) -> bytes:
    return gia.diagnostic_template(
        subjects=SUBJECTS,
        title=title,
        subject=subject,
        grade=grade,
        held_on=held_on,
        max_primary=max_primary,
        tasks=tasks,
        rows=rows,
    )
