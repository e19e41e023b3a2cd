"""Charts of the results analysis as plain SVG markup, drawn on the server for pages and PDFs
alike. Every chart carries a <title> and a <desc> for screen readers and writes its values as
text, so that it reads without colour and in print. Colours are SVG presentation attributes,
never `style`: the pages run under a CSP that forbids inline styles. Numbers go into the
markup with a dot, whatever the locale: a decimal comma would break the coordinates."""

import html
import itertools
from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe

from .analysis import MARKS, THRESHOLDS, Histogram, Mastery, TaskSuccess, WorkFigures, rounded

INK = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
# School, municipality, region: dark to light, so that print in grey keeps them apart.
SERIES = ("#0b5ed7", "#6c8ebf", "#c5d3e8")
# Lines of the same units: told apart by the dash pattern as well as by the colour.
LINES = ((INK, ""), ("#0b5ed7", "6 3"), (MUTED, "2 3"))
PEAK = "#b02a37"
BASIC = "#0b5ed7"
ADVANCED = "#6f42c1"

_ids = itertools.count(1)


def number(value: float | None, digits: int = 1) -> str:
    """A figure as the text of a chart shows it: a decimal comma, a dash for no figure."""
    if value is None:
        return "—"
    return f"{rounded(value, digits):.{digits}f}".replace(".", ",")


def _f(value: float) -> str:
    if type(value) is int:
        return str(value)
    return f"{value:.1f}".rstrip("0").rstrip(".")


def escape(text) -> str:
    """The standard library's escape, as Django's `escape` writes it (&, <, >, " and '),
    without its lazy-string wrapper and SafeString: a school's page draws some 1,500 labels,
    and the wrapper was a tenth of its time; the chart is marked safe once, whole."""
    return html.escape(str(text))


def _text(x, y, content, *, size=11, anchor="middle", fill=INK, weight=None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{bold}>{escape(content)}</text>'
    )


def _line(x1, y1, x2, y2, *, stroke=GRID, dash="", width=1) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{stroke}" '
        f'stroke-width="{width}"{dashed}/>'
    )


def _rect(x, y, width, height, fill, title) -> str:
    return (
        f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" height="{_f(max(height, 0))}" '
        f'fill="{fill}" stroke="#495057" stroke-width="0.5"><title>{escape(title)}</title></rect>'
    )


def _svg(
    width: float, height: float, title: str, desc: str, body: list[str], *, fixed: bool = False
) -> SafeString:
    """A chart that fills its column (`width="100%"`), or, `fixed`, one drawn one unit to a
    pixel: its width then says how much it holds, and two such charts share one scale."""
    uid = f"chart-{next(_ids)}"
    size = f'width="{_f(width)}" height="{_f(height)}"' if fixed else 'width="100%"'
    classes = "chart chart-fixed" if fixed else "chart"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'{size} role="img" aria-labelledby="{uid}-t {uid}-d" class="{classes}">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _percent_axis(left, top, width, height, *, top_value=100, step=25) -> list[str]:
    body = []
    for value in range(0, top_value + 1, step):
        y = top + height - height * value / top_value
        body.append(_line(left, y, left + width, y))
        body.append(_text(left - 4, y + 4, f"{value}", size=10, anchor="end", fill=MUTED))
    body.append(_text(left - 4, top - 6, "%", size=10, anchor="end", fill=MUTED))
    return body


def marks_chart(series: Sequence[tuple[str, str, WorkFigures]], *, title: str) -> SafeString:
    """The marks distribution, «2» to «5», for a few units side by side: `series` holds
    (name, letter, figures); the letter under each bar and the legend tell them apart."""
    left, top, plot_w, plot_h = 34, 18, 430, 170
    legend_top = top + plot_h + 42
    width, height = left + plot_w + 10, legend_top + 16 * len(series)
    body = _percent_axis(left, top, plot_w, plot_h)
    group = plot_w / len(MARKS)
    bar = group * 0.78 / max(len(series), 1)
    described = []
    for index, mark in enumerate(MARKS):
        x0 = left + index * group + group * 0.11
        for offset, (name, letter, figures) in enumerate(series):
            value = figures.mark_share(mark)
            x = x0 + offset * bar
            h = plot_h * (value or 0) / 100
            label = f"{name}: «{mark}» — {number(value)} %"
            body.append(_rect(x, top + plot_h - h, bar - 2, h, SERIES[offset % 3], label))
            body.append(_text(x + bar / 2 - 1, top + plot_h - h - 3, number(value), size=9))
            body.append(_text(x + bar / 2 - 1, top + plot_h + 13, letter, size=10, fill=MUTED))
        body.append(_text(x0 + bar * len(series) / 2, top + plot_h + 30, f"«{mark}»", weight=600))
    for offset, (name, letter, figures) in enumerate(series):
        y = legend_top + 16 * offset
        body.append(_rect(left, y - 9, 10, 10, SERIES[offset % 3], name))
        body.append(_text(left + 16, y, f"{letter} — {name}", size=11, anchor="start"))
        shares = ", ".join(f"«{m}» {number(s)} %" for m, s in figures.shares)
        described.append(f"{name}: {shares}")
    return _svg(width, height, title, ". ".join(described) + ".", body)


def histogram_chart(histogram: Histogram, *, title: str) -> SafeString:
    """Participants by primary score; the mark boundaries as dashed lines, a boundary that
    stands out as a peak in a darker red with «пик» written over it."""
    counts = histogram.counts or (0,)
    left, top, plot_h = 34, 30, 160
    slot = max(10, min(26, 520 / len(counts)))
    plot_w = slot * len(counts)
    width, height = left + plot_w + 12, top + plot_h + 44
    highest = max(max(counts), 1)
    scale_top = highest + max(1, round(highest * 0.15))
    body = []
    for value in _ticks(scale_top):
        y = top + plot_h - plot_h * value / scale_top
        body.append(_line(left, y, left + plot_w, y))
        body.append(_text(left - 4, y + 4, str(value), size=10, anchor="end", fill=MUTED))
    every = 1 if len(counts) <= 30 else 5
    for score, count in enumerate(counts):
        x = left + score * slot
        h = plot_h * count / scale_top
        peak = score in histogram.peaks
        label = f"{score} б.: {count} уч." + (" — пик на границе отметки" if peak else "")
        body.append(_rect(x + 1, top + plot_h - h, slot - 2, h, PEAK if peak else SERIES[0], label))
        if count:
            body.append(_text(x + slot / 2, top + plot_h - h - 3, str(count), size=9))
        if peak:
            body.append(_text(x + slot / 2, top + plot_h - h - 14, "пик", size=10, fill=PEAK))
        if score % every == 0:
            body.append(_text(x + slot / 2, top + plot_h + 13, str(score), size=9, fill=MUTED))
    for mark, score in sorted(histogram.boundaries.items()):
        x = left + score * slot
        body.append(_line(x, top - 14, x, top + plot_h, stroke=INK, dash="4 3"))
        body.append(_text(x + 2, top - 18, f"«{mark}» с {score}", size=10, anchor="start"))
    body.append(_text(left + plot_w / 2, top + plot_h + 32, "первичный балл", size=10, fill=MUTED))
    bounds = ", ".join(f"«{m}» с {s} б." for m, s in sorted(histogram.boundaries.items()))
    peaks = ", ".join(f"«{m}»" for m in histogram.peak_marks)
    desc = (
        f"Участников: {histogram.participants}. Границы отметок: {bounds or 'не определены'}. "
        + (f"Пики на границах: {peaks}." if peaks else "Пиков на границах отметок нет.")
    )
    return _svg(width, height, title, desc, body)


# The task-success chart: a fixed pitch per task, whatever the number of tasks. Stretched to
# its column, a work of 7 tasks came out three times the scale of one of 11; now a chart grows
# in width with its tasks and every bar, label and percent keeps its size (a page scrolls a
# wide one sideways, a PDF shrinks only one wider than the page).
TASK_PITCH = 36
TASK_BAR = 26
TASK_PLOT_HEIGHT = 170


def tasks_chart(tasks: Sequence[TaskSuccess], *, title: str) -> SafeString:
    """Task success in %, a bar per task, with ФИОКО's thresholds as lines: 60 % for basic
    tasks (Б), 30 % for advanced ones (П). A task under its threshold is marked «×»."""
    left, top, plot_h = 34, 22, TASK_PLOT_HEIGHT
    plot_w = TASK_PITCH * max(len(tasks), 1)
    width, height = left + plot_w + 76, top + plot_h + 50
    body = _percent_axis(left, top, plot_w, plot_h)
    gap = (TASK_PITCH - TASK_BAR) / 2
    for index, task in enumerate(tasks):
        x = left + index * TASK_PITCH
        h = plot_h * (task.percent or 0) / 100
        fill = ADVANCED if task.level == "П" else BASIC
        verdict = task.verdict.label if task.verdict else "уровень не указан"
        label = f"Задание {task.number} ({task.level or '—'}): {number(task.percent)} %, {verdict}"
        body.append(_rect(x + gap, top + plot_h - h, TASK_BAR, h, fill, label))
        mark = "×" if task.verdict == Mastery.NOT_MASTERED else ""
        middle = x + TASK_PITCH / 2
        body.append(_text(middle, top + plot_h - h - 4, number(task.percent, 0) + mark, size=11))
        body.append(_text(middle, top + plot_h + 15, task.number, size=11))
        body.append(_text(middle, top + plot_h + 29, task.level or "—", size=10, fill=MUTED))
    for level, (threshold, _below) in THRESHOLDS.items():
        y = top + plot_h - plot_h * threshold / 100
        body.append(_line(left, y, left + plot_w, y, stroke=INK, dash="5 3"))
        body.append(
            _text(left + plot_w + 4, y + 4, f"{threshold:.0f} % ({level})", size=11, anchor="start")
        )
    failed = [t.number for t in tasks if t.verdict == Mastery.NOT_MASTERED]
    desc = "Линии — пороги ФИОКО: 60 % для базовых заданий (Б), 30 % для повышенных (П). " + (
        f"Не освоены: {', '.join(failed)}." if failed else "Неосвоенных заданий нет."
    )
    return _svg(width, height, title, desc, body, fixed=True)


# Value labels of the trend chart: digits of font 10 stand about 8 units tall; a label sits
# this far above the centre of its point, and two labels of one year keep a baseline apart.
LABEL_SIZE = 10
LABEL_HEIGHT = 8
LABEL_LIFT = 8
LABEL_GAP = 12
POINT_RADIUS = 3.5


def label_baselines(points: Sequence[float]) -> list[float]:
    """The baselines of the value labels of the points of one year (the y of each point's
    centre), in the order given. Each label stands above its point; when the points of two
    lines are close, a label is lifted above the label of the point below it and above any
    point it would cover, so that no two labels overlap and none hides a point. Labels keep
    the order of their points from top to bottom."""
    placed: dict[int, float] = {}
    below = None
    for index in sorted(range(len(points)), key=lambda i: -points[i]):
        y = points[index] - LABEL_LIFT
        if below is not None:
            y = min(y, below - LABEL_GAP)
        covering = True
        while covering:
            covering = False
            for other, centre in enumerate(points):
                if other == index:
                    continue
                if y - LABEL_HEIGHT < centre + POINT_RADIUS and y > centre - POINT_RADIUS - 1:
                    y = centre - POINT_RADIUS - 1
                    covering = True
        placed[index] = below = y
    return [placed[index] for index in range(len(points))]


def trend_chart(
    series: Sequence[tuple[str, Sequence[tuple[int, float | None]]]], *, title: str
) -> SafeString:
    """The share of «2» over the years, a line per unit told apart by its dash pattern and
    the legend; every point carries its value, in the colour of its line, placed by
    `label_baselines` so that the values of close lines never overlap."""
    years = sorted({year for _name, points in series for year, _value in points})
    values = [v for _name, points in series for _year, v in points if v is not None]
    top_value = max(20, int((max(values, default=0) + 9) // 10 * 10))
    step = 10 if top_value <= 50 else 20
    left, plot_w, plot_h = 34, 380, 150
    slot = plot_w / max(len(years), 1)
    known = [
        [(year, value) for year, value in points if value is not None] for _n, points in series
    ]

    # The labels of each year, first measured from the top of the plot; the plot then moves
    # down far enough for the highest stack of labels to stay inside the chart.
    labels: dict[tuple[int, int], float] = {}
    for year in years:
        at_year = [
            (offset, plot_h - plot_h * value / top_value)
            for offset, points in enumerate(known)
            for point_year, value in points
            if point_year == year
        ]
        for (offset, _y), baseline in zip(
            at_year, label_baselines([y for _offset, y in at_year]), strict=True
        ):
            labels[(offset, year)] = baseline
    highest = min(labels.values(), default=0) - LABEL_HEIGHT
    top = max(18, 6 - highest)
    legend_top = top + plot_h + 38
    width, height = left + plot_w + 30, legend_top + 16 * len(series)
    body = _percent_axis(left, top, plot_w, plot_h, top_value=top_value, step=step)

    def at(year, value):
        return (
            left + slot * (years.index(year) + 0.5),
            top + plot_h - plot_h * value / top_value,
        )

    for year in years:
        body.append(_text(at(year, 0)[0], top + plot_h + 14, str(year), size=10, fill=MUTED))
    described = []
    for offset, (name, _points) in enumerate(series):
        colour, dash = LINES[offset % 3]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        coordinates = " ".join(f"{_f(x)},{_f(y)}" for x, y in (at(*p) for p in known[offset]))
        if len(known[offset]) > 1:
            body.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dashed}/>'
            )
        for year, value in known[offset]:
            x, y = at(year, value)
            body.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{POINT_RADIUS}" fill="{colour}">'
                f"<title>{escape(f'{name}, {year}: {number(value)} %')}</title></circle>"
            )
        y = legend_top + 16 * offset
        body.append(_line(left, y - 4, left + 24, y - 4, stroke=colour, dash=dash, width=2))
        body.append(_text(left + 30, y, name, anchor="start"))
        described.append(
            f"{name}: " + ", ".join(f"{year} — {number(value)} %" for year, value in known[offset])
        )
    # The values last, over the lines and the points.
    for offset, points in enumerate(known):
        colour = LINES[offset % 3][0]
        for year, value in points:
            x = at(year, value)[0]
            baseline = top + labels[(offset, year)]
            body.append(_text(x, baseline, number(value), size=LABEL_SIZE, fill=colour))
    return _svg(width, height, title, "Доля «2». " + "; ".join(described) + ".", body)


def _ticks(top_value: int) -> list[int]:
    step = max(1, -(-top_value // 4))
    return list(range(0, top_value + 1, step))
