"""The data of the load test: a generated region (`tutoring.scale.generate_region`) with three
years of ВПР results of its own schools (the generators of tests/bench/bench_analysis.py), a
year of consultation requests and their sessions, some thousands of expertise cases, a year of
the audit log, and the accounts the load test signs in as, one of every role, with a password.

`fill(scale)` writes it all into an empty database and returns the `Plan`: who signs in, which
school uploads what, and the ids the pages need. Everything belongs to the region «Тестовый
край» and its users are gen-…, as the generated region's are.
"""

import dataclasses
import datetime
import random
import sys
import time
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from consultations.models import (
    ConsultationPoint,
    ConsultationRequest,
    Format,
    RequestKind,
    RequestWindow,
    Room,
    Session,
    SessionReport,
)
from expertise.models import CaseKind, ExpertiseCase, Review, Round, Rubric, verdicts_for
from expertise.services.rubrics import rubrics_install_defaults
from monitoring.models import Participant, TaskScore
from tests.bench.bench_analysis import vpr_results, vpr_works
from tests.bench.bench_region import analyze, audit_log
from tests.bench.bench_vpr_import import WORKS, tasks_of
from tutoring.models import (
    AcademicYear,
    Municipality,
    Organization,
    Role,
    RoleKind,
    Subject,
    User,
    current_start_year,
)
from tutoring.scale import DEFAULTS, REGION, USERNAME_PREFIX, generate_region

# The design's scale (shared/DESIGN.md, «Scale to design for») and a tenth of it. 25
# participants of every school in each of the 8 works a year: 300,000 a year at full scale.
SCALES = {
    "full": {
        "region": DEFAULTS,
        "per_school": 25,
        "requests": 50_000,
        "cases": 3_000,
        "audit_entries": 200_000,
    },
    "small": {
        "region": {"municipalities": 5, "schools": 150, "teachers": 4_000, "tutors": 100},
        "per_school": 25,
        "requests": 5_000,
        "cases": 300,
        "audit_entries": 20_000,
    },
    # For the suite's test of the page lists: every kind of row, a few of each.
    "tiny": {
        "region": {"municipalities": 2, "schools": 6, "teachers": 60, "tutors": 8},
        "per_school": 6,
        "requests": 80,
        "cases": 20,
        "audit_entries": 50,
    },
}
PASSWORD = "loadtest"
# The work the school uploads, one of bench_vpr_import's: its tasks are the generated ones.
UPLOAD_WORK = ("Математика", 5)
# Most requests are about the subjects that have ВПР results, so «Помогла ли помощь» has rows.
REQUEST_SUBJECTS = ["Математика", "Русский язык", "История"]
OTHER_SUBJECTS = ["Физика", "Биология", "Химия", "Обществознание", "География", "Литература"]
KINDS = [RequestKind.INDIVIDUAL] * 5 + [
    RequestKind.THEMATIC,
    RequestKind.SUPERVISION,
    RequestKind.TUTORIAL,
    RequestKind.GROUP_TEACHERS,
    RequestKind.MASTER_CLASS,
]
BATCH = 5_000


@dataclasses.dataclass
class Plan:
    """What the load test needs to know about the filled database; stored as JSON."""

    scale: str
    password: str
    # role → username of the account that signs in as that role.
    users: dict[str, str]
    uploader: str
    municipality: int
    school: int
    teacher: int
    upload: dict

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


def fill(scale: str, *, stdout=sys.stdout, seed: int = 0) -> Plan:
    size = SCALES[scale]
    rng = random.Random(seed)
    progress = _Progress(stdout)
    with progress.step("Регион (generate_region)"):
        generate_region(**size["region"], seed=seed)
    with transaction.atomic():
        years = tuple(range(current_start_year() - 2, current_start_year() + 1))
        schools = list(
            Organization.objects.filter(
                municipality__region=REGION, kind=Organization.Kind.SCHOOL
            ).order_by("pk")
        )
        with progress.step(f"ВПР за {years[0]}–{years[-1]}: {len(schools)} школ"):
            works = vpr_works(years)
            vpr_results(works, schools, size["per_school"])
        progress.write(
            f"  участников {Participant.objects.count():,}, "
            f"баллов за задания {TaskScore.objects.count():,}"
        )
        with progress.step(f"Заявки и занятия за год: {size['requests']:,}"):
            _consultations(size["requests"], rng)
        with progress.step(f"Экспертизы: {size['cases']:,}"):
            _expertise(size["cases"], rng)
        with progress.step(f"Журнал изменений: {size['audit_entries']:,}"):
            audit_log(size["audit_entries"])
        with progress.step("Учётные записи для входа"):
            plan = _accounts(scale)
    with progress.step("ANALYZE"):
        analyze()
    return plan


def _consultations(count: int, rng: random.Random) -> None:
    now = timezone.now()
    municipalities = list(Municipality.objects.filter(region=REGION))
    centres = {
        o.municipality_id: o
        for o in Organization.objects.filter(
            municipality__in=municipalities, kind=Organization.Kind.METHODICAL_CENTRE
        )
    }
    points = ConsultationPoint.objects.bulk_create(
        ConsultationPoint(
            municipality=m,
            organization=centres[m.pk],
            name="Муниципальный тьюторский консультационный пункт",
            address=f"{m.short_name}, ул. Школьная, 1",
            working_hours="пн–пт 14:00–18:00",
            remote_link="https://sferum.ru/?call_link=punkt",
        )
        for m in municipalities
    )
    Room.objects.bulk_create(
        Room(point=point, name=f"Кабинет {n}", capacity=capacity)
        for point in points
        for n, capacity in enumerate((12, 20, 40), start=1)
    )
    point_of = {point.municipality_id: point for point in points}
    teachers = _by(Role.objects.filter(kind=RoleKind.TEACHER, municipality__region=REGION))
    tutors: dict[int, list[tuple[int, int]]] = {}
    for municipality, user, organization in Role.objects.filter(
        kind=RoleKind.TUTOR, municipality__region=REGION
    ).values_list("municipality_id", "user_id", "organization_id"):
        tutors.setdefault(municipality, []).append((user, organization))
    subjects = {
        s.name: s for s in Subject.objects.filter(name__in=REQUEST_SUBJECTS + OTHER_SUBJECTS)
    }
    main = [subjects[name] for name in REQUEST_SUBJECTS if name in subjects]
    other = [subjects[name] for name in OTHER_SUBJECTS if name in subjects] or main
    schools = [
        (pk, municipality)
        for pk, municipality in Organization.objects.filter(
            municipality__region=REGION, kind=Organization.Kind.SCHOOL
        ).values_list("pk", "municipality_id")
        if pk in teachers
    ]
    Status = ConsultationRequest.Status
    requests, sessions, busy = [], [], set()
    for n in range(count):
        school, municipality = rng.choice(schools)
        teacher = rng.choice(teachers[school])
        created = now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
        kind = rng.choice(KINDS)
        request = ConsultationRequest(
            municipality_id=municipality,
            organization_id=school,
            requested_by_id=teacher,
            teacher_id=teacher,
            kind=kind,
            subject=rng.choice(main) if rng.random() < 0.7 else rng.choice(other),
            topic=f"Затруднения по теме № {n % 400 + 1}",
            difficulty="Ученики не справляются с заданиями повышенного уровня.",
            participants="учитель" if kind == RequestKind.INDIVIDUAL else "учителя школы",
            participants_count=1 if kind == RequestKind.INDIVIDUAL else rng.randint(3, 20),
            format=rng.choice([Format.IN_PERSON, Format.REMOTE]),
            priority=rng.random() < 0.15,
            status=Status.SUBMITTED,
            created_at=created,
        )
        requests.append(request)
        chance = rng.random()
        if chance < 0.06:
            request.status = Status.REJECTED if chance < 0.04 else Status.WITHDRAWN
            continue
        candidates = [t for t in tutors.get(municipality, []) if t[1] != school]
        if chance < 0.14 or not candidates:
            request.status = Status.SUBMITTED if chance < 0.1 else Status.ACCEPTED
            continue
        tutor = rng.choice(candidates)[0]
        # Whole hours from 14:00 UTC, and another hour when the tutor is taken then: no
        # tutor is in two sessions at once (the exclusion constraint would refuse it).
        starts = (created + datetime.timedelta(days=rng.randint(3, 21))).replace(
            hour=rng.randint(9, 14), minute=0, second=0, microsecond=0
        )
        while (tutor, starts) in busy:
            starts += datetime.timedelta(hours=1)
        busy.add((tutor, starts))
        sessions.append(
            (
                request,
                Session(
                    municipality_id=municipality,
                    point=point_of[municipality],
                    tutor_id=tutor,
                    kind=kind,
                    format=request.format,
                    organization_id=school,
                    subject=request.subject,
                    topic=request.topic,
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(hours=1),
                    status=Session.Status.PLANNED,
                    created_at=created + datetime.timedelta(days=1),
                ),
            )
        )
        if starts > now:
            request.status = Status.SCHEDULED
            continue
        fate = rng.random()
        session = sessions[-1][1]
        if fate < 0.05:
            session.status = Session.Status.PLANNED  # over, and its report not yet written
            request.status = Status.SCHEDULED
        elif fate < 0.1:
            session.status = Session.Status.NOT_HELD
            request.status = Status.CLOSED
        else:
            session.status = Session.Status.HELD
            request.status = Status.CLOSED if fate < 0.8 else Status.HELD
            if request.status == Status.CLOSED and rng.random() < 0.7:
                request.rating = rng.choice([3, 4, 4, 5, 5, 5])
    ConsultationRequest.objects.bulk_create(requests, batch_size=BATCH)
    RequestWindow.objects.bulk_create(
        (
            RequestWindow(
                request=r,
                starts_on=r.created_at.date() + datetime.timedelta(days=2),
                ends_on=r.created_at.date() + datetime.timedelta(days=24),
            )
            for r in requests
        ),
        batch_size=BATCH,
    )
    for request, session in sessions:
        session.request = request
    created = Session.objects.bulk_create([s for _, s in sessions], batch_size=BATCH)
    Session.teachers.through.objects.bulk_create(
        (
            Session.teachers.through(session_id=s.pk, user_id=r.teacher_id)
            for (r, _), s in zip(sessions, created, strict=True)
        ),
        batch_size=BATCH,
    )
    SessionReport.objects.bulk_create(
        (
            SessionReport(
                session=s,
                held=s.status == Session.Status.HELD,
                not_held_reason="" if s.status == Session.Status.HELD else "Учитель на больничном.",
                duration_minutes=60,
                summary="Разобрали типичные ошибки, составили план подготовки.",
                recommendations="Включить задания повышенного уровня в уроки.",
                created_by_id=s.tutor_id,
                created_at=s.ends_at,
            )
            for s in created
            if s.status in (Session.Status.HELD, Session.Status.NOT_HELD)
        ),
        batch_size=BATCH,
    )


def _expertise(count: int, rng: random.Random) -> None:
    now = timezone.now()
    municipalities = list(Municipality.objects.filter(region=REGION))
    for municipality in municipalities:
        rubrics_install_defaults(actor=None, municipality=municipality)
    rubrics = {
        (r.municipality_id, r.kind): r
        for r in Rubric.objects.filter(municipality__in=municipalities, status=Rubric.Status.ACTIVE)
    }
    teachers = _by(Role.objects.filter(kind=RoleKind.TEACHER, municipality__region=REGION))
    experts: dict[int, list[tuple[int, int]]] = {}
    for municipality, user, organization in Role.objects.filter(
        kind=RoleKind.TUTOR, municipality__region=REGION
    ).values_list("municipality_id", "user_id", "organization_id"):
        experts.setdefault(municipality, []).append((user, organization))
    schools = list(
        Organization.objects.filter(pk__in=teachers).values_list("pk", "municipality_id")
    )
    subjects = list(Subject.objects.filter(name__in=REQUEST_SUBJECTS + OTHER_SUBJECTS))
    years = list(AcademicYear.objects.order_by("-start_year")[:2])
    Status = ExpertiseCase.Status
    statuses = (
        [Status.CONCLUDED] * 11
        + [Status.REVIEW] * 4
        + [Status.NEW] * 2
        + [Status.REVISION, Status.DISAGREEMENT]
    )
    cases, reviewed = [], []
    for n in range(count):
        school, municipality = rng.choice(schools)
        author = rng.choice(teachers[school])
        kind = rng.choice(CaseKind.values)
        status = rng.choice(statuses)
        candidates = [
            e for e, organization in experts.get(municipality, []) if organization != school
        ]
        if not candidates:
            status = Status.NEW
        case = ExpertiseCase(
            municipality_id=municipality,
            organization_id=school,
            author_id=author,
            submitted_by_id=author,
            kind=kind,
            title=f"{CaseKind(kind).label.capitalize()} № {n + 1}",
            subject=rng.choice(subjects),
            grades="5–9",
            academic_year=rng.choice(years),
            rubric=rubrics[(municipality, kind)],
            status=status,
            blind=rng.random() < 0.3,
            deadline=(now + datetime.timedelta(days=rng.randint(-5, 14))).date()
            if status == Status.REVIEW
            else None,
            verdict=rng.choice(verdicts_for(kind)) if status == Status.CONCLUDED else "",
            created_at=now - datetime.timedelta(minutes=rng.randrange(365 * 24 * 60)),
        )
        cases.append(case)
        if status != Status.NEW:
            reviewed.append((case, rng.sample(candidates, min(len(candidates), 2))))
    ExpertiseCase.objects.bulk_create(cases, batch_size=BATCH)
    rounds = Round.objects.bulk_create(
        (
            Round(case=c, number=1, submitted_by_id=c.author_id, submitted_at=c.created_at)
            for c in cases
        ),
        batch_size=BATCH,
    )
    round_of = {r.case_id: r for r in rounds}
    Review.objects.bulk_create(
        (
            Review(
                round=round_of[case.pk],
                expert_id=expert,
                status=Review.Status.PENDING
                if case.status == Status.REVIEW
                else Review.Status.SUBMITTED,
                conclusion="" if case.status == Status.REVIEW else "Программа выстроена логично.",
                verdict=case.verdict,
                submitted_at=None if case.status == Status.REVIEW else case.created_at,
            )
            for case, chosen in reviewed
            for expert in chosen
        ),
        batch_size=BATCH,
    )


def _accounts(scale: str) -> Plan:
    """One account of every role, in the largest municipality (the heaviest municipal pages):
    new ones for the roles the generated region has none of, and for teacher and tutor the
    generated people with the most sessions, so that their pages are full."""
    municipality = (
        Municipality.objects.filter(region=REGION)
        .annotate(n=Count("organizations"))
        .order_by("-n", "pk")
        .first()
    )
    centre = Organization.objects.get(
        municipality=municipality, kind=Organization.Kind.METHODICAL_CENTRE
    )
    busiest = list(
        Organization.objects.filter(municipality=municipality, kind=Organization.Kind.SCHOOL)
        .annotate(n=Count("consultation_requests"))
        .order_by("-n", "pk")[:2]
    )
    school, uploading = busiest[0], busiest[-1]
    teacher = (
        User.objects.filter(roles__kind=RoleKind.TEACHER, roles__organization=school)
        .annotate(n=Count("taken_sessions", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    tutor = (
        User.objects.filter(roles__kind=RoleKind.TUTOR, roles__municipality=municipality)
        .annotate(n=Count("tutor_sessions", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    at_centre = {"municipality": municipality, "organization": centre}
    created = {
        "methodist": {"kind": RoleKind.METHODIST, **at_centre},
        "director": {"kind": RoleKind.DIRECTOR, **at_centre},
        "school": {"kind": RoleKind.SCHOOL, "municipality": municipality, "organization": school},
        "uploader": {
            "kind": RoleKind.SCHOOL,
            "municipality": municipality,
            "organization": uploading,
        },
        "regional": {"kind": RoleKind.REGIONAL},
        "region_admin": {"kind": RoleKind.REGION_ADMIN, "region": REGION},
    }
    # One hash for all of them: hashing is slow on purpose.
    password = make_password(PASSWORD)
    names = {}
    for label, role in created.items():
        user = User.objects.create(
            username=f"{USERNAME_PREFIX}load-{label}",
            password=password,
            last_name="Нагрузочный",
            first_name=label,
        )
        Role.objects.create(user=user, **role)
        names[label] = user.username
    User.objects.filter(pk__in=[teacher.pk, tutor.pk]).update(password=password)
    names["teacher"], names["tutor"] = teacher.username, tutor.username
    uploader = names.pop("uploader")
    subject, grade = UPLOAD_WORK
    task_count = next(n for s, g, n in WORKS if (s, g) == UPLOAD_WORK)
    return Plan(
        scale=scale,
        password=PASSWORD,
        users=names,
        uploader=uploader,
        municipality=municipality.pk,
        school=school.pk,
        teacher=teacher.pk,
        upload={
            "school_login": uploading.fis_oko_login,
            "school_name": uploading.short_name,
            "subject": subject,
            "grade": grade,
            "year": current_start_year(),
            "tasks": tasks_of(task_count),
        },
    )


def _by(roles) -> dict[int, list[int]]:
    """The users of these roles by their organization."""
    found: dict[int, list[int]] = {}
    for organization, user in roles.values_list("organization_id", "user_id"):
        found.setdefault(organization, []).append(user)
    return found


class _Progress:
    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, line: str) -> None:
        if self.stdout is not None:
            self.stdout.write(line + "\n")
            self.stdout.flush()

    @contextmanager
    def step(self, label: str):
        started = time.perf_counter()
        self.write(f"{label}…")
        yield
        self.write(f"  {label}: {time.perf_counter() - started:.1f} с")
