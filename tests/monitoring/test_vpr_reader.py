"""Reading a ФИС ОКО «Ф1 Индивидуальные результаты» export (`monitoring.vpr.read_f1`).

No database: the reader only turns a file into participants and problems.
"""

import dataclasses
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring.vpr import F1Header, F1Result, Participant, Problem, Task, read_f1

from . import f1files
from .f1files import HEADER_ROW, Row, data_row, f1_file, generated_rows

SCHOOLS = [
    ("edu230123", "МОБУ СОШ № 10"),
    ("edu230456", "МОАУ Гимназия № 5"),
    ("edu230789", "МОБУ ООШ № 31 им. Героя Советского Союза Н. Ф. Ватутина"),
]


def read(content: bytes, **options) -> F1Result:
    return read_f1(io.BytesIO(content), **options)


def with_row(rows: list[Row], index: int, **changes) -> list[Row]:
    rows = list(rows)
    rows[index] = dataclasses.replace(rows[index], **changes)
    return rows


def problems_at(problems: list[Problem], row: int | None, column: str) -> list[Problem]:
    return [problem for problem in problems if problem.row == row and problem.column == column]


def test_it_reads_the_header_of_a_school_file():
    result = read(f1_file(generated_rows(25)))

    header = result.header
    assert isinstance(header, F1Header)
    assert (header.year, header.subject, header.grade) == (2025, "Математика", 5)
    assert header.max_primary == 13
    assert header.held_on == datetime.date(2025, 4, 15)
    assert (header.school_login, header.school_name) == ("edu230123", "МОБУ СОШ № 10")
    assert header.declared_participants == 25
    assert result.errors == [] and result.warnings == []


def test_it_reads_the_tasks_with_their_maximum_and_level():
    result = read(f1_file(generated_rows(3)))

    assert result.header.tasks == tuple(
        Task(number=number, max_score=score, level=level)
        for number, score, level in f1files.DEFAULT_TASKS
    )
    assert result.header.tasks[3] == Task("4К1", 1, "Б")
    assert result.header.tasks[9] == Task("9.2", 1, "П")


def test_it_reads_the_year_subject_and_grade_of_another_work():
    tasks = [("1", 1, "Б"), ("2", 2, "Б"), ("3", 3, "П")]
    rows = generated_rows(4, tasks, grade=4)
    content = f1_file(rows, tasks=tasks, year=2024, subject="Русский язык", grade=4)

    header = read(content).header

    assert (header.year, header.subject, header.grade) == (2024, "Русский язык", 4)
    assert header.max_primary == 6
    assert [task.number for task in header.tasks] == ["1", "2", "3"]


def test_it_reads_the_date_from_a_date_cell():
    content = f1_file(generated_rows(3), held_on=datetime.date(2025, 4, 17))

    assert read(content).header.held_on == datetime.date(2025, 4, 17)


def test_it_reads_participants_in_order_with_their_scores_and_marks():
    rows = generated_rows(25)

    result = read(f1_file(rows))

    assert [p.code for p in result.participants] == [row.code for row in rows]
    for index, (participant, row) in enumerate(zip(result.participants, rows, strict=True)):
        assert isinstance(participant, Participant)
        assert participant.row == data_row(index, len(rows))
        assert participant.school_login == "edu230123"
        assert participant.school_name == "МОБУ СОШ № 10"
        assert participant.class_name == row.class_name
        assert str(participant.variant) == str(row.variant)
        assert participant.scores == tuple(row.scores)
        assert (participant.primary, participant.mark) == (row.primary, row.mark)
        assert participant.journal_mark == row.journal_mark


def test_it_reads_not_attempted_tasks_as_empty_and_text_numbers_as_numbers():
    scores = ["X", "Х", "-", None, "1,0", 2, 1, 1, 1, 1]  # Latin X, then Cyrillic Х
    rows = with_row(generated_rows(3), 0, scores=scores, primary="7", mark="4", journal_mark="5")

    result = read(f1_file(rows))

    participant = result.participants[0]
    assert participant.scores == (None, None, None, None, 1, 2, 1, 1, 1, 1)
    assert (participant.primary, participant.mark, participant.journal_mark) == (7, 4, 5)
    assert result.errors == [] and result.warnings == []


def test_it_keeps_no_names_or_sex_of_participants():
    rows = generated_rows(10)

    result = read(f1_file(rows, with_names=True))

    assert len(result.participants) == 10
    for participant in result.participants:
        for personal in ("name", "fio", "full_name", "sex", "gender"):
            assert not hasattr(participant, personal)
    text = repr(result)
    for row in rows:
        assert row.name not in text
        assert row.name.split()[0] not in text


def test_it_reads_the_school_of_each_row_in_a_municipal_file():
    rows = generated_rows(9, logins=SCHOOLS)

    result = read(f1_file(rows, municipal=True))

    assert result.errors == [] and result.warnings == []
    assert result.header.school_login == ""
    assert result.header.declared_participants is None
    assert [(p.school_login, p.school_name) for p in result.participants] == [
        (row.school_login, row.school_name) for row in rows
    ]


def test_it_takes_the_login_from_the_column_of_a_school_file_without_a_school_line():
    rows = generated_rows(4)

    result = read(f1_file(rows, login_column=True, school_line=False))

    assert result.errors == []
    assert {p.school_login for p in result.participants} == {"edu230123"}
    assert {p.school_name for p in result.participants} == {"МОБУ СОШ № 10"}


def test_it_matches_headers_whatever_their_case_spaces_and_yo():
    rows = generated_rows(6)
    overrides = {
        "Код участника": "Код Участника",
        "Первичный балл": "Первичный  балл",
        "Отметка по журналу": "отметка по журналу",
        "Отметка": "Отмётка",
        "Вариант": "ВАРИАНТ",
        "Класс": " Класс ",
    }

    result = read(f1_file(rows, header_overrides=overrides))

    assert result.errors == []
    assert [p.code for p in result.participants] == [row.code for row in rows]
    assert [p.primary for p in result.participants] == [row.primary for row in rows]
    assert [p.mark for p in result.participants] == [row.mark for row in rows]
    assert [p.journal_mark for p in result.participants] == [row.journal_mark for row in rows]
    assert [str(p.variant) for p in result.participants] == [str(row.variant) for row in rows]


def test_it_skips_empty_rows_and_the_totals_row():
    rows = generated_rows(12)

    # The totals row counts participants per task: read as a participant it would break the
    # task maxima and add a thirteenth row.
    result = read(f1_file(rows, blank_rows=True, totals_row=True))

    assert len(result.participants) == 12
    assert result.errors == [] and result.warnings == []
    assert [p.row for p in result.participants][5:7] == [19, 21]  # row 20 is the empty one


@pytest.mark.parametrize("sheet", ["Ф1 Индивидуальные результаты", "Индивидуальные результаты"])
def test_it_finds_the_results_sheet_among_others(sheet):
    rows = generated_rows(5)

    result = read(f1_file(rows, sheet=sheet, extra_sheet=True))

    # The summary sheet before it has a participant «99999» and a 2024 title.
    assert [p.code for p in result.participants] == [row.code for row in rows]
    assert result.header.year == 2025


def test_it_reports_a_file_without_the_results_sheet():
    result = read(f1_file(generated_rows(5), sheet="Лист1", extra_sheet=True))

    assert result.header is None and result.participants == []
    assert len(result.errors) >= 1
    assert "Индивидуальные результаты" in result.errors[0].message


@pytest.mark.parametrize("column", ["Код участника", "Первичный балл", "Отметка"])
def test_it_reports_a_missing_required_column(column):
    result = read(f1_file(generated_rows(5), drop_columns=(column,)))

    assert result.errors
    naming = [p for p in result.errors if column in p.column or column in p.message]
    assert naming, result.errors
    assert all(p.row in (None, HEADER_ROW) for p in naming)


@pytest.mark.parametrize("mark", [1, 6, "7"])
def test_it_rejects_a_mark_outside_2_to_5(mark):
    rows = with_row(generated_rows(8), 6, mark=mark)

    result = read(f1_file(rows))

    [problem] = problems_at(result.errors, data_row(6, 8), "Отметка")
    assert str(mark) in problem.message
    assert len(result.errors) == 1


def test_it_rejects_a_task_score_above_its_maximum():
    rows = generated_rows(5)
    scores = list(rows[1].scores)
    scores[2] = 5  # task 3 is worth 2
    rows = with_row(rows, 1, scores=scores, primary=sum(s or 0 for s in scores))

    result = read(f1_file(rows))

    [problem] = problems_at(result.errors, data_row(1, 5), "3 (2б)")
    assert "5" in problem.message
    assert len(result.errors) == 1


def test_it_rejects_a_score_that_is_not_a_number():
    rows = generated_rows(5)
    scores = list(rows[0].scores)
    scores[1] = "пять"
    rows = with_row(rows, 0, scores=scores)

    result = read(f1_file(rows))

    [problem] = problems_at(result.errors, data_row(0, 5), "2 (1б)")
    assert "пять" in problem.message


def test_it_rejects_a_row_without_school_login_in_a_municipal_file():
    rows = with_row(generated_rows(6, logins=SCHOOLS), 4, school_login="")

    result = read(f1_file(rows, municipal=True))

    assert problems_at(result.errors, data_row(4, 6), "ОО")
    assert not problems_at(result.errors, data_row(3, 6), "ОО")


def _zip_of_text() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "не таблица")
    return output.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"not a zip",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        b"",
        _zip_of_text(),
    ],
    ids=["text", "pdf", "empty", "zip"],
)
def test_it_reports_a_file_that_is_not_an_xlsx(content):
    result = read(content)

    assert result.header is None and result.participants == []
    assert len(result.errors) == 1
    assert result.errors[0].row is None and result.errors[0].message


def test_it_warns_when_the_primary_score_differs_from_the_sum_of_tasks():
    rows = generated_rows(5)
    rows = with_row(rows, 2, primary=rows[2].primary + 1)

    result = read(f1_file(rows))

    assert result.errors == []
    [warning] = problems_at(result.warnings, data_row(2, 5), "Первичный балл")
    assert str(rows[2].primary) in warning.message
    assert result.participants[2].primary == rows[2].primary


def test_it_warns_when_the_declared_number_of_participants_differs():
    result = read(f1_file(generated_rows(25), declared=30))

    assert result.errors == []
    assert len(result.participants) == 25
    assert result.header.declared_participants == 30
    [warning] = result.warnings
    assert "30" in warning.message and "25" in warning.message


def test_it_caps_the_number_of_problems():
    rows = [dataclasses.replace(row, mark=7) for row in generated_rows(500)]
    content = f1_file(rows)

    capped = read(content, max_errors=10)
    default = read(content)

    assert 10 <= len(capped.errors) <= 11
    assert capped.errors[0].row == data_row(0, 500)
    assert 200 <= len(default.errors) <= 201


def test_it_reads_a_path_and_an_uploaded_file(tmp_path):
    content = f1_file(generated_rows(4))
    path = tmp_path / "Ф1_ВПР_Математика_5.xlsx"
    path.write_bytes(content)

    results = [
        read_f1(path),
        read_f1(str(path)),
        read_f1(SimpleUploadedFile(path.name, content)),
    ]

    for result in results:
        assert result.errors == []
        assert len(result.participants) == 4
        assert result.header.school_login == "edu230123"
