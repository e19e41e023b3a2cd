"""Demo data: three municipalities of the seeds, the schools and the 21 tutors of the Лабинский
район order (shared/seeds/002_*, Приложение № 1), one demo user per role.

The tutors, schools and organizations are those of the seed documents; the demo users
(methodist, director, school, teacher, regional, admin) and the teachers of СОШ № 20 are
invented people. Loading is idempotent: every record is found by its natural key first.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import extensions
from .models import (
    AcademicYear,
    Invitation,
    Municipality,
    Organization,
    OrganizationHead,
    RiskDirection,
    Role,
    RoleKind,
    SchoolStatus,
    Subject,
    User,
    current_start_year,
)
from .services import audit_record, risk_directions_seed

DEMO_PASSWORD = "demo"

LABINSK = "Муниципальное образование Лабинский район"
GELENDZHIK = "Муниципальное образование город-курорт Геленджик"
KALTAN = "Калтанский городской округ"

MUNICIPALITIES = [
    # name, short name, region, time zone, locality (where its documents are drawn up)
    (LABINSK, "Лабинский район", "Краснодарский край", "Europe/Moscow", "г. Лабинск"),
    (GELENDZHIK, "Геленджик", "Краснодарский край", "Europe/Moscow", "г. Геленджик"),
    (KALTAN, "Калтанский ГО", "Кемеровская область — Кузбасс", "Asia/Novokuznetsk", "г. Калтан"),
]

IMC = "МКУ ИМЦ г. Лабинска"
UO = "УО Лабинский район"
SHNOR_SCHOOL = "МОБУ СОШ № 20"

# short name, full name, kind, ФИС ОКО login
ORGANIZATIONS = {
    LABINSK: [
        (
            IMC,
            "Муниципальное казенное учреждение дополнительного педагогического образования "
            "«Информационно-методический центр» города Лабинска",
            Organization.Kind.METHODICAL_CENTRE,
            "",
        ),
        (
            UO,
            "Управление образованием администрации муниципального образования Лабинский район",
            Organization.Kind.EDUCATION_DEPARTMENT,
            "",
        ),
        # Full names exactly as the roster of order № 01-03/24 writes the workplaces.
        *(
            (f"МОБУ СОШ № {number}", f"МОБУ СОШ № {number} {rest}", Organization.Kind.SCHOOL, login)
            for number, rest, login in [
                (
                    1,
                    "имени Героя России Н.В. Ростовского города Лабинска Лабинского района",
                    "edu230101",
                ),
                (2, "имени Н.Я.Василенко города Лабинска Лабинского района", "edu230102"),
                (3, "им. Е.В. Хлудеева г.Лабинска Лабинского района", "edu230103"),
                (4, "им. В.Г. Вареласа г. Лабинска Лабинского района", "edu230104"),
                (6, "им. А.Г. Турчанинова г. Лабинска Лабинского района", "edu230106"),
                (7, "имени А.А. Пономарева города Лабинска Лабинского района", "edu230107"),
                (9, "им. И.Ф. Константинова г. Лабинска", "edu230109"),
                (10, "им. П.П. Пидины пос. Прохладного Лабинского района", "edu230123"),
                (11, "им. Героя России И.В. Марьенкова г.Лабинска Лабинского района", "edu230111"),
                (13, "им. А. Свашенко станицы Владимирской Лабинского района", "edu230113"),
                (16, "им. И.Н. Нестерова ст. Каладжинской Лабинского района", "edu230116"),
                (20, "ст. Чернореченской Лабинского района", "edu230120"),
                (22, "им. И.В. Колованова ст. Чамлыкской Лабинского района", "edu230122"),
                (
                    28,
                    "им. Героя России С.Н. Богданченко ст. Вознесенской Лабинского района",
                    "edu230128",
                ),
            ]
        ),
    ],
    GELENDZHIK: [
        (
            "УО г.-к. Геленджик",
            "Управление образования администрации муниципального образования "
            "город-курорт Геленджик",
            Organization.Kind.EDUCATION_DEPARTMENT,
            "",
        ),
    ],
    KALTAN: [
        (
            "МКУ УО Калтанского ГО",
            "Муниципальное казенное учреждение Управление образования администрации "
            "Калтанского городского округа",
            Organization.Kind.EDUCATION_DEPARTMENT,
            "",
        ),
    ],
}

# The heads who sign: the director of the ИМЦ is the demo `director` (order № 01-03/24 of
# seed 002 is signed by the centre's director); the school heads are invented.
HEADS = [
    (IMC, "Директор МКУ ИМЦ г. Лабинска", "С. И. Орлов", date(2022, 9, 1)),
    ("МОБУ СОШ № 20", "Директор МОБУ СОШ № 20", "Н. В. Гринько", date(2019, 9, 1)),
    ("МОБУ СОШ № 22", "Директор МОБУ СОШ № 22", "А. А. Мирошниченко", date(2021, 8, 30)),
]

SUBJECTS = [
    ("Математика", Subject.Kind.SUBJECT),
    ("Русский язык", Subject.Kind.SUBJECT),
    ("Литература", Subject.Kind.SUBJECT),
    ("Информатика", Subject.Kind.SUBJECT),
    ("Биология", Subject.Kind.SUBJECT),
    ("Химия", Subject.Kind.SUBJECT),
    ("История", Subject.Kind.SUBJECT),
    ("Обществознание", Subject.Kind.SUBJECT),
    # As order № 01-03/24 names the direction of the tutors of every foreign language; the
    # results of ВПР and ГИА come per language, as «Иностранный язык (английский)» and the
    # others that migration 0004 seeds, so this one is a direction, not a subject of a file.
    ("Иностранный язык", Subject.Kind.OTHER),
    ("География", Subject.Kind.SUBJECT),
    ("Физика", Subject.Kind.SUBJECT),
    ("Финансовая грамотность", Subject.Kind.OTHER),
    ("Начальное общее образование", Subject.Kind.PRIMARY),
    ("Дошкольное образование", Subject.Kind.PRESCHOOL),
    ("ИКТ и цифровые образовательные платформы", Subject.Kind.OTHER),
]

# Приложение № 1 к приказу МКУ ИМЦ г. Лабинска № 01-03/24 от 09.01.2023:
# username, full name, subjects, position, school number.
TUTORS = [
    ("tutor", "Логинова Татьяна Артуровна", ["Математика"], "учитель математики", 10),
    ("tutor02", "Колмакова Ольга Александровна", ["Математика"], "учитель математики", 16),
    (
        "tutor03",
        "Лабызнава Лариса Владимировна",
        ["Русский язык", "Литература"],
        "учитель русского языка и литературы",
        11,
    ),
    (
        "tutor04",
        "Немых Юлия Владимировна",
        ["Русский язык", "Литература"],
        "учитель русского языка и литературы",
        1,
    ),
    (
        "tutor05",
        "Никитина Наталья Анатольевна",
        ["Русский язык", "Литература"],
        "учитель русского языка и литературы",
        2,
    ),
    (
        "tutor06",
        "Аполохова Ольга Викторовна",
        ["Русский язык", "Литература"],
        "учитель русского языка и литературы",
        3,
    ),
    (
        "tutor07",
        "Левшина Марина Леонидовна",
        ["Литература"],
        "учитель русского языка и литературы",
        9,
    ),
    ("tutor08", "Воронова Людмила Александровна", ["Информатика"], "учитель информатики", 9),
    ("tutor09", "Абрамович Ирина Валерьевна", ["Биология"], "учитель биологии", 3),
    ("tutor10", "Гырдымова Елена Александровна", ["Биология"], "учитель биологии", 7),
    ("tutor11", "Звездунова Любовь Федоровна", ["Химия"], "учитель химии", 1),
    ("tutor12", "Орешкина Галина Петровна", ["Химия"], "учитель химии", 2),
    ("tutor13", "Токарева Елена Егоровна", ["История"], "учитель истории и обществознания", 4),
    ("tutor14", "Дзюбенко Анна Викторовна", ["История"], "учитель истории и обществознания", 10),
    (
        "tutor15",
        "Сурова Лиляна Александровна",
        ["Обществознание"],
        "учитель истории и обществознания",
        13,
    ),
    (
        "tutor16",
        "Черномазова Елена Михайловна",
        ["Обществознание"],
        "учитель истории и обществознания",
        6,
    ),
    (
        "tutor17",
        "Мосиенко Евгения Валентиновна",
        ["Иностранный язык"],
        "учитель английского языка",
        9,
    ),
    ("tutor18", "Неженец Зоя Владимировна", ["География"], "учитель географии", 2),
    ("tutor19", "Кузнецова Галина Николаевна", ["Физика"], "учитель физики", 4),
    ("tutor20", "Конаржевский Эдуард Викторович", ["Физика"], "учитель физики", 28),
    (
        "tutor21",
        "Суханова Екатерина Анатольевна",
        ["Финансовая грамотность"],
        "учитель начальных классов",
        22,
    ),
]

# Invented teachers of the ШНОР school; the first is the demo `teacher` login.
SHNOR_TEACHERS = [
    ("teacher", "Петренко Марина Викторовна", ["Математика"], "учитель математики"),
    (
        "teacher02",
        "Сидоренко Алексей Павлович",
        ["Русский язык", "Литература"],
        "учитель русского языка и литературы",
    ),
    (
        "teacher03",
        "Бондаренко Светлана Игоревна",
        ["Биология", "Химия"],
        "учитель биологии и химии",
    ),
    (
        "teacher04",
        "Ткаченко Дмитрий Олегович",
        ["История", "Обществознание"],
        "учитель истории и обществознания",
    ),
    (
        "teacher05",
        "Мельник Ольга Сергеевна",
        ["Начальное общее образование"],
        "учитель начальных классов",
    ),
]

# Invented teachers of the second school: СОШ № 22, weak but without tutoring (monitoring's
# comparison group), has accounts too, so that a school's nominations and the tutor
# assignments from its risk row offer more than one person. The last one was invited and
# has not yet set a password.
SECOND_SCHOOL = "МОБУ СОШ № 22"
SECOND_SCHOOL_TEACHERS = [
    ("teacher22a", "Шевченко Наталья Ивановна", ["Математика"], "учитель математики"),
    (
        "teacher22b",
        "Литвиненко Юлия Сергеевна",
        ["Русский язык", "Литература"],
        "учитель русского языка и литературы",
    ),
    ("teacher22c", "Коваль Андрей Николаевич", ["Физика", "Математика"], "учитель физики"),
    (
        "teacher22d",
        "Руденко Оксана Петровна",
        ["Начальное общее образование"],
        "учитель начальных классов",
    ),
]
INVITED = "teacher22d"

# Demo logins for the other roles, all in Лабинский район: (username, full name, role,
# organization short name, position).
STAFF = [
    ("methodist", "Смирнова Анна Петровна", RoleKind.METHODIST, IMC, "методист"),
    ("director", "Орлов Сергей Иванович", RoleKind.DIRECTOR, IMC, "директор"),
    (
        "school",
        "Кравченко Ольга Николаевна",
        RoleKind.SCHOOL,
        SHNOR_SCHOOL,
        "заместитель директора по УВР",
    ),
    ("regional", "Гончаренко Елена Юрьевна", RoleKind.REGIONAL, None, "региональный координатор"),
]
# The region administrator of Краснодарский край sets up its municipalities.
REGION_ADMIN = ("region_admin", "Захарченко Игорь Викторович", "Краснодарский край")

# Only these sign in; the other people of the demo have no usable password.
DEMO_LOGINS = {
    "methodist",
    "director",
    "school",
    "teacher",
    "tutor",
    "regional",
    "region_admin",
    "admin",
}
# Every demo person has an address at example.ru (a domain reserved for examples): letters
# of the demo go to the console, never to a real mailbox.
DEMO_EMAIL_DOMAIN = "example.ru"

FIRST_ACADEMIC_YEAR = 2022


@dataclass
class DemoResult:
    created: int = 0

    def count(self, created: bool) -> None:
        self.created += int(created)


def load_demo() -> DemoResult:
    result = DemoResult()
    with transaction.atomic():
        municipalities = _municipalities(result)
        organizations = _organizations(result, municipalities)
        subjects = _subjects(result)
        years = _academic_years(result)
        labinsk = municipalities[LABINSK]
        for year in years:
            _, created = SchoolStatus.objects.get_or_create(
                organization=organizations[SHNOR_SCHOOL],
                academic_year=year,
                kind=SchoolStatus.Kind.LOW_RESULTS,
            )
            result.count(created)
        for username, name, subject_names, position, school in TUTORS:
            user = _user(result, username, name)
            workplace = organizations[f"МОБУ СОШ № {school}"]
            chosen = [subjects[s] for s in subject_names]
            _role(result, user, RoleKind.TUTOR, labinsk, workplace, position, chosen)
            _role(result, user, RoleKind.TEACHER, labinsk, workplace, position, chosen)
        for username, name, subject_names, position in SHNOR_TEACHERS:
            user = _user(result, username, name)
            chosen = [subjects[s] for s in subject_names]
            _role(
                result,
                user,
                RoleKind.TEACHER,
                labinsk,
                organizations[SHNOR_SCHOOL],
                position,
                chosen,
            )
        for username, name, subject_names, position in SECOND_SCHOOL_TEACHERS:
            user = _user(result, username, name)
            chosen = [subjects[s] for s in subject_names]
            _role(
                result,
                user,
                RoleKind.TEACHER,
                labinsk,
                organizations[SECOND_SCHOOL],
                position,
                chosen,
            )
        for username, name, kind, organization, position in STAFF:
            user = _user(result, username, name)
            _role(result, user, kind, labinsk, organizations.get(organization), position, [])
        username, name, region = REGION_ADMIN
        _, created = Role.objects.get_or_create(
            user=_user(result, username, name),
            kind=RoleKind.REGION_ADMIN,
            region=region,
            defaults={"position": "администратор региона"},
        )
        result.count(created)
        _pending_invitation(result, User.objects.get(username=INVITED))
        admin = _user(result, "admin", "Администратор")
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
            result.count(True)
        for loader in extensions.demo_loaders():
            loader(result)
        # Last: the notifications point at what the loaders made (their documents).
        from . import demo_notifications  # it reads this module's demo logins

        demo_notifications.load(result)
        if result.created:
            audit_record(
                actor=None,
                action="demo.load",
                obj=labinsk,
                changes={"created": result.created},
            )
    return result


def _municipalities(result) -> dict[str, Municipality]:
    found = {}
    for name, short_name, region, tz, locality in MUNICIPALITIES:
        found[name], created = Municipality.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short_name,
                "region": region,
                "timezone": tz,
                "locality": locality,
            },
        )
        if not found[name].locality:
            # A demo loaded before the field existed gets its place of compilation too.
            found[name].locality = locality
            found[name].save(update_fields=["locality"])
            created = True
        result.count(created)
    # A region met for the first time starts with the directions of «500+», as one whose
    # first municipality is set up in the browser does.
    for region in sorted({municipality.region for municipality in found.values()}):
        result.count(not RiskDirection.objects.filter(region=region).exists())
        risk_directions_seed(region)
    return found


def _organizations(result, municipalities) -> dict[str, Organization]:
    found = {}
    for municipality_name, rows in ORGANIZATIONS.items():
        for short_name, name, kind, login in rows:
            found[short_name], created = Organization.objects.get_or_create(
                municipality=municipalities[municipality_name],
                short_name=short_name,
                defaults={"name": name, "kind": kind, "fis_oko_login": login},
            )
            result.count(created)
    for municipality_name, rows in ORGANIZATIONS.items():
        # The first organization of each municipality issues its documents (its ИМЦ, or
        # without one its education department), as a region administrator would set it.
        municipality = municipalities[municipality_name]
        if municipality.issuer_id is None:
            municipality.issuer = found[rows[0][0]]
            municipality.save(update_fields=["issuer"])
            result.count(True)
    for short_name, position, name, since in HEADS:
        _, created = OrganizationHead.objects.get_or_create(
            organization=found[short_name],
            since=since,
            defaults={"position": position, "name": name},
        )
        result.count(created)
    return found


def _subjects(result) -> dict[str, Subject]:
    found = {}
    for name, kind in SUBJECTS:
        found[name], created = Subject.objects.get_or_create(name=name, defaults={"kind": kind})
        result.count(created)
    return found


def _academic_years(result) -> list[AcademicYear]:
    # 2022/23 onwards, up to the current year, so that the demo has a current year whenever
    # it is loaded.
    years = []
    for start_year in range(FIRST_ACADEMIC_YEAR, max(current_start_year(), 2025) + 1):
        year, created = AcademicYear.objects.get_or_create(start_year=start_year)
        result.count(created)
        years.append(year)
    return years


def _pending_invitation(result, user: User) -> None:
    """An invitation sent a day ago and not yet accepted. Its link is known to nobody (only
    a hash is stored): the demo shows it in the people list, with «Отправить ещё раз»."""
    if Invitation.objects.filter(user=user).exists():
        return
    sent = timezone.now() - timedelta(days=1)
    Invitation.objects.create(
        user=user,
        email=user.email,
        token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        created_at=sent,
        expires_at=sent + timedelta(days=settings.INVITATION_DAYS),
    )
    result.count(True)


def _user(result, username: str, full_name: str) -> User:
    last, first, *middle = [*full_name.split(), ""]
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "last_name": last,
            "first_name": first,
            "middle_name": " ".join(middle).strip(),
            "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
        },
    )
    if created:
        if username in DEMO_LOGINS:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    result.count(created)
    return user


def _role(result, user, kind, municipality, organization, position, subjects) -> Role:
    role, created = Role.objects.get_or_create(
        user=user,
        kind=kind,
        municipality=municipality,
        organization=organization,
        defaults={"position": position},
    )
    if created:
        role.subjects.set(subjects)
    result.count(created)
    return role
