"""The readers of the portal's ГИА and diagnostic-work templates, and the templates
themselves: what a user downloads, and every problem of a filled file by row and column."""

import dataclasses
import datetime
import io

import openpyxl

from monitoring import gia
from monitoring.models import AssessmentKind

from . import f1files, giafiles
from .giafiles import DIAGNOSTIC_FIRST_ROW, GIA_FIRST_ROW, GiaRow


def read(data: bytes) -> gia.TemplateResult:
    return gia.read_gia(io.BytesIO(data))


def problems(result) -> set[tuple]:
    return {(p.row, p.column) for p in result.errors}


def messages(result) -> str:
    return " ".join(p.message for p in result.errors)


def test_the_blank_template_has_its_columns_instructions_and_lists():
    data = gia.gia_template(subjects=["Математика", "Русский язык"], schools=[("edu230123", "СОШ")])

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [gia.GIA_SHEET, gia.INSTRUCTIONS_SHEET, gia.LISTS_SHEET]
    headers = [cell.value for cell in book[gia.GIA_SHEET][2] if cell.value]
    assert headers == [column.header for column in gia.GIA_COLUMNS]
    instructions = " ".join(
        str(v) for row in book[gia.INSTRUCTIONS_SHEET].iter_rows(values_only=True) for v in row if v
    )
    assert "Год проведения экзамена" in instructions
    assert "отметки нет" in instructions
    lists = list(book[gia.LISTS_SHEET].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in lists] == ["Математика", "Русский язык", gia.BASE_MATH]
    assert lists[0][1:] == ("edu230123", "СОШ")


def test_the_template_offers_lists_of_exams_subjects_and_schools():
    data = gia.gia_template(subjects=["Математика"], schools=[("edu230123", "СОШ")])

    sheet = openpyxl.load_workbook(io.BytesIO(data))[gia.GIA_SHEET]
    checks = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    assert checks["C3"].type == "list" and "ОГЭ" in checks["C3"].formula1
    assert checks["D3"].formula1 == f"'{gia.LISTS_SHEET}'!$A$2:$A$3"
    assert checks["A3"].formula1 == f"'{gia.LISTS_SHEET}'!$B$2:$B$2"
    assert (checks["J3"].type, checks["J3"].formula1, checks["J3"].formula2) == ("whole", "2", "5")


def test_a_blank_template_has_no_participant():
    result = read(gia.gia_template(subjects=["Математика"]))

    assert messages(result) == "В файле нет ни одного участника."


def test_it_reads_the_filled_template():
    rows = [
        GiaRow(code="100001", primary=17, mark=4),
        GiaRow(exam="ЕГЭ", subject="Русский язык", class_name="11Б", code="200002",
               primary=38, test_score=78, mark=None),
    ]  # fmt: skip

    result = read(giafiles.gia_file(rows))

    assert result.errors == []
    oge, ege = result.participants
    assert (oge.row, oge.school_login, oge.code, oge.class_name) == (3, "edu230123", "100001", "9А")
    assert (oge.primary, oge.test_score, oge.mark) == (17, None, 4)
    assert oge.work == gia.WorkKey(AssessmentKind.OGE, 2025, "математика", 9, "")
    assert (ege.primary, ege.test_score, ege.mark, ege.class_name) == (38, 78, None, "11Б")
    assert ege.work == gia.WorkKey(AssessmentKind.EGE, 2025, "русский язык", 11, "")


def test_one_file_holds_several_exams_subjects_and_schools():
    rows = [
        *giafiles.oge_rows(4, seed=1),
        *giafiles.oge_rows(3, seed=2, subject="Русский язык", login="edu230120"),
        *giafiles.ege_rows(5, seed=3),
    ]

    result = read(giafiles.gia_file(rows))

    assert result.errors == []
    counts = dict.fromkeys(result.works, 0)
    for participant in result.participants:
        counts[participant.work] += 1
    assert sorted((k.kind, k.subject, n) for k, n in counts.items()) == [
        ("ege", "русский язык", 5),
        ("oge", "математика", 4),
        ("oge", "русский язык", 3),
    ]


def test_it_finds_columns_by_their_text_in_any_order_and_skips_empty_rows():
    rows = giafiles.oge_rows(7, seed=4)

    result = read(giafiles.hand_made_gia_file(rows, blank_every=2))

    assert result.errors == []
    assert [p.code for p in result.participants] == [row.code for row in rows]
    assert [p.mark for p in result.participants] == [row.mark for row in rows]
    assert result.participants[0].row == 4  # two title rows, then the header row


def test_it_never_reads_a_name():
    rows = giafiles.oge_rows(3, seed=5)

    result = read(giafiles.hand_made_gia_file(rows))

    stored = repr([p.staging_row() for p in result.participants])
    for row in rows:
        assert row.name.split()[0] not in stored
    assert "name" not in {f.name for f in dataclasses.fields(gia.Participant)}


def test_ege_needs_a_test_score_and_no_mark():
    rows = [
        GiaRow(exam="ЕГЭ", subject="Русский язык", class_name="11А", code="1", test_score=70,
               mark=4),
        GiaRow(exam="ЕГЭ", subject="Русский язык", class_name="11А", code="2", test_score=None,
               mark=None),
        GiaRow(exam="ЕГЭ", subject="Русский язык", class_name="11А", code="3", test_score=101,
               mark=None),
    ]  # fmt: skip

    result = read(giafiles.gia_file(rows))

    assert problems(result) == {
        (GIA_FIRST_ROW, "Отметка"),
        (GIA_FIRST_ROW + 1, "Тестовый балл"),
        (GIA_FIRST_ROW + 2, "Тестовый балл"),
    }
    assert "У ЕГЭ отметки нет" in messages(result)
    assert "101 — вне диапазона 0–100" in messages(result)
    assert result.participants == []


def test_oge_needs_a_mark_and_no_test_score():
    rows = [
        GiaRow(code="1", mark=None),
        GiaRow(code="2", mark=6),
        GiaRow(code="3", test_score=60),
        GiaRow(exam="ГВЭ", code="4", mark=None),
    ]

    result = read(giafiles.gia_file(rows))

    assert problems(result) == {
        (GIA_FIRST_ROW, "Отметка"),
        (GIA_FIRST_ROW + 1, "Отметка"),
        (GIA_FIRST_ROW + 2, "Тестовый балл"),
        (GIA_FIRST_ROW + 3, "Отметка"),
    }
    assert "Пусто: нужна отметка от 2 до 5" in messages(result)
    assert "Отметка «6» вне диапазона 2–5" in messages(result)


def test_base_level_math_is_a_work_of_its_own_with_a_mark():
    rows = [
        GiaRow(exam="ЕГЭ", subject="Математика (базовый уровень)", class_name="11А", code="1",
               primary=15, mark=4),
        GiaRow(exam="ЕГЭ", subject="профильная математика", class_name="11А", code="2",
               primary=15, test_score=70, mark=None),
    ]  # fmt: skip

    result = read(giafiles.gia_file(rows))

    assert result.errors == []
    base, profile = result.participants
    assert (base.work.subject, base.work.title, base.mark) == ("математика", gia.BASE_MATH_TITLE, 4)
    assert (profile.work.subject, profile.work.title, profile.test_score) == ("математика", "", 70)


def test_it_lists_every_problem_by_row_and_column():
    rows = [
        GiaRow(code="1"),
        GiaRow(code="2", login="school10"),
        GiaRow(code="3", exam="ВПР"),
        GiaRow(code="4", year=1999),
        GiaRow(code="5", class_name="11А"),
        GiaRow(code="6", primary=140),
        GiaRow(code="7", primary="много"),
        GiaRow(code="1"),
        GiaRow(code="", primary=12),
        GiaRow(code="8", subject="Математика (базовый уровень)"),
    ]

    result = read(giafiles.gia_file(rows))

    row = GIA_FIRST_ROW
    assert problems(result) == {
        (row + 1, "Логин ОО (ФИС ОКО)"),
        (row + 2, "Экзамен"),
        (row + 3, "Год"),
        (row + 4, "Класс"),
        (row + 5, "Первичный балл"),
        (row + 6, "Первичный балл"),
        (row + 7, "Код участника"),
        (row + 8, "Код участника"),
        (row + 9, "Предмет"),
    }
    text = messages(result)
    assert "«ВПР»: укажите ОГЭ, ЕГЭ или ГВЭ" in text
    assert "ОГЭ сдают в 9 классе, а указан класс «11А»" in text
    assert f"уже есть в строке {row}" in text
    assert "только у ЕГЭ" in text


def test_it_reports_problems_under_the_headers_the_file_uses():
    rows = [GiaRow(code="1", mark=7)]

    result = read(giafiles.hand_made_gia_file(rows, title_rows=0))

    assert problems(result) == {(2, "Отметка")}


def test_a_missing_required_column_stops_the_reading():
    headers = ["Код участника", "Логин ОО", "Экзамен", "Предмет", "Класс", "Отметка"]

    result = read(giafiles.hand_made_gia_file([GiaRow()], headers=headers))

    assert {p.column for p in result.errors} == {"Год", "Первичный балл"}
    assert all(p.row == 3 for p in result.errors)
    assert "Нет обязательного столбца «Год»" in messages(result)


def test_a_ф1_export_is_sent_to_the_vpr_import():
    data = f1files.f1_file(f1files.generated_rows(3))

    assert "выберите при загрузке «ВПР»" in messages(read(data))


def test_a_file_that_is_not_a_workbook_is_a_problem_not_a_crash():
    result = read(b"PK\x03\x04 not really a zip")

    assert "не книга Excel" in messages(result)
    assert "Cannot" not in messages(result)


def test_it_reads_a_diagnostic_work_with_its_tasks():
    rows = giafiles.diagnostic_rows(6, seed=1)

    result = gia.read_diagnostic(io.BytesIO(giafiles.diagnostic_file(rows)))

    assert result.errors == [] and result.warnings == []
    (work,) = result.works.values()
    assert work.key == gia.WorkKey("diagnostic", 2026, "математика", 9, "Пробный ОГЭ (декабрь)")
    assert work.held_on == datetime.date(2025, 12, 10)
    assert [(t.number, t.max_score, t.level) for t in work.tasks] == giafiles.DIAGNOSTIC_TASKS
    assert work.max_primary == 7
    first = result.participants[0]
    assert (first.row, first.code, first.scores, first.primary) == (
        DIAGNOSTIC_FIRST_ROW,
        rows[0][1],
        tuple(rows[0][4]),
        rows[0][5],
    )


def test_a_spring_work_belongs_to_that_years_gia():
    data = giafiles.diagnostic_file(
        giafiles.diagnostic_rows(2), title="Комплексная работа", held_on=datetime.date(2026, 3, 4)
    )

    (work,) = gia.read_diagnostic(io.BytesIO(data)).works

    assert (work.year, work.title) == (2026, "Комплексная работа")


def test_a_diagnostic_work_may_have_no_tasks_and_no_marks():
    rows = [["edu230123", "501", "4Б", None, [], 12, None, None]]

    result = gia.read_diagnostic(
        io.BytesIO(giafiles.diagnostic_file(rows, tasks=[], grade=4, max_primary=20))
    )

    assert result.errors == []
    assert (result.participants[0].primary, result.participants[0].mark) == (12, None)


def test_diagnostic_problems_by_row_and_column():
    rows = giafiles.diagnostic_rows(4, seed=2)
    rows[0][4][2] = 3  # task 3 is worth 2
    rows[1][6] = 1
    rows[2][2] = "10А"
    rows[3][5] = rows[3][5] + 1

    result = gia.read_diagnostic(io.BytesIO(giafiles.diagnostic_file(rows)))

    row = DIAGNOSTIC_FIRST_ROW
    assert problems(result) == {(row, "3 (2б)"), (row + 1, "Отметка"), (row + 2, "Класс")}
    assert "больше максимума задания 3 (2 балла)" in messages(result)
    assert [(w.row, w.column) for w in result.warnings] == [(row + 3, "Первичный балл")]


def test_a_diagnostic_work_without_its_title_and_date_is_refused():
    data = giafiles.diagnostic_file(giafiles.diagnostic_rows(2), title="", held_on=None)

    result = gia.read_diagnostic(io.BytesIO(data))

    assert problems(result) == {(2, "Название работы"), (5, "Дата проведения")}
    assert result.participants == []


def test_the_blank_diagnostic_template_opens_with_its_work_rows_and_headers():
    data = gia.diagnostic_template(subjects=["Математика"])

    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [gia.DIAGNOSTIC_SHEET, gia.INSTRUCTIONS_SHEET, gia.LISTS_SHEET]
    sheet = book[gia.DIAGNOSTIC_SHEET]
    labels = [sheet.cell(row, 1).value for row in range(2, 7)]
    assert labels == [column.header for column in gia.DIAGNOSTIC_META]
    headers = [cell.value for cell in sheet[DIAGNOSTIC_FIRST_ROW - 1] if cell.value]
    assert headers == [column.header for column in gia.DIAGNOSTIC_COLUMNS]
