"""A results file names every problem at once: its structure, every row, its schools and its
tasks against a loaded work, in one list by row and column; nothing is stored from it. A totals
row is skipped with a note, a work whose title year and date disagree gets a warning, a file
that is not a workbook is told in Russian, and the messages agree with the status."""

import io
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse

from monitoring import services
from monitoring.gia import Layout
from monitoring.models import (
    Assessment,
    AssessmentTask,
    ImportBatch,
    Participant,
    ResultSet,
    TaskScore,
)
from monitoring.tasks import load_batch
from tests.tutoring.factories import SubjectFactory

from . import f1files, giafiles
from .f1files import HEADER_ROW, data_row
from .factories import checked, loaded, make_world, post_upload, school_file, upload
from .giafiles import GiaRow

Status = ImportBatch.Status
SCHOOLS = [
    ("edu230123", "МОБУ СОШ № 10"),
    ("edu230120", "МОБУ СОШ № 20"),
    ("edu990001", "МБОУ СОШ № 1"),  # of another municipality
    ("edu000777", "МОБУ СОШ № 99"),  # unknown to the portal
]
# A municipal file's columns: A Муниципалитет, B ОО, C Название ОО, D Код участника, E Класс,
# F Вариант, G ФИО, H Пол, I–R the ten tasks, S Первичный балл, T Отметка, U по журналу.
TASK_LETTERS = "IJKLMNOPQR"


@pytest.fixture
def world(db):
    return make_world()


def stored() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Assessment, AssessmentTask, ResultSet, Participant, TaskScore)
    }


def by_place(batch: ImportBatch) -> dict[tuple, str]:
    return {(e["row"], e["letter"]): e["message"] for e in batch.errors}


def signed_in(client, user):
    client.force_login(user)
    return client


def test_it_lists_the_row_problems_of_a_file_with_a_missing_column(world):
    rows = f1files.generated_rows(8, seed=1)
    rows[2].scores[0] = 5  # task 1 is worth 1
    rows[5].scores[1] = "пять"

    batch = checked(world, f1files.f1_file(rows, drop_columns=("Отметка",), blank_rows=False))

    assert batch.status == Status.REJECTED
    columns = {(e["row"], e["column"]) for e in batch.errors}
    assert (HEADER_ROW, "Отметка") in columns
    # A school file: A Код участника, B Класс, C Вариант, D ФИО, E Пол, the tasks from F on.
    found = by_place(batch)
    assert "больше максимума задания 1" in found[(data_row(2, 8, blank_rows=False), "F")]
    assert "«пять»" in found[(data_row(5, 8, blank_rows=False), "G")]
    assert stored() == dict.fromkeys(stored(), 0)


def test_it_lists_every_kind_of_problem_at_once_and_stores_nothing(world):
    loaded(world, school_file(5))  # the work is loaded: its task 3 is worth 2
    before = stored()
    tasks = [
        ("3", 3, "Б") if number == "3" else (number, m, level)
        for number, m, level in (f1files.DEFAULT_TASKS)
    ]
    rows = f1files.generated_rows(12, tasks, seed=4, logins=SCHOOLS)
    rows[1].mark = 7
    rows[4].scores[5] = 5  # task 6 is worth 2
    rows[5].scores[1] = "пять"
    rows[6].code = ""

    batch = checked(world, f1files.f1_file(rows, tasks=tasks, municipal=True, blank_rows=False))

    assert batch.status == Status.REJECTED
    found = by_place(batch)

    def row(index):
        return data_row(index, 12, blank_rows=False)

    assert "вне диапазона 2–5" in found[(row(1), "T")]
    assert "больше максимума задания 6 (2 балла)" in found[(row(4), "N")]
    assert "«пять» — не целое число" in found[(row(5), "J")]
    assert "Нет кода участника" in found[(row(6), "D")]
    assert "другого муниципального образования" in found[(row(2), "B")]
    assert "edu000777" in found[(row(3), "B")] and "не найдена" in found[(row(3), "B")]
    assert "в уже загруженной работе" in found[(HEADER_ROW, "K")]
    assert "3 (3б)" in {e["column"] for e in batch.errors}
    # In the file's order: the header row first, then row by row.
    places = [(e["row"] or 0, e["letter"]) for e in batch.errors]
    assert [p[0] for p in places] == sorted(p[0] for p in places)
    assert stored() == before
    assert not batch.staging


def test_the_page_lists_the_problems_by_row_and_column(client, world):
    rows = f1files.generated_rows(12, seed=4, logins=SCHOOLS)
    rows[6].code = ""
    data = f1files.f1_file(rows, municipal=True, blank_rows=False)

    response = post_upload(signed_in(client, world.methodist), {"file": upload(data)})

    text = response.content.decode()
    assert "Найдено 3 ошибки" in text
    assert "D</span> · Код участника" in text
    assert "B</span> · ОО" in text
    assert "Нет кода участника" in text


def test_a_school_uploads_only_its_own_results(world):
    batch = checked(
        world,
        school_file(5, login="edu230120", name="МОБУ СОШ № 20"),
        actor=world.school_admin,
        school=world.school,
    )

    assert batch.status == Status.REJECTED
    [problem] = batch.errors
    assert "МОБУ СОШ № 10 загружает только свои результаты" in problem["message"]


def test_it_skips_the_totals_row_and_says_so(client, world):
    rows = f1files.generated_rows(6, seed=2)
    data = f1files.f1_file(rows, totals_row=True, blank_rows=False)

    batch = checked(world, data)

    assert batch.status == Status.READY
    assert batch.summary["participants"] == 6
    [note] = batch.summary["notes"]
    assert note["row"] == data_row(6, 6, blank_rows=False)
    text = signed_in(client, world.methodist).get(batch.get_absolute_url()).content.decode()
    assert "Примечания" in text
    assert f"Строка {note['row']}: Итоговая строка («Итого», «Всего») пропущена" in text


@pytest.mark.parametrize("label", ["ВСЕГО", "итого:"])
def test_it_knows_a_totals_row_in_any_case(world, label):
    rows = f1files.generated_rows(4, seed=3)
    data = f1files.f1_file(
        [*rows, f1files.Row("edu230123", "", label, "", "", [], None, None, None, name="", sex="")],
        totals_row=False,
        blank_rows=False,
    )

    batch = checked(world, data)

    assert batch.status == Status.READY, batch.errors
    assert batch.summary["participants"] == 4
    assert len(batch.summary["notes"]) == 1


def test_a_work_whose_year_and_date_disagree_gets_a_warning(client, world):
    data = school_file(5, year=2025, held_on="15.04.2024")

    batch = checked(world, data)

    assert batch.status == Status.READY
    [warning] = [w for w in batch.warnings if w["column"] == "Дата"]
    assert warning["row"] == 5 and warning["letter"] == "B"
    text = signed_in(client, world.methodist).get(batch.get_absolute_url()).content.decode()
    assert "работа 2025 года" in text and "15.04.2024" in text


def test_it_lists_a_few_hundred_problems_and_counts_the_rest(client, world):
    rows = f1files.generated_rows(400, seed=5)
    for row in rows:
        row.mark = 7

    batch = checked(world, f1files.f1_file(rows))

    assert len(batch.errors) == services.MAX_LISTED_PROBLEMS
    assert batch.summary["more_errors"] == 400 - services.MAX_LISTED_PROBLEMS
    text = signed_in(client, world.methodist).get(batch.get_absolute_url()).content.decode()
    assert "Найдено 400 ошибок" in text
    assert "и ещё 100 ошибок" in text


def _truncated() -> bytes:
    data = school_file(3)
    return data[: len(data) // 2]


def _zip_of_text() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "не таблица")
    return output.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"code;mark\n12345;4\n", "Файл не похож на таблицу Excel: это текстовый файл"),
        (_truncated(), "не книга Excel или она повреждена"),
        (_zip_of_text(), "не книга Excel или она повреждена"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "старого формата (.xls)"),
        (b"%PDF-1.7\n%%EOF\n", "это документ PDF"),
    ],
    ids=["text", "cut-short", "zip", "xls", "pdf"],
)
def test_a_file_that_is_not_a_workbook_is_told_in_russian(client, world, content, words):
    response = post_upload(signed_in(client, world.methodist), {"file": upload(content, "Ф1.xlsx")})

    text = response.content.decode()
    assert words in text
    assert "Cannot" not in text and "detect" not in text
    assert stored() == dict.fromkeys(stored(), 0)


def test_an_empty_workbook_is_told_in_russian(world):
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True})
    book.add_worksheet("Лист1")
    book.close()

    batch = checked(world, output.getvalue())

    [problem] = batch.errors
    assert "нет листа «Ф1 Индивидуальные результаты»" in problem["message"]


def test_the_message_after_confirming_agrees_with_the_status(client, transactional_db, monkeypatch):
    world = make_world()
    batch = checked(world, school_file(5))
    # Without a broker (the demo) the load runs at once, when the confirmation commits.
    monkeypatch.setitem(load_batch.app.conf, "task_always_eager", True)

    response = signed_in(client, world.methodist).post(
        reverse("monitoring:import_confirm", args=[batch.pk]), follow=True
    )

    batch.refresh_from_db()
    text = response.content.decode()
    assert batch.status == Status.LOADED
    assert "Загрузка начата" not in text
    assert "Файл загружен: результаты в портале." in text
    assert "загружен" in text


# ГИА: the same check where it applies.


def gia_check(world, data: bytes) -> ImportBatch:
    return services.batch_check(
        actor=world.methodist,
        municipality=world.municipality,
        uploaded=upload(data, "ГИА.xlsx"),
        layout=Layout.GIA,
    )


GIA_HEADERS = [
    "Логин ОО",
    "Год",
    "Экзамен",
    "Предмет",
    "Класс",
    "Код участника",
    "Первичный балл",
    "Отметка",
]
GIA_FIRST = 4  # two title rows, the header in row 3


def test_a_gia_file_with_a_missing_column_still_lists_its_row_problems(world):
    rows = [GiaRow(code="1"), GiaRow(code="2", class_name="5А"), GiaRow(code="", primary=3)]

    batch = gia_check(world, giafiles.hand_made_gia_file(rows, headers=GIA_HEADERS, blank_every=0))

    assert batch.status == Status.REJECTED
    found = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "ОГЭ сдают в 9 классе" in found[(GIA_FIRST + 1, "Класс")]
    assert "нужен код участника" in found[(GIA_FIRST + 2, "Код участника")]
    assert stored() == dict.fromkeys(stored(), 0)


def test_a_gia_file_without_a_required_column_says_it_once_and_checks_the_rows(world):
    headers = [h for h in GIA_HEADERS if h != "Год"]
    rows = [GiaRow(code="1"), GiaRow(code="2", class_name="5А"), GiaRow(code="3")]

    batch = gia_check(world, giafiles.hand_made_gia_file(rows, headers=headers, blank_every=0))

    messages = [e["message"] for e in batch.errors]
    assert sum("«Год»" in m for m in messages) == 1
    assert any("ОГЭ сдают в 9 классе" in m for m in messages)
    assert not any("Пусто" in m for m in messages), messages


def test_a_gia_file_lists_its_schools_with_its_row_problems(world):
    rows = [
        GiaRow(code="1", login="edu000777"),
        GiaRow(code="2", login="edu990001"),
        GiaRow(code="3", mark=9),
    ]

    batch = gia_check(world, giafiles.gia_file(rows))

    found = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    first = giafiles.GIA_FIRST_ROW
    assert "не найдена" in found[(first, "Логин ОО (ФИС ОКО)")]
    assert "другого муниципального образования" in found[(first + 1, "Логин ОО (ФИС ОКО)")]
    assert "вне диапазона 2–5" in found[(first + 2, "Отметка")]


def test_a_gia_file_skips_its_totals_row(world):
    SubjectFactory(name="Русский язык")
    rows = [
        GiaRow(code="1"),
        GiaRow(code="2"),
        GiaRow(
            login="Итого",
            year=None,
            exam=None,
            subject=None,
            class_name=None,
            code=None,
            variant=None,
            primary=34,
            mark=None,
        ),
    ]

    batch = gia_check(world, giafiles.hand_made_gia_file(rows, blank_every=0))

    assert batch.status == Status.READY, batch.errors
    assert batch.summary["participants"] == 2
    assert [n["row"] for n in batch.summary["notes"]] == [GIA_FIRST + 2]


def test_a_text_file_named_as_a_gia_workbook_is_told_in_russian(world):
    batch = gia_check(world, b"login;code\nedu230123;1\n")

    [problem] = batch.errors
    assert problem["message"].startswith("Файл не похож на таблицу Excel")


def test_a_diagnostic_file_without_its_title_still_lists_its_row_problems(world):
    rows = giafiles.diagnostic_rows(3, seed=1)
    rows[1][6] = 9  # the mark

    batch = services.batch_check(
        actor=world.methodist,
        municipality=world.municipality,
        uploaded=upload(giafiles.diagnostic_file(rows, title=""), "Пробный.xlsx"),
        layout=Layout.DIAGNOSTIC,
    )

    messages = [e["message"] for e in batch.errors]
    assert any("«Название работы»" in m for m in messages)
    row = giafiles.DIAGNOSTIC_FIRST_ROW + 1
    assert any(e["row"] == row and e["column"] == "Отметка" for e in batch.errors), messages
