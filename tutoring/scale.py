"""A generated region of the size the portal is built for (shared/DESIGN.md, «Scale to design
for»): 45 municipalities, 1,500 schools, 40,000 teachers, 1,000 tutors. It is for benchmarks
and for trying the pages at scale, never for production.

Everything it makes is recognisable, so that it can be removed again without touching real or
demo data: its municipalities belong to the region «Тестовый край», its users are named gen-…,
its schools' ФИС ОКО logins start at edu900000 (the demo's are edu2301xx).

Rows are written with bulk_create in batches and nobody gets a password hash: hashing is slow
on purpose, and 40,000 hashes would take longer than everything else together.
"""

import random
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Q

from .demo import SUBJECTS
from .models import (
    AcademicYear,
    AuditEntry,
    Municipality,
    Organization,
    Role,
    RoleKind,
    SchoolStatus,
    Subject,
    User,
    current_start_year,
)
from .services import audit_record
from .words import plural

REGION = "Тестовый край"
USERNAME_PREFIX = "gen-"
FIRST_FIS_OKO_LOGIN = 900_000
LAST_FIS_OKO_LOGIN = 999_999
ACADEMIC_YEARS = 4
LOW_RESULTS_SHARE = 0.10
HARD_CONDITIONS_SHARE = 0.05
BATCH_SIZE = 2000

DEFAULTS = {"municipalities": 45, "schools": 1500, "teachers": 40000, "tutors": 1000}

TIMEZONES = ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Novokuznetsk"]

# weight, short name, what the full name calls it: most schools of a district are secondary.
SCHOOL_TYPES = [
    (55, "МБОУ СОШ", "средняя общеобразовательная школа"),
    (15, "МБОУ ООШ", "основная общеобразовательная школа"),
    (10, "МАОУ СОШ", "средняя общеобразовательная школа"),
    (7, "МБОУ НОШ", "начальная общеобразовательная школа"),
    (7, "МБОУ гимназия", "гимназия"),
    (6, "МБОУ лицей", "лицей"),
]
SCHOOL_OWNERSHIP = {
    "МБОУ": "Муниципальное бюджетное общеобразовательное учреждение",
    "МАОУ": "Муниципальное автономное общеобразовательное учреждение",
}

# weight, subjects, position: a teacher teaches one subject, or two that usually go together.
# Primary-school teachers and teachers of Russian and mathematics are the most numerous.
TEACHING_PROFILES = [
    (18, ["Начальное общее образование"], "учитель начальных классов"),
    (8, ["Русский язык", "Литература"], "учитель русского языка и литературы"),
    (4, ["Русский язык"], "учитель русского языка"),
    (9, ["Математика"], "учитель математики"),
    (3, ["Математика", "Информатика"], "учитель математики и информатики"),
    (2, ["Физика", "Математика"], "учитель физики и математики"),
    (8, ["Иностранный язык"], "учитель английского языка"),
    (2, ["Литература"], "учитель литературы"),
    (4, ["История", "Обществознание"], "учитель истории и обществознания"),
    (2, ["История"], "учитель истории"),
    (1, ["Обществознание"], "учитель обществознания"),
    (3, ["Биология"], "учитель биологии"),
    (2, ["Биология", "Химия"], "учитель биологии и химии"),
    (2, ["Химия"], "учитель химии"),
    (2, ["География"], "учитель географии"),
    (1, ["География", "Биология"], "учитель географии и биологии"),
    (3, ["Физика"], "учитель физики"),
    (2, ["Информатика"], "учитель информатики"),
    (1, ["Информатика", "ИКТ и цифровые образовательные платформы"], "учитель информатики"),
    (1, ["Начальное общее образование", "Финансовая грамотность"], "учитель начальных классов"),
    (1, ["Дошкольное образование"], "воспитатель дошкольной группы"),
]

FEMALE_SHARE = 0.8
LAST_NAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв",
    "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
    "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
    "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев",
]  # fmt: skip
FEMALE_FIRST_NAMES = [
    "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Марина", "Юлия",
    "Екатерина", "Галина", "Людмила", "Оксана", "Надежда", "Любовь", "Лариса", "Вера", "Мария",
    "Валентина", "Евгения", "Дарья", "Анастасия", "Ксения", "Виктория",
]  # fmt: skip
MALE_FIRST_NAMES = [
    "Александр", "Сергей", "Андрей", "Алексей", "Дмитрий", "Михаил", "Владимир", "Николай",
    "Игорь", "Евгений", "Олег", "Павел", "Иван", "Виктор", "Юрий",
]  # fmt: skip
# (male, female) forms of the patronymic.
PATRONYMICS = [
    ("Александрович", "Александровна"), ("Сергеевич", "Сергеевна"), ("Андреевич", "Андреевна"),
    ("Алексеевич", "Алексеевна"), ("Дмитриевич", "Дмитриевна"), ("Михайлович", "Михайловна"),
    ("Владимирович", "Владимировна"), ("Николаевич", "Николаевна"), ("Игоревич", "Игоревна"),
    ("Евгеньевич", "Евгеньевна"), ("Олегович", "Олеговна"), ("Павлович", "Павловна"),
    ("Иванович", "Ивановна"), ("Викторович", "Викторовна"), ("Юрьевич", "Юрьевна"),
    ("Петрович", "Петровна"), ("Васильевич", "Васильевна"), ("Анатольевич", "Анатольевна"),
]  # fmt: skip


class RegionError(Exception):
    """The region cannot be generated as asked; the message says why, for the user."""


def generated_region_exists() -> bool:
    return (
        Municipality.objects.filter(region=REGION).exists()
        or User.objects.filter(username__startswith=USERNAME_PREFIX).exists()
    )


def generate_region(
    *,
    municipalities: int = DEFAULTS["municipalities"],
    schools: int = DEFAULTS["schools"],
    teachers: int = DEFAULTS["teachers"],
    tutors: int = DEFAULTS["tutors"],
    seed: int = 0,
    replace: bool = False,
    stdout=None,
) -> dict[str, int]:
    """Create a region of that size in one transaction; with `replace`, first remove the one
    generated before. The same seed gives the same region. Returns the counts created."""
    _check_sizes(municipalities=municipalities, schools=schools, teachers=teachers, tutors=tutors)
    progress = _Progress(stdout)
    rng = random.Random(seed)
    try:
        with transaction.atomic():
            replaced = {}
            if generated_region_exists():
                if not replace:
                    raise RegionError(
                        f"Тестовый регион «{REGION}» уже создан в этой базе. Чтобы создать его "
                        "заново, запустите команду с --replace: старые данные будут удалены."
                    )
                replaced = delete_generated_region(stdout=stdout)
            counts = _generate(progress, rng, municipalities, schools, teachers, tutors)
            audit_record(
                actor=None,
                action="region.generate",
                obj=Municipality.objects.filter(region=REGION).order_by("pk").first(),
                changes={"region": REGION, **counts, "seed": seed, "replaced": replaced},
            )
            committing = time.perf_counter()
    except IntegrityError as error:
        # Foreign keys are checked at commit: a row of another table pointing at a generated
        # user or role (see delete_generated_region), or a real school holding an edu9… login.
        raise RegionError(
            f"Тестовый регион не записан, он противоречит данным базы: {error}"
        ) from error
    progress.write(f"Фиксация транзакции: {time.perf_counter() - committing:.1f} с")
    progress.write(f"Готово за {progress.elapsed():.1f} с.")
    return counts


def _generate(progress, rng, municipalities, schools, teachers, tutors) -> dict[str, int]:
    with progress.phase("Справочники: учебные годы и предметы"):
        year = _academic_years()
        subjects = _subjects()
    with progress.phase(f"Муниципальные образования: {municipalities}"):
        districts = _municipalities(municipalities, rng)
    with progress.phase(
        f"Организации: {plural(schools, 'школа', 'школы', 'школ')}, ИМЦ и управления образования"
    ):
        school_rows = _organizations(districts, schools, rng)
    with progress.phase("Статусы ШНОР и ШССУ на текущий учебный год"):
        statuses = _statuses(school_rows, year, rng)
    with progress.phase(f"Учителя: {teachers}"):
        teacher_rows = _teachers(school_rows, teachers, subjects, rng)
    with progress.phase(f"Тьюторы из числа учителей: {tutors}"):
        tutor_rows = _tutors(teacher_rows, tutors, rng)
    with progress.phase("Предметы учителей и тьюторов"):
        links = _role_subjects([*teacher_rows, *tutor_rows])
    return {
        "municipalities": len(districts),
        "organizations": len(districts) * 2 + len(school_rows),
        "schools": len(school_rows),
        "users": len(teacher_rows),
        "teacher_roles": len(teacher_rows),
        "tutor_roles": len(tutor_rows),
        "role_subjects": links,
        "low_results": statuses[SchoolStatus.Kind.LOW_RESULTS],
        "hard_conditions": statuses[SchoolStatus.Kind.HARD_CONDITIONS],
    }


def delete_generated_region(*, stdout=None) -> dict[str, int]:
    """Remove what `generate_region` made: everything of the region «Тестовый край» and every
    gen-… user. The order matters: roles protect their organizations and municipalities."""
    progress = _Progress(stdout)
    in_region = Q(municipality__region=REGION)
    users = User.objects.filter(username__startswith=USERNAME_PREFIX)
    roles = Role.objects.filter(in_region | Q(user__in=users))
    deleted = {}
    with transaction.atomic(), progress.phase("Удаление ранее созданного тестового региона"):
        # Roles and users go in one statement each, not through Django's collector: it would
        # fetch 80,000 rows and send their ids back in IN-lists, 5 s against 0.3 s. What the
        # collector would have followed is handled here; a table added later that points at
        # generated users or roles must be emptied here too, or the database's foreign keys
        # refuse the commit rather than leave its rows pointing nowhere.
        Role.subjects.through.objects.filter(role__in=roles).delete()
        deleted["roles"] = roles._raw_delete(roles.db)
        deleted["audit_entries"] = AuditEntry.objects.filter(in_region).delete()[0]
        deleted["statuses"] = SchoolStatus.objects.filter(
            organization__municipality__region=REGION
        ).delete()[0]
        deleted["organizations"] = Organization.objects.filter(in_region).delete()[0]
        deleted["municipalities"] = Municipality.objects.filter(region=REGION).delete()[0]
        AuditEntry.objects.filter(actor__in=users).update(actor=None)
        LogEntry.objects.filter(user__in=users).delete()
        User.groups.through.objects.filter(user__in=users).delete()
        User.user_permissions.through.objects.filter(user__in=users).delete()
        deleted["users"] = users._raw_delete(users.db)
    progress.write(", ".join(f"{name}: {n}" for name, n in deleted.items()))
    return deleted


def _check_sizes(*, municipalities, schools, teachers, tutors) -> None:
    if min(municipalities, schools, teachers, tutors) < 0:
        raise RegionError("Размеры региона не могут быть отрицательными.")
    if municipalities < 1:
        raise RegionError("Нужно хотя бы одно муниципальное образование.")
    if teachers and not schools:
        raise RegionError("Учителям нужна хотя бы одна школа.")
    if tutors > teachers:
        raise RegionError("Тьюторы выбираются из учителей: их не может быть больше, чем учителей.")
    if schools > LAST_FIS_OKO_LOGIN - FIRST_FIS_OKO_LOGIN + 1:
        raise RegionError("Школ больше, чем свободных логинов ФИС ОКО (edu900000–edu999999).")


def _academic_years() -> AcademicYear:
    current = current_start_year()
    years = [
        AcademicYear.objects.get_or_create(start_year=start_year)[0]
        for start_year in range(current - ACADEMIC_YEARS + 1, current + 1)
    ]
    return years[-1]


def _subjects() -> dict[str, Subject]:
    return {
        name: Subject.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in SUBJECTS
    }


def _municipalities(count: int, rng: random.Random) -> list[Municipality]:
    width = max(2, len(str(count)))
    rows = []
    for number in range(1, count + 1):
        short_name = f"Район-{number:0{width}d}"
        rows.append(
            Municipality(
                name=f"Муниципальное образование {short_name}",
                short_name=short_name,
                region=REGION,
                timezone=rng.choice(TIMEZONES),
            )
        )
    return Municipality.objects.bulk_create(rows, batch_size=BATCH_SIZE)


@dataclass
class _School:
    organization: Organization
    municipality: Municipality


@dataclass
class _Teaching:
    """A teacher's or tutor's role with the subjects it is to be linked to once saved."""

    role: Role
    subjects: list[Subject]


def _organizations(districts, schools: int, rng: random.Random) -> list[_School]:
    rows = []
    for district in districts:
        rows.append(
            Organization(
                municipality=district,
                kind=Organization.Kind.METHODICAL_CENTRE,
                short_name=f"МКУ ИМЦ {district.short_name}",
                name="Муниципальное казённое учреждение «Информационно-методический центр» "
                f"муниципального образования {district.short_name}",
            )
        )
        rows.append(
            Organization(
                municipality=district,
                kind=Organization.Kind.EDUCATION_DEPARTMENT,
                short_name=f"УО {district.short_name}",
                name="Управление образования администрации муниципального образования "
                f"{district.short_name}",
            )
        )
    # Districts differ in size, and the first is the regional centre, several times larger:
    # the heaviest municipal pages are those of the largest district.
    weights = [rng.uniform(0.5, 3.0) for _ in districts]
    weights[0] *= 5
    login = FIRST_FIS_OKO_LOGIN
    school_rows = []
    type_weights = [weight for weight, _, _ in SCHOOL_TYPES]
    for district, count in zip(districts, _spread(schools, weights), strict=True):
        for number in range(1, count + 1):
            _, short_type, full_type = rng.choices(SCHOOL_TYPES, type_weights)[0]
            ownership = SCHOOL_OWNERSHIP[short_type.split()[0]]
            school = Organization(
                municipality=district,
                kind=Organization.Kind.SCHOOL,
                short_name=f"{short_type} № {number}",
                name=f"{ownership} {full_type} № {number} {district.short_name}",
                fis_oko_login=f"edu{login:06d}",
                address=f"{REGION}, {district.short_name}, ул. Школьная, д. {number}",
            )
            login += 1
            school_rows.append(_School(organization=school, municipality=district))
    Organization.objects.bulk_create(
        [*rows, *(s.organization for s in school_rows)], batch_size=BATCH_SIZE
    )
    return school_rows


def _statuses(school_rows, year: AcademicYear, rng: random.Random) -> dict[str, int]:
    created = {}
    rows = []
    for kind, share in (
        (SchoolStatus.Kind.LOW_RESULTS, LOW_RESULTS_SHARE),
        (SchoolStatus.Kind.HARD_CONDITIONS, HARD_CONDITIONS_SHARE),
    ):
        # Drawn independently: a school may be both ШНОР and ШССУ, as in the regions' lists.
        chosen = rng.sample(school_rows, round(len(school_rows) * share))
        rows += [
            SchoolStatus(organization=s.organization, academic_year=year, kind=kind) for s in chosen
        ]
        created[kind] = len(chosen)
    SchoolStatus.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return created


def _teachers(school_rows, teachers: int, subjects, rng: random.Random) -> list[_Teaching]:
    profiles = [
        (weight, [subjects[name] for name in names], position)
        for weight, names, position in TEACHING_PROFILES
        if all(name in subjects for name in names)
    ]
    profile_weights = [weight for weight, _, _ in profiles]
    # Nobody signs in with a generated account: one unusable password string serves all.
    password = make_password(None)
    school_weights = [rng.uniform(0.3, 2.0) for _ in school_rows]
    rows = []
    for school, count in zip(school_rows, _spread(teachers, school_weights), strict=True):
        for _ in range(count):
            last_name, first_name, middle_name = _person(rng)
            _, chosen, position = rng.choices(profiles, profile_weights)[0]
            user = User(
                username=f"{USERNAME_PREFIX}t{len(rows) + 1:06d}",
                password=password,
                last_name=last_name,
                first_name=first_name,
                middle_name=middle_name,
            )
            role = Role(
                user=user,
                kind=RoleKind.TEACHER,
                municipality=school.municipality,
                organization=school.organization,
                position=position,
            )
            rows.append(_Teaching(role=role, subjects=chosen))
    User.objects.bulk_create([row.role.user for row in rows], batch_size=BATCH_SIZE)
    # The roles take their users' new keys as they are saved.
    Role.objects.bulk_create([row.role for row in rows], batch_size=BATCH_SIZE)
    return rows


def _tutors(teachings, tutors: int, rng: random.Random) -> list[_Teaching]:
    rows = []
    for teaching in sorted(rng.sample(teachings, tutors), key=lambda t: t.role.user_id):
        teacher = teaching.role
        role = Role(
            user_id=teacher.user_id,
            kind=RoleKind.TUTOR,
            municipality_id=teacher.municipality_id,
            organization_id=teacher.organization_id,
            position=teacher.position,
        )
        rows.append(_Teaching(role=role, subjects=teaching.subjects))
    Role.objects.bulk_create([row.role for row in rows], batch_size=BATCH_SIZE)
    return rows


def _role_subjects(teachings) -> int:
    through = Role.subjects.through
    rows = [
        through(role_id=teaching.role.pk, subject_id=subject.pk)
        for teaching in teachings
        for subject in teaching.subjects
    ]
    through.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def _person(rng: random.Random) -> tuple[str, str, str]:
    last_name = rng.choice(LAST_NAMES)
    male_patronymic, female_patronymic = rng.choice(PATRONYMICS)
    if rng.random() < FEMALE_SHARE:
        return f"{last_name}а", rng.choice(FEMALE_FIRST_NAMES), female_patronymic
    return last_name, rng.choice(MALE_FIRST_NAMES), male_patronymic


def _spread(total: int, weights: list[float]) -> list[int]:
    """Split `total` into parts in proportion to `weights` (largest remainder), each part at
    least one while there are enough to go round."""
    if not weights:
        return []
    floor = 1 if total >= len(weights) else 0
    rest = total - floor * len(weights)
    scale = rest / sum(weights)
    shares = [w * scale for w in weights]
    parts = [floor + int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - int(shares[i]))
    for i in by_remainder[len(weights) - (total - sum(parts)) :]:
        parts[i] += 1
    return parts


class _Progress:
    def __init__(self, stdout):
        self.stdout = stdout
        self.started = time.perf_counter()

    def write(self, line: str) -> None:
        if self.stdout is not None:
            self.stdout.write(line + ("" if line.endswith("\n") else "\n"))

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    @contextmanager
    def phase(self, label: str):
        started = time.perf_counter()
        yield
        self.write(f"{label}: {time.perf_counter() - started:.1f} с")
