"""Page timings at the scale of a region (shared/DESIGN.md, «Scale to design for»).

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_region.py -s

BENCH_SCALE=small runs about a tenth of a region. It prints figures and asserts no timings,
which depend on the machine; what must hold everywhere is that the number of queries per page
does not grow with the rows.
"""

import logging
import os
import random
import statistics
import sys
import time
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tutoring.models import (
    AuditEntry,
    Municipality,
    Organization,
    Role,
    RoleKind,
    SchoolStatus,
    User,
)
from tutoring.scale import DEFAULTS, REGION, USERNAME_PREFIX, generate_region

# A year of the audit log: 50,000 requests and sessions a year, each changed a few times.
SCALES = {
    "full": {"region": DEFAULTS, "audit_entries": 200_000},
    "small": {
        "region": {"municipalities": 5, "schools": 150, "teachers": 4000, "tutors": 100},
        "audit_entries": 20_000,
    },
}
PAGES = [
    "/",
    "/organizations/",
    "/organizations/?status=low_results",
    "/people/",
    "/people/?role=tutor",
    "/audit/",
]
REPEATS = 5
AUDIT_ACTIONS = [
    ("consultations.ConsultationRequest", "request.create", "Заявка на консультацию"),
    ("consultations.ConsultationRequest", "request.schedule", "Заявка на консультацию"),
    ("consultations.Session", "session.report", "Консультация"),
    ("expertise.ExpertiseCase", "expertise.conclude", "Экспертиза рабочей программы"),
    ("community.Assignment", "assignment.create", "Закрепление тьютора"),
]


@pytest.mark.django_db
def test_it_reports_page_timings_at_region_scale(caplog):
    # A school's administration is refused the oversight pages: expected, not worth a warning.
    caplog.set_level(logging.ERROR, logger="django.request")
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        pytest.fail(f"BENCH_SCALE is one of: {', '.join(SCALES)}")
    size = SCALES[scale]

    started = time.perf_counter()
    counts = generate_region(**size["region"], stdout=sys.stdout)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    entries = audit_log(size["audit_entries"])
    logged = time.perf_counter() - started
    analyze()

    users = _bench_users()
    print(f"\nРегион ({scale}): {counts}")
    print(f"Генерация региона: {generated:.1f} с (внутри транзакции теста, без фиксации)")
    print(f"Журнал изменений: {entries} записей за {logged:.1f} с")
    print(f"\n{'пользователь':<12} {'страница':<36} {'код':>4} {'запросов':>9} {'медиана, мс':>12}")
    for label, user in users.items():
        client = Client()
        client.force_login(user, backend="tutoring.backends.LoginOrEmailBackend")
        for url in PAGES:
            status, queries, median = _measure(client, url)
            shown = "—" if median is None else f"{median * 1000:.1f}"
            print(f"{label:<12} {url:<36} {status:>4} {queries:>9} {shown:>12}")


def _measure(client: Client, url: str) -> tuple[int, int, float | None]:
    # The first request warms the caches and is the one whose queries are counted (read at
    # once: every request starts by emptying the query log); capturing SQL costs time, so
    # the timed requests run without it.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)
    if response.status_code != 200:
        return response.status_code, queries, None
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - started)
    return response.status_code, queries, statistics.median(timings)


def audit_log(count: int) -> int:
    rng = random.Random(0)
    municipalities = list(Municipality.objects.filter(region=REGION).values_list("pk", flat=True))
    actors = list(
        User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("pk", flat=True)
    )
    now = timezone.now()
    rows = []
    for number in range(1, count + 1):
        object_type, action, title = rng.choice(AUDIT_ACTIONS)
        rows.append(
            AuditEntry(
                at=now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
                actor_id=rng.choice(actors),
                action=action,
                object_type=object_type,
                object_id=str(number),
                object_repr=f"{title} № {number}",
                municipality_id=rng.choice(municipalities),
                changes={"status": ["new", "scheduled"]},
            )
        )
    AuditEntry.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def analyze() -> None:
    # In production autovacuum keeps the planner's statistics; here every row is a few
    # seconds old and uncommitted, so without ANALYZE the plans would be of empty tables.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _bench_users() -> dict[str, User]:
    """A methodist of the largest municipality (the heaviest municipal pages), a regional
    coordinator, and the administration of a ШНОР school there."""
    municipality = (
        Municipality.objects.filter(region=REGION)
        .annotate(n=Count("organizations"))
        .order_by("-n", "pk")
        .first()
    )
    centre = Organization.objects.get(
        municipality=municipality, kind=Organization.Kind.METHODICAL_CENTRE
    )
    school = (
        SchoolStatus.objects.filter(
            organization__municipality=municipality, kind=SchoolStatus.Kind.LOW_RESULTS
        )
        .select_related("organization")
        .first()
        .organization
    )
    roles = {
        "methodist": (RoleKind.METHODIST, municipality, centre),
        "regional": (RoleKind.REGIONAL, None, None),
        "school": (RoleKind.SCHOOL, municipality, school),
    }
    users = {}
    for label, (kind, where, organization) in roles.items():
        user = User.objects.create(
            username=f"{USERNAME_PREFIX}bench-{label}",
            password=make_password(None),
            last_name="Замеров",
            first_name=label,
        )
        Role.objects.create(user=user, kind=kind, municipality=where, organization=organization)
        users[label] = user
    return users
