"""A reminder run over a region's month (issue 16): 50,000 sessions of 30 municipalities, from
three weeks ago to ten days ahead, with their tutors, schools, requests, reports and ratings.
The first run sends what is due (sessions of the coming day, reports not filed, ratings not
given); the second, at the same moment, finds everything sent and sends nothing.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_reminders.py -s -o python_files='bench_*.py'

BENCH_SCALE=small runs a tenth. It prints figures and asserts no timings, which depend on the
machine; the queries of a run per object told are pinned in tests/tutoring/test_reminders.py.
"""

import os
import random
import time
from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from consultations.models import (
    ConsultationPoint,
    ConsultationRequest,
    Format,
    RequestKind,
    Session,
    SessionReport,
)
from tutoring import reminders
from tutoring.models import Municipality, Notification, Organization, Role, RoleKind, Subject, User

SCALES = {
    "full": {"municipalities": 30, "sessions": 50_000},
    "small": {"municipalities": 3, "sessions": 5_000},
}
TUTORS, SCHOOLS = 10, 6  # of each municipality
DAYS_BEFORE, DAYS_AFTER = 21, 10  # the month the sessions fill
ZONES = ["Europe/Moscow", "Asia/Novokuznetsk", "Asia/Yekaterinburg", "Europe/Samara"]
BATCH = 5000

rng = random.Random(16)


@pytest.mark.django_db
def test_it_reports_a_reminder_run_over_a_regions_month():
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        pytest.fail(f"BENCH_SCALE is one of: {', '.join(SCALES)}")
    size = SCALES[scale]

    started = time.perf_counter()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    made = _month(now, **size)
    print(f"\nМесяц региона ({scale}): {made} за {time.perf_counter() - started:.1f} с")

    for label in ("первый прогон", "второй прогон"):
        queries = Counter()
        # Counted, not captured: Django keeps the last 9,000 queries only.
        with connection.execute_wrapper(partial(_counted, queries)):
            started = time.perf_counter()
            counts = reminders.run(now)
            seconds = time.perf_counter() - started
        sent = {key: n for key, n in counts.items() if n}
        print(
            f"{label}: {seconds:.1f} с, {queries['sql']} запросов, "
            f"{sum(counts.values())} уведомлений {sent}"
        )
    print(f"Уведомлений в базе: {Notification.objects.count()}")


def _counted(queries, execute, sql, params, many, context):
    queries["sql"] += 1
    return execute(sql, params, many, context)


def _month(now, *, municipalities: int, sessions: int) -> dict:
    password = make_password(None)
    subject, _ = Subject.objects.get_or_create(name="Математика")
    places = []
    for m in range(municipalities):
        municipality = Municipality.objects.create(
            name=f"Муниципальное образование Напоминания-{m}",
            short_name=f"Напоминания-{m}",
            timezone=ZONES[m % len(ZONES)],
        )
        centre = Organization.objects.create(
            municipality=municipality,
            kind=Organization.Kind.METHODICAL_CENTRE,
            short_name=f"ИМЦ {m}",
            name=f"Информационно-методический центр {m}",
        )
        point = ConsultationPoint.objects.create(
            municipality=municipality, organization=centre, name=f"Пункт {m}", address="ул. 1"
        )
        schools = Organization.objects.bulk_create(
            Organization(municipality=municipality, short_name=f"СОШ № {m}-{n}", name=f"СОШ {n}")
            for n in range(SCHOOLS)
        )
        people = User.objects.bulk_create(
            User(username=f"rem{m}-{kind}{n}", last_name="Тестова", password=password)
            for kind, count in (("tutor", TUTORS), ("school", SCHOOLS), ("teacher", SCHOOLS))
            for n in range(count)
        )
        tutors = people[:TUTORS]
        staff, teachers = people[TUTORS : TUTORS + SCHOOLS], people[TUTORS + SCHOOLS :]
        Role.objects.bulk_create(
            [Role(user=u, kind=RoleKind.TUTOR, municipality=municipality) for u in tutors]
            + [
                Role(user=u, kind=kind, municipality=municipality, organization=school)
                for kind, group in ((RoleKind.SCHOOL, staff), (RoleKind.TEACHER, teachers))
                for u, school in zip(group, schools, strict=True)
            ]
        )
        places.append(
            (municipality, point, tutors, list(zip(schools, staff, teachers, strict=True)))
        )

    # Each tutor's day holds sessions at 9:00, 10:00, ... (remote: no room to clash), as
    # many as the month needs for the number of sessions.
    days = DAYS_BEFORE + DAYS_AFTER
    per_day = -(-sessions // (municipalities * TUTORS * days))
    slots = [
        (place, tutor, day, hour)
        for place in places
        for tutor in place[2]
        for day in range(-DAYS_BEFORE, DAYS_AFTER)
        for hour in range(per_day)
    ][:sessions]
    start_of_day = now.replace(hour=6)
    requests, rows = [], []
    for (municipality, point, _tutors, schools), tutor, day, hour in slots:
        school, requester, teacher = rng.choice(schools)
        starts = start_of_day + timedelta(days=day, hours=hour)
        ended = starts + timedelta(minutes=45) <= now
        # Nine in ten sessions that have ended are reported; the rest wait for the report.
        held = ended and rng.random() < 0.9
        rated = held and rng.random() < 0.7
        requests.append(
            ConsultationRequest(
                municipality=municipality,
                organization=school,
                requested_by=requester,
                teacher=teacher if rng.random() < 0.5 else None,
                kind=RequestKind.INDIVIDUAL,
                subject=subject,
                topic="Функциональная грамотность",
                difficulty="Не получается",
                participants="учитель",
                participants_count=1,
                format=Format.REMOTE,
                status=ConsultationRequest.Status.CLOSED
                if held
                else ConsultationRequest.Status.SCHEDULED,
                rating=5 if rated else None,
                created_at=starts - timedelta(days=14),
            )
        )
        rows.append((municipality, point, tutor, starts, held))
    ConsultationRequest.objects.bulk_create(requests, batch_size=BATCH)
    made = Session.objects.bulk_create(
        (
            Session(
                municipality=municipality,
                request=request,
                point=point,
                tutor=tutor,
                kind=RequestKind.INDIVIDUAL,
                format=Format.REMOTE,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
                status=Session.Status.HELD if held else Session.Status.PLANNED,
            )
            for request, (municipality, point, tutor, starts, held) in zip(
                requests, rows, strict=True
            )
        ),
        batch_size=BATCH,
    )
    reports = SessionReport.objects.bulk_create(
        (
            SessionReport(session=session, held=True, summary="Разобрали задания")
            for session in made
            if session.status == Session.Status.HELD
        ),
        batch_size=BATCH,
    )
    return {
        "муниципалитетов": municipalities,
        "занятий": len(made),
        "заявок": len(requests),
        "отчётов": len(reports),
    }
