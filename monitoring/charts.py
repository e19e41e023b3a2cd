"""Charts of the results analysis as plain SVG markup, drawn on the server for pages and PDFs
alike. Every chart carries a <title> and a <desc> for screen readers and writes its values as
text, so that it reads without colour and in print. Colours are SVG presentation attributes,
never `style`: the pages run under a CSP that forbids inline styles. Numbers go into the
markup with a dot, whatever the locale: a decimal comma would break the coordinates."""

import itertools
from collections.abc import Sequence

from django.utils.html import escape
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
    return f"{value:.1f}".rstrip("0").rstrip(".")


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


def _svg(width: float, height: float, title: str, desc: str, body: list[str]) -> SafeString:
    uid = f"chart-{next(_ids)}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'width="100%" role="img" aria-labelledby="{uid}-t {uid}-d" class="chart">'
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


def tasks_chart(tasks: Sequence[TaskSuccess], *, title: str) -> SafeString:
    """Task success in %, a bar per task, with ФИОКО's thresholds as lines: 60 % for basic
    tasks (Б), 30 % for advanced ones (П). A task under its threshold is marked «×»."""
    left, top, plot_h = 34, 18, 170
    slot = max(22, min(40, 560 / max(len(tasks), 1)))
    plot_w = slot * max(len(tasks), 1)
    width, height = left + plot_w + 70, top + plot_h + 44
    body = _percent_axis(left, top, plot_w, plot_h)
    for index, task in enumerate(tasks):
        x = left + index * slot
        h = plot_h * (task.percent or 0) / 100
        fill = ADVANCED if task.level == "П" else BASIC
        verdict = task.verdict.label if task.verdict else "уровень не указан"
        label = f"Задание {task.number} ({task.level or '—'}): {number(task.percent)} %, {verdict}"
        body.append(_rect(x + 3, top + plot_h - h, slot - 6, h, fill, label))
        mark = "×" if task.verdict == Mastery.NOT_MASTERED else ""
        body.append(
            _text(x + slot / 2, top + plot_h - h - 3, number(task.percent, 0) + mark, size=9)
        )
        body.append(_text(x + slot / 2, top + plot_h + 13, task.number, size=9))
        body.append(_text(x + slot / 2, top + plot_h + 25, task.level or "—", size=9, fill=MUTED))
    for level, (threshold, _below) in THRESHOLDS.items():
        y = top + plot_h - plot_h * threshold / 100
        body.append(_line(left, y, left + plot_w, y, stroke=INK, dash="5 3"))
        body.append(
            _text(left + plot_w + 4, y + 4, f"{threshold:.0f} % ({level})", size=10, anchor="start")
        )
    failed = [t.number for t in tasks if t.verdict == Mastery.NOT_MASTERED]
    desc = "Линии — пороги ФИОКО: 60 % для базовых заданий (Б), 30 % для повышенных (П). " + (
        f"Не освоены: {', '.join(failed)}." if failed else "Неосвоенных заданий нет."
    )
    return _svg(width, height, title, desc, body)


def trend_chart(
    series: Sequence[tuple[str, Sequence[tuple[int, float | None]]]], *, title: str
) -> SafeString:
    """The share of «2» over the years, a line per unit told apart by its dash pattern and
    the legend; every point carries its value."""
    years = sorted({year for _name, points in series for year, _value in points})
    values = [v for _name, points in series for _year, v in points if v is not None]
    top_value = max(20, int((max(values, default=0) + 9) // 10 * 10))
    step = 10 if top_value <= 50 else 20
    left, top, plot_w, plot_h = 34, 18, 380, 150
    legend_top = top + plot_h + 38
    width, height = left + plot_w + 30, legend_top + 16 * len(series)
    body = _percent_axis(left, top, plot_w, plot_h, top_value=top_value, step=step)
    slot = plot_w / max(len(years), 1)

    def at(year, value):
        return (
            left + slot * (years.index(year) + 0.5),
            top + plot_h - plot_h * value / top_value,
        )

    for year in years:
        body.append(_text(at(year, 0)[0], top + plot_h + 14, str(year), size=10, fill=MUTED))
    described = []
    for offset, (name, points) in enumerate(series):
        colour, dash = LINES[offset % 3]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        known = [(year, value) for year, value in points if value is not None]
        coordinates = " ".join(f"{_f(x)},{_f(y)}" for x, y in (at(*p) for p in known))
        if len(known) > 1:
            body.append(
                f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
                f'stroke-width="2"{dashed}/>'
            )
        for year, value in known:
            x, y = at(year, value)
            body.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.5" fill="{colour}">'
                f"<title>{escape(f'{name}, {year}: {number(value)} %')}</title></circle>"
            )
            body.append(_text(x + 6 * (offset - 1), y - 7, number(value), size=9))
        y = legend_top + 16 * offset
        body.append(_line(left, y - 4, left + 24, y - 4, stroke=colour, dash=dash, width=2))
        body.append(_text(left + 30, y, name, anchor="start"))
        described.append(
            f"{name}: " + ", ".join(f"{year} — {number(value)} %" for year, value in known)
        )
    return _svg(width, height, title, "Доля «2». " + "; ".join(described) + ".", body)


def _ticks(top_value: int) -> list[int]:
    step = max(1, -(-top_value // 4))
    return list(range(0, top_value + 1, step))
