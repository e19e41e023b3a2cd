"""A region's staff list through the list import: 40,000 rows over 1,500 schools in one file,
checked, loaded, then checked again (the same file: every row «без изменений»), as
`manage.py import_people` does it.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_people_import.py -s -o python_files='bench_*.py'

BENCH_SCALE=small runs a tenth. It prints the file size, the check and load times, and the
peak memory (the process's peak RSS after each step, by resource.getrusage);
it asserts counts, never timings.
"""

import os
import random
import resource
import time

import pytest

from tests.tutoring.factories import MunicipalityFactory, SubjectFactory
from tests.tutoring.listfiles import staff_file, upload
from tutoring.imports import services
from tutoring.models import DirectoryImport, Organization, Role, User

SCALES = {"full": (1_500, 40_000), "small": (150, 4_000)}
SUBJECTS = [
    "Математика",
    "Русский язык",
    "Литература",
    "Физика",
    "Химия",
    "Биология",
    "История",
    "Обществознание",
    "География",
    "Информатика",
    "Иностранный язык (английский)",
    "Окружающий мир",
]
SURNAMES = ["Иванова", "Петрова", "Сидорова", "Кузнецова", "Смирнова", "Попова", "Орлов"]
NAMES = ["Мария", "Анна", "Елена", "Ольга", "Нина", "Пётр", "Сергей"]
PATRONYMICS = ["Ивановна", "Петровна", "Сергеевна", "Андреевна", "Ильич", ""]


def rows(schools: list[str], count: int):
    rng = random.Random(13)
    for n in range(count):
        subjects = ", ".join(rng.sample(SUBJECTS, rng.choice((1, 1, 2))))
        yield (
            schools[n % len(schools)],
            rng.choice(SURNAMES),
            rng.choice(NAMES),
            rng.choice(PATRONYMICS),
            "учитель",
            subjects,
            f"teacher{n}@example.ru",
            f"+7 900 {n:07d}",
            "",
        )


def measured(step):
    """The step's result, its seconds, and the process's peak RSS in MB after it (the peak
    only grows: a step that needs more than the earlier ones raises it)."""
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    return result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.django_db
def test_it_reports_the_import_of_a_regions_staff_list():
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        pytest.fail(f"BENCH_SCALE is one of: {', '.join(SCALES)}")
    school_count, people = SCALES[scale]
    municipality = MunicipalityFactory()
    for name in SUBJECTS:
        SubjectFactory(name=name)
    Organization.objects.bulk_create(
        Organization(
            municipality=municipality,
            short_name=f"МБОУ СОШ № {n}",
            name=f"МБОУ СОШ № {n}",
            fis_oko_login=f"edu{500000 + n:06d}",
        )
        for n in range(school_count)
    )
    logins = [f"edu{500000 + n:06d}" for n in range(school_count)]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    data = staff_file(*rows(logins, people))
    print(
        f"\n{people:,} rows over {school_count:,} schools: file {len(data) / 2**20:.1f} MB, "
        f"written in {time.perf_counter() - started:.1f} s; peak RSS before the import "
        f"{before:.0f} MB"
    )

    def check():
        return services.directory_import_check(
            actor=None,
            kind=DirectoryImport.Kind.PEOPLE,
            municipality=municipality,
            uploaded=upload(data),
        )

    batch, check_s, check_mb = measured(check)
    assert batch.status == DirectoryImport.Status.READY, batch.errors[:3]
    assert batch.counts["new"] == people
    _, load_s, load_mb = measured(
        lambda: services.directory_import_confirm(actor=None, batch=batch)
    )
    assert User.objects.filter(email__endswith="@example.ru").count() == people
    assert Role.objects.filter(municipality=municipality).count() == people
    again, again_s, again_mb = measured(check)
    assert again.counts["same"] == people
    print(
        f"check {check_s:.1f} s (peak RSS {check_mb:.0f} MB)\n"
        f"load {load_s:.1f} s, {people / load_s:,.0f} rows/s (peak RSS {load_mb:.0f} MB)\n"
        f"same file again: check {again_s:.1f} s, every row «без изменений» "
        f"(peak RSS {again_mb:.0f} MB)"
    )
