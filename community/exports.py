"""Spreadsheets the community hands on: the tutor directory."""

import io

from tutoring.xlsx import workbook as xlsx_workbook

DIRECTORY_COLUMNS = [
    ("№", 5),
    ("ФИО", 36),
    ("Предметы", 30),
    ("Уровень", 16),
    ("Должность", 34),
    ("Место работы", 40),
    ("Муниципальное образование", 30),
]


def directory_xlsx(entries, *, year) -> bytes:
    output = io.BytesIO()
    # constant_memory writes row by row: a region's directory never sits in memory twice.
    workbook = xlsx_workbook(output, constant_memory=True)
    sheet = workbook.add_worksheet("Тьюторы")
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write(0, 0, f"Тьюторы на {year} учебный год" if year else "Тьюторы", bold)
    for column, (title, width) in enumerate(DIRECTORY_COLUMNS):
        sheet.set_column(column, column, width)
        sheet.write(1, column, title, bold)
    for row, entry in enumerate(entries.iterator(chunk_size=500), start=2):
        values = [
            row - 1,
            entry.person.full_name,
            ", ".join(s.name for s in entry.subjects.all()),
            entry.get_level_display(),
            entry.position,
            entry.organization.short_name,
            entry.roster.municipality.short_name,
        ]
        for column, value in enumerate(values):
            sheet.write(row, column, value, wrap)
    sheet.freeze_panes(2, 0)
    workbook.close()
    return output.getvalue()
