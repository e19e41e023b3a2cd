"""A results table's row as its cells: the figures formatted once, in the columns of
`_mark_head.html` and `_gia_head.html`, and «нет результатов» across them without figures."""

from django.template.loader import render_to_string

from monitoring.analysis import GiaFigures, Level, WorkFigures
from monitoring.results import Row


def cells(row: Row) -> str:
    template = "monitoring/analysis/_mark_cells.html"
    if isinstance(row.figures, GiaFigures):
        template = "monitoring/analysis/_gia_cells.html"
    return render_to_string(template, {"row": row}).strip()


def test_a_row_of_a_work_with_marks_writes_its_eleven_columns():
    # 8 participants: one «2», three «3», two «4», two «5»; the journal compared for four.
    figures = WorkFigures(
        participants=8, marks={2: 1, 3: 3, 4: 2, 5: 2}, mean_primary=12.345, lower=1, same=3
    )

    written = cells(Row(name="СОШ № 20", level=Level.SCHOOL, figures=figures))

    assert written == (
        "<td>8</td><td>12,5</td><td>37,5</td><td>25,0</td><td>25,0</td>"
        "<td>50,0</td><td>87,5</td><td>12,35</td><td>25,0</td><td>75,0</td><td>0,0</td>"
    )


def test_a_row_of_an_exam_writes_its_five_columns():
    figures = GiaFigures(kind="ege", participants=40, mean=61.25, below=3, high=5, full=1)

    written = cells(Row(name="Регион", level=Level.REGION, figures=figures))

    assert written == "<td>40</td><td>61,3</td><td>7,5</td><td>12,5</td><td>2,5</td>"


def test_a_row_without_figures_says_so_across_the_columns():
    written = cells(Row(name="СОШ № 20", level=Level.SCHOOL, figures=None))

    assert written == '<td colspan="11" class="text-body-secondary">нет результатов</td>'
