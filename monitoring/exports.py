"""The results tables as xlsx, written with XlsxWriter: the figures a page shows, as numbers
(percentages rounded to a tenth) that a methodist can sort and chart in a spreadsheet."""

import io

from tutoring.xlsx import workbook

from .analysis import rounded
from .results import Row, SchoolReport

MARK_HEADERS = [
    "Участников",
    "«2», %",
    "«3», %",
    "«4», %",
    "«5», %",
    "Качество знаний, %",
    "Успеваемость, %",
    "Средний первичный балл",
    "Отметка ниже журнальной, %",
    "Совпала с журнальной, %",
    "Выше журнальной, %",
    "Пики на границах отметок",
    "Надёжность",
]
GIA_HEADERS = [
    "Участников",
    "Средний балл",
    "Ниже минимума, %",
    "81–100 баллов, %",
    "100 баллов, %",
    "Надёжность",
]
UNRELIABLE = "меньше 20 участников: ненадёжно"


def row_values(row: Row, *, gia: bool) -> list:
    figures = row.figures
    if figures is None:
        return ["нет результатов"]
    reliability = UNRELIABLE if figures.unreliable else ""
    if gia:
        return [
            figures.participants,
            rounded(figures.mean),
            rounded(figures.below_share),
            rounded(figures.high_share),
            rounded(figures.full_share),
            reliability,
        ]
    return [
        figures.participants,
        *(rounded(value) for _mark, value in figures.shares),
        rounded(figures.quality),
        rounded(figures.success),
        rounded(figures.mean_primary),
        rounded(figures.lower_share),
        rounded(figures.same_share),
        rounded(figures.higher_share),
        ", ".join(f"«{mark}»" for mark in row.peaks),
        reliability,
    ]


class _Book:
    def __init__(self):
        self.buffer = io.BytesIO()
        self.book = workbook(self.buffer)
        self.bold = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def sheet(self, name: str, title: str, headers: list[str]):
        sheet = self.book.add_worksheet(name)
        sheet.write(0, 0, title, self.bold)
        sheet.write_row(2, 0, headers, self.bold)
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, len(headers), 14)
        sheet.freeze_panes(3, 1)
        return sheet

    def close(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def _write(sheet, line: int, values: list) -> None:
    for column, value in enumerate(values):
        if value is None:
            continue
        sheet.write(line, column, value)


def table_xlsx(title: str, rows: list[Row], *, gia: bool, unit: str) -> bytes:
    """One sheet: a row per school (or municipality), then the municipality and the region."""
    book = _Book()
    sheet = book.sheet("Результаты", title, [unit, *(GIA_HEADERS if gia else MARK_HEADERS)])
    for line, row in enumerate(rows, start=3):
        _write(sheet, line, [row.name, *row_values(row, gia=gia)])
    return book.close()


def school_xlsx(report: SchoolReport) -> bytes:
    """The school's year: the figures of each work beside the municipality and the region,
    and the success of each task."""
    book = _Book()
    title = f"{report.school.short_name}: результаты {report.year} года"
    marks = book.sheet("Показатели", title, ["Работа", "Кто", *MARK_HEADERS])
    gia = book.sheet("ГИА", title, ["Работа", "Кто", *GIA_HEADERS])
    tasks = book.sheet(
        "Задания",
        title,
        [
            "Работа",
            "Задание",
            "Уровень",
            "Максимальный балл",
            "Выполнение в школе, %",
            "Освоено",
            "В муниципалитете, %",
            "В регионе, %",
        ],
    )
    lines = {"marks": 3, "gia": 3, "tasks": 3}
    for section in report.sections:
        work = str(section.work)
        sheet, key = (gia, "gia") if section.gia else (marks, "marks")
        for row in section.rows:
            _write(sheet, lines[key], [work, row.name, *row_values(row, gia=section.gia)])
            lines[key] += 1
        for task in section.tasks:
            verdict = task.school.verdict
            _write(
                tasks,
                lines["tasks"],
                [
                    work,
                    task.school.number,
                    task.school.level or "—",
                    task.school.max_score,
                    rounded(task.school.percent),
                    verdict.label if verdict else "",
                    rounded(task.municipality),
                    rounded(task.region),
                ],
            )
            lines["tasks"] += 1
    return book.close()


PROGRAMME_SCHOOL_HEADERS = [
    "Муниципальное образование",
    "Статус",
    "Куратор",
    "Рисковый профиль",
    "Высокий риск",
    "Средний риск",
    "Программ",
    "Утверждено",
    "Мероприятий",
    "Выполнено",
    "Просрочено",
    "Показателей",
    "У цели",
    "Движение показателей",
    "Доля «2» на ВПР до, %",
    "Доля «2» на ВПР после, %",
    "Занятий тьюторов",
    "Из них куратора",
]
PROGRAMME_TOTAL_HEADERS = [
    "Школ в программе",
    "Профилей согласовано",
    "Программ",
    "Утверждено",
    "Мероприятий",
    "Выполнено",
    "Просрочено",
    "Показателей",
    "У цели",
    "Занятий тьюторов",
    "Из них кураторов",
    "Доля «2» вне программы до, %",
    "Доля «2» вне программы после, %",
]


def programme_report_xlsx(reports: list[dict], title: str) -> bytes:
    """The report upward: a sheet of the schools in the programme, a sheet of the
    municipalities side by side."""
    book = _Book()
    sheet = book.sheet("Школы", title, ["Школа", *PROGRAMME_SCHOOL_HEADERS])
    line = 3
    for report in reports:
        for school in report["schools"]:
            _write(
                sheet,
                line,
                [
                    school["school"],
                    report["municipality"],
                    school["statuses"],
                    school["curator"],
                    school["profile"],
                    "; ".join(school["high"]),
                    "; ".join(school["medium"]),
                    school["programmes"],
                    school["approved"],
                    school["measures"],
                    school["done"],
                    school["late"],
                    school["indicators"],
                    school["reached"],
                    "; ".join(school["moves"]),
                    school["twos_before"],
                    school["twos_after"],
                    school["sessions"],
                    school["curator_sessions"],
                ],
            )
            line += 1
    totals = book.sheet(
        "Муниципалитеты", title, ["Муниципальное образование", *PROGRAMME_TOTAL_HEADERS]
    )
    for line, report in enumerate(reports, start=3):
        t = report["totals"]
        _write(
            totals,
            line,
            [
                report["municipality"],
                t["schools"],
                t["profiles_agreed"],
                t["programmes"],
                t["approved"],
                t["measures"],
                t["done"],
                t["late"],
                t["indicators"],
                t["reached"],
                t["sessions"],
                t["curator_sessions"],
                report["outside_before"],
                report["outside_after"],
            ],
        )
    return book.close()
