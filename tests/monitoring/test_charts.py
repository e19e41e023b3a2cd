"""The SVG charts: well-formed, labelled for screen readers, readable without colour (the
values are written out), no inline styles (CSP), coordinates that survive a Russian locale."""

import itertools
import xml.etree.ElementTree as ET

from django.utils import translation

from monitoring import charts
from monitoring.analysis import Histogram, TaskSuccess, WorkFigures

SVG = "{http://www.w3.org/2000/svg}"

SCHOOL = WorkFigures(participants=8, marks={2: 2, 3: 3, 4: 2, 5: 1}, mean_primary=2.375)
REGION = WorkFigures(participants=12, marks={2: 3, 3: 3, 4: 4, 5: 2}, mean_primary=2.6)


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def texts(markup) -> list[str]:
    return [element.text for element in parsed(markup).iter(f"{SVG}text")]


def test_it_draws_the_marks_distribution_with_every_value_written():
    svg = charts.marks_chart(
        [("МОБУ СОШ № 10", "Ш", SCHOOL), ("Регион", "Р", REGION)], title="Отметки"
    )

    labels = texts(svg)
    bars = [rect.find(f"{SVG}title").text for rect in parsed(svg).iter(f"{SVG}rect")]
    for mark, value in [(2, "25,0"), (3, "37,5"), (4, "25,0"), (5, "12,5")]:
        assert f"МОБУ СОШ № 10: «{mark}» — {value} %" in bars
        assert value in labels
    assert "33,3" in labels  # the region's «4»: 4 of 12
    assert "Ш — МОБУ СОШ № 10" in labels and "Р — Регион" in labels
    assert labels.count("Ш") == 4 and labels.count("Р") == 4


def test_a_chart_is_labelled_for_screen_readers():
    root = parsed(charts.marks_chart([("Школа", "Ш", SCHOOL)], title="Отметки 5 класса"))

    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Отметки 5 класса"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "«2» 25,0 %" in root.find(f"{SVG}desc").text


def test_charts_use_no_inline_styles_and_dots_in_coordinates():
    histogram = Histogram(counts=(1, 1, 7, 1, 1, 1), boundaries={3: 2}, peaks=frozenset({2}))
    with translation.override("ru"):
        markups = [
            charts.marks_chart([("Школа", "Ш", SCHOOL)], title="t"),
            charts.histogram_chart(histogram, title="t"),
            charts.tasks_chart([TaskSuccess(1, "1", 1, "Б", 62.5)], title="t"),
            charts.trend_chart([("Школа", [(2024, 12.5), (2025, 25.0)])], title="t"),
        ]
    for markup in markups:
        assert "style" not in markup
        for element in list(parsed(markup).iter())[1:]:
            for name in ("x", "y", "width", "height", "x1", "y1", "cx", "cy"):
                if element.get(name) is not None:
                    float(element.get(name))


def test_the_histogram_marks_boundaries_and_flags_a_peak():
    histogram = Histogram(
        counts=(1, 1, 7, 1, 1, 1), boundaries={3: 2, 4: 3, 5: 5}, peaks=frozenset({2})
    )

    svg = charts.histogram_chart(histogram, title="Баллы")

    labels = texts(svg)
    assert "«3» с 2" in labels and "«4» с 3" in labels and "«5» с 5" in labels
    assert labels.count("пик") == 1
    assert "7" in labels
    assert "Пики на границах: «3»." in parsed(svg).find(f"{SVG}desc").text


def test_a_histogram_without_peaks_says_so():
    svg = charts.histogram_chart(Histogram(counts=(2, 3, 4), boundaries={3: 1}), title="Баллы")

    assert "пик" not in texts(svg)
    assert "Пиков на границах отметок нет." in parsed(svg).find(f"{SVG}desc").text


def test_task_success_draws_the_fioko_thresholds_and_marks_tasks_not_mastered():
    tasks = [
        TaskSuccess(1, "1", 1, "Б", 75.0),
        TaskSuccess(2, "2", 2, "Б", 56.25),
        TaskSuccess(3, "3", 2, "П", 31.0),
    ]

    svg = charts.tasks_chart(tasks, title="Задания")

    labels = texts(svg)
    assert "60 % (Б)" in labels and "30 % (П)" in labels
    assert "75" in labels and "56×" in labels and "31" in labels
    assert "Не освоены: 2." in parsed(svg).find(f"{SVG}desc").text


def test_the_trend_writes_each_year_and_tells_lines_apart_by_dashes():
    svg = charts.trend_chart(
        [("Школа", [(2024, 12.5), (2025, 25.0)]), ("Регион", [(2024, 10.0), (2025, 11.0)])],
        title="Доля «2»",
    )

    root = parsed(svg)
    labels = texts(svg)
    assert {"2024", "2025", "12,5", "25,0", "10,0", "11,0"} <= set(labels)
    dashes = [line.get("stroke-dasharray") for line in root.iter(f"{SVG}polyline")]
    assert dashes == [None, "6 3"]


def test_names_in_a_chart_are_escaped():
    svg = charts.marks_chart([("<b>Школа & Ко</b>", "Ш", SCHOOL)], title="<script>")

    assert "<script>" not in svg and "<b>" not in svg
    assert "Ш — <b>Школа & Ко</b>" in texts(svg)


def task_list(count: int) -> list[TaskSuccess]:
    return [TaskSuccess(n, str(n), 1, "Б", 50.0 + n) for n in range(1, count + 1)]


def bars(svg) -> list[ET.Element]:
    return list(parsed(svg).iter(f"{SVG}rect"))


def test_task_charts_of_7_and_11_tasks_share_one_scale():
    seven = charts.tasks_chart(task_list(7), title="7")
    eleven = charts.tasks_chart(task_list(11), title="11")

    for svg, count in ((seven, 7), (eleven, 11)):
        root = parsed(svg)
        # drawn one unit to a pixel: the page does not stretch it to its column
        assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
        widths = {float(rect.get("width")) for rect in bars(svg)}
        lefts = [float(rect.get("x")) for rect in bars(svg)]
        assert widths == {charts.TASK_BAR}
        assert {b - a for a, b in itertools.pairwise(lefts)} == {charts.TASK_PITCH}
        assert len(lefts) == count
    assert parsed(seven).get("height") == parsed(eleven).get("height")
    grown = float(parsed(eleven).get("width")) - float(parsed(seven).get("width"))
    assert grown == 4 * charts.TASK_PITCH


def test_a_task_bar_keeps_its_height_for_its_percent_whatever_the_tasks():
    def height_of_first(count):
        return float(bars(charts.tasks_chart(task_list(count), title="t"))[0].get("height"))

    assert height_of_first(3) == height_of_first(7) == height_of_first(20)
    assert height_of_first(3) == charts.TASK_PLOT_HEIGHT * 51 / 100


def covers(baseline: float, centre: float) -> bool:
    """A label's digits (from its baseline up) over a point's circle."""
    top = baseline - charts.LABEL_HEIGHT
    return top < centre + charts.POINT_RADIUS and baseline > centre - charts.POINT_RADIUS


def test_labels_of_close_points_are_set_apart_and_hide_no_point():
    points = [100.0, 103.0, 101.5]  # three lines nearly meet in one year

    baselines = charts.label_baselines(points)

    ordered = sorted(baselines)
    assert all(b - a >= charts.LABEL_GAP for a, b in itertools.pairwise(ordered))
    assert not any(covers(b, c) for b in baselines for c in points)
    # the highest point keeps the highest label
    assert baselines.index(min(baselines)) == points.index(min(points))


def test_a_lone_point_keeps_its_label_just_above_it():
    assert charts.label_baselines([80.0]) == [80.0 - charts.LABEL_LIFT]
    assert charts.label_baselines([40.0, 120.0]) == [32.0, 112.0]


def test_the_trend_chart_writes_close_values_apart_inside_the_chart():
    svg = charts.trend_chart(
        [
            ("Школа", [(2024, 30.0), (2025, 31.0), (2026, 50.0)]),
            ("Муниципалитет", [(2024, 29.5), (2025, 31.0), (2026, 49.0)]),
            ("Регион", [(2024, 30.5), (2025, 30.0), (2026, 50.0)]),
        ],
        title="Доля «2»",
    )

    root = parsed(svg)
    circles = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    values = [
        (float(t.get("x")), float(t.get("y")))
        for t in root.iter(f"{SVG}text")
        if t.get("font-size") == str(charts.LABEL_SIZE) and "," in (t.text or "")
    ]
    assert len(values) == len(circles) == 9
    for x in {x for x, _y in values}:
        column = sorted(y for vx, y in values if vx == x)
        assert all(b - a >= charts.LABEL_GAP for a, b in itertools.pairwise(column))
        assert not any(covers(y, cy) for y in column for cx, cy in circles if cx == x)
    assert min(y for _x, y in values) - charts.LABEL_HEIGHT >= 0
