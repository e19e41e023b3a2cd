"""Reading the ФИС ОКО «Ф1 Индивидуальные результаты» export (shared/formats/vpr-f1.md).

Real files vary, so everything is found by its text: the sheet by its name, the header row by
«Код участника» and «Первичный балл», the columns by their headers, the tasks by «N (Kб)».
The reader keeps no name and no sex: the columns that hold them are never read. It raises on
nothing a user can upload: every problem becomes a `Problem` with its row and column."""

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook

SHEET_MARK = "индивидуальные результаты"
NOT_ATTEMPTED = {"", "x", "х", "-", "—", "–"}
TITLE = re.compile(r"ВПР\s+(\d{4})\s+(.+?)\s+(\d{1,2})\s*(?:-?\s*й\s*)?класс", re.IGNORECASE)
SCHOOL_LINE = re.compile(
    r"^(?P<name>.*?)\s*\(\s*(?P<login>edu\d+)\s*\)"
    r"(?:.*?кол-?во\s+участников\s*:?\s*(?P<declared>\d+))?",
    re.IGNORECASE,
)
TASK_HEADER = re.compile(
    r"^(?P<number>\d+(?:[.,]\d+)*(?:\s*[кk]\s*\d+)?)\s*\(\s*(?P<max>\d+)\s*б\.?\s*\)$",
    re.IGNORECASE,
)
LOGIN = re.compile(r"^edu\d+$")
CODE_LENGTH = 16
CLASS_LENGTH = 8

# The columns read, by the header text as it is normalised; «ФИО» and «Пол» are not here on
# purpose.
COLUMNS = {
    "код участника": "code",
    "первичный балл": "primary",
    "отметка": "mark",
    "отметка по журналу": "journal",
    "оо": "login",
    "логин оо": "login",
    "название оо": "school_name",
    "класс": "class_name",
    "вариант": "variant",
}
REQUIRED = {"code": "Код участника", "primary": "Первичный балл", "mark": "Отметка"}
META_LABELS = {
    "предмет": "subject",
    "максимальный первичный балл": "max_primary",
    "дата": "held_on",
    "дата проведения": "held_on",
}


@dataclass(frozen=True, slots=True)
class Task:
    number: str
    max_score: int
    level: str  # «Б», «П» or "" when the file does not say


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None  # the spreadsheet's own row number, as Excel shows it
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Participant:
    row: int
    school_login: str
    school_name: str
    code: str
    class_name: str
    variant: int | None
    scores: tuple[int | None, ...]
    primary: int
    mark: int
    journal_mark: int | None


@dataclass(frozen=True, slots=True)
class F1Header:
    year: int
    subject: str
    grade: int
    max_primary: int | None
    held_on: datetime.date | None
    school_login: str
    school_name: str
    declared_participants: int | None
    tasks: tuple[Task, ...]


@dataclass
class F1Result:
    header: F1Header | None
    participants: list[Participant] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class _Problems(list):
    """A list that stops growing at `limit` and then says once that more were left out."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.overflowed = False

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self) < self.limit:
            self.append(Problem(row, column, message))
        elif not self.overflowed:
            self.overflowed = True
            self.append(
                Problem(None, "", f"Показаны первые {self.limit}; исправьте их и загрузите снова.")
            )


def normalized(text) -> str:
    return " ".join(str(text).replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value) -> float | None:
    """A cell as a number: numbers kept as text and a decimal comma are common in these files.
    None for a cell that says «not attempted»; ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    text = _text(value)
    if normalized(text) in NOT_ATTEMPTED:
        return None
    return float(text.replace(",", ".").replace(" ", ""))


def _whole(value) -> int | None:
    number = _number(value)
    if number is None:
        return None
    if not number.is_integer() or number < 0:
        raise ValueError(value)
    return int(number)


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.datetime.strptime(_text(value), "%d.%m.%Y").date()
    except ValueError:
        return None


def _open(source) -> CalamineWorkbook:
    if isinstance(source, str | Path):
        return CalamineWorkbook.from_path(str(source))
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _rows(workbook: CalamineWorkbook, name: str) -> Iterator[tuple[int, list]]:
    sheet = workbook.get_sheet_by_name(name)
    # calamine starts at the first used cell; the row numbers a user sees start at row 1.
    first_row = sheet.start[0] if sheet.start else 0
    for offset, cells in enumerate(sheet.iter_rows()):
        yield first_row + offset + 1, cells


@dataclass
class _Layout:
    """Where the header row put things: field name → column index, and the task columns."""

    columns: dict[str, int]
    headers: dict[int, str]
    tasks: list[tuple[int, Task]]


def _layout(header: list, levels: list) -> _Layout:
    columns: dict[str, int] = {}
    headers: dict[int, str] = {}
    tasks: list[tuple[int, Task]] = []
    for index, cell in enumerate(header):
        text = " ".join(_text(cell).split())
        key = normalized(text)
        if not key:
            continue
        headers[index] = text
        if key in COLUMNS:
            columns.setdefault(COLUMNS[key], index)
        elif match := TASK_HEADER.match(text):
            level = normalized(levels[index]) if index < len(levels) else ""
            tasks.append(
                (
                    index,
                    Task(
                        number=re.sub(r"\s+", "", match["number"]).replace(",", ".").upper(),
                        max_score=int(match["max"]),
                        level={"б": "Б", "п": "П"}.get(level, ""),
                    ),
                )
            )
    return _Layout(columns, headers, tasks)


class _Metadata:
    def __init__(self):
        self.title: re.Match | None = None
        self.values: dict[str, object] = {}
        self.school: re.Match | None = None

    def read(self, cells: list) -> None:
        texts = [_text(cell) for cell in cells[:2]]
        for text in texts:
            if self.title is None and (match := TITLE.search(text)):
                self.title = match
            if self.school is None and (match := SCHOOL_LINE.match(text)):
                self.school = match
        label = normalized(texts[0].rstrip(":")) if texts else ""
        if label in META_LABELS and len(cells) > 1:
            self.values.setdefault(META_LABELS[label], cells[1])


def read_f1(source, *, max_errors: int = 200) -> F1Result:
    """Read a Ф1 file from a path or a file object. Errors make the file unfit to load;
    warnings are shown and do not stop it."""
    errors = _Problems(max_errors)
    warnings = _Problems(max_errors)
    try:
        workbook = _open(source)
        names = workbook.sheet_names
    except (CalamineError, OSError, ValueError) as error:
        errors.add(None, "", f"Файл не читается как книга Excel (xlsx): {_reason(error)}")
        return F1Result(None, [], list(errors), [])
    name = next((n for n in names if SHEET_MARK in normalized(n)), None)
    if name is None:
        errors.add(
            None,
            "",
            "В книге нет листа «Ф1 Индивидуальные результаты»: выгрузите из ФИС ОКО форму Ф1 "
            f"(листы файла: {', '.join(names) or 'нет'}).",
        )
        return F1Result(None, [], list(errors), [])
    try:
        return _read_sheet(_rows(workbook, name), errors, warnings)
    except (CalamineError, ValueError) as error:  # a damaged sheet fails inside calamine
        errors.add(None, "", f"Лист «{name}» не читается: {_reason(error)}")
        return F1Result(None, [], list(errors), list(warnings))


def _reason(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def _read_sheet(rows: Iterator[tuple[int, list]], errors, warnings) -> F1Result:
    metadata = _Metadata()
    previous: list = []
    layout = header_row = None
    for number, cells in rows:
        keys = {normalized(_text(c)) for c in cells}
        if "код участника" in keys and "первичный балл" in keys:
            layout, header_row = _layout(cells, previous), number
            break
        metadata.read(cells)
        previous = cells
    if layout is None:
        errors.add(
            None,
            "",
            "Не найдена строка заголовков со столбцами «Код участника» и «Первичный балл».",
        )
        return F1Result(None, [], list(errors), [])
    header = _header(metadata, layout, header_row, errors)
    if header is None:
        return F1Result(None, [], list(errors), list(warnings))
    participants = list(_participants(rows, header, layout, errors, warnings))
    if header.declared_participants is not None and header.declared_participants != len(
        participants
    ):
        warnings.add(
            None,
            "",
            f"В шапке указано участников: {header.declared_participants}, "
            f"в файле строк участников: {len(participants)}.",
        )
    return F1Result(header, participants, list(errors), list(warnings))


def _header(metadata: _Metadata, layout: _Layout, row: int, errors) -> F1Header | None:
    for field_name, title in REQUIRED.items():
        if field_name not in layout.columns:
            errors.add(row, title, f"Нет обязательного столбца «{title}».")
    if not layout.tasks:
        errors.add(row, "", "Нет ни одного столбца задания вида «1 (1б)».")
    if metadata.title is None:
        errors.add(
            None,
            "",
            "Не найден заголовок вида «ВПР 2025 Математика 5 класс»: год, предмет и класс "
            "берутся из него.",
        )
    school = metadata.school
    if "login" not in layout.columns and school is None:
        errors.add(
            row,
            "ОО",
            "Не указана школа: нет ни столбца «ОО» с логином ФИС ОКО, ни строки школы "
            "«Название (edu…)» в шапке.",
        )
    max_primary = None
    if "max_primary" in metadata.values:
        try:
            max_primary = _whole(metadata.values["max_primary"])
        except ValueError:
            errors.add(
                None,
                "Максимальный первичный балл",
                f"«{_text(metadata.values['max_primary'])}» — не целое число.",
            )
    if errors:
        return None
    title = metadata.title
    subject = _text(metadata.values.get("subject")) or title[2]
    return F1Header(
        year=int(title[1]),
        subject=" ".join(subject.split()),
        grade=int(title[3]),
        max_primary=max_primary,
        held_on=_date(metadata.values.get("held_on")),
        school_login=school["login"].lower() if school else "",
        school_name=" ".join(school["name"].split()) if school else "",
        declared_participants=int(school["declared"]) if school and school["declared"] else None,
        tasks=tuple(task for _index, task in layout.tasks),
    )


def _participants(rows, header: F1Header, layout: _Layout, errors, warnings):
    columns = layout.columns
    seen: dict[tuple[str, str], int] = {}

    def cell(cells: list, name: str):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    for number, cells in rows:
        code = _text(cell(cells, "code"))
        if not code:
            continue  # an empty row, or the totals row at the end
        row_errors = len(errors)

        def bad(column: str, message: str, number=number) -> None:
            errors.add(number, column, message)

        login = header.school_login
        school_name = header.school_name
        if "login" in columns:
            login = _text(cell(cells, "login")).lower()
            school_name = " ".join(_text(cell(cells, "school_name")).split()) or school_name
            if not LOGIN.match(login):
                bad("ОО", f"Логин школы «{login}» не похож на логин ФИС ОКО (edu и цифры).")
        if len(code) > CODE_LENGTH:
            bad(REQUIRED["code"], f"Код участника «{code}» длиннее {CODE_LENGTH} знаков.")
        if (login, code) in seen:
            bad(
                REQUIRED["code"],
                f"Код участника {code} уже встречался в строке {seen[(login, code)]}.",
            )
        seen.setdefault((login, code), number)
        class_name = _text(cell(cells, "class_name"))[:CLASS_LENGTH]

        variant = None
        if "variant" in columns:
            try:
                variant = _whole(cell(cells, "variant"))
            except ValueError:
                bad("Вариант", f"Вариант «{_text(cell(cells, 'variant'))}» — не число.")

        scores = []
        for index, task in layout.tasks:
            value = cells[index] if index < len(cells) else None
            column = layout.headers[index]
            try:
                score = _whole(value)
            except ValueError:
                bad(column, f"Балл «{_text(value)}» — не целое число от 0 и не «X».")
                score = None
            if score is not None and score > task.max_score:
                bad(column, f"Балл {score} больше максимума задания ({task.max_score}).")
            scores.append(score)

        primary = _required_whole(cells, "primary", cell, bad)
        if primary is not None and header.max_primary is not None and primary > header.max_primary:
            bad(
                REQUIRED["primary"],
                f"Первичный балл {primary} больше максимального ({header.max_primary}).",
            )
        mark = _mark(cell(cells, "mark"), REQUIRED["mark"], bad, required=True)
        journal = _mark(cell(cells, "journal"), "Отметка по журналу", bad, required=False)
        if len(errors) != row_errors:
            continue
        total = sum(s for s in scores if s is not None)
        if primary != total:
            warnings.add(
                number,
                REQUIRED["primary"],
                f"Первичный балл {primary} не равен сумме баллов за задания ({total}).",
            )
        yield Participant(
            row=number,
            school_login=login,
            school_name=school_name,
            code=code,
            class_name=class_name,
            variant=variant,
            scores=tuple(scores),
            primary=primary,
            mark=mark,
            journal_mark=journal,
        )


def _required_whole(cells, name: str, cell, bad) -> int | None:
    value = cell(cells, name)
    title = REQUIRED[name]
    try:
        number = _whole(value)
    except ValueError:
        bad(title, f"«{_text(value)}» — не целое неотрицательное число.")
        return None
    if number is None:
        bad(title, "Пусто: нужно число.")
    return number


def _mark(value, title: str, bad, *, required: bool) -> int | None:
    try:
        mark = _whole(value)
    except ValueError:
        mark = -1
    if mark is None:
        if required:
            bad(title, "Пусто: нужна отметка от 2 до 5.")
        return None
    if not 2 <= mark <= 5:
        bad(title, f"Отметка «{_text(value)}» вне диапазона 2–5.")
        return None
    return mark
