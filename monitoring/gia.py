"""The portal's own xlsx templates, for results that have no official export: ГИА (ОГЭ, ЕГЭ,
ГВЭ) and diagnostic works (комплексные, пробные).

There is no single official layout of ГИА results, so the portal gives one: a template that a
methodist or a school downloads from the import page (with an «Инструкция» sheet and lists to
pick from), fills and uploads. A ГИА file is one row per participant and exam, every row saying
its school, year, exam, subject and class, so one file may hold a school's (or a
municipality's) whole ГИА. A diagnostic file is one work: its title, subject, grade and date
on the rows above the header, optional task columns «N (Kб)» as in the ВПР «Ф1».

The readers are as forgiving as the Ф1 reader (`vpr.py`), whose cell helpers they share:
columns are found by their header text whatever the case, «ё» or spacing, empty rows are
skipped, and a column of names («ФИО») is never read. They raise on nothing a user can upload:
every problem is a `Problem` with its row and column."""

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from python_calamine import CalamineError

from tutoring import xlsx
from tutoring.models import FOREIGN_LANGUAGES
from tutoring.words import plural

from .models import AssessmentKind
from .vpr import (
    TASK_HEADER,
    Problem,
    SchoolRef,
    Task,
    _date,
    _Problems,
    _rows,
    _text,
    _whole,
    column_letter,
    damaged_sheet,
    is_totals,
    normalized,
    open_workbook,
    totals_note,
)


class Layout(models.TextChoices):
    """What an uploaded file is: the ФИС ОКО export or one of the portal's templates."""

    VPR = "vpr", "ВПР — выгрузка «Ф1 Индивидуальные результаты» из ФИС ОКО"
    GIA = "gia", "ГИА (ОГЭ, ЕГЭ, ГВЭ) — заполненный шаблон портала"
    DIAGNOSTIC = "diagnostic", "Диагностическая работа — заполненный шаблон портала"


GIA_SHEET = "Результаты ГИА"
DIAGNOSTIC_SHEET = "Диагностическая работа"
INSTRUCTIONS_SHEET = "Инструкция"
LISTS_SHEET = "Списки"
F1_SHEET_MARK = "индивидуальные результаты"

# ЕГЭ по математике has two levels: the профильный is scored like every ЕГЭ (a test score, the
# minimum of `MinimumScore`), the базовый gets a mark 2–5 and is kept as a work of its own.
BASE_MATH = "Математика (базовый уровень)"
BASE_MATH_TITLE = "ЕГЭ (базовый уровень)"
MATH_LEVEL = re.compile(
    r"^(?:математика\s*\(?\s*(?P<after>базов|профильн|база|профиль)\w*(?:\s+уровень)?\s*\)?"
    r"|(?P<before>базов|профильн)\w*\s+математика)$"
)
EXAMS = {
    "огэ": (AssessmentKind.OGE, None),
    "огэ9": (AssessmentKind.OGE, None),
    "егэ": (AssessmentKind.EGE, None),
    "егэ11": (AssessmentKind.EGE, None),
    "гвэ": (AssessmentKind.GVE, None),
    "гвэ9": (AssessmentKind.GVE, 9),
    "гвэ11": (AssessmentKind.GVE, 11),
}
EXAM_NAMES = ["ОГЭ", "ЕГЭ", "ГВЭ"]
# The classes that sit each exam (ЕГЭ and ГВЭ-11 also in the 12th class of an evening school).
GRADES = {AssessmentKind.OGE: (9, 9), AssessmentKind.EGE: (10, 12), AssessmentKind.GVE: (9, 12)}
CLASS = re.compile(r"^(?P<grade>\d{1,2})\s*[-–]?\s*(?P<letter>[а-яёa-z]{0,2})$", re.IGNORECASE)
LOGIN = re.compile(r"^edu\d+$")
CODE_LENGTH = 16
TITLE_LENGTH = 200
# No ГИА paper has more than 100 primary points; a bigger number is a typo or a test score.
PRIMARY_LIMIT = 100
FIRST_YEAR = 2000
HEADER_SEARCH_ROWS = 40
DATA_ROWS = 5000  # rows of the blank template that get the lists and checks


# Reference minimums, by exam and class: ЕГЭ — the minimum test score Рособрнадзор sets (the
# same since 2022; «Математика» is the профильный level), ОГЭ — the primary score of a «3» in
# ФИПИ's recommended scales. Seeded by `minimum_scores_seed` for subjects the portal has; the
# admin corrects or adds the rest.
MINIMUM_SCORES = {
    (AssessmentKind.EGE, 11): {
        "Русский язык": 24,
        "Математика": 27,
        "Физика": 36,
        "Химия": 36,
        "Информатика": 40,
        "Биология": 36,
        "История": 32,
        "География": 40,
        "Обществознание": 42,
        "Литература": 32,
        # The same minimum for every foreign language.
        **{f"Иностранный язык ({language})": 22 for language in FOREIGN_LANGUAGES},
    },
    (AssessmentKind.OGE, 9): {"Математика": 8, "Русский язык": 15},
}
MINIMUM_YEARS = (2024, 2025, 2026)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    help: str  # for the «Инструкция» sheet
    required: bool = True
    width: int = 10
    aliases: tuple[str, ...] = ()  # other headers a file may use


GIA_COLUMNS = (
    Column(
        "Логин ОО (ФИС ОКО)",
        "login",
        "Логин школы в ФИС ОКО: edu и цифры, например edu230123. Логины школ — на листе «Списки».",
        width=20,
        aliases=("логин оо", "оо", "логин", "логин фис око"),
    ),
    Column("Год", "year", "Год проведения экзамена, например 2025.", width=8),
    Column("Экзамен", "exam", "ОГЭ, ЕГЭ или ГВЭ (можно ГВЭ-9, ГВЭ-11)."),
    Column(
        "Предмет",
        "subject",
        "Название из списка на листе «Списки». ЕГЭ по математике: «Математика» — профильный "
        f"уровень, «{BASE_MATH}» — базовый.",
        width=34,
    ),
    Column(
        "Класс",
        "class_name",
        "Класс участника: 9, 9А, 11Б. ОГЭ сдают в 9 классе, ЕГЭ — в 10–12, ГВЭ — в 9–12.",
        width=8,
    ),
    Column(
        "Код участника",
        "code",
        f"Код (номер) участника, до {CODE_LENGTH} знаков. Не фамилия: имена в портал не "
        "загружаются.",
        width=16,
    ),
    Column("Вариант", "variant", "Номер варианта, если известен.", required=False),
    Column(
        "Первичный балл",
        "primary",
        f"Целое число от 0 до {PRIMARY_LIMIT}: сумма баллов за задания.",
    ),
    Column(
        "Тестовый балл",
        "test_score",
        "Только у ЕГЭ (кроме математики базового уровня): целое число от 0 до 100. У ОГЭ и ГВЭ "
        "оставьте пустым.",
        required=False,
    ),
    Column(
        "Отметка",
        "mark",
        "У ОГЭ, ГВЭ и ЕГЭ по математике базового уровня: 2, 3, 4 или 5. У остальных ЕГЭ "
        "отметки нет: оставьте пустым.",
        required=False,
    ),
)

DIAGNOSTIC_META = (
    Column(
        "Название работы",
        "title",
        "Например: «Комплексная работа», «Пробный ОГЭ (декабрь)». Одна работа — один файл.",
        aliases=("название", "работа"),
    ),
    Column("Предмет", "subject", "Название из списка на листе «Списки»."),
    Column(
        "Класс (параллель)",
        "grade",
        "Число от 1 до 11: для какой параллели работа.",
        aliases=("класс", "параллель"),
    ),
    Column(
        "Дата проведения",
        "held_on",
        "Дата в виде ДД.ММ.ГГГГ. Год работы — год окончания учебного года: работа от "
        "10.12.2025 относится к 2025/26 учебному году и сравнивается с ГИА 2026.",
        aliases=("дата",),
    ),
    Column(
        "Максимальный первичный балл",
        "max_primary",
        "Необязательно; если не указан, а есть столбцы заданий, — сумма их максимумов.",
        required=False,
    ),
)

DIAGNOSTIC_COLUMNS = (
    GIA_COLUMNS[0],
    GIA_COLUMNS[5],
    Column("Класс", "class_name", "Класс участника, например 9А.", required=False),
    GIA_COLUMNS[6],
    Column("Первичный балл", "primary", "Целое число от 0 до максимального первичного балла."),
    Column("Отметка", "mark", "2, 3, 4 или 5, если работа оценивается отметкой.", required=False),
    Column(
        "Отметка по журналу",
        "journal",
        "Последняя отметка по предмету, 2–5.",
        required=False,
        width=11,
    ),
)
TASKS_HELP = (
    "Необязательно: перед столбцом «Первичный балл» можно добавить по столбцу на задание с "
    "заголовком вида «1 (1б)», «2 (2б)», «3.1 (1б)» — номер задания и его максимальный балл. "
    "В строке над заголовками под заданием можно указать уровень: Б (базовый) или П "
    "(повышенный). В ячейке — балл участника; X или пусто — не приступал."
)


@dataclass(frozen=True, slots=True)
class WorkKey:
    """What makes a work one work: the fields of `Assessment`'s unique constraint, with the
    subject as its normalised name (found in the portal's list later)."""

    kind: str
    year: int
    subject: str
    grade: int
    title: str


@dataclass
class Work:
    key: WorkKey
    subject: str  # as the file first spells it
    first_row: int | None
    max_primary: int | None = None
    held_on: datetime.date | None = None
    tasks: tuple[Task, ...] = ()
    # (header, column letters) of each task, for problems about the tasks.
    task_columns: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Participant:
    row: int
    school_login: str
    work: WorkKey
    code: str
    class_name: str
    variant: int | None
    primary: int
    test_score: int | None
    mark: int | None
    journal_mark: int | None = None
    scores: tuple[int | None, ...] = ()

    def staging_row(self) -> list:
        """The row as `bulk.ResultWriter` writes it; there is no field for a name."""
        return [
            self.code,
            self.class_name,
            self.variant,
            self.primary,
            self.test_score,
            self.mark,
            self.journal_mark,
            list(self.scores),
        ]


@dataclass
class TemplateResult:
    works: dict[WorkKey, Work] = field(default_factory=dict)
    participants: list[Participant] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    more_errors: int = 0  # found beyond the listed ones
    more_warnings: int = 0
    notes: list[Problem] = field(default_factory=list)  # a totals row skipped
    # Every school the file names (in rows with problems too), by its login.
    schools: dict[str, SchoolRef] = field(default_factory=dict)
    header_row: int | None = None


def work_label(kind: str, year: int, subject: str, grade: int, title: str = "") -> str:
    """As `Assessment.__str__` names the work."""
    return f"{title or AssessmentKind(kind).label} {year}, {subject}, {grade} класс"


def school_year_end(day: datetime.date) -> int:
    """The year an academic year (1 September – 31 August) ends: the year of its ГИА."""
    return day.year + 1 if day.month >= 9 else day.year


# Reading


def _columns(header: list, spec: Sequence[Column]) -> tuple[dict[str, int], dict[str, str]]:
    """Field → column index, by header text; and field → the header as the file writes it."""
    names = {}
    for column in spec:
        for name in (column.header, *column.aliases):
            names.setdefault(normalized(name), column.key)
    found: dict[str, int] = {}
    titles: dict[str, str] = {}
    for index, cell in enumerate(header):
        key = names.get(normalized(_text(cell)))
        if key is not None and key not in found:
            found[key] = index
            titles[key] = " ".join(_text(cell).split())
    for column in spec:
        titles.setdefault(column.key, column.header)
    return found, titles


def _locate(workbook, preferred: str, marks: set[str]):
    """The sheet and its header row: the template's own sheet first, then any sheet whose
    first rows have a row with all of `marks`. Returns (rows after the header, the header's
    row number, its cells, the rows above it) or None."""
    # The instructions show an example table with the same headers: never read it as data.
    own = {normalized(INSTRUCTIONS_SHEET), normalized(LISTS_SHEET)}
    names = [name for name in workbook.sheet_names if normalized(name) not in own]
    names.sort(key=lambda name: normalized(name) != normalized(preferred))
    for name in names:
        rows = _rows(workbook, name)
        above: list[tuple[int, list]] = []
        for number, cells in rows:
            if marks <= {normalized(_text(cell)) for cell in cells}:
                return rows, number, cells, above
            above.append((number, cells))
            if len(above) >= HEADER_SEARCH_ROWS:
                break
    return None


def _workbook(source, errors: _Problems):
    workbook = open_workbook(source, errors)
    if workbook is None:
        return None
    if any(F1_SHEET_MARK in normalized(name) for name in workbook.sheet_names):
        errors.add(
            None,
            "",
            "Это выгрузка ВПР «Ф1» из ФИС ОКО, а не шаблон портала: выберите при загрузке «ВПР».",
        )
        return None
    return workbook


class _Row:
    """One row's cells by field, and its problems, reported under the file's own headers."""

    def __init__(
        self, number: int, cells: list, columns: dict, titles: dict, errors, missing=frozenset()
    ):
        self.number = number
        self.cells = cells
        self.columns = columns
        self.titles = titles
        self.errors = errors
        self.count = errors.count
        # Required columns the file lacks: said once on the header row, not on every row.
        self.missing = missing
        self.incomplete = False

    def value(self, key: str):
        index = self.columns.get(key)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, key: str) -> str:
        return " ".join(_text(self.value(key)).split())

    def bad(self, key: str, message: str) -> None:
        if key in self.missing:
            self.incomplete = True
            return
        letter = column_letter(self.columns[key]) if key in self.columns else ""
        self.errors.add(self.number, self.titles.get(key, key), message, letter)

    @property
    def failed(self) -> bool:
        return self.errors.count != self.count or self.incomplete

    def whole(self, key: str, *, required: bool, low: int = 0, high: int | None = None):
        """A whole number from `low` to `high`; empty (or «X») is None."""
        text = self.text(key)
        try:
            number = _whole(self.value(key))
        except ValueError:
            self.bad(key, f"«{text}» — не целое неотрицательное число.")
            return None
        if number is None:
            if required:
                self.bad(key, "Пусто: нужно число.")
            return None
        if high is None and number < low:
            self.bad(key, f"{number} — меньше {low}.")
            return None
        if high is not None and not low <= number <= high:
            self.bad(key, f"{number} — вне диапазона {low}–{high}.")
            return None
        return number

    def mark(self, key: str, *, required: bool) -> int | None:
        text = self.text(key)
        try:
            mark = _whole(self.value(key))
        except ValueError:
            mark = -1
        if mark is None:
            if required:
                self.bad(key, "Пусто: нужна отметка от 2 до 5.")
            return None
        if not 2 <= mark <= 5:
            self.bad(key, f"Отметка «{text}» вне диапазона 2–5.")
            return None
        return mark

    def login(self, schools: dict[str, SchoolRef]) -> str:
        """The row's school login; a well-formed one is kept in `schools` with its first row."""
        login = self.text("login").lower()
        if not login:
            self.bad("login", "Пусто: нужен логин школы в ФИС ОКО (edu и цифры).")
        elif not LOGIN.match(login):
            self.bad("login", f"Логин школы «{login}» не похож на логин ФИС ОКО (edu и цифры).")
        else:
            letter = column_letter(self.columns["login"])
            schools.setdefault(login, SchoolRef(self.number, "", self.titles["login"], letter))
        return login

    def code(self) -> str:
        code = self.text("code")
        if len(code) > CODE_LENGTH:
            self.bad("code", f"Код участника «{code}» длиннее {CODE_LENGTH} знаков.")
        return code


def _missing(columns: dict, spec: Sequence[Column], row: int, errors) -> frozenset[str]:
    """Say each required column the file lacks, once; the rest are still read."""
    missing = []
    for column in spec:
        if column.required and column.key not in columns:
            errors.add(
                row,
                column.header,
                f"Нет обязательного столбца «{column.header}»: добавьте его в строку заголовков "
                f"(строка {row}). Остальные столбцы проверены.",
            )
            missing.append(column.key)
    return frozenset(missing)


def _is_empty(cells: list, indexes: Iterable[int]) -> bool:
    """A row with nothing in the columns read: cells of other columns (notes, a name) do not
    make it a participant."""
    return not any(_text(cells[i]) for i in indexes if i < len(cells))


def _read_template(source, *, sheet: str, headers: set, missing: str, read_rows, max_errors: int):
    """A filled template: its sheet found by its header row, read by `read_rows`."""
    errors = _Problems(max_errors)
    warnings = _Problems(max_errors)
    result = TemplateResult()
    workbook = _workbook(source, errors)
    if workbook is None:
        result.errors = list(errors)
        return result
    try:
        located = _locate(workbook, sheet, headers)
        if located is None:
            errors.add(None, "", missing)
        else:
            result.header_row = located[1]
            read_rows(located, result, errors, warnings)
    except (CalamineError, ValueError):  # a damaged sheet fails inside calamine
        errors.add(None, "", damaged_sheet())
    if not errors and not result.participants:
        errors.add(None, "", "В файле нет ни одного участника.")
    result.errors, result.more_errors = list(errors), errors.omitted
    result.warnings, result.more_warnings = list(warnings), warnings.omitted
    return result


def read_gia(source, *, max_errors: int = 200) -> TemplateResult:
    """Read a filled ГИА template from a path or a file object."""
    return _read_template(
        source,
        sheet=GIA_SHEET,
        headers={"код участника", "экзамен"},
        missing=f"Не найден лист «{GIA_SHEET}» со строкой заголовков «Код участника», «Экзамен»: "
        "скачайте шаблон ГИА со страницы загрузки и заполните его.",
        read_rows=_read_gia_rows,
        max_errors=max_errors,
    )


def _read_gia_rows(located, result: TemplateResult, errors, _warnings) -> None:
    rows, header_row, header, _above = located
    columns, titles = _columns(header, GIA_COLUMNS)
    missing = _missing(columns, GIA_COLUMNS, header_row, errors)
    numeric = {
        columns[k] for k in ("year", "variant", "primary", "test_score", "mark") if k in columns
    }
    last_year = datetime.date.today().year + 1
    seen: dict[tuple, int] = {}
    for number, cells in rows:
        if is_totals(cells, numeric):
            result.notes.append(totals_note(number))
            continue
        if _is_empty(cells, columns.values()):
            continue
        row = _Row(number, cells, columns, titles, errors, missing)
        login = row.login(result.schools)
        code = row.code()
        if not code:
            row.bad("code", "Пусто: нужен код участника (строка без кода не загружается).")
        year = row.whole("year", required=True, low=FIRST_YEAR, high=last_year)
        exam = _exam(row)
        subject, title = _subject(row, exam)
        grade, class_name = _class(row, exam)
        variant = row.whole("variant", required=False)
        primary = row.whole("primary", required=True, high=PRIMARY_LIMIT)
        kind = exam[0] if exam else None
        scored = kind == AssessmentKind.EGE and title != BASE_MATH_TITLE
        test_score = _test_score(row, scored=scored, kind=kind)
        mark = _gia_mark(row, kind, marked=kind is not None and not scored)
        if row.failed:
            continue
        key = WorkKey(kind, year, normalized(subject), grade, title)
        if (login, key, code) in seen:
            row.bad(
                "code",
                f"Участник {code} уже есть в строке {seen[(login, key, code)]} по тому же "
                "экзамену и предмету.",
            )
            continue
        seen[(login, key, code)] = number
        result.works.setdefault(key, Work(key=key, subject=subject, first_row=number))
        result.participants.append(
            Participant(
                row=number,
                school_login=login,
                work=key,
                code=code,
                class_name=class_name,
                variant=variant,
                primary=primary,
                test_score=test_score,
                mark=mark,
            )
        )


def _exam(row: _Row) -> tuple[str, int | None] | None:
    text = row.text("exam")
    exam = EXAMS.get(re.sub(r"[\s\-–—]", "", normalized(text)))
    if exam is None:
        row.bad(
            "exam",
            f"Экзамен «{text}»: укажите ОГЭ, ЕГЭ или ГВЭ." if text else "Пусто: нужен экзамен.",
        )
    return exam


def _subject(row: _Row, exam) -> tuple[str, str]:
    """The subject as the portal names it, and the work's title: only ЕГЭ по математике
    базового уровня has one."""
    text = row.text("subject")
    if not text:
        row.bad("subject", "Пусто: нужен предмет.")
        return "", ""
    level = MATH_LEVEL.match(normalized(text))
    if level is None:
        return text, ""
    if exam is not None and exam[0] != AssessmentKind.EGE:
        row.bad(
            "subject",
            f"«{text}»: уровень математики (базовый, профильный) бывает только у ЕГЭ; "
            "укажите «Математика».",
        )
    base = (level["after"] or level["before"]).startswith("баз")
    return "Математика", BASE_MATH_TITLE if base else ""


def _class(row: _Row, exam) -> tuple[int, str]:
    text = row.text("class_name")
    match = CLASS.match(text)
    if match is None:
        row.bad(
            "class_name",
            f"Класс «{text}»: нужен номер класса, можно с буквой (9, 9А, 11Б)."
            if text
            else "Пусто: нужен класс (9, 9А, 11Б).",
        )
        return 0, ""
    grade = int(match["grade"])
    class_name = f"{grade}{match['letter'].upper()}"
    if exam is None:
        return grade, class_name
    kind, exam_grade = exam
    low, high = GRADES[kind]
    if exam_grade is not None:
        low, high = (9, 9) if exam_grade == 9 else (10, 12)
    if not low <= grade <= high:
        grades = f"{low} классе" if low == high else f"{low}–{high} классах"
        row.bad("class_name", f"{row.text('exam')} сдают в {grades}, а указан класс «{text}».")
    return grade, class_name


def _test_score(row: _Row, *, scored: bool, kind: str | None) -> int | None:
    if kind is None:
        return None  # no exam to check it against: the exam's own problem is said
    if scored:
        if row.text("test_score") == "" and "test_score" not in row.columns:
            row.bad("test_score", "Нет столбца «Тестовый балл»: у ЕГЭ нужен тестовый балл 0–100.")
            return None
        return row.whole("test_score", required=True, high=100)
    if row.text("test_score"):
        row.bad(
            "test_score",
            "Тестовый балл бывает только у ЕГЭ (кроме математики базового уровня): оставьте "
            "ячейку пустой.",
        )
    return None


def _gia_mark(row: _Row, kind: str | None, *, marked: bool) -> int | None:
    if kind is None:
        return None  # no exam to check it against: the exam's own problem is said
    if marked:
        return row.mark("mark", required=True)
    if kind == AssessmentKind.EGE and row.text("mark"):
        row.bad(
            "mark",
            "У ЕГЭ отметки нет (кроме математики базового уровня): оставьте ячейку пустой, "
            "нужен тестовый балл.",
        )
    return None


def read_diagnostic(source, *, max_errors: int = 200) -> TemplateResult:
    """Read a filled diagnostic-work template from a path or a file object."""
    return _read_template(
        source,
        sheet=DIAGNOSTIC_SHEET,
        headers={"код участника", "первичный балл"},
        missing=f"Не найден лист «{DIAGNOSTIC_SHEET}» со строкой заголовков «Код участника», "
        "«Первичный балл»: скачайте шаблон диагностической работы со страницы загрузки.",
        read_rows=_read_diagnostic_rows,
        max_errors=max_errors,
    )


def _metadata(above: list[tuple[int, list]]) -> dict[str, tuple[int, str, object]]:
    """Label in column A, value in column B: field → (row, label, value)."""
    labels = {}
    for column in DIAGNOSTIC_META:
        for name in (column.header, *column.aliases):
            labels.setdefault(normalized(name), column.key)
    found = {}
    for number, cells in above:
        if len(cells) < 2:
            continue
        key = labels.get(normalized(_text(cells[0]).rstrip(":")))
        if key is not None and key not in found:
            found[key] = (number, " ".join(_text(cells[0]).rstrip(":").split()), cells[1])
    return found


def _diagnostic_work(above, header_row: int, errors) -> Work | None:
    meta = _metadata(above)
    headers = {column.key: column.header for column in DIAGNOSTIC_META}

    def where(key):
        return (meta[key][0], meta[key][1]) if key in meta else (None, headers[key])

    def text(key) -> str:
        return " ".join(_text(meta[key][2]).split()) if key in meta else ""

    for column in DIAGNOSTIC_META:
        if column.required and not text(column.key):
            errors.add(
                *where(column.key),
                f"Не заполнено «{column.header}» в строках над таблицей участников.",
            )
    title = text("title")
    if len(title) > TITLE_LENGTH:
        errors.add(*where("title"), f"Название длиннее {TITLE_LENGTH} знаков.")
    grade = None
    if text("grade"):
        match = CLASS.match(text("grade"))
        grade = int(match["grade"]) if match else None
        if grade is None or not 1 <= grade <= 11:
            errors.add(*where("grade"), f"«{text('grade')}» — нужен номер класса от 1 до 11.")
    held_on = _date(meta["held_on"][2]) if "held_on" in meta else None
    if text("held_on") and held_on is None:
        errors.add(*where("held_on"), f"«{text('held_on')}» — нужна дата вида ДД.ММ.ГГГГ.")
    max_primary = None
    if text("max_primary"):
        try:
            max_primary = _whole(meta["max_primary"][2])
        except ValueError:
            errors.add(*where("max_primary"), f"«{text('max_primary')}» — не целое число.")
    if errors:
        return None
    subject = text("subject")
    key = WorkKey(
        AssessmentKind.DIAGNOSTIC, school_year_end(held_on), normalized(subject), grade, title
    )
    return Work(
        key=key,
        subject=subject,
        first_row=where("subject")[0],
        held_on=held_on,
        max_primary=max_primary,
    )


def _tasks(header: list, levels: list) -> list[tuple[int, Task, str]]:
    tasks = []
    for index, cell in enumerate(header):
        text = " ".join(_text(cell).split())
        if match := TASK_HEADER.match(text):
            level = normalized(_text(levels[index])) if index < len(levels) else ""
            number = re.sub(r"\s+", "", match["number"]).replace(",", ".").upper()
            task = Task(number, int(match["max"]), {"б": "Б", "п": "П"}.get(level, ""))
            tasks.append((index, task, text))
    return tasks


def _read_diagnostic_rows(located, result: TemplateResult, errors, warnings) -> None:
    rows, header_row, header, above = located
    work = _diagnostic_work(above, header_row, errors)
    columns, titles = _columns(header, DIAGNOSTIC_COLUMNS)
    missing = _missing(columns, DIAGNOSTIC_COLUMNS, header_row, errors)
    levels = above[-1][1] if above and above[-1][0] == header_row - 1 else []
    tasks = _tasks(header, levels)
    max_primary = None
    if work is not None:
        work.tasks = tuple(task for _index, task, _title in tasks)
        work.task_columns = tuple((title, column_letter(index)) for index, _t, title in tasks)
        if work.max_primary is None and tasks:
            work.max_primary = sum(task.max_score for task in work.tasks)
        max_primary = work.max_primary
        result.works[work.key] = work
    numeric = {index for index, _t, _h in tasks} | {
        columns[k] for k in ("variant", "primary", "mark", "journal") if k in columns
    }
    seen: dict[tuple[str, str], int] = {}
    for number, cells in rows:
        if is_totals(cells, numeric):
            result.notes.append(totals_note(number))
            continue
        if _is_empty(cells, [*columns.values(), *(index for index, _t, _h in tasks)]):
            continue
        row = _Row(number, cells, columns, titles, errors, missing)
        login = row.login(result.schools)
        code = row.code()
        if not code:
            row.bad("code", "Пусто: нужен код участника (строка без кода не загружается).")
        class_name = row.text("class_name").replace(" ", "").replace("-", "")[:8].upper()
        digits = re.match(r"\d+", class_name)
        if work is not None and digits and int(digits[0]) != work.key.grade:
            row.bad(
                "class_name",
                f"Класс «{class_name}» не из {work.key.grade} класса, для которого работа.",
            )
        variant = row.whole("variant", required=False)
        scores = []
        for index, task, title in tasks:
            value = cells[index] if index < len(cells) else None
            try:
                score = _whole(value)
            except ValueError:
                errors.add(
                    number,
                    title,
                    f"Балл «{_text(value)}» — не целое число от 0 и не «X».",
                    column_letter(index),
                )
                score = None
            if score is not None and score > task.max_score:
                errors.add(
                    number,
                    title,
                    f"Балл {score} больше максимума задания {task.number} "
                    f"({plural(task.max_score, 'балл', 'балла', 'баллов')}).",
                    column_letter(index),
                )
            scores.append(score)
        primary = row.whole("primary", required=True, high=max_primary)
        mark = row.mark("mark", required=False)
        journal = row.mark("journal", required=False)
        if row.failed or work is None:
            continue
        if (login, code) in seen:
            row.bad("code", f"Код участника {code} уже встречался в строке {seen[(login, code)]}.")
            continue
        seen[(login, code)] = number
        total = sum(score for score in scores if score is not None)
        if tasks and primary != total:
            warnings.add(
                number,
                titles["primary"],
                f"Первичный балл {primary} не равен сумме баллов за задания ({total}).",
            )
        result.participants.append(
            Participant(
                row=number,
                school_login=login,
                work=work.key,
                code=code,
                class_name=class_name,
                variant=variant,
                primary=primary,
                test_score=None,
                mark=mark,
                journal_mark=journal,
                scores=tuple(scores),
            )
        )


# Writing


class _Book:
    """An xlsx in memory with the formats the templates share."""

    def __init__(self):
        self.buffer = io.BytesIO()
        self.book = xlsx.workbook(self.buffer)
        self.bold = self.book.add_format({"bold": True})
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.header = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#DDEBF7"}
        )
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        self.text = self.book.add_format({"num_format": "@"})
        self.date = self.book.add_format({"num_format": "dd.mm.yyyy", "align": "left"})

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()

    def write(self, sheet, row: int, column: int, value) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime.date):
            sheet.write_datetime(row, column, value, self.date)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value)
        else:
            sheet.write_string(row, column, str(value))

    def lists(self, subjects: Sequence[str], schools: Sequence[tuple[str, str]]) -> dict:
        """The «Списки» sheet: the ranges that the list checks point to."""
        sheet = self.book.add_worksheet(LISTS_SHEET)
        sheet.write_row(0, 0, ["Предмет", "Логин ОО (ФИС ОКО)", "Школа"], self.bold)
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 1, 20)
        sheet.set_column(2, 2, 50)
        for index, subject in enumerate(subjects, start=1):
            sheet.write_string(index, 0, subject)
        for index, (login, name) in enumerate(schools, start=1):
            sheet.write_string(index, 1, login)
            sheet.write_string(index, 2, name)
        ranges = {}
        if subjects:
            ranges["subject"] = f"='{LISTS_SHEET}'!$A$2:$A${len(subjects) + 1}"
        if schools:
            ranges["login"] = f"='{LISTS_SHEET}'!$B$2:$B${len(schools) + 1}"
        return ranges

    def instructions(self, title: str, paragraphs: Iterable[str], columns: Iterable[Column]):
        sheet = self.book.add_worksheet(INSTRUCTIONS_SHEET)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 16)
        sheet.set_column(2, 2, 90)
        sheet.write_string(0, 0, title, self.title)
        row = 2
        for paragraph in paragraphs:
            sheet.merge_range(row, 0, row, 2, paragraph, self.wrap)
            sheet.set_row(row, 15 * (1 + len(paragraph) // 120))
            row += 1
        row += 1
        sheet.write_row(row, 0, ["Столбец", "Обязательный", "Что писать"], self.header)
        for column in columns:
            row += 1
            sheet.write_string(row, 0, column.header, self.bold)
            sheet.write_string(row, 1, "да" if column.required else "нет")
            sheet.write_string(row, 2, column.help, self.wrap)
        return sheet, row + 2


def _list_check(source, title: str, message: str) -> dict | None:
    """A drop-down list in Excel; None when there is nothing to list."""
    if not source:
        return None
    return {
        "validate": "list",
        "source": source,
        "input_title": title[:32],
        "input_message": message[:255],
        "error_title": "Значения нет в списке",
        "error_message": f"{message} Выберите значение из списка."[:255],
    }


def _whole_check(low: int, high: int, title: str) -> dict:
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": low,
        "maximum": high,
        "input_title": title[:32],
        "input_message": f"Целое число от {low} до {high}.",
        "error_title": "Неверное число",
        "error_message": f"Нужно целое число от {low} до {high}.",
    }


GIA_INSTRUCTIONS = [
    f"Заполняйте лист «{GIA_SHEET}»: одна строка — результат одного участника по одному "
    "экзамену. В одном файле могут быть результаты нескольких школ, экзаменов, предметов и лет.",
    "Год проведения экзамена указывается в столбце «Год» в каждой строке (ГИА 2025 — 2025).",
    "ОГЭ и ГВЭ: первичный балл и отметка, тестового балла нет. ЕГЭ: первичный и тестовый балл, "
    f"отметки нет. ЕГЭ по математике базового уровня (предмет «{BASE_MATH}»): первичный балл "
    "и отметка.",
    "Фамилии и имена не вносите: участник — это код. Если в файле окажется столбец «ФИО», "
    "портал его не читает.",
    "Строку заголовков не меняйте; столбцы можно переставлять, пустые строки пропускаются. "
    f"Списки предметов и логинов школ — на листе «{LISTS_SHEET}».",
    "Портал проверит каждую строку и покажет сводку: школы, экзамены, предметы, классы, годы, "
    "число участников. Файл с ошибками не загружается совсем, ошибки перечисляются по строкам "
    "и столбцам. Повторная загрузка того же файла ничего не меняет; исправленный файл заменяет "
    "прежние результаты той же школы по тому же экзамену, предмету, классу и году.",
]
GIA_EXAMPLES = [
    ["edu230123", 2025, "ОГЭ", "Математика", "9А", "104512", 3, 17, None, 4],
    ["edu230123", 2025, "ЕГЭ", "Русский язык", "11А", "208811", 12, 38, 78, None],
    ["edu230123", 2025, "ЕГЭ", BASE_MATH, "11Б", "208812", 5, 15, None, 4],
]
DIAGNOSTIC_INSTRUCTIONS = [
    f"Заполняйте лист «{DIAGNOSTIC_SHEET}»: одна работа — один файл. В строках над таблицей — "
    "название работы, предмет, класс (параллель), дата проведения; в таблице — по строке на "
    "участника. В одном файле могут быть участники нескольких школ.",
    "Год работы портал берёт из даты: это год окончания учебного года (работа от 10.12.2025 "
    "относится к 2026 году, как ГИА 2026).",
    TASKS_HELP,
    "Фамилии и имена не вносите: участник — это код. Если в файле окажется столбец «ФИО», "
    "портал его не читает.",
    "Файл с ошибками не загружается совсем, ошибки перечисляются по строкам и столбцам. "
    "Повторная загрузка того же файла ничего не меняет; исправленный файл заменяет прежние "
    "результаты той же школы по той же работе (название, предмет, класс, год).",
]


def gia_template(
    *,
    subjects: Sequence[str],
    schools: Sequence[tuple[str, str]] = (),
    rows: Iterable[Sequence] = (),
) -> bytes:
    """The ГИА template: blank for download, or filled with `rows` (values in the order of
    `GIA_COLUMNS`) for the demo and the tests. `subjects` and `schools` (login, name) fill the
    lists to pick from."""
    book = _Book()
    sheet = book.book.add_worksheet(GIA_SHEET)
    sheet.write_string(
        0,
        0,
        "Результаты ГИА: одна строка — один участник одного экзамена. Правила заполнения — на "
        f"листе «{INSTRUCTIONS_SHEET}».",
        book.bold,
    )
    header_row, first = 1, 2
    for index, column in enumerate(GIA_COLUMNS):
        sheet.write_string(header_row, index, column.header, book.header)
        text = column.key in ("login", "code", "class_name")
        sheet.set_column(index, index, column.width, book.text if text else None)
    sheet.set_row(header_row, 32)
    sheet.freeze_panes(first, 0)
    count = 0
    for count, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            text = GIA_COLUMNS[index].key == "code" and value is not None
            book.write(sheet, first + count - 1, index, str(value) if text else value)

    instructions, row = book.instructions(
        "Шаблон результатов ГИА (ОГЭ, ЕГЭ, ГВЭ)", GIA_INSTRUCTIONS, GIA_COLUMNS
    )
    instructions.write_string(row, 0, "Пример заполнения", book.bold)
    instructions.write_row(row + 1, 0, [column.header for column in GIA_COLUMNS], book.header)
    for offset, values in enumerate(GIA_EXAMPLES, start=row + 2):
        for index, value in enumerate(values):
            book.write(instructions, offset, index, value)

    names = [*subjects]
    if any(normalized(name) == "математика" for name in subjects):
        names.append(BASE_MATH)
    ranges = book.lists(names, schools)
    checks = {
        "login": _list_check(ranges.get("login"), "Логин ОО", "Логин школы в ФИС ОКО."),
        "year": _whole_check(FIRST_YEAR, datetime.date.today().year + 1, "Год"),
        "exam": _list_check(EXAM_NAMES, "Экзамен", "ОГЭ, ЕГЭ или ГВЭ."),
        "subject": _list_check(ranges.get("subject"), "Предмет", "Предмет из списка портала."),
        "primary": _whole_check(0, PRIMARY_LIMIT, "Первичный балл"),
        "test_score": _whole_check(0, 100, "Тестовый балл (ЕГЭ)"),
        "mark": _whole_check(2, 5, "Отметка"),
    }
    last = first + max(DATA_ROWS, count) - 1
    for index, column in enumerate(GIA_COLUMNS):
        if checks.get(column.key):
            sheet.data_validation(first, index, last, index, checks[column.key])
    sheet.activate()
    return book.close()


def diagnostic_template(
    *,
    subjects: Sequence[str],
    schools: Sequence[tuple[str, str]] = (),
    title: str = "",
    subject: str = "",
    grade: int | None = None,
    held_on: datetime.date | None = None,
    max_primary: int | None = None,
    tasks: Sequence[tuple[str, int, str]] = (),
    rows: Iterable[Sequence] = (),
) -> bytes:
    """The diagnostic-work template: blank, or filled (the demo, the tests). `tasks` are
    (number, maximum, level); `rows` are (login, code, class, variant, [task scores], primary,
    mark, journal mark)."""
    book = _Book()
    sheet = book.book.add_worksheet(DIAGNOSTIC_SHEET)
    sheet.write_string(
        0,
        0,
        "Диагностическая работа: сведения о работе — ниже, участники — в таблице. Правила — на "
        f"листе «{INSTRUCTIONS_SHEET}».",
        book.bold,
    )
    values = {
        "title": title,
        "subject": subject,
        "grade": grade,
        "held_on": held_on,
        "max_primary": max_primary,
    }
    meta_row = {}
    for row, column in enumerate(DIAGNOSTIC_META, start=1):
        sheet.write_string(row, 0, column.header, book.bold)
        book.write(sheet, row, 1, values[column.key])
        meta_row[column.key] = row
    level_row = len(DIAGNOSTIC_META) + 2
    header_row, first = level_row + 1, level_row + 2
    before = [c for c in DIAGNOSTIC_COLUMNS if c.key not in ("primary", "mark", "journal")]
    after = [c for c in DIAGNOSTIC_COLUMNS if c.key in ("primary", "mark", "journal")]
    headers = [
        *(column.header for column in before),
        *(f"{number} ({maximum}б)" for number, maximum, _level in tasks),
        *(column.header for column in after),
    ]
    sheet.write_string(level_row, 0, "Уровень задания (Б/П):")
    for index, (_number, _maximum, level) in enumerate(tasks, start=len(before)):
        sheet.write_string(level_row, index, level)
    sheet.write_row(header_row, 0, headers, book.header)
    sheet.set_row(header_row, 32)
    sheet.set_column(0, 0, 30, book.text)
    sheet.set_column(1, 2, 16, book.text)
    sheet.set_column(3, len(headers) - 1, 10)
    sheet.freeze_panes(first, 0)
    count = 0
    for count, (login, code, class_name, variant, scores, primary, mark, journal) in enumerate(
        rows, start=1
    ):
        line = [login, str(code), class_name, variant, *scores, primary, mark, journal]
        for index, value in enumerate(line):
            book.write(sheet, first + count - 1, index, value)

    book.instructions(
        "Шаблон диагностической работы (комплексной, пробной)",
        DIAGNOSTIC_INSTRUCTIONS,
        [*DIAGNOSTIC_META, *DIAGNOSTIC_COLUMNS],
    )
    ranges = book.lists([*subjects], schools)
    if "subject" in ranges:
        row = meta_row["subject"]
        sheet.data_validation(
            row, 1, row, 1, _list_check(ranges["subject"], "Предмет", "Предмет из списка портала.")
        )
    sheet.data_validation(
        meta_row["grade"], 1, meta_row["grade"], 1, _whole_check(1, 11, "Класс (параллель)")
    )
    last = first + max(DATA_ROWS, count) - 1
    checks = {
        "Логин ОО (ФИС ОКО)": _list_check(ranges.get("login"), "Логин ОО", "Логин школы."),
        "Первичный балл": _whole_check(0, PRIMARY_LIMIT, "Первичный балл"),
        "Отметка": _whole_check(2, 5, "Отметка"),
        "Отметка по журналу": _whole_check(2, 5, "Отметка по журналу"),
    }
    for index, header in enumerate(headers):
        if checks.get(header):
            sheet.data_validation(first, index, last, index, checks[header])
    sheet.activate()
    return book.close()
