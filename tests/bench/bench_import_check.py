"""The bounds of `tutoring.sheet_bounds` on a region's «Ф1»: 100,000 participants over 300
schools, 20 tasks (some 30 columns), and the full check of the same file (bounds, calamine,
every row) for comparison.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_import_check.py -s -o python_files='bench_*.py'

Each step runs in a fresh process, so that its peak RSS (VmHWM) is its own; a process that
only starts Django gives the baseline. It prints seconds and megabytes, asserts nothing about
them.
"""

import json
import subprocess
import sys
import zipfile

from django.conf import settings

from tests.monitoring import f1files

STEP = """
import json, re, sys, time
import django
django.setup()
from tutoring import sheet_bounds
from monitoring.vpr import read_f1
started = time.perf_counter()
if sys.argv[1] == "bounds":
    sheet_bounds.check_workbook(sys.argv[2])
elif sys.argv[1] == "read":
    result = read_f1(sys.argv[2], max_errors=10)
seconds = time.perf_counter() - started
peak = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
print(json.dumps({"seconds": seconds, "peak_mb": int(peak) / 1024}))
"""


def _run(step: str, path) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", STEP, step, str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def test_it_reports_the_bounds_check_of_a_region_sized_f1(tmp_path):
    tasks = [(str(n), 2, "Б") for n in range(1, 21)]
    logins = [(f"edu{500000 + n}", f"МБОУ СОШ № {n}") for n in range(300)]
    # Codes are five digits: four seeds of 25,000 make 100,000 rows.
    rows = [
        row
        for seed in range(4)
        for row in f1files.generated_rows(25_000, tasks, seed=seed, logins=logins)
    ]
    path = tmp_path / "Ф1 региона.xlsx"
    path.write_bytes(f1files.f1_file(rows, tasks=tasks, municipal=True))
    with zipfile.ZipFile(path) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())

    baseline = _run("none", path)
    bounds = _run("bounds", path)
    read = _run("read", path)

    mb = 1024 * 1024
    print(
        f"\n«Ф1» of {len(rows):,} rows: {path.stat().st_size / mb:.1f} MB, "
        f"unpacks to {unpacked / mb:.0f} MB"
    )
    print(f"{'step':<34} {'seconds':>8} {'peak RSS MB':>12}")
    print(f"{'Django alone (baseline)':<34} {'':>8} {baseline['peak_mb']:>12.0f}")
    print(f"{'bounds (sheet_bounds)':<34} {bounds['seconds']:>8.1f} {bounds['peak_mb']:>12.0f}")
    print(
        f"{'read_f1: bounds, calamine, rows':<34} {read['seconds']:>8.1f} {read['peak_mb']:>12.0f}"
    )
