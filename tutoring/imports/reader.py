"""Reading an uploaded xlsx list row by row, without trusting anything the file says.

The file first passes the container checks every upload passes (`tutoring.uploads`: size,
entries, unpacked size, ratio, paths, password). The sheet is then read as a stream of XML
with every read capped: a sheet whose used range claims row 1,048,576 (or whose one cell sits
there) is refused as soon as the claim is read, before any row is built; calamine or openpyxl
would first build the whole range (issue «Runs for years without an engineer»). Shared
strings are the only part held in memory, and their size is capped too.

The reader raises `FileRefused` for a file that cannot be read at all; everything a row may
get wrong is the callers' `Problems`, by row and column."""

import io
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.parsers import expat

from django.core.exceptions import ValidationError

from .. import xlsx
from ..uploads import inspect_upload

# A region's staff list is some 40,000 rows over a dozen columns; anything far beyond is not
# a list of people but a file built to exhaust the server.
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_SHEET_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 4 * 1024 * 1024  # workbook.xml and its relationships
HEADER_SEARCH_ROWS = 40
INSTRUCTIONS_SHEET = "Инструкция"

_CHUNK = 64 * 1024
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
# A hostile file fails inside zipfile, zlib or expat in many ways; each means «cannot be read».
_XML_ERRORS = (
    ET.ParseError,
    expat.ExpatError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


class FileRefused(Exception):
    """The file as a whole cannot be read: the message says why, in Russian."""


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None  # the row number as Excel shows it
    column: str  # the column's header as the file writes it
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def problem_text(problem: dict) -> str:
    """«Строка 7, столбец „E-mail“: …», as the page and the commands list a problem."""
    where = []
    if problem.get("row"):
        where.append(f"Строка {problem['row']}")
    if problem.get("column"):
        where.append(f"столбец „{problem['column']}“")
    prefix = ", ".join(where)
    return f"{prefix}: {problem['message']}" if prefix else problem["message"]


class Problems(list):
    """Every problem of the file, up to `limit`; then one line saying that more were left out."""

    def __init__(self, limit: int = 1000):
        super().__init__()
        self.limit = limit
        self.overflowed = False

    def add(self, row: int | None, column: str, message: str) -> None:
        if len(self) < self.limit:
            self.append(Problem(row, column, message))
        elif not self.overflowed:
            self.overflowed = True
            self.append(
                Problem(
                    None,
                    "",
                    f"Показаны первые {self.limit} ошибок; исправьте их и загрузите файл снова.",
                )
            )


def normalized(text) -> str:
    """Header and name text as compared: case, «ё», spacing and a trailing colon ignored."""
    text = " ".join(str(text).replace("ё", "е").replace("Ё", "Е").split()).casefold()
    return text.rstrip(":").strip()


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    help: str  # for the «Инструкция» sheet
    required: bool = False
    width: int = 20
    aliases: tuple[str, ...] = ()  # other headers a file may use («Сетевой город»)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Capped(io.RawIOBase):
    """A zip entry read with a limit: the central directory may lie about the entry's size."""

    def __init__(self, stream, limit: int, message: str):
        self._stream = stream
        self._left = limit
        self._message = message

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self._stream.read(min(len(buffer), self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            raise FileRefused(self._message)
        buffer[: len(data)] = data
        return len(data)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _cell_position(ref: str) -> tuple[int, int] | None:
    match = _CELL.match(ref or "")
    if not match:
        return None
    return int(match.group(2)), _column_index(match.group(1))


def _number_text(value: str) -> str:
    """A number cell as the text a person typed: 2301234567, not 2301234567.0."""
    try:
        number = float(value)
    except ValueError:
        return value.strip()
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return value.strip()


class Workbook:
    """An xlsx opened for streaming. Use `open_workbook`."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self._archive = archive
        self._name = name
        self._entries = {info.filename.lower(): info for info in archive.infolist()}
        self.sheets = self._sheets()  # [(name, entry)]
        self._strings: list[str] | None = None

    def _entry(self, path: str):
        return self._entries.get(path.lstrip("/").lower())

    def _parse_part(self, path: str) -> ET.Element | None:
        entry = self._entry(path)
        if entry is None:
            return None
        with self._archive.open(entry) as raw:
            stream = _Capped(raw, MAX_PART_BYTES, self._too_big())
            return ET.parse(io.BufferedReader(stream)).getroot()

    def _too_big(self) -> str:
        return (
            f"Файл «{self._name}» слишком велик для списка: в нём больше данных, чем бывает "
            f"в списке даже целого региона (допускается до {MAX_ROWS:,} строк)."
        ).replace(",", " ")

    def _relationships(self) -> dict[str, tuple[str, str]]:
        root = self._parse_part("xl/_rels/workbook.xml.rels")
        found = {}
        for item in root if root is not None else ():
            target = item.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            found[item.get("Id", "")] = (item.get("Type", ""), path)
        return found

    def _sheets(self) -> list[tuple[str, str]]:
        root = self._parse_part("xl/workbook.xml")
        if root is None:
            raise FileRefused(f"Файл «{self._name}» не похож на книгу Excel: в нём нет листов.")
        relationships = self._relationships()
        self._shared_path = next(
            (path for kind, path in relationships.values() if kind.endswith("/sharedStrings")),
            "xl/sharedStrings.xml",
        )
        sheets = []
        for element in root.iter():
            if _local(element.tag) != "sheet":
                continue
            rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            path = relationships.get(rel, ("", ""))[1]
            if self._entry(path) is not None:
                sheets.append((element.get("name", ""), path))
        if not sheets:
            raise FileRefused(f"Файл «{self._name}» не похож на книгу Excel: в нём нет листов.")
        return sheets

    def _shared_strings(self) -> list[str]:
        if self._strings is None:
            parser = _StringsParser(self._name)
            entry = self._entry(self._shared_path)
            if entry is not None:
                with self._archive.open(entry) as raw:
                    stream = _Capped(raw, MAX_SHARED_STRINGS_BYTES, self._too_big())
                    while chunk := stream.read(_CHUNK):
                        parser.feed(chunk)
                    parser.close()
            self._strings = parser.strings
        return self._strings

    def rows(self, path: str) -> Iterator[tuple[int, list[str]]]:
        """(row number, cell texts) of each row the sheet has, in order; cells as text."""
        parser = _SheetParser(self, self._shared_strings())
        with self._archive.open(self._entry(path)) as raw:
            stream = _Capped(raw, MAX_SHEET_BYTES, self._too_big())
            while chunk := stream.read(_CHUNK):
                parser.feed(chunk)
                yield from parser.take()
            parser.close()
            yield from parser.take()

    def _check_dimension(self, ref: str) -> None:
        corners = [_cell_position(part) for part in ref.split(":")]
        for corner in corners:
            if corner is None:
                continue
            row, column = corner
            if row > MAX_ROWS:
                raise FileRefused(self._too_big())
            if column >= MAX_COLUMNS:
                raise FileRefused(self._too_wide())

    def _too_wide(self) -> str:
        return (
            f"В файле «{self._name}» лист занимает больше {MAX_COLUMNS} столбцов: так список "
            "не выглядит. Скопируйте таблицу на чистый лист и загрузите файл снова."
        )


def _cell_text(kind: str, value: str, strings: list[str]) -> str:
    if kind == "s":
        try:
            return strings[int(value)].strip()
        except (ValueError, IndexError):
            return ""
    if kind in ("inlineStr", "str", "e"):
        return value.strip()
    if kind == "b":
        return "да" if value == "1" else "нет"
    return _number_text(value) if value else ""


def _local_name(name: str) -> str:
    return name.rpartition(":")[2]


class _Expat:
    """An expat parser that refuses any DTD: Office never writes one, and entities are how
    a small XML file grows into a huge one."""

    def __init__(self, name: str):
        self.name = name
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text

    def _refuse(self, *args):
        raise FileRefused(_damaged(self.name))

    def feed(self, data: bytes) -> None:
        self.parser.Parse(data, False)

    def close(self) -> None:
        self.parser.Parse(b"", True)


class _StringsParser(_Expat):
    """The shared strings: each `si`'s text runs, without phonetic hints (`rPh`)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.collect = False
        self.phonetic = 0

    def start(self, name, attrs):
        name = _local_name(name)
        if name == "t":
            self.collect = not self.phonetic
        elif name == "rPh":
            self.phonetic += 1
        elif name == "si":
            self.parts = []

    def end(self, name):
        name = _local_name(name)
        if name == "t":
            self.collect = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "si":
            self.strings.append("".join(self.parts))

    def text(self, data):
        if self.collect:
            self.parts.append(data)


class _SheetParser(_Expat):
    """A worksheet's rows, as they stream past: bounds are checked at each row and cell as it
    opens, so a hostile position is refused before anything is built for it."""

    def __init__(self, workbook: "Workbook", strings: list[str]):
        super().__init__(workbook._name)
        self.workbook = workbook
        self.strings = strings
        self.ready: list[tuple[int, list[str]]] = []
        self.number = 0
        self.cells: dict[int, str] = {}
        self.column = -1
        self.kind = ""
        self.value: list[str] = []
        self.collect = False

    def take(self) -> list[tuple[int, list[str]]]:
        ready, self.ready = self.ready, []
        return ready

    def start(self, name, attrs):
        name = _local_name(name)
        if name == "c":
            position = _cell_position(attrs.get("r", ""))
            self.column = position[1] if position else self.column + 1
            if self.column >= MAX_COLUMNS:
                raise FileRefused(self.workbook._too_wide())
            self.kind = attrs.get("t", "")
            self.value = []
        elif name == "v" or (name == "t" and self.kind == "inlineStr"):
            self.collect = True
        elif name == "row":
            number = attrs.get("r", "")
            self.number = int(number) if number.isdigit() else self.number + 1
            if self.number > MAX_ROWS:
                raise FileRefused(self.workbook._too_big())
            self.cells = {}
            self.column = -1
        elif name == "dimension":
            self.workbook._check_dimension(attrs.get("ref", ""))

    def end(self, name):
        name = _local_name(name)
        if name in ("v", "t"):
            self.collect = False
        elif name == "c":
            self.cells[self.column] = _cell_text(self.kind, "".join(self.value), self.strings)
        elif name == "row" and self.cells:
            width = max(self.cells) + 1
            self.ready.append((self.number, [self.cells.get(i, "") for i in range(width)]))

    def text(self, data):
        if self.collect:
            self.value.append(data)


def open_workbook(uploaded) -> Workbook:
    """The uploaded xlsx, after the container checks; `FileRefused` if it cannot be read."""
    name = getattr(uploaded, "name", None) or "без имени"
    try:
        inspect_upload(uploaded, allowed=["xlsx"])
    except ValidationError as error:
        raise FileRefused(" ".join(error.messages)) from None
    try:
        uploaded.seek(0)
        archive = zipfile.ZipFile(uploaded)
        return Workbook(archive, name)
    except _XML_ERRORS as error:
        raise FileRefused(_damaged(name)) from error


def _damaged(name: str) -> str:
    return (
        f"Файл «{name}» повреждён: его не удаётся прочитать как книгу Excel. Сохраните его "
        "заново (xlsx) и загрузите ещё раз."
    )


@dataclass
class Table:
    """The sheet with the list: where its header is and which column holds what."""

    name: str
    header_row: int
    columns: dict[str, int]  # key → column index
    titles: dict[str, str]  # key → the header as the file writes it
    rows: Iterator[tuple[int, list[str]]]


def _match_columns(cells: list[str], spec: Sequence[Column]) -> tuple[dict, dict]:
    names = {}
    for column in spec:
        for header in (column.header, *column.aliases):
            names.setdefault(normalized(header), column.key)
    found: dict[str, int] = {}
    titles: dict[str, str] = {}
    for index, cell in enumerate(cells):
        key = names.get(normalized(cell))
        if key is not None and key not in found:
            found[key] = index
            titles[key] = " ".join(cell.split())
    for column in spec:
        titles.setdefault(column.key, column.header)
    return found, titles


def find_table(
    workbook: Workbook, spec: Sequence[Column], *, preferred: str, enough
) -> Table | None:
    """The first sheet (the template's own first) with a header row among its first rows
    for which `enough(found keys)` is true. Reading goes on from the row after the header."""
    sheets = [s for s in workbook.sheets if normalized(s[0]) != normalized(INSTRUCTIONS_SHEET)]
    sheets.sort(key=lambda sheet: normalized(sheet[0]) != normalized(preferred))
    for name, path in sheets:
        rows = workbook.rows(path)
        for count, (number, cells) in enumerate(rows):
            columns, titles = _match_columns(cells, spec)
            if enough(set(columns)):
                return Table(name, number, columns, titles, rows)
            if count >= HEADER_SEARCH_ROWS:
                break
    return None


def read_file(uploaded, read) -> tuple[list[dict], object]:
    """Run `read(workbook)` on the upload; a file that cannot be read is one problem."""
    try:
        workbook = open_workbook(uploaded)
        return read(workbook)
    except FileRefused as error:
        return [Problem(None, "", str(error)).as_dict()], None
    except _XML_ERRORS:
        name = getattr(uploaded, "name", None) or "без имени"
        return [Problem(None, "", _damaged(name)).as_dict()], None


class Cells:
    """One row's cells by key; problems reported under the file's own headers."""

    def __init__(self, number: int, cells: list[str], table: Table, problems: Problems):
        self.number = number
        self.cells = cells
        self.table = table
        self.problems = problems
        self.count = len(problems)

    def text(self, key: str) -> str:
        index = self.table.columns.get(key)
        if index is None or index >= len(self.cells):
            return ""
        return " ".join(self.cells[index].split())

    def has(self, key: str) -> bool:
        return key in self.table.columns

    def bad(self, key: str, message: str) -> None:
        self.problems.add(self.number, self.table.titles.get(key, key), message)

    @property
    def failed(self) -> bool:
        return len(self.problems) != self.count

    def empty(self) -> bool:
        return not any(self.text(key) for key in self.table.columns)


def template(
    *,
    sheet_name: str,
    title: str,
    columns: Sequence[Column],
    instructions: Iterable[str],
    examples: Iterable[Sequence] = (),
    rows: Iterable[Sequence] = (),
) -> bytes:
    """A list template: the sheet to fill (filled with `rows` for tests and the demo) and the
    «Инструкция» sheet with the rules and an example."""
    buffer = io.BytesIO()
    book = xlsx.workbook(buffer)
    header = book.add_format(
        {"bold": True, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#DDEBF7"}
    )
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet(sheet_name)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column.header, header)
        sheet.set_column(index, index, column.width, text)
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 0)
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            if value not in (None, ""):
                sheet.write_string(number, index, str(value))

    guide = book.add_worksheet(INSTRUCTIONS_SHEET)
    guide.set_column(0, 0, 30)
    guide.set_column(1, 1, 16)
    guide.set_column(2, 2, 90)
    guide.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    row = 2
    for paragraph in instructions:
        guide.merge_range(row, 0, row, 2, paragraph, wrap)
        guide.set_row(row, 15 * (1 + len(paragraph) // 110))
        row += 1
    row += 1
    guide.write_row(row, 0, ["Столбец", "Обязательный", "Что писать"], header)
    for column in columns:
        row += 1
        guide.write_string(row, 0, column.header, bold)
        guide.write_string(row, 1, "да" if column.required else "нет")
        guide.write_string(row, 2, column.help, wrap)
    examples = list(examples)
    if examples:
        row += 2
        guide.write_string(row, 0, "Пример заполнения", bold)
        guide.write_row(row + 1, 0, [column.header for column in columns], header)
        for offset, values in enumerate(examples, start=row + 2):
            for index, value in enumerate(values):
                if value not in (None, ""):
                    guide.write_string(offset, index, str(value))
    sheet.activate()
    book.close()
    return buffer.getvalue()
