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

from django.core.exceptions import ValidationError
from python_calamine import CalamineError, CalamineWorkbook

from tutoring import sheet_bounds
from tutoring.imports.reader import FileRefused
from tutoring.words import plural

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
    column: str  # the header as the file writes it, or a label of the rows above the table
    message: str
    letter: str = ""  # the spreadsheet's column letters, «K», where the problem is in one cell


@dataclass(frozen=True, slots=True)
class SchoolRef:
    """Where a file first names a school: by its login in a column, or on the school line."""

    row: int
    name: str
    column: str
    letter: str


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
    # (header, column letters) of each task, for problems about the tasks.
    task_columns: tuple[tuple[str, str], ...] = ()
    header_row: int | None = None


@dataclass
class F1Result:
    header: F1Header | None
    participants: list[Participant] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Problems found beyond the listed ones: counted, not kept.
    more_errors: int = 0
    more_warnings: int = 0
    # What was read but is not a participant and is no problem: a totals row.
    notes: list[Problem] = field(default_factory=list)
    # Every school the file names (in rows with problems too), by its login.
    schools: dict[str, SchoolRef] = field(default_factory=dict)


class _Problems(list):
    """A list that stops growing at `limit` and counts the problems left out."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.omitted = 0

    def add(self, row: int | None, column: str, message: str, letter: str = "") -> None:
        if len(self) < self.limit:
            self.append(Problem(row, column, message, letter))
        else:
            self.omitted += 1

    @property
    def count(self) -> int:
        """Every problem found, the listed and the left out."""
        return len(self) + self.omitted


def column_letter(index: int) -> str:
    """The spreadsheet's name of a 0-based column: 0 → «A», 26 → «AA»."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """The 0-based column of «A», «AA»; -1 for no letters."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


TOTALS = re.compile(r"^(итого|всего)(\b|$)")


def is_totals(cells: list, skip: set[int]) -> bool:
    """A totals row: «Итого» or «Всего» (any case) in a text column, not a participant."""
    return any(
        TOTALS.match(normalized(cell))
        for index, cell in enumerate(cells)
        # A cheap look first: it runs on every cell of every row of a region's file.
        if isinstance(cell, str) and cell.lstrip()[:1] in "ИиВв" and index not in skip
    )


def totals_note(row: int) -> Problem:
    return Problem(row, "", "Итоговая строка («Итого», «Всего») пропущена: это не участник.")


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


def _content(source) -> bytes:
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    data = source.read()
    if hasattr(source, "seek"):
        source.seek(0)
    return data


def _open(source) -> CalamineWorkbook:
    if isinstance(source, str | Path):
        return CalamineWorkbook.from_path(str(source))
    return CalamineWorkbook.from_filelike(io.BytesIO(_content(source)))


SAVE_AS = "откройте его в Excel и сохраните как «Книга Excel (*.xlsx)», затем загрузите снова"


def unreadable(data: bytes) -> str:
    """Why a file is not a workbook, in words, by what its first bytes say it is: the
    library's own message («Cannot detect file format») tells a methodist nothing."""
    head = data[:8]
    if not data.strip():
        return "Файл пустой: в нём нет ни одной таблицы. Выберите файл с результатами."
    if head.startswith(b"PK"):
        return (
            "Файл похож на архив, но это не книга Excel или она повреждена (например, скачана "
            f"не до конца): {SAVE_AS}."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "Файл не похож на таблицу Excel в формате xlsx: это книга старого формата (.xls), "
            f"переименованная в .xlsx, или книга, защищённая паролем. Снимите пароль, если он "
            f"есть, {SAVE_AS}."
        )
    if head.startswith(b"%PDF"):
        return "Файл не похож на таблицу Excel: это документ PDF. Нужна выгрузка в формате xlsx."
    text = data[:4096]
    if b"\0" not in text:
        return (
            "Файл не похож на таблицу Excel: это текстовый файл (например, CSV или страница "
            f"сайта), переименованный в .xlsx. Если это таблица, {SAVE_AS}."
        )
    return f"Файл не похож на таблицу Excel (xlsx): {SAVE_AS}."


def damaged_sheet(name: str = "") -> str:
    sheet = f"Лист «{name}»" if name else "Лист книги"
    return (
        f"{sheet} повреждён и не читается: откройте книгу в Excel и сохраните как «Книга "
        "Excel (*.xlsx)», затем загрузите снова."
    )


def open_workbook(source, errors: "_Problems") -> CalamineWorkbook | None:
    """The workbook of a path or a file object, or None with the reason in `errors`.

    calamine only ever sees an xlsx within `tutoring.sheet_bounds`: it builds a sheet's
    whole range first, and a 5 KB file with one cell at XFD1048576 would take the process
    down. Anything else (xls, ods, text) is told apart by its first bytes, never opened."""
    try:
        sheet_bounds.check_workbook(source)
    except FileRefused as error:
        errors.add(None, "", str(error))
        return None
    except (ValidationError, OSError):
        try:
            data = _content(source)
        except OSError:
            data = b""
        errors.add(None, "", unreadable(data))
        return None
    try:
        workbook = _open(source)
        names = workbook.sheet_names
    except (CalamineError, OSError, ValueError):
        try:
            data = _content(source)
        except OSError:
            data = b""
        errors.add(None, "", unreadable(data))
        return None
    if not names:
        errors.add(None, "", "В книге Excel нет ни одного листа: выберите файл с результатами.")
        return None
    return workbook


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
        self.rows: dict[str, tuple[int, str]] = {}  # field → (row, label as the file says)
        self.school: re.Match | None = None
        self.school_row: int | None = None

    def read(self, number: int, cells: list) -> None:
        texts = [_text(cell) for cell in cells[:2]]
        for text in texts:
            if self.title is None and (match := TITLE.search(text)):
                self.title = match
            if self.school is None and (match := SCHOOL_LINE.match(text)):
                self.school, self.school_row = match, number
        label = normalized(texts[0].rstrip(":")) if texts else ""
        if label in META_LABELS and len(cells) > 1 and META_LABELS[label] not in self.values:
            self.values[META_LABELS[label]] = cells[1]
            self.rows[META_LABELS[label]] = (number, " ".join(texts[0].rstrip(":").split()))


def read_f1(source, *, max_errors: int = 200) -> F1Result:
    """Read a Ф1 file from a path or a file object. Errors make the file unfit to load;
    warnings are shown and do not stop it. Every row is checked whatever else is wrong: a
    missing column or a missing title does not hide the problems of the rows."""
    errors = _Problems(max_errors)
    warnings = _Problems(max_errors)
    result = F1Result(None)
    workbook = open_workbook(source, errors)
    if workbook is not None:
        names = workbook.sheet_names
        name = next((n for n in names if SHEET_MARK in normalized(n)), None)
        if name is None:
            errors.add(
                None,
                "",
                "В книге нет листа «Ф1 Индивидуальные результаты»: выгрузите из ФИС ОКО форму "
                f"Ф1 (листы файла: {', '.join(names) or 'нет'}).",
            )
        else:
            try:
                _read_sheet(_rows(workbook, name), result, errors, warnings)
            except (CalamineError, ValueError):  # a damaged sheet fails inside calamine
                errors.add(None, "", damaged_sheet(name))
    result.errors, result.more_errors = list(errors), errors.omitted
    result.warnings, result.more_warnings = list(warnings), warnings.omitted
    return result


def _read_sheet(rows: Iterator[tuple[int, list]], result: F1Result, errors, warnings) -> None:
    metadata = _Metadata()
    previous: list = []
    layout = header_row = None
    for number, cells in rows:
        keys = {normalized(_text(c)) for c in cells}
        if "код участника" in keys and "первичный балл" in keys:
            layout, header_row = _layout(cells, previous), number
            break
        metadata.read(number, cells)
        previous = cells
    if layout is None:
        errors.add(
            None,
            "",
            "Не найдена строка заголовков со столбцами «Код участника» и «Первичный балл».",
        )
        return
    result.header = _header(metadata, layout, header_row, errors, warnings)
    context = _Context(
        layout=layout,
        school_login=metadata.school["login"].lower() if metadata.school else "",
        school_name=" ".join(metadata.school["name"].split()) if metadata.school else "",
        max_primary=result.header.max_primary if result.header else None,
    )
    if context.school_login and "login" not in layout.columns:
        result.schools[context.school_login] = SchoolRef(
            metadata.school_row, context.school_name, "строка школы в шапке", "A"
        )
    result.participants = list(_participants(rows, context, result, errors, warnings))
    declared = result.header.declared_participants if result.header else None
    if declared is not None and declared != len(result.participants) and not errors:
        warnings.add(
            metadata.school_row,
            "строка школы в шапке",
            f"В шапке указано участников: {declared}, "
            f"в файле строк участников: {len(result.participants)}.",
            "A",
        )


def _header(metadata: _Metadata, layout: _Layout, row: int, errors, warnings) -> F1Header | None:
    """The work the file is of, and the problems of its structure. None without the title:
    the year, subject and grade come from it."""
    for field_name, title in REQUIRED.items():
        if field_name not in layout.columns:
            errors.add(
                row,
                title,
                f"Нет обязательного столбца «{title}»: добавьте его в строку заголовков "
                f"(строка {row}). Остальные столбцы проверены.",
            )
    if not layout.tasks:
        errors.add(row, "", "Нет ни одного столбца задания вида «1 (1б)».")
    numbers: dict[str, str] = {}
    for index, task in layout.tasks:
        header = layout.headers[index]
        if task.number in numbers:
            errors.add(
                row,
                header,
                f"Задание {task.number} встречается дважды: в столбцах {numbers[task.number]} и "
                f"{column_letter(index)}.",
                column_letter(index),
            )
        numbers.setdefault(task.number, column_letter(index))
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
        where, label = metadata.rows["max_primary"]
        try:
            max_primary = _whole(metadata.values["max_primary"])
        except ValueError:
            errors.add(
                where, label, f"«{_text(metadata.values['max_primary'])}» — не целое число.", "B"
            )
    held_on = _date(metadata.values.get("held_on"))
    if "held_on" in metadata.rows and held_on is None and _text(metadata.values["held_on"]):
        where, label = metadata.rows["held_on"]
        warnings.add(
            where,
            label,
            f"Дата «{_text(metadata.values['held_on'])}» не читается: нужна дата вида "
            "ДД.ММ.ГГГГ. Работа загрузится без даты.",
            "B",
        )
    title = metadata.title
    if title is None:
        return None
    year = int(title[1])
    if held_on is not None and held_on.year != year:
        where, label = metadata.rows["held_on"]
        warnings.add(
            where,
            label,
            f"В заголовке работа {year} года («{' '.join(title[0].split())}»), а дата проведения "
            f"— {held_on:%d.%m.%Y}: проверьте, та ли это выгрузка и верна ли дата.",
            "B",
        )
    subject = _text(metadata.values.get("subject")) or title[2]
    return F1Header(
        year=year,
        subject=" ".join(subject.split()),
        grade=int(title[3]),
        max_primary=max_primary,
        held_on=held_on,
        school_login=school["login"].lower() if school else "",
        school_name=" ".join(school["name"].split()) if school else "",
        declared_participants=int(school["declared"]) if school and school["declared"] else None,
        tasks=tuple(task for _index, task in layout.tasks),
        task_columns=tuple(
            (layout.headers[index], column_letter(index)) for index, _task in layout.tasks
        ),
        header_row=row,
    )


@dataclass
class _Context:
    layout: _Layout
    school_login: str  # of the school line, for a file without the «ОО» column
    school_name: str
    max_primary: int | None


def _participants(rows, context: _Context, result: F1Result, errors, warnings):
    layout = context.layout
    columns = layout.columns
    seen: dict[tuple[str, str], int] = {}
    scored = {index for index, _task in layout.tasks} | {
        columns[name] for name in ("primary", "mark", "journal") if name in columns
    }
    read = set(columns.values()) | scored

    def cell(cells: list, name: str):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def title(name: str) -> str:
        return layout.headers[columns[name]] if name in columns else REQUIRED.get(name, name)

    for number, cells in rows:
        if is_totals(cells, scored):
            result.notes.append(totals_note(number))
            continue
        if not any(_text(cells[i]) for i in read if i < len(cells)):
            continue  # an empty row, or one with nothing but a name
        row_errors = errors.count

        def bad(name: str, message: str, number=number) -> None:
            """A problem in the column of field `name` (or of a task's header)."""
            if name in columns:
                errors.add(number, title(name), message, column_letter(columns[name]))
            else:
                errors.add(number, title(name), message)

        code = _text(cell(cells, "code"))
        login = context.school_login
        school_name = context.school_name
        if "login" in columns:
            login = _text(cell(cells, "login")).lower()
            school_name = " ".join(_text(cell(cells, "school_name")).split()) or school_name
            if not login:
                bad("login", "Пусто: нужен логин школы в ФИС ОКО (edu и цифры).")
            elif not LOGIN.match(login):
                bad("login", f"Логин школы «{login}» не похож на логин ФИС ОКО (edu и цифры).")
            else:
                result.schools.setdefault(
                    login,
                    SchoolRef(number, school_name, title("login"), column_letter(columns["login"])),
                )
        if "code" in columns and not code:
            bad(
                "code",
                "Нет кода участника: строка с результатами без кода не загрузится. Впишите код "
                "из выгрузки ФИС ОКО или удалите строку.",
            )
        if len(code) > CODE_LENGTH:
            bad("code", f"Код участника «{code}» длиннее {CODE_LENGTH} знаков.")
        if code and (login, code) in seen:
            bad("code", f"Код участника {code} уже встречался в строке {seen[(login, code)]}.")
        if code:
            seen.setdefault((login, code), number)
        class_name = _text(cell(cells, "class_name"))[:CLASS_LENGTH]

        variant = None
        if "variant" in columns:
            try:
                variant = _whole(cell(cells, "variant"))
            except ValueError:
                bad("variant", f"Вариант «{_text(cell(cells, 'variant'))}» — не число.")

        scores = []
        for index, task in layout.tasks:
            value = cells[index] if index < len(cells) else None
            column, letter = layout.headers[index], column_letter(index)
            try:
                score = _whole(value)
            except ValueError:
                errors.add(
                    number, column, f"Балл «{_text(value)}» — не целое число от 0 и не «X».", letter
                )
                score = None
            if score is not None and score > task.max_score:
                errors.add(
                    number,
                    column,
                    f"Балл {score} больше максимума задания {task.number} "
                    f"({plural(task.max_score, 'балл', 'балла', 'баллов')}).",
                    letter,
                )
            scores.append(score)

        primary = mark = journal = None
        if "primary" in columns:
            primary = _required_whole(cell(cells, "primary"), "primary", bad)
            high = context.max_primary
            if primary is not None and high is not None and primary > high:
                bad("primary", f"Первичный балл {primary} больше максимального ({high}).")
        if "mark" in columns:
            mark = _mark(cell(cells, "mark"), "mark", bad, required=True)
        if "journal" in columns:
            journal = _mark(cell(cells, "journal"), "journal", bad, required=False)
        if errors.count != row_errors or not code:
            continue
        if primary is None or mark is None:
            continue  # a required column is missing: reported once, on the header row
        total = sum(s for s in scores if s is not None)
        if primary != total:
            warnings.add(
                number,
                title("primary"),
                f"Первичный балл {primary} не равен сумме баллов за задания ({total}).",
                column_letter(columns["primary"]),
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


def _required_whole(value, name: str, bad) -> int | None:
    try:
        number = _whole(value)
    except ValueError:
        bad(name, f"«{_text(value)}» — не целое неотрицательное число.")
        return None
    if number is None:
        bad(name, "Пусто: нужно число.")
    return number


def _mark(value, name: str, bad, *, required: bool) -> int | None:
    try:
        mark = _whole(value)
    except ValueError:
        mark = -1
    if mark is None:
        if required:
            bad(name, "Пусто: нужна отметка от 2 до 5.")
        return None
    if not 2 <= mark <= 5:
        bad(name, f"Отметка «{_text(value)}» вне диапазона 2–5.")
        return None
    return mark
