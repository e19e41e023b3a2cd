"""Building a month's schedule at the scale of issue 4: 200 tutors with weekly availability and
2,000 accepted requests; and the methodist's request list at 50,000 requests.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_scheduling.py -s -o python_files='bench_*.py'

It prints figures and asserts no timings, which depend on the machine.
"""

import datetime
import random
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from consultations.matching import build_schedule, rank_tutors
from consultations.models import (
    AvailabilitySlot,
    ConsultationPoint,
    ConsultationRequest,
    Format,
    RequestKind,
    RequestWindow,
    Room,
    Session,
)
from tutoring.models import Municipality, Organization, Role, RoleKind, Subject, User

TUTORS = 200
REQUESTS = 2_000
LIST_REQUESTS = 50_000
SCHOOLS = 40
SUBJECTS = [
    "Математика",
    "Русский язык",
    "Литература",
    "Физика",
    "Химия",
    "Биология",
    "История",
    "Обществознание",
    "Английский язык",
    "Начальное общее образование",
]
ROOM_CAPACITIES = [8, 8, 10, 12, 12, 15, 20, 20, 25, 30, 40, 60]
# Mostly individual consultations, as in the seeds' plans; a fifth of group work.
KINDS = [RequestKind.INDIVIDUAL] * 5 + [
    RequestKind.THEMATIC,
    RequestKind.SUPERVISION,
    RequestKind.TUTORIAL,
    RequestKind.GROUP_TEACHERS,
    RequestKind.MASTER_CLASS,
]
GROUP_KINDS = {RequestKind.GROUP_TEACHERS, RequestKind.MASTER_CLASS}

rng = random.Random(4)


def region():
    municipality = Municipality.objects.create(
        name="Муниципальное образование Бенчмарк-район",
        short_name="Бенчмарк-район",
        timezone="Asia/Novokuznetsk",
    )
    schools = Organization.objects.bulk_create(
        Organization(municipality=municipality, short_name=f"МБОУ СОШ № {n}", name=f"Школа {n}")
        for n in range(1, SCHOOLS + 1)
    )
    centre = Organization.objects.create(
        municipality=municipality,
        kind=Organization.Kind.METHODICAL_CENTRE,
        short_name="МКУ ИМЦ",
        name="Информационно-методический центр",
    )
    subjects = [Subject.objects.get_or_create(name=name)[0] for name in SUBJECTS]
    password = make_password("bench")
    people = User.objects.bulk_create(
        User(username=f"bench-person-{n}", last_name=f"Тьютор{n:03d}", password=password)
        for n in range(TUTORS + 2)
    )
    methodist, school_user, tutors = people[0], people[1], people[2:]
    roles = Role.objects.bulk_create(
        [
            Role(user=methodist, kind=RoleKind.METHODIST, municipality=municipality),
            Role(
                user=school_user,
                kind=RoleKind.SCHOOL,
                municipality=municipality,
                organization=schools[0],
            ),
        ]
        + [
            Role(
                user=tutor,
                kind=RoleKind.TUTOR,
                municipality=municipality,
                organization=schools[n % SCHOOLS],
            )
            for n, tutor in enumerate(tutors)
        ]
    )
    Role.subjects.through.objects.bulk_create(
        Role.subjects.through(role_id=role.pk, subject_id=subject.pk)
        for n, role in enumerate(roles[2:])
        for subject in {subjects[n % len(subjects)], rng.choice(subjects)}
    )
    # Two afternoons a week each: 14:00–18:00 and 15:00–18:00 (seed 002: after lessons).
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(
            tutor=tutor,
            municipality=municipality,
            weekday=weekday,
            starts_at=datetime.time(hour),
            ends_at=datetime.time(18),
        )
        for tutor in tutors
        for weekday, hour in zip(rng.sample(range(5), 2), (14, 15), strict=True)
    )
    point = ConsultationPoint.objects.create(
        municipality=municipality,
        organization=centre,
        name="Муниципальный тьюторский консультационный пункт",
        address="ул. Школьная, 1",
        working_hours="пн–пт 14:00–18:00",
        remote_link="https://sferum.ru/?call_link=punkt",
    )
    Room.objects.bulk_create(
        Room(point=point, name=f"Кабинет {n + 1}", capacity=capacity)
        for n, capacity in enumerate(ROOM_CAPACITIES)
    )
    return municipality, point, schools, subjects, methodist, school_user


def accepted_requests(municipality, schools, subjects, requester, count, *, first_day, days):
    requests = ConsultationRequest.objects.bulk_create(
        (
            ConsultationRequest(
                municipality=municipality,
                organization=rng.choice(schools),
                requested_by=requester,
                kind=(kind := rng.choice(KINDS)),
                subject=rng.choice(subjects),
                topic=f"Тема заявки {n}",
                difficulty="Затруднение своими словами.",
                participants="учителя",
                participants_count=rng.randint(8, 30) if kind in GROUP_KINDS else rng.randint(1, 4),
                format=rng.choice([Format.IN_PERSON, Format.REMOTE]),
                priority=rng.random() < 0.15,
                status=ConsultationRequest.Status.ACCEPTED,
                created_at=timezone.now() - datetime.timedelta(minutes=n),
            )
            for n in range(count)
        ),
        batch_size=2_000,
    )
    windows = []
    for request in requests:
        start = first_day + datetime.timedelta(days=rng.randrange(days - 7))
        windows.append(
            RequestWindow(
                request=request,
                starts_on=start,
                ends_on=start + datetime.timedelta(days=rng.randint(6, 14)),
            )
        )
    RequestWindow.objects.bulk_create(windows, batch_size=5_000)
    return requests


@contextmanager
def counting_queries():
    """The number of queries run inside; unlike CaptureQueriesContext, not capped at the
    9,000 that Django keeps in its log."""
    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def timed(label, action):
    with counting_queries() as queries:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:7.2f} с   запросов к БД: {queries[0]}")
    return result


def list_queries(client, url) -> int:
    with counting_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return queries[0]


@pytest.mark.django_db
def test_it_reports_building_a_months_schedule():
    municipality, point, schools, subjects, methodist, school_user = region()
    first_day = timezone.localdate(timezone=municipality.tzinfo) + datetime.timedelta(days=1)
    last_day = first_day + datetime.timedelta(days=29)
    accepted_requests(
        municipality, schools, subjects, school_user, REQUESTS, first_day=first_day, days=30
    )
    print(
        f"\n{TUTORS} тьюторов, {REQUESTS} принятых заявок, "
        f"период {first_day:%d.%m.%Y}–{last_day:%d.%m.%Y}, {len(ROOM_CAPACITIES)} помещений"
    )

    one = ConsultationRequest.objects.select_related("municipality", "subject").first()
    candidates = timed("подбор тьюторов для одной заявки", lambda: rank_tutors(one))
    print(f"  кандидатов: {len(candidates)}; первый: {'; '.join(candidates[0].reasons)}")

    booked, unplaced = timed(
        "график на месяц (build_schedule)",
        lambda: build_schedule(
            actor=methodist,
            municipality=municipality,
            point=point,
            starts_on=first_day,
            ends_on=last_day,
        ),
    )
    print(f"  назначено: {len(booked)}, не размещено: {len(unplaced)}")
    for reason, n in Counter(_shape(r) for _, r in unplaced).most_common(5):
        print(f"    {n:5d} × {reason}")
    loads = Counter(s.tutor_id for s in booked)
    print(
        f"  занятий на тьютора: от {min(loads.values(), default=0)} "
        f"до {max(loads.values(), default=0)}; тьюторов с занятиями: {len(loads)}"
    )
    assert Session.objects.filter(status=Session.Status.PLANNED).count() == len(booked)

    try:
        url = reverse("consultations:request_list")
    except NoReverseMatch:
        print("  список заявок: consultations:request_list ещё нет — пропущено")
        return
    client = Client()
    client.force_login(methodist)
    at_few = list_queries(client, url)
    accepted_requests(
        municipality,
        schools,
        subjects,
        school_user,
        LIST_REQUESTS - REQUESTS,
        first_day=first_day,
        days=30,
    )
    total = ConsultationRequest.objects.filter(municipality=municipality).count()
    at_many = list_queries(client, url)
    started = time.perf_counter()
    client.get(url)
    seconds = time.perf_counter() - started
    print(
        f"список заявок методиста: {at_few} запросов при {REQUESTS}, "
        f"{at_many} при {total} заявках; страница за {seconds:.2f} с"
    )


def _shape(reason: str) -> str:
    """The reason without its subject or numbers, for counting alike ones together."""
    return "".join("#" if ch.isdigit() else ch for ch in reason.split("«")[0])
