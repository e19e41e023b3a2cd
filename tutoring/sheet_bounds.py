"""Bounds of an xlsx checked before a spreadsheet library sees it.

calamine (and openpyxl) first build a sheet's whole range, from its first used cell to its
last: one cell at XFD1048576 in a 5 KB file asks for hundreds of gigabytes and kills the
process, a `<dimension ref>` that claims that range makes calamine reserve it up front, and a
sheet that packs into 600 KB and unpacks to 250 MB takes the worker's memory and a minute
(issue «Runs for years without an engineer»). So, before any row is built:

- the container passes the checks every upload passes (`tutoring.uploads.inspect_upload`:
  size, entries, declared unpacked size, ratio, paths, password);
- every part is unpacked as a stream, its bytes counted against the same cap (the central
  directory may lie about them), and every worksheet's XML is read as it streams: its
  declared dimension, and the position of each row and cell, refused as soon as one is
  beyond what a results table holds.

The same approach as `tutoring.imports.reader`, which reads staff and school lists itself;
these bounds are for files another library then reads whole."""

import io
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.core.files import File

from .imports.reader import FileRefused, Workbook
from .uploads import MAX_ZIP_DIRECTORY, MAX_ZIP_ENTRIES, MAX_ZIP_TOTAL, inspect_upload
from .words import plural_form

# A region's «Ф1» is some 100,000 rows over 40–60 columns; far beyond that a sheet is built
# to exhaust whoever opens it. The cell count bounds the range calamine allocates (some 32
# bytes a cell): a sheet may be long or wide, not both.
MAX_ROWS = 300_000
MAX_COLUMNS = 500
MAX_CELLS = 12_000_000

_CHUNK = 64 * 1024
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,9})$")
_MB = 1024 * 1024
# A hostile file fails inside zipfile, zlib or expat in many ways; each means «cannot be read».
_ERRORS = (
    ET.ParseError,
    expat.ExpatError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    struct.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def check_workbook(source, *, name: str | None = None) -> None:
    """Raise `FileRefused` (a Russian message) if the xlsx at `source` (a path or a file
    object, left at position 0) is beyond the bounds; `ValidationError` of
    `tutoring.uploads` codes "type" and "damaged" pass as they are, for the caller's own
    words about a file that is not a workbook at all."""
    if isinstance(source, str | Path):
        with open(source, "rb") as stream:
            return check_workbook(stream, name=name or Path(source).name)
    name = name or Path(getattr(source, "name", None) or "").name or "без имени"
    # The name decides nothing here (the content does); the import forms check it themselves.
    checked_name = name if name.lower().endswith(".xlsx") else f"{name}.xlsx"
    uploaded = File(source, name=checked_name)
    try:
        try:
            inspect_upload(uploaded, allowed=("xlsx",))
        except ValidationError as error:
            if error.code == "zip_bomb":
                raise FileRefused(_bomb_text(source, name) or " ".join(error.messages)) from None
            if error.code in ("type", "damaged"):
                raise
            raise FileRefused(" ".join(error.messages).replace(checked_name, name)) from None
        source.seek(0)
        try:
            with zipfile.ZipFile(source) as archive:
                _check_parts(archive, name)
        except FileRefused:
            raise
        except _ERRORS as error:
            raise ValidationError("damaged", code="damaged") from error
    finally:
        source.seek(0)


def _check_parts(archive: zipfile.ZipFile, name: str) -> None:
    sheet_names = {path.lower(): sheet for sheet, path in Workbook(archive, name).sheets}
    left = MAX_ZIP_TOTAL
    for entry in archive.infolist():
        path = entry.filename.lower()
        parser = None
        if path in sheet_names or (path.startswith("xl/worksheets/") and path.endswith(".xml")):
            parser = _SheetBounds(sheet_names.get(path) or entry.filename)
        with archive.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                left -= len(chunk)
                if left < 0:
                    raise FileRefused(_unpacked_text(name))
                if parser is not None:
                    parser.feed(chunk)
        if parser is not None:
            parser.close()


def _megabytes(size: int) -> str:
    return f"{size / _MB:,.0f}".replace(",", " ")


def _unpacked_text(name: str, size: int | None = None) -> str:
    cap = f"{_megabytes(MAX_ZIP_TOTAL)} МБ"
    amount = f"в {_megabytes(size)} МБ, больше допустимых {cap}" if size else f"больше чем в {cap}"
    return (
        f"Файл «{name}» распаковывается {amount}: так таблица результатов не выглядит даже у "
        "целого региона. Удалите лишние листы и данные (или скопируйте таблицу в новую книгу), "
        "сохраните и загрузите файл снова."
    )


def _bomb_text(source, name: str) -> str | None:
    """What a container refused as a bomb holds, in numbers, when its directory is small
    enough to read (the end record says so before it is read)."""
    source.seek(0, io.SEEK_END)
    size = source.tell()
    source.seek(max(size - 65_557, 0))
    tail = source.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return None
    entries, directory = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries > MAX_ZIP_ENTRIES or directory > MAX_ZIP_DIRECTORY:
        return None
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            infos = archive.infolist()
    except _ERRORS:
        return None
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_TOTAL:
        return _unpacked_text(name, total)
    worst = max(infos, key=lambda info: info.file_size / max(info.compress_size, 1))
    return (
        f"Файл «{name}» сжат подозрительно сильно: его часть «{worst.filename}» занимает "
        f"{max(worst.compress_size // 1024, 1)} КБ и распаковывается в "
        f"{_megabytes(worst.file_size)} МБ. Так сжимаются файлы, сделанные, чтобы вывести из "
        "строя сервер; сохраните таблицу в Excel заново и загрузите её снова."
    )


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _position(ref: str) -> tuple[int, int] | None:
    match = _CELL.match(ref)
    if not match:
        return None
    column = 0
    for letter in match.group(1).upper():
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column - 1


class _SheetBounds:
    """A worksheet's XML as it streams past: its dimension, rows and cells against the
    bounds. Only element starts are looked at; any DTD is refused (Office never writes one,
    and entities are how a small XML file grows into a huge one). A region's sheet has
    millions of cells, so the common case (a cell of the current row, inside the range so
    far) costs two dictionary look-ups."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.row = 0
        self.row_text = "0"
        self.column = -1
        self.columns: dict[str, int] = {}  # column letters seen → index
        # The range so far, as calamine will build it: its first and last row and column.
        self.top = self.left = self.bottom = self.right = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse

    def _refuse(self, *args):
        raise ValidationError("damaged", code="damaged")

    def feed(self, data: bytes) -> None:
        self.parser.Parse(data, False)

    def close(self) -> None:
        self.parser.Parse(b"", True)

    def start(self, name, attrs):
        if name == "c":
            self.cell(attrs)
        elif name == "v":
            return
        elif ":" in name:
            self.start(name.rpartition(":")[2], attrs)
        elif name == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() and len(number) <= 9 else self.row + 1
            self.row_text = str(self.row)
            self.column = -1
            # A row far down is refused at its first cell, which names the place: a row
            # without cells costs calamine nothing.
        elif name == "dimension":
            self._dimension(attrs.get("ref", ""))

    def cell(self, attrs):
        ref = attrs.get("r")
        if ref is None:
            # No reference: the cell follows the previous one (calamine counts so too).
            column = self.column = self.column + 1
        else:
            letters = ref.rstrip("0123456789")
            column = self.columns.get(letters)
            if column is None:
                position = _position(ref)
                if position is None:
                    raise ValidationError("damaged", code="damaged")
                column = self.columns[letters] = position[1]
            self.column = column
            digits = ref[len(letters) :]
            if digits != self.row_text:
                if not digits or len(digits) > 9:
                    raise ValidationError("damaged", code="damaged")
                self.row, self.row_text = int(digits), digits
        row = self.row
        if self.top is None or not (
            self.top <= row <= self.bottom and self.left <= column <= self.right
        ):
            self._cell(row, column)

    def _cell(self, row: int, column: int) -> None:
        ref = f"{column_letters(column)}{row}"
        if row > MAX_ROWS or column >= MAX_COLUMNS:
            raise FileRefused(self._beyond(f"ячейка {ref}"))
        if self.top is None:
            self.top = self.bottom = row
            self.left = self.right = column
            return
        self.top, self.bottom = min(self.top, row), max(self.bottom, row)
        self.left, self.right = min(self.left, column), max(self.right, column)
        self._area(ref)

    def _area(self, ref: str) -> None:
        rows = self.bottom - self.top + 1
        columns = self.right - self.left + 1
        if rows * columns > MAX_CELLS:
            start = f"{column_letters(self.left)}{self.top}"
            raise FileRefused(
                f"В листе „{self.sheet}“ заполнена ячейка {ref}: вместе с ячейкой {start} "
                f"таблица занимает {_count(rows)} {plural_form(rows, 'строку', 'строки', 'строк')} "
                f"на {_count(columns)} {plural_form(columns, 'столбец', 'столбца', 'столбцов')}, "
                f"больше {_count(MAX_CELLS)} ячеек. Так таблица результатов не выглядит: удалите "
                "лишние данные (или скопируйте таблицу на чистый лист), сохраните и загрузите "
                "файл снова."
            )

    def _dimension(self, ref: str) -> None:
        corners = [_position(part) for part in ref.split(":")]
        if not all(corners):
            return
        for row, column in corners:
            if row > MAX_ROWS or column >= MAX_COLUMNS:
                raise FileRefused(
                    f"Лист „{self.sheet}“ объявляет, что занимает диапазон {ref.upper()}: "
                    f"в таблице результатов не бывает больше {_count(MAX_ROWS)} строк и "
                    f"{MAX_COLUMNS} столбцов. Скопируйте таблицу на чистый лист, сохраните и "
                    "загрузите файл снова."
                )
        self.top, self.bottom = min(c[0] for c in corners), max(c[0] for c in corners)
        self.left, self.right = min(c[1] for c in corners), max(c[1] for c in corners)
        self._area(ref.upper())

    def _beyond(self, where: str) -> str:
        return (
            f"В листе „{self.sheet}“ заполнена {where}: в таблице результатов не бывает больше "
            f"{_count(MAX_ROWS)} строк и {MAX_COLUMNS} столбцов. Удалите лишнее (или "
            "скопируйте таблицу на чистый лист), сохраните и загрузите файл снова."
        )


def _count(number: int) -> str:
    return f"{number:,}".replace(",", " ")
