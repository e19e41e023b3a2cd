"""The load test's figures, from the samples the locustfile writes (one row per request: seconds
since the start, name, milliseconds, error): each page's p50/p95/p99 in the phase without
uploads and in the phase with them, p50 beside /healthz's in the same phase, errors and
requests per second; the acceptance of issue 18 below the table; and, when the summary of the
other scale is there too, a tenth of the region beside the whole.

Percentiles are exact (nearest rank over every sample), not locust's rounded ones.
"""

import csv
import json
import math
import os
from dataclasses import dataclass

HEALTHZ = "/healthz"
UPLOAD = "upload: file checked and loaded"
PHASES = ("without uploads", "with uploads")
# Issue 18's acceptance.
SITE_P95_MS = 250
WORST_GROWTH = 3.0
SCALE_GROWTH = 1.5
HEALTHZ_GROWTH = 1.5
# A page's p95 from fewer samples is one slow request: the growth check skips such pages.
MIN_SAMPLES = 20
NAME = 60


@dataclass
class Sample:
    at: float
    name: str
    ms: float
    error: str


@dataclass
class Figures:
    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    max: float


def read_samples(path: str) -> list[Sample]:
    with open(path, newline="", encoding="utf-8") as file:
        return [
            Sample(float(row["t"]), row["name"], float(row["ms"]), row["error"])
            for row in csv.DictReader(file)
        ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(samples: list[Sample]) -> Figures:
    times = [s.ms for s in samples] or [0.0]
    return Figures(
        count=len(samples),
        errors=sum(1 for s in samples if s.error),
        p50=percentile(times, 0.50),
        p95=percentile(times, 0.95),
        p99=percentile(times, 0.99),
        max=max(times),
    )


def is_page(name: str) -> bool:
    """The role pages, not the probe, the sign-in or the upload's own requests."""
    return name != HEALTHZ and not name.startswith(("sign-in", "upload"))


def summarize(samples: list[Sample], *, warmup: float, seconds: float, scale: str) -> dict:
    """Per phase: figures of each page, of all pages together, of /healthz; requests per
    second and errors of everything that ran in the phase (the uploads' requests too)."""
    summary = {"scale": scale, "seconds": seconds, "phases": {}}
    for number, phase in enumerate(PHASES):
        start = warmup + number * seconds
        inside = [s for s in samples if start <= s.at < start + seconds]
        names = sorted({s.name for s in inside if is_page(s.name)})
        pages = [s for s in inside if is_page(s.name)]
        summary["phases"][phase] = {
            "pages": {n: vars(figures([s for s in pages if s.name == n])) for n in names},
            "site": vars(figures(pages)),
            "healthz": vars(figures([s for s in inside if s.name == HEALTHZ])),
            "uploads": vars(figures([s for s in inside if s.name == UPLOAD])),
            "requests": len(inside),
            "errors": sum(1 for s in inside if s.error),
            "error_kinds": sorted({f"{s.name}: {s.error}" for s in inside if s.error})[:10],
            "per_second": round(len(inside) / seconds, 1),
        }
    summary["late_sign_ins"] = sum(1 for s in samples if s.name == "sign-in" and s.at >= warmup)
    return summary


def render(summary: dict) -> str:
    before, during = (summary["phases"][p] for p in PHASES)
    hz_before, hz_during = before["healthz"]["p50"] or 1, during["healthz"]["p50"] or 1
    head = (
        f"{'page':<{NAME}} {'n':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'/hz':>5}"
        f" | {'n':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'/hz':>5} | {'p95×':>5}"
    )
    lines = [
        f"Load test, scale {summary['scale']}: {summary['seconds']:.0f} s without uploads, then "
        f"{summary['seconds']:.0f} s with a school uploading a file every 15 s; times in ms, "
        "/hz = p50 ÷ p50 of /healthz in the same phase",
        f"{'':<{NAME}} {'without uploads':^33} | {'with uploads':^33} |",
        head,
        "-" * len(head),
    ]

    def row(name, a, b):
        ratio = f"{b['p95'] / a['p95']:5.2f}" if a["count"] and b["count"] and a["p95"] else "    —"
        return (
            f"{name:<{NAME}} {a['count']:>5} {a['p50']:>6.0f} {a['p95']:>6.0f} {a['p99']:>6.0f}"
            f" {a['p50'] / hz_before:>5.1f} | {b['count']:>5} {b['p50']:>6.0f} {b['p95']:>6.0f}"
            f" {b['p99']:>6.0f} {b['p50'] / hz_during:>5.1f} | {ratio}"
        )

    empty = vars(Figures(0, 0, 0.0, 0.0, 0.0, 0.0))
    for name in sorted(set(before["pages"]) | set(during["pages"])):
        lines.append(row(name, before["pages"].get(name, empty), during["pages"].get(name, empty)))
    lines.append("-" * len(head))
    lines.append(row("all pages", before["site"], during["site"]))
    lines.append(row(HEALTHZ, before["healthz"], during["healthz"]))
    for phase, figures_ in ((PHASES[0], before), (PHASES[1], during)):
        lines.append(
            f"{phase}: {figures_['requests']} requests, {figures_['per_second']} req/s, "
            f"{figures_['errors']} errors"
            + "".join(f"\n  {kind}" for kind in figures_["error_kinds"])
        )
    uploads = during["uploads"]
    lines.append(
        f"uploads: {uploads['count']} files, each checked and loaded in p50 "
        f"{uploads['p50'] / 1000:.1f} s, max {uploads['max'] / 1000:.1f} s; "
        f"{uploads['errors']} failed"
    )
    if summary["late_sign_ins"]:
        lines.append(
            f"warning: {summary['late_sign_ins']} sign-ins ended after the warm-up; "
            "raise LOADTEST_WARMUP"
        )
    lines += ["", "Acceptance (issue 18):", *acceptance(summary)]
    return "\n".join(lines)


def acceptance(summary: dict) -> list[str]:
    before, during = (summary["phases"][p] for p in PHASES)
    errors = before["errors"] + during["errors"]
    growth = {
        name: during["pages"][name]["p95"] / figures_["p95"]
        for name, figures_ in before["pages"].items()
        if name in during["pages"]
        and figures_["p95"]
        and min(figures_["count"], during["pages"][name]["count"]) >= MIN_SAMPLES
    }
    worst = max(growth, key=growth.get, default=None)
    hz = during["healthz"]["p95"] / (before["healthz"]["p95"] or 1)

    def verdict(ok):
        return "ok" if ok else "NOT MET"

    lines = [
        f"  errors: {errors} — {verdict(errors == 0)}",
        f"  site-wide p95 with uploads: {during['site']['p95']:.0f} ms (≤ {SITE_P95_MS}) — "
        f"{verdict(during['site']['p95'] <= SITE_P95_MS)}",
    ]
    if worst:
        lines.append(
            f"  worst page p95 with ÷ without uploads: {growth[worst]:.2f}× ({worst}; "
            f"≤ {WORST_GROWTH:g}×) — {verdict(growth[worst] <= WORST_GROWTH)}"
        )
    skipped = len(before["pages"]) - len(growth)
    if skipped:
        everywhere = {
            name: during["pages"][name]["p95"] / figures_["p95"]
            for name, figures_ in before["pages"].items()
            if name in during["pages"] and figures_["p95"]
        }
        noisy = max(everywhere, key=everywhere.get)
        lines.append(
            f"  ({skipped} pages with fewer than {MIN_SAMPLES} requests in a phase are not "
            f"compared — raise LOADTEST_SECONDS; among all pages the worst is "
            f"{everywhere[noisy]:.2f}×, {noisy})"
        )
    lines.append(
        f"  /healthz p95: {before['healthz']['p95']:.0f} ms without, "
        f"{during['healthz']['p95']:.0f} ms with uploads ({hz:.2f}×; unchanged means "
        f"≤ {HEALTHZ_GROWTH:g}×) — {verdict(hz <= HEALTHZ_GROWTH)}"
    )
    return lines


def compare(small: dict, full: dict) -> str:
    """Each page's times at a tenth of the region beside the whole, in the phase without
    uploads (the issue: no page grows more than 1.5×)."""
    a, b = small["phases"][PHASES[0]]["pages"], full["phases"][PHASES[0]]["pages"]
    head = f"{'page':<{NAME}} {'p50 ⅒':>6} {'p50 1':>6} {'×':>5} {'p95 ⅒':>6} {'p95 1':>6} {'×':>5}"
    lines = [
        "A tenth of the region beside the whole (without uploads), ms:",
        head,
        "-" * len(head),
    ]
    worst = 0.0
    for name in sorted(set(a) & set(b)):
        x50 = b[name]["p50"] / (a[name]["p50"] or 1)
        x95 = b[name]["p95"] / (a[name]["p95"] or 1)
        worst = max(worst, x50)
        flag = "  > 1.5×" if x50 > SCALE_GROWTH else ""
        lines.append(
            f"{name:<{NAME}} {a[name]['p50']:>6.0f} {b[name]['p50']:>6.0f} {x50:>5.2f}"
            f" {a[name]['p95']:>6.0f} {b[name]['p95']:>6.0f} {x95:>5.2f}{flag}"
        )
    lines.append(
        f"worst p50 growth: {worst:.2f}× (≤ {SCALE_GROWTH:g}×) — "
        f"{'ok' if worst <= SCALE_GROWTH else 'NOT MET'}"
    )
    lines.append(
        "(two runs minutes apart: the machine's own speed drifts between them; "
        "`make loadtest-growth` asks both scales in turn)"
    )
    return "\n".join(lines)


def save(summary: dict, directory: str) -> str:
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{summary['scale']}.json")
    with open(path, "w", encoding="utf-8") as file:
        json.dump(summary, file, ensure_ascii=False, indent=1)
    return path


def load(directory: str, scale: str) -> dict | None:
    path = os.path.join(directory, f"{scale}.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as file:
        return json.load(file)
