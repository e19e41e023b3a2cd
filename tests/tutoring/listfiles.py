"""Spreadsheets for the list imports: the portal's templates filled, a «Сетевой город» staff
export, and hostile files."""

import io
import re
import zipfile

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from tutoring.imports.organizations import organizations_template
from tutoring.imports.people import people_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data: bytes, name: str = "список.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def schools_file(*rows) -> bytes:
    """Rows: (full name, short name, kind, login, ИНН, address, head position, head)."""
    return organizations_template(rows)


def staff_file(*rows) -> bytes:
    """Rows: (school, surname, name, patronymic, position, subjects, e-mail, phone, role)."""
    return people_template(rows)


def sheet(headers, rows, *, title: str | None = None, name: str = "Лист1") -> bytes:
    """Any table: a title line above the header when given (as exports have)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = book.add_worksheet(name)
    first = 0
    if title:
        worksheet.write_string(0, 0, title)
        first = 2
    worksheet.write_row(first, 0, headers)
    for offset, row in enumerate(rows, start=first + 1):
        for column, value in enumerate(row):
            if value is not None:
                worksheet.write(offset, column, value)
    book.close()
    return buffer.getvalue()


def netgorod_file(*rows) -> bytes:
    """A «Сетевой город» staff export: the whole name in «Сотрудник», no school column."""
    return sheet(
        ["№", "Сотрудник", "Должность", "Предметы", "E-mail", "Телефон"],
        [(n, *row) for n, row in enumerate(rows, start=1)],
        title="Список сотрудников",
    )


def huge_range_file() -> bytes:
    """5 KB whose one cell sits at XFD1048576: the used range is the whole sheet."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    worksheet = book.add_worksheet("Сотрудники")
    worksheet.write_row(0, 0, ["Фамилия", "Имя"])
    worksheet.write_string(1_048_575, 16_383, "x")
    book.close()
    return buffer.getvalue()


def bomb_file(megabytes: int = 60) -> bytes:
    """A small xlsx whose sheet unpacks to `megabytes` of padding."""
    return _rewritten_sheet(
        lambda text: text.replace("<sheetData>", "<sheetData>" + " " * megabytes * 2**20)
    )


def _rewritten_sheet(change) -> bytes:
    source = io.BytesIO(staff_file(("edu230110", "Гусева", "Нина", "", "", "", "", "", "")))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            new.writestr(item, data)
    return out.getvalue()


def lying_dimension_file() -> bytes:
    """A sheet that claims one cell but has one at row 1,048,576."""

    def lie(text: str) -> str:
        text = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', text)
        return text.replace(
            "</sheetData>",
            '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData>",
        )

    return _rewritten_sheet(lie)
