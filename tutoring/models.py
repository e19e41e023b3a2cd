"""Reference data, people and roles, and the audit log: what every app builds on."""

import re
import uuid
import zoneinfo
from datetime import date, time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from .errors import DomainError  # noqa: F401  (re-exported: tutoring's refusals)

TIMEZONE_CHOICES = sorted(
    (name, name) for name in zoneinfo.available_timezones() if name.startswith(("Europe/", "Asia/"))
)


class Municipality(models.Model):
    name = models.CharField("название", max_length=200, unique=True)
    short_name = models.CharField("краткое название", max_length=100)
    region = models.CharField("субъект РФ", max_length=200, blank=True)
    locality = models.CharField(
        "населённый пункт",
        max_length=200,
        blank=True,
        help_text="Место составления документов, например «г. Лабинск» (не адрес здания).",
    )
    timezone = models.CharField(
        "часовой пояс", max_length=64, choices=TIMEZONE_CHOICES, default="Europe/Moscow"
    )
    issuer = models.ForeignKey(
        "Organization",
        verbose_name="организация, издающая документы",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="ИМЦ или управление образования: от его имени издаются приказы сообщества.",
    )

    class Meta:
        verbose_name = "муниципальное образование"
        verbose_name_plural = "муниципальные образования"
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


class OrganizationQuerySet(models.QuerySet):
    def schools(self):
        return self.filter(kind=Organization.Kind.SCHOOL)

    def open(self):
        """Organizations that work: a closed one keeps its history but leaves every choice."""
        return self.filter(closed_on__isnull=True)

    def open_or(self, current_id: int | None):
        """The open ones and the one a record already names: editing an old record keeps
        its closed school, a new one cannot choose it."""
        return self.filter(Q(closed_on__isnull=True) | Q(pk=current_id))


class Organization(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "общеобразовательная организация"
        METHODICAL_CENTRE = "methodical_centre", "методический центр"
        EDUCATION_DEPARTMENT = "education_department", "управление образования"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    kind = models.CharField("тип", max_length=32, choices=Kind.choices, default=Kind.SCHOOL)
    name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    inn = models.CharField(
        "ИНН",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^(\d{10}|\d{12})$", "ИНН состоит из 10 или 12 цифр.")],
    )
    fis_oko_login = models.CharField(
        "логин ФИС ОКО",
        max_length=16,
        blank=True,
        validators=[
            RegexValidator(r"^edu\d{6}$", "Логин ФИС ОКО имеет вид eduNNNNNN (шесть цифр).")
        ],
        help_text="Для школ: логин личного кабинета ФИС ОКО, например edu230123.",
    )
    address = models.CharField("адрес", max_length=500, blank=True)
    closed_on = models.DateField(
        "закрыта с",
        null=True,
        blank=True,
        help_text="Закрытая организация сохраняется со всей историей, но не предлагается в выборе.",
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["municipality__name", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "short_name"], name="organization_unique_short_name"
            ),
            models.UniqueConstraint(
                fields=["fis_oko_login"],
                condition=~Q(fis_oko_login=""),
                name="organization_unique_fis_oko_login",
            ),
            models.UniqueConstraint(
                fields=["inn"], condition=~Q(inn=""), name="organization_unique_inn"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("organization_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def head_on(self, day: date | None = None) -> "OrganizationHead | None":
        """Who headed the organization on that day (today by default): a document signed
        on a day is signed by that day's head, so a change of head never rewrites the past."""
        day = day or timezone.localdate()
        return self.heads.filter(since__lte=day).order_by("-since", "-pk").first()

    def clean(self):
        if self.fis_oko_login and self.kind != self.Kind.SCHOOL:
            raise ValidationError({"fis_oko_login": "Логин ФИС ОКО бывает только у школ."})


class OrganizationHead(models.Model):
    """The head of an organization from a date on: position as printed under a signature
    («Директор МКУ ИМЦ г. Лабинска») and the name in the «И. О. Фамилия» form."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="heads"
    )
    position = models.CharField("должность руководителя", max_length=300)
    name = models.CharField(
        "руководитель (И. О. Фамилия)",
        max_length=200,
        help_text="Как в подписи документа, например «С. И. Орлов».",
    )
    since = models.DateField("с даты", default=timezone.localdate)

    class Meta:
        verbose_name = "руководитель организации"
        verbose_name_plural = "руководители организаций"
        ordering = ["organization", "-since", "-pk"]

    def __str__(self):
        return f"{self.position} {self.name}"


def current_start_year(today: date | None = None) -> int:
    """The year in which the current academic year began (it runs 1 September – 31 August)."""
    today = today or timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


class AcademicYearQuerySet(models.QuerySet):
    def current(self, today: date | None = None):
        return self.filter(start_year=current_start_year(today)).first()

    def named(self, value):
        """The year a query parameter names by its id, or None for anything else: an address
        typed by hand or cut short (`?year=abc`, `?year=-1`) is read as no choice, not a 500."""
        value = str(value or "")
        return (
            self.filter(pk=int(value)).first()
            if value.isascii() and value.isdigit() and len(value) < 10
            else None
        )


class AcademicYear(models.Model):
    """An academic year runs from 1 September to 31 August; it is named by both years."""

    start_year = models.PositiveSmallIntegerField("год начала", unique=True)

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = "учебный год"
        verbose_name_plural = "учебные годы"
        ordering = ["-start_year"]

    def __str__(self):
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 8, 31)


# The foreign languages of ВПР and ГИА. The portal names each «Иностранный язык (английский)»,
# ФИС ОКО and ФИПИ files name it «Английский язык»: both spellings are the same subject.
FOREIGN_LANGUAGES = ("английский", "немецкий", "французский", "испанский", "китайский")
_LANGUAGE = re.compile(r"^(?:иностранный язык \((?P<a>[а-я]+)\)|(?P<b>[а-я]+) язык)$")


def subject_key(name: str) -> str:
    """A subject's name as files and people spell it, reduced to one key: case, «ё» and
    spaces do not matter, and «Английский язык» is «Иностранный язык (английский)»."""
    text = " ".join(str(name).replace("ё", "е").replace("Ё", "Е").split()).casefold()
    found = _LANGUAGE.match(text)
    if found and (language := found["a"] or found["b"]) in FOREIGN_LANGUAGES:
        return f"иностранный язык ({language})"
    return text


class SubjectQuerySet(models.QuerySet):
    def active(self, *, keep=None):
        """Subjects to choose from: the active ones, plus `keep` (ids or a queryset), the
        subjects a record being edited already has, so that saving it keeps them."""
        if keep is None:
            return self.filter(is_active=True)
        return self.filter(Q(is_active=True) | Q(pk__in=keep))

    def by_key(self) -> dict[str, "Subject"]:
        """Subjects by `subject_key`, for matching the names in a file."""
        return {subject_key(subject.name): subject for subject in self}


class Subject(models.Model):
    class Kind(models.TextChoices):
        SUBJECT = "subject", "учебный предмет"
        PRIMARY = "primary", "начальное общее образование"
        PRESCHOOL = "preschool", "дошкольное образование"
        OTHER = "other", "направление"

    name = models.CharField("название", max_length=200, unique=True)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices, default=Kind.SUBJECT)
    # A retired subject stays on the records that have it, but is offered nowhere.
    is_active = models.BooleanField("используется", default=True)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        verbose_name = "предмет (направление)"
        verbose_name_plural = "предметы и направления"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="subject_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class SchoolStatus(models.Model):
    """ШНОР / ШССУ: a school's status, assigned by the region for one academic year."""

    class Kind(models.TextChoices):
        LOW_RESULTS = "low_results", "ШНОР"
        HARD_CONDITIONS = "hard_conditions", "ШССУ"

    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.CASCADE, related_name="statuses"
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("статус", max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = "статус школы (ШНОР/ШССУ)"
        verbose_name_plural = "статусы школ (ШНОР/ШССУ)"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year", "kind"], name="school_status_unique"
            )
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_kind_display()} ({self.academic_year})"


class RiskDirection(models.Model):
    """A direction of the «рисковый профиль» of a school with low results (the federal project
    «500+» of ФИОКО): reference data of a region, which its administrator renames, adds and
    retires. Each region starts with the eleven directions of «500+» (`RISK_DIRECTIONS`)."""

    class Evidence(models.TextChoices):
        # What the portal itself knows about the direction and offers as its justification.
        # It stays with a seeded direction when the region renames it.
        NONE = "", "нет"
        LEARNING_FAILURE = "learning_failure", "причины из «Где нужна помощь»"
        COMPETENCE = "competence", "критерии экспертизы, оценённые не полностью"
        TRAINING = "training", "доля учителей с маршрутом профессионального развития"

    region = models.CharField("субъект РФ", max_length=200, blank=True)
    name = models.CharField("название", max_length=300)
    position = models.PositiveSmallIntegerField("порядок", default=0)
    evidence = models.CharField(
        "данные портала", max_length=32, choices=Evidence.choices, blank=True, default=""
    )
    # A retired direction stays in the profiles that rated it and is offered to no new one.
    is_active = models.BooleanField("используется", default=True)

    class Meta:
        verbose_name = "направление рискового профиля"
        verbose_name_plural = "направления рискового профиля"
        ordering = ["region", "position", "pk"]
        constraints = [
            models.UniqueConstraint("region", Lower("name"), name="risk_direction_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


# The eleven risk directions of the «500+» risk profile (ФИОКО), in its order, with what the
# portal can offer for each: a region starts with these (`tutoring.services.risk_directions_seed`).
RISK_DIRECTIONS = (
    ("Низкий уровень оснащения школы", ""),
    ("Дефицит педагогических кадров", ""),
    (
        "Недостаточная предметная и методическая компетентность педагогических работников",
        RiskDirection.Evidence.COMPETENCE,
    ),
    ("Риски низкой адаптивности учебного процесса", ""),
    (
        "Несформированность внутришкольной системы повышения квалификации",
        RiskDirection.Evidence.TRAINING,
    ),
    (
        "Высокая доля обучающихся с рисками учебной неуспешности",
        RiskDirection.Evidence.LEARNING_FAILURE,
    ),
    ("Низкое качество преодоления языковых и культурных барьеров", ""),
    ("Пониженный уровень качества школьной образовательной и воспитательной среды", ""),
    ("Высокая доля обучающихся с ОВЗ", ""),
    ("Низкий уровень вовлечённости родителей", ""),
    ("Низкая учебная мотивация обучающихся", ""),
)


class User(AbstractUser):
    middle_name = models.CharField("отчество", max_length=150, blank=True)
    phone = models.CharField("телефон", max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["last_name", "first_name", "middle_name"]
        # Lists of people are sorted by name; with this index a page stops after its rows.
        indexes = [models.Index(fields=["last_name", "first_name", "middle_name", "id"])]
        constraints = [
            # A person is found by their address (imports match on it, letters go to it):
            # two accounts with one address would be one person twice.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_unique_email"
            )
        ]

    def __str__(self):
        return self.full_name or self.username

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        """«Логинова Т. А.»: the form used in orders and signatures."""
        initials = " ".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip() or self.username

    def get_full_name(self):
        return self.full_name


class RoleKind(models.TextChoices):
    METHODIST = "methodist", "методист"
    DIRECTOR = "director", "руководитель"
    SCHOOL = "school", "администрация школы"
    TEACHER = "teacher", "учитель"
    TUTOR = "tutor", "тьютор"
    REGIONAL = "regional", "региональный координатор"
    REGION_ADMIN = "region_admin", "администратор региона"


# Roles that act for one organization, and so must name it.
ORGANIZATION_ROLES = (RoleKind.SCHOOL, RoleKind.TEACHER)
# Roles bound to no municipality: the regional coordinator reads them all, the region
# administrator sets up those of one region (`Role.region`).
UNBOUND_ROLES = (RoleKind.REGIONAL, RoleKind.REGION_ADMIN)


class Role(models.Model):
    """What a person may do, and where: a role is bound to a municipality and, for school
    administrations and teachers, to their organization. One person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="roles",
    )
    kind = models.CharField("роль", max_length=16, choices=RoleKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="roles",
        null=True,
        blank=True,
        help_text="Не заполняется только для регионального координатора.",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.PROTECT,
        related_name="roles",
        null=True,
        blank=True,
        help_text="Обязательна для администрации школы и учителя; для тьютора — место работы.",
    )
    region = models.CharField(
        "субъект РФ",
        max_length=200,
        blank=True,
        help_text="Только для администратора региона: муниципалитеты с этим субъектом РФ.",
    )
    position = models.CharField("должность", max_length=200, blank=True)
    subjects = models.ManyToManyField(
        Subject, verbose_name="предметы", blank=True, related_name="roles"
    )

    class Meta:
        verbose_name = "роль"
        verbose_name_plural = "роли"
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "organization"],
                condition=Q(organization__isnull=False),
                name="role_unique_in_organization",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "municipality"],
                condition=Q(organization__isnull=True),
                name="role_unique_in_municipality",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=UNBOUND_ROLES) | Q(municipality__isnull=False),
                name="role_municipality_required",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RoleKind.REGION_ADMIN) | ~Q(region=""),
                name="role_region_required",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=ORGANIZATION_ROLES) | Q(organization__isnull=False),
                name="role_organization_required",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "kind"])]

    def __str__(self):
        where = self.organization or self.municipality or self.region or "все муниципалитеты"
        return f"{self.get_kind_display()} — {where}"

    def clean(self):
        if self.kind == RoleKind.REGION_ADMIN and not self.region:
            raise ValidationError({"region": "Укажите субъект РФ."})
        if self.kind not in UNBOUND_ROLES and not self.municipality_id:
            raise ValidationError({"municipality": "Укажите муниципальное образование."})
        if self.kind in ORGANIZATION_ROLES and not self.organization_id:
            raise ValidationError({"organization": "Для этой роли укажите организацию."})
        if (
            self.organization_id
            and self.municipality_id
            and self.organization.municipality_id != self.municipality_id
        ):
            raise ValidationError(
                {"organization": "Организация относится к другому муниципальному образованию."}
            )


class Invitation(models.Model):
    """A one-time link by which a person sets their own password: the portal never makes,
    sends or shows a password. Only the token's SHA-256 is stored, so a copy of the database
    opens no account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кого пригласили",
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField("адрес, на который отправлено")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто пригласил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("отправлено", default=timezone.now)
    expires_at = models.DateTimeField("действует до")
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    revoked_at = models.DateTimeField("отозвано", null=True, blank=True)

    class Meta:
        verbose_name = "приглашение"
        verbose_name_plural = "приглашения"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "accepted_at", "revoked_at"])]

    def __str__(self):
        return f"Приглашение {self.email}"

    @property
    def is_open(self) -> bool:
        """Neither used nor withdrawn nor expired: the link still works."""
        used = self.accepted_at is not None or self.revoked_at is not None
        return not used and self.expires_at > timezone.now()


class AuditEntry(models.Model):
    """Who changed what, and when. Written by service functions inside their transaction."""

    at = models.DateTimeField("когда", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField("действие", max_length=100)
    object_type = models.CharField("тип объекта", max_length=100)
    object_id = models.CharField("объект", max_length=64, blank=True)
    object_repr = models.CharField("описание объекта", max_length=300, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changes = models.JSONField("изменения", default=dict, blank=True)

    class Meta:
        verbose_name = "запись журнала"
        verbose_name_plural = "журнал изменений"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        from .extensions import action_label

        return action_label(self.action)

    @property
    def change_items(self) -> list[tuple[str, str]]:
        """The changes as (Russian name, readable value) pairs. (For templates:
        `changes.items` would look up a change named "items" first.)"""
        from .journal import change_items

        return change_items(self)


class Document(models.Model):
    """A printable document (order, plan, schedule, conclusion, report) of one object, rendered
    to PDF by a background task. An approved document is frozen: its PDF is rendered once and
    never changes, hence one document per object; a change is a new object (an amending order)."""

    class Status(models.TextChoices):
        PENDING = "pending", "ожидает формирования"
        READY = "ready", "готов"
        FAILED = "failed", "ошибка"

    kind = models.CharField(
        "вид документа",
        max_length=100,
        help_text="Ключ в реестре документов, например community.order.",
    )
    object_id = models.CharField("объект", max_length=64)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
    )
    title = models.CharField("название", max_length=300)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField("файл PDF", upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField("контрольная сумма SHA-256", max_length=64, blank=True)
    # Kept here so that a page showing the document does not ask the file store (S3) for it.
    size = models.PositiveBigIntegerField("размер, байт", null=True, blank=True)
    error = models.TextField("ошибка", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто запросил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField("когда запрошен", default=timezone.now)
    rendered_at = models.DateTimeField("когда сформирован", null=True, blank=True)

    class Meta:
        verbose_name = "документ"
        verbose_name_plural = "документы"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="document_unique_object")
        ]

    def __str__(self):
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def queue_key(self) -> str:
        return f"document:{self.pk}"

    def queue_state(self) -> str:
        """For a pending document, what holds up its render ("waiting" for the broker,
        "stuck" with a dead worker, or ""), see `tutoring.outbox.state`."""
        if not self.is_pending:
            return ""
        from .outbox import state  # the outbox reads this module's models

        return state(self.queue_key, since=self.requested_at)

    @property
    def download_name(self) -> str:
        """The title as a file name: characters that Windows refuses in names become «_»
        (an order number such as 01-03/24 stays readable as 01-03_24)."""
        name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", self.title)
        name = " ".join(name.split())[:150].rstrip()
        return f"{name or 'документ'}.pdf"


def directory_import_path(batch, filename: str) -> str:
    # The name the user gave is kept in `original_name`; the stored one says nothing.
    return f"imports/lists/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class DirectoryImport(models.Model):
    """An uploaded list of schools or of staff: stored and checked by a Celery task (every
    problem by row and column, or each row's outcome staged as a `DirectoryImportRow`), shown
    as a preview, and applied when the user confirms. The uploaded file is kept only while it
    is being checked (and after a failed check, for «Повторить»)."""

    class Kind(models.TextChoices):
        ORGANIZATIONS = "organizations", "список школ"
        PEOPLE = "people", "список сотрудников"

    class Status(models.TextChoices):
        CHECKING = "checking", "проверяется"
        FAILED = "failed", "проверка не удалась"
        REJECTED = "rejected", "отклонён: есть ошибки"
        READY = "ready", "проверен, ждёт подтверждения"
        LOADING = "loading", "применяется"
        LOADED = "loaded", "загружен"
        CANCELLED = "cancelled", "отменён"

    kind = models.CharField("что загружается", max_length=16, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа, загрузившая список",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Пусто, если список загрузил методист или администратор региона.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveBigIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256 файла", max_length=64)
    upload = models.FileField(
        "файл на проверке", upload_to=directory_import_path, blank=True, max_length=200
    )
    status = models.CharField("состояние", max_length=16, choices=Status.choices)
    counts = models.JSONField("итоги", default=dict, blank=True)
    errors = models.JSONField("ошибки", default=list, blank=True)
    failure = models.TextField("причина сбоя проверки или загрузки", blank=True)
    created_at = models.DateTimeField("загружен на проверку", default=timezone.now)
    loaded_at = models.DateTimeField("применён", null=True, blank=True)
    invited_at = models.DateTimeField("приглашения отправлены", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка списка"
        verbose_name_plural = "загрузки списков"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])


class DirectoryImportRow(models.Model):
    """One checked row of a clean file: what it will do, and everything needed to do it
    (resolved ids, normalised values), so that confirming reads no file again."""

    class Change(models.TextChoices):
        NEW = "new", "добавится"
        UPDATE = "update", "обновится"
        SAME = "same", "без изменений"

    directory_import = models.ForeignKey(
        DirectoryImport, verbose_name="загрузка", on_delete=models.CASCADE, related_name="rows"
    )
    number = models.PositiveIntegerField("строка файла")
    change = models.CharField("что будет", max_length=8, choices=Change.choices)
    title = models.CharField("кто или что", max_length=500)
    details = models.CharField("что изменится", max_length=1000, blank=True)
    target_id = models.PositiveBigIntegerField("существующая запись", null=True, blank=True)
    data = models.JSONField("значения", default=dict)

    class Meta:
        verbose_name = "строка загрузки списка"
        verbose_name_plural = "строки загрузок списков"
        ordering = ["directory_import", "number"]
        indexes = [models.Index(fields=["directory_import", "change", "number"])]

    def __str__(self):
        return f"Строка {self.number}: {self.title}"


class FormSubmission(models.Model):
    """A create form's one-time token, claimed by its first submit and kept with the page of
    what that submit made: a second submit of the same form (a double click, a resent POST, a
    reload after a timeout) is sent there instead of making a duplicate. Kept in the database
    so that the answer survives a worker restart."""

    user = models.ForeignKey(
        "User", verbose_name="пользователь", on_delete=models.CASCADE, related_name="+"
    )
    token = models.CharField("одноразовый ключ формы", max_length=64)
    url = models.CharField("страница результата", max_length=500, blank=True)
    created_at = models.DateTimeField("отправлена", auto_now_add=True)

    class Meta:
        verbose_name = "отправленная форма"
        verbose_name_plural = "отправленные формы"
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")
        ]

    def __str__(self):
        return f"Форма {self.token} ({self.user_id})"


class QueuedTask(models.Model):
    """A task that a committed change depends on (the outbox, see `tutoring.outbox`): written
    in the change's transaction, dispatched after the commit, deleted when the task has run.
    A row left behind says what was not done: never dispatched (the broker was down), or
    started and never finished (the worker died); the sweep sends it again or gives it up."""

    task = models.CharField("задача", max_length=200)
    args = models.JSONField("аргументы", default=list)
    key = models.CharField("объект", max_length=200, blank=True, db_index=True)
    task_id = models.UUIDField("номер в очереди", unique=True, default=uuid.uuid4)
    created_at = models.DateTimeField("поставлена", auto_now_add=True)
    dispatched_at = models.DateTimeField("передана в очередь", null=True, blank=True)
    started_at = models.DateTimeField("начата", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    failed_at = models.DateTimeField("оставлена", null=True, blank=True)
    failure = models.TextField("причина", blank=True)

    class Meta:
        verbose_name = "задача в очереди"
        verbose_name_plural = "задачи в очереди"
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(failed_at__isnull=True),
                name="queuedtask_open_idx",
            )
        ]

    def __str__(self):
        return f"{self.task} {self.args}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A line in a user's inbox: something put in their queue or an outcome they wait for,
    written by `tutoring.notifications.notify` in the transaction of the move that caused it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="получатель",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(
        "вид уведомления",
        max_length=100,
        help_text="Ключ в реестре уведомлений, например community.order.sent.",
    )
    text = models.TextField("текст")
    # A path inside the portal, never an address elsewhere: the inbox opens it after marking
    # the notification read, and an outside address would make it an open redirect.
    link = models.CharField("ссылка", max_length=500, blank=True)
    object_key = models.CharField(
        "объект", max_length=100, blank=True, help_text="Например community.order:5."
    )
    created_at = models.DateTimeField("когда", default=timezone.now)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)
    # Set once the notification has gone out by e-mail, on its own or in a digest: a letter
    # task run again (a retry, the outbox's sweep) skips what was already sent.
    emailed_at = models.DateTimeField("отправлено по почте", null=True, blank=True)
    digest = models.ForeignKey(
        "EmailDigest",
        verbose_name="сводка",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "-created_at"], name="notification_inbox_idx"
            ),
            # The daily digest reads the recent notifications not yet e-mailed.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True, digest__isnull=True, read_at__isnull=True),
                name="notification_unmailed_idx",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        from .notifications import kind_label

        return kind_label(self.kind)


class EmailChoice(models.TextChoices):
    """How a kind of notification reaches a person's e-mail (`tutoring.notifications`)."""

    NOW = "now", "сразу"
    DAILY = "daily", "раз в день"
    NEVER = "never", "не присылать"


class EmailPreference(models.Model):
    """A person's own choice for one kind of notification; without a row the kind's default
    (`register_kind(..., email=...)`) holds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField("вид уведомления", max_length=100)
    choice = models.CharField("письма", max_length=8, choices=EmailChoice.choices)

    class Meta:
        verbose_name = "настройка писем"
        verbose_name_plural = "настройки писем"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="emailpreference_unique_kind")
        ]

    def __str__(self):
        return f"{self.user} — {self.kind}: {self.get_choice_display()}"


DEFAULT_DIGEST_TIME = time(8, 0)


class EmailSettings(models.Model):
    """When a person's daily digest goes out: a time of day in their municipality's zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="email_settings",
    )
    digest_time = models.TimeField("время сводки", default=DEFAULT_DIGEST_TIME)

    class Meta:
        verbose_name = "время сводки"
        verbose_name_plural = "время сводок"

    def __str__(self):
        return f"{self.user}: {self.digest_time:%H:%M}"


class EmailDigest(models.Model):
    """One daily digest letter of a person: claimed by the run that found it due (the unique
    day keeps two runs, or two workers, from sending a second one), sent by a task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="email_digests",
    )
    day = models.DateField("день", help_text="День в часовом поясе получателя.")
    created_at = models.DateTimeField("собрана", default=timezone.now)
    sent_at = models.DateTimeField("отправлена", null=True, blank=True)

    class Meta:
        verbose_name = "сводка уведомлений"
        verbose_name_plural = "сводки уведомлений"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="emaildigest_unique_day")
        ]

    def __str__(self):
        return f"{self.user}, {self.day:%d.%m.%Y}"


class SentReminder(models.Model):
    """That a reminder rule told a person of an object once: `tutoring.reminders` writes it in
    the transaction of the notification, and the unique constraint is what keeps a second run,
    or a second worker running at the same moment, from telling them again."""

    rule = models.CharField("правило", max_length=100)
    object_key = models.CharField(
        "объект", max_length=100, help_text="Например consultations.session:5."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="получатель",
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField("отправлено", default=timezone.now)

    class Meta:
        verbose_name = "отправленное напоминание"
        verbose_name_plural = "отправленные напоминания"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_key", "recipient"], name="sent_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.rule} {self.object_key} → {self.recipient_id}"
