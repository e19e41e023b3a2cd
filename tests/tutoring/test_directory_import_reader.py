import pytest

from tests.tutoring.listfiles import (
    bomb_file,
    huge_range_file,
    lying_dimension_file,
    sheet,
    staff_file,
    upload,
)
from tutoring.imports.reader import FileRefused, open_workbook, problem_text


def test_it_reads_rows_of_the_template_as_text():
    workbook = open_workbook(upload(staff_file(("edu230110", "Гусева", "Нина"))))
    name, path = workbook.sheets[0]
    assert name == "Сотрудники"
    rows = list(workbook.rows(path))
    assert rows[0][1][:3] == ["Школа", "Фамилия", "Имя"]
    assert rows[1] == (2, ["edu230110", "Гусева", "Нина"])


def test_it_keeps_numbers_as_typed():
    workbook = open_workbook(upload(sheet(["ИНН"], [[2301234567]])))
    assert [cells for _n, cells in workbook.rows(workbook.sheets[0][1])][1] == ["2301234567"]


def test_it_refuses_a_sheet_whose_range_claims_the_last_row():
    workbook = open_workbook(upload(huge_range_file()))
    with pytest.raises(FileRefused, match="слишком велик"):
        list(workbook.rows(workbook.sheets[0][1]))


def test_it_refuses_a_cell_beyond_the_bounds_though_the_dimension_lies():
    workbook = open_workbook(upload(lying_dimension_file()))
    with pytest.raises(FileRefused, match="слишком велик"):
        list(workbook.rows(workbook.sheets[0][1]))


def test_it_refuses_a_text_file_named_xlsx():
    with pytest.raises(FileRefused, match="не является"):
        open_workbook(upload("Фамилия;Имя\nГусева;Нина\n".encode(), "список.xlsx"))


def test_it_refuses_an_empty_file():
    with pytest.raises(FileRefused, match="пустой"):
        open_workbook(upload(b"", "список.xlsx"))


def test_it_writes_a_problem_with_its_row_and_column():
    problem = {"row": 7, "column": "E-mail", "message": "Плохой адрес."}
    assert problem_text(problem) == "Строка 7, столбец „E-mail“: Плохой адрес."


def test_it_refuses_a_decompression_bomb_before_unpacking_it():
    data = bomb_file()
    assert len(data) < 200_000
    with pytest.raises(FileRefused, match="архив-бомбу"):
        open_workbook(upload(data))
