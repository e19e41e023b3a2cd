"""`make loadtest-growth`: how much each role's page slows from a tenth of the region to the
whole (issue 18: no page more than 1.5×), measured so that the machine's own drift cancels.

    python -m tests.load.growth        (LOADTEST_GROWTH_ROUNDS, _SCALES, LOADTEST_RESULTS)

Two load tests minutes apart cannot tell it: on this project's two-core machine the same
page, the same data, took 15 ms in one minute and 29 ms in the next, whole runs at a time,
which is the size of the effect to be measured. So this fills both scales into two databases
of one PostgreSQL (tests/load/fill.py, as `make loadtest` does), starts a gunicorn on each
(one worker, with a Redis database of its own), signs every role in on both, and then asks
each page of each role of both servers in turn, alternating which goes first, one request at a
time. Each page's figure is the median of its rounds; the ratio is whole ÷ tenth.

The exit status is 1 when a page does not answer 200; the times, which depend on the machine,
do not change it.
"""

import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.load.report import SCALE_GROWTH
from tests.load.run import RESULTS, ROOT, servers, signed_in
from tests.services import postgres_bin

# 15 rounds still let a page read 1.61× in one run and 1.18× at 41 rounds the next.
ROUNDS = int(os.environ.get("LOADTEST_GROWTH_ROUNDS", "31"))
# Requests of each page on each server before the rounds: its caches filled, as on a portal
# that has been up for a while.
WARM = 2
# The two scales compared, as tests/load/fill.py names them; `tiny,small` checks the script
# itself in two minutes.
SCALES = tuple(os.environ.get("LOADTEST_GROWTH_SCALES", "small,full").split(","))


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    RESULTS.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    with contextlib.ExitStack() as stack:
        postgres, redis, files = servers(stack)
        envs, plans = {}, {}
        for number, scale in enumerate(SCALES):
            database = f"tutoring_{scale}"
            subprocess.run(
                [postgres_bin("createdb") or "createdb", "-h", "127.0.0.1", "-p",
                 str(postgres.port), "-U", "postgres", database],
                check=True,
            )  # fmt: skip
            envs[scale] = {
                **os.environ,
                "DATABASE_URL": postgres.url.rsplit("/", 1)[0] + f"/{database}",
                "REDIS_URL": redis.url.rsplit("/", 1)[0] + f"/{number}",
                "STATIC_ROOT": os.path.join(files, "static"),
                "MEDIA_ROOT": os.path.join(files, f"media-{scale}"),
                "DJANGO_SETTINGS_MODULE": "tutoring.settings",
                "LOADTEST_SCALE": scale,
            }
            plans[scale] = _fill(envs[scale], Path(files) / f"{scale}-plan.json")
        print(f"Data ready in {time.monotonic() - began:.0f} s", flush=True)
        # tests.processes reads the settings; each gunicorn gets its scale's variables.
        os.environ.update(envs[SCALES[0]])
        import django

        django.setup()
        from tests import processes

        urls = {}
        for scale in SCALES:
            log = stack.enter_context(open(RESULTS / f"growth-{scale}-gunicorn.log", "w"))
            urls[scale] = stack.enter_context(
                processes.gunicorn(env=envs[scale], log=log, workers=1)
            )
        rows, failed = _measure(urls, plans)
    print(f"Everything stopped; {time.monotonic() - began:.0f} s in all.\n", flush=True)
    print(render(rows))
    path = RESULTS / "growth.json"
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nFigures kept in {path}")
    if failed:
        print("Pages that did not answer 200:\n  " + "\n  ".join(failed))
        return 1
    return 0


def _fill(env: dict, plan: Path) -> dict:
    """Migrates and fills one scale's database in a process of its own: Django's settings
    are read once a process, and each scale has its own DATABASE_URL."""
    code = (
        "import json, sys; from tests.load.run import prepare; "
        "open(sys.argv[1], 'w').write(json.dumps(prepare()))"
    )
    subprocess.run([sys.executable, "-c", code, str(plan)], cwd=ROOT, env=env, check=True)
    return json.loads(plan.read_text())


def _measure(urls: dict, plans: dict) -> tuple[list[dict], list[str]]:
    from tests.load.pages import ROLE_PAGES, urls_of

    rows, failed = [], []
    for role in ROLE_PAGES:
        sessions = {
            scale: signed_in(urls[scale], plans[scale]["users"][role], plans[scale]["password"])
            for scale in SCALES
        }
        pages = {scale: dict(urls_of(role, plans[scale])) for scale in SCALES}
        for name in pages[SCALES[0]]:
            times = {scale: [] for scale in SCALES}
            for round_ in range(WARM + ROUNDS):
                for scale in SCALES if round_ % 2 else reversed(SCALES):
                    started = time.perf_counter()
                    response = sessions[scale].get(
                        urls[scale] + pages[scale][name], allow_redirects=False
                    )
                    spent = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        failed.append(f"{scale} {role} {name}: {response.status_code}")
                        break
                    if round_ >= WARM:
                        times[scale].append(spent)
            if all(times.values()):
                small, full = (statistics.median(times[scale]) for scale in SCALES)
                rows.append({"role": role, "page": name, "small": small, "full": full})
                print(f"  {full / small:5.2f}  {role} {name}", flush=True)
    return rows, failed


def render(rows: list[dict]) -> str:
    lines = [
        f"Each page, a tenth of the region and the whole, the median of {ROUNDS} requests "
        "each, asked in turn:",
        f"{'role':<13} {'page':<62} {'tenth, ms':>10} {'whole, ms':>10} {'ratio':>6}",
    ]
    for row in sorted(rows, key=lambda row: row["full"] / row["small"], reverse=True):
        ratio = row["full"] / row["small"]
        mark = f"  > {SCALE_GROWTH:g}×" if ratio > SCALE_GROWTH else ""
        lines.append(
            f"{row['role']:<13} {row['page']:<62} {row['small']:>10.1f} {row['full']:>10.1f} "
            f"{ratio:>6.2f}{mark}"
        )
    worst = max(rows, key=lambda row: row["full"] / row["small"], default=None)
    if worst is not None:
        ratio = worst["full"] / worst["small"]
        verdict = "met" if ratio <= SCALE_GROWTH else "NOT MET"
        lines.append(
            f"\nIssue 18, no page more than {SCALE_GROWTH:g}× from a tenth to the whole: {verdict} "
            f"(worst {ratio:.2f}×, {worst['role']} {worst['page']})"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
