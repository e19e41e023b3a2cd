"""The tutor community: nominations, the roster, orders with appendices, the community plan,
tutors' personal plans and assignments (seed 002: the order № 01-03/24 and its appendices)."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tutoring.errors import DomainError  # noqa: F401 (one refusal type for every app)
from tutoring.models import AcademicYear, Municipality, Organization, Subject


class TutorLevel(models.TextChoices):
    # Seed 002, 3.4: tutors of four levels.
    FEDERAL = "federal", "федеральный"
    REGIONAL = "regional", "региональный"
    MUNICIPAL = "municipal", "муниципальный"
    SCHOOL = "school", "школьный"


class Education(models.TextChoices):
    HIGHER_PEDAGOGICAL = "higher_pedagogical", "высшее педагогическое"
    HIGHER_OTHER = "higher_other", "высшее непедагогическое"
    SECONDARY_PROFESSIONAL = "secondary_professional", "среднее профессиональное"


class QualificationCategory(models.TextChoices):
    HIGHEST = "highest", "высшая"
    FIRST = "first", "первая"
    POSITION = "position", "соответствие занимаемой должности"
    NONE = "none", "без категории"


# Seeds 003 (3.2) and 004 (3.3): a tutor has higher pedagogical education and at least three
# years of teaching experience. The portal warns about a nomination that falls short; it does
# not refuse it, as the methodist decides.
MIN_EXPERIENCE_YEARS = 3


class Nomination(models.Model):
    """A school's proposal to include one of its teachers in the community (seed 002, 4.2)."""

    class Status(models.TextChoices):
        PENDING = "pending", "на рассмотрении"
        ACCEPTED = "accepted", "принято"
        REJECTED = "rejected", "отклонено"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.PROTECT, related_name="nominations"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учитель",
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    position = models.CharField("должность", max_length=200)
    subjects = models.ManyToManyField(Subject, verbose_name="предметы", related_name="+")
    level = models.CharField(
        "уровень тьютора", max_length=16, choices=TutorLevel.choices, default=TutorLevel.MUNICIPAL
    )
    education = models.CharField("образование", max_length=32, choices=Education.choices)
    experience_years = models.PositiveSmallIntegerField(
        "педагогический стаж, лет", validators=[MaxValueValidator(70)]
    )
    qualification_category = models.CharField(
        "квалификационная категория", max_length=16, choices=QualificationCategory.choices
    )
    achievements = models.TextField("профессиональные достижения")
    justification = models.TextField("обоснование школы")
    status = models.CharField(
        "статус", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    rejection_reason = models.TextField("причина отклонения", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подал",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("подано", default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто рассмотрел",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("рассмотрено", null=True, blank=True)

    class Meta:
        verbose_name = "предложение о включении в состав"
        verbose_name_plural = "предложения о включении в состав"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open proposal per teacher and year: a second would double the roster entry.
            models.UniqueConstraint(
                fields=["teacher", "academic_year"],
                condition=Q(status="pending"),
                name="nomination_one_pending_per_teacher_year",
            )
        ]
        indexes = [models.Index(fields=["municipality", "academic_year", "status"])]

    def __str__(self):
        return f"{self.teacher} — {self.organization} ({self.academic_year})"

    def get_absolute_url(self):
        return reverse("community:nomination_detail", args=[self.pk])

    @property
    def eligibility_warnings(self) -> list[str]:
        return eligibility_warnings(
            education=self.education, experience_years=self.experience_years
        )


def eligibility_warnings(*, education: str | None, experience_years: int | None) -> list[str]:
    warnings = []
    if education and education != Education.HIGHER_PEDAGOGICAL:
        warnings.append("Нет высшего педагогического образования.")
    if experience_years is not None and experience_years < MIN_EXPERIENCE_YEARS:
        warnings.append(f"Педагогический стаж меньше {MIN_EXPERIENCE_YEARS} лет.")
    return warnings


class Roster(models.Model):
    """The community's membership for one academic year. A draft is edited; the methodist
    marks it ready for the order, and the director's signature under that order approves it.
    A ready or approved roster is locked; a change after approval is a new revision under an
    amending order."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        READY = "ready", "готов к приказу"
        APPROVED = "approved", "утверждён"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="rosters",
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveSmallIntegerField("редакция", default=1)
    status = models.CharField("статус", max_length=16, choices=Status.choices, default="draft")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто утвердил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)
    approved_order = models.ForeignKey(
        "Order",
        verbose_name="утверждён приказом",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_rosters",
    )

    class Meta:
        verbose_name = "состав сообщества"
        verbose_name_plural = "составы сообщества"
        ordering = ["-academic_year__start_year", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "academic_year", "revision"],
                name="roster_unique_revision",
                violation_error_message="Такая редакция состава на этот учебный год уже есть.",
            ),
            # At most one unapproved roster at a time, so that nominations have one place to go.
            models.UniqueConstraint(
                fields=["municipality", "academic_year"],
                condition=Q(status__in=["draft", "ready"]),
                name="roster_one_open",
                violation_error_message="Неутверждённый состав на этот учебный год уже есть.",
            ),
        ]

    def __str__(self):
        suffix = f", редакция {self.revision}" if self.revision > 1 else ""
        return f"Состав сообщества тьюторов на {self.academic_year} учебный год{suffix}"

    def get_absolute_url(self):
        return reverse("community:roster_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class RosterEntry(models.Model):
    roster = models.ForeignKey(
        Roster, verbose_name="состав", on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="roster_entries",
    )
    subjects = models.ManyToManyField(Subject, verbose_name="предметы", related_name="+")
    position = models.CharField("должность", max_length=200)
    organization = models.ForeignKey(
        Organization, verbose_name="место работы", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        "уровень тьютора", max_length=16, choices=TutorLevel.choices, default=TutorLevel.MUNICIPAL
    )
    nomination = models.OneToOneField(
        Nomination,
        verbose_name="по предложению",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roster_entry",
    )

    class Meta:
        verbose_name = "тьютор в составе"
        verbose_name_plural = "тьюторы в составе"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "person"], name="roster_entry_unique_person")
        ]

    def __str__(self):
        return f"{self.person} ({self.roster.academic_year})"


class CommunityPlan(models.Model):
    """План-график работы сообщества for an academic year (seed 002, Приложение 3)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на утверждении"
        RETURNED = "returned", "возвращён на доработку"
        APPROVED = "approved", "утверждён"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="community_plans",
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("заголовок", max_length=300)
    # Seed 002's plan-schedule is one list numbered 1..N in the order of work; a plan is
    # printed under activity headings only when the methodist chooses so.
    group_by_activity = models.BooleanField("группировать по видам деятельности", default=False)
    status = models.CharField("статус", max_length=16, choices=Status.choices, default="draft")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто утвердил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("отправлен на утверждение", null=True, blank=True)
    return_comment = models.TextField("что доработать", blank=True)
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)
    # The «УТВЕРЖДАЮ» of the issuing organization's head on the day of approval, kept so that
    # the printed plan never changes with a later edit of the organization's heads.
    approval = models.JSONField("утверждающая подпись", null=True, blank=True)

    class Meta:
        verbose_name = "план работы сообщества"
        verbose_name_plural = "планы работы сообщества"
        ordering = ["-academic_year__start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "academic_year"], name="community_plan_unique_year"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:plan_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_editable(self) -> bool:
        """A draft, or a plan the head returned: the methodist changes its items."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED


class Activity(models.TextChoices):
    # Seed 002, 5.1: the five kinds of the community's activity.
    INFORMATIONAL = "informational", "информационная"
    EDUCATIONAL = "educational", "обучающая"
    EXPERT = "expert", "экспертная"
    CONSULTING = "consulting", "консультационная"
    MONITORING = "monitoring", "мониторинговая"


# Usual wordings of «Сроки реализации» in the seeds' plans; any other text is allowed too.
TIMING_SUGGESTIONS = [
    "в течение года",
    "ежемесячно",
    "регулярно",
    "по запросу ОО",
    "август-сентябрь",
    "сентябрь-октябрь",
    "октябрь-ноябрь",
    "декабрь-январь",
    "февраль-март",
    "апрель-май",
    "май",
    "октябрь",
]


class PlanItem(models.Model):
    plan = models.ForeignKey(
        CommunityPlan, verbose_name="план", on_delete=models.CASCADE, related_name="items"
    )
    activity = models.CharField("вид деятельности", max_length=16, choices=Activity.choices)
    # The item's place in the whole plan (not within its activity): the printed number.
    position = models.PositiveSmallIntegerField("порядок", default=0)
    content = models.TextField("содержание мероприятия")
    timing = models.CharField("сроки реализации", max_length=100)
    responsible = models.CharField("ответственные, привлечённые специалисты", max_length=500)

    class Meta:
        verbose_name = "мероприятие плана"
        verbose_name_plural = "мероприятия плана"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.content[:80]


class TutorPlan(models.Model):
    """A tutor's personal plan for the year, approved by the methodist (seed 002, 4.4)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на согласовании"
        RETURNED = "returned", "возвращён на доработку"
        APPROVED = "approved", "утверждён"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="tutor_plans",
    )
    status = models.CharField("статус", max_length=16, choices=Status.choices, default="draft")
    reviewer_comment = models.TextField("замечания методиста", blank=True)
    submitted_at = models.DateTimeField("отправлен на согласование", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто утвердил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("утверждён", null=True, blank=True)

    class Meta:
        verbose_name = "план работы тьютора"
        verbose_name_plural = "планы работы тьюторов"
        ordering = ["-academic_year__start_year", "tutor__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tutor", "municipality", "academic_year"], name="tutor_plan_unique_year"
            )
        ]

    def __str__(self):
        return f"План работы тьютора {self.tutor.short_name} на {self.academic_year} учебный год"

    def get_absolute_url(self):
        return reverse("community:tutor_plan_detail", args=[self.pk])


class TutorPlanItem(models.Model):
    plan = models.ForeignKey(
        TutorPlan, verbose_name="план", on_delete=models.CASCADE, related_name="items"
    )
    activity = models.CharField("вид деятельности", max_length=16, choices=Activity.choices)
    position = models.PositiveSmallIntegerField("порядок", default=0)
    content = models.TextField("содержание работы")
    timing = models.CharField("сроки", max_length=100)
    expected_result = models.CharField("ожидаемый результат", max_length=500, blank=True)

    class Meta:
        verbose_name = "пункт плана тьютора"
        verbose_name_plural = "пункты плана тьютора"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.content[:80]


class AssignmentQuerySet(models.QuerySet):
    def tutoring(self):
        return self.filter(kind=Assignment.Kind.TUTORING)

    def mentoring(self):
        return self.filter(kind=Assignment.Kind.MENTORING)


class TutoringManager(models.Manager.from_queryset(AssignmentQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Assignment.Kind.TUTORING)


class Assignment(models.Model):
    """Закрепление for an academic year, of one of two kinds: a tutor supports a teacher
    (тьютор → тьюторант), or a mentoring pair «учитель — учитель» of the Ministry's target
    model of mentoring (Р-145), where a mentor (a teacher, not necessarily a tutor) works with
    a colleague on a programme and the pair ends with its result. The mentor is kept in
    `tutor` and the mentee in `teacher`: the side that supports, the side supported."""

    class Kind(models.TextChoices):
        TUTORING = "tutoring", "тьютор — тьюторант"
        MENTORING = "mentoring", "наставник — наставляемый"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("вид", max_length=16, choices=Kind.choices, default=Kind.TUTORING)
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор или наставник",
        on_delete=models.PROTECT,
        related_name="tutees",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьюторант или наставляемый (учитель)",
        on_delete=models.PROTECT,
        related_name="assigned_tutors",
    )
    programme = models.TextField("программа наставничества", blank=True)
    result = models.TextField("результат наставничества", blank=True)
    ended_at = models.DateTimeField("пара завершена", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто закрепил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("закреплён", default=timezone.now)

    # `objects` keeps to tutors' assignments, as it read before pairs existed: whatever counts
    # or follows the tutors' work (a teacher's tutors in the effectiveness figures, the route
    # drawn up with the assigned tutor, matching a request to a tutor, the year's carry-over,
    # a programme measure tied to a tutor's assignment) stays a tutor's, and a mentoring pair
    # never enters it by accident. Pages that show both kinds read `all_kinds`, which is also
    # the manager Django itself uses (unique checks, related managers).
    all_kinds = AssignmentQuerySet.as_manager()
    objects = TutoringManager()

    class Meta:
        verbose_name = "закрепление тьютора или наставническая пара"
        verbose_name_plural = "закрепления тьюторов и наставнические пары"
        default_manager_name = "all_kinds"
        ordering = ["-academic_year__start_year", "tutor__last_name", "teacher__last_name"]
        constraints = [
            # One link between two people a year, whichever kind: a tutor who also mentors
            # the same teacher would be counted twice.
            models.UniqueConstraint(
                fields=["academic_year", "tutor", "teacher"], name="assignment_unique"
            ),
            models.CheckConstraint(
                condition=~Q(tutor=models.F("teacher")), name="assignment_not_self"
            ),
            models.CheckConstraint(
                condition=Q(kind="tutoring", programme="", result="", ended_at__isnull=True)
                | (Q(kind="mentoring") & ~Q(programme="")),
                name="assignment_pair_has_programme",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True, result="")
                | (Q(ended_at__isnull=False) & ~Q(result="")),
                name="assignment_ended_with_result",
            ),
        ]

    def __str__(self):
        pair = f"{self.tutor.short_name} → {self.teacher.short_name} ({self.academic_year})"
        return f"Наставническая пара {pair}" if self.is_mentoring else pair

    def get_absolute_url(self):
        return reverse("community:assignment_detail", args=[self.pk])

    @property
    def is_mentoring(self) -> bool:
        return self.kind == self.Kind.MENTORING

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None

    @property
    def guide_title(self) -> str:
        """What the supporting side is called: «тьютор» or «наставник»."""
        return "наставник" if self.is_mentoring else "тьютор"


class DeficitKind(models.TextChoices):
    # Р-201 (27.08.2021): a teacher's individual route rests on a diagnosis of four kinds of
    # professional deficits.
    SUBJECT = "subject", "предметные"
    METHODICAL = "methodical", "методические"
    PSYCHOLOGICAL = "psychological", "психолого-педагогические"
    COMMUNICATIVE = "communicative", "коммуникативные"


class DeficitDiagnosis(models.Model):
    """Диагностика профессиональных дефицитов of a teacher on a date (Р-201), recorded by the
    teacher's tutor, a methodist of the municipality or the teacher's school. A development
    route of that academic year or the next one offers its high and medium deficits as
    difficulties.

    Each kind rated is a row of `Deficit` rather than four (level, source, note) triples of
    columns here: a kind left unrated is no row instead of three empty fields, every kind
    reads its level from the same column (the route's offer, a count of a municipality's
    high methodical deficits), and a kind the Ministry adds is a new choice, not three new
    columns."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учитель",
        on_delete=models.PROTECT,
        related_name="deficit_diagnoses",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа учителя",
        on_delete=models.PROTECT,
        related_name="deficit_diagnoses",
    )
    date = models.DateField("дата диагностики")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто записал",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("записана", default=timezone.now)

    class Meta:
        verbose_name = "диагностика профессиональных дефицитов"
        verbose_name_plural = "диагностики профессиональных дефицитов"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["teacher", "academic_year", "date"])]

    def __str__(self):
        return f"Диагностика дефицитов: {self.teacher.short_name}, {self.date:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("community:diagnosis_detail", args=[self.pk])

    def rated(self) -> list["Deficit"]:
        """The kinds rated, in the order of Р-201 (from a prefetch when there is one)."""
        order = DeficitKind.values
        return sorted(self.deficits.all(), key=lambda deficit: order.index(deficit.kind))


class Deficit(models.Model):
    """One kind of deficits as a diagnosis rated it: the level, how it was found, a note."""

    class Level(models.TextChoices):
        HIGH = "high", "высокий уровень"
        MEDIUM = "medium", "средний уровень"
        LOW = "low", "низкий уровень"
        NONE = "none", "не выявлены"

    class Source(models.TextChoices):
        TEST = "test", "тест"
        EXPERT = "expert", "экспертное заключение"
        OBSERVATION = "observation", "наблюдение урока"
        OTHER = "other", "другое"

    diagnosis = models.ForeignKey(
        DeficitDiagnosis, on_delete=models.CASCADE, related_name="deficits"
    )
    kind = models.CharField("вид дефицитов", max_length=16, choices=DeficitKind.choices)
    level = models.CharField("уровень", max_length=8, choices=Level.choices)
    source = models.CharField("как выявлены", max_length=16, choices=Source.choices)
    note = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "профессиональные дефициты"
        verbose_name_plural = "профессиональные дефициты"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["diagnosis", "kind"], name="deficit_unique_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} дефициты: {self.get_level_display()}"


class Order(models.Model):
    """Приказ on an academic year: drafted by the methodist, sent for signature to the head of
    the issuing organization, who returns it with a comment or signs it. At signing its number
    and date are fixed, every appendix is frozen into a snapshot (what the PDF shows from then
    on) and the rosters it carries are approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", "проект"
        SENT = "sent", "на подписи"
        RETURNED = "returned", "возвращён на доработку"
        APPROVED = "approved", "подписан"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="orders",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="издающая организация",
        on_delete=models.PROTECT,
        related_name="orders",
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField("номер", max_length=50, blank=True)
    date = models.DateField("дата", null=True, blank=True)
    place = models.CharField("место издания", max_length=100)
    heading = models.CharField("заголовок", max_length=500)
    preamble = models.TextField("преамбула", blank=True)
    points = models.TextField(
        "пункты приказа", help_text="Каждый пункт — с новой строки; нумерация добавится сама."
    )
    signatory_position = models.CharField("должность подписывающего", max_length=300)
    signatory_name = models.CharField("подписывающий (И.О. Фамилия)", max_length=100)
    amends = models.ForeignKey(
        "self",
        verbose_name="изменяет приказ",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    status = models.CharField("статус", max_length=16, choices=Status.choices, default="draft")
    return_comment = models.TextField("замечания руководителя", blank=True)
    sent_at = models.DateTimeField("отправлен на подпись", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подготовил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подписал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("подписан", null=True, blank=True)

    class Meta:
        verbose_name = "приказ"
        verbose_name_plural = "приказы"
        ordering = ["-date", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "number", "date"],
                condition=Q(status="approved"),
                name="order_unique_number",
                violation_error_message="Приказ с этим номером и датой у организации уже есть.",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | (~Q(number="") & Q(date__isnull=False)),
                name="order_approved_has_number_and_date",
                violation_error_message="У подписанного приказа должны быть номер и дата.",
            ),
        ]

    def __str__(self):
        if self.status == self.Status.APPROVED:
            return f"Приказ от {self.date:%d.%m.%Y} № {self.number} «{self.heading}»"
        return f"Проект приказа «{self.heading}»"

    def get_absolute_url(self):
        return reverse("community:order_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        """Not signed yet (a draft, on signature or returned): no number, no PDF."""
        return self.status != self.Status.APPROVED

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        """The methodist edits a draft and a returned order; on signature it waits."""
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def point_list(self) -> list[str]:
        return [line.strip() for line in self.points.splitlines() if line.strip()]


class Appendix(models.Model):
    class Kind(models.TextChoices):
        ROSTER = "roster", "состав сообщества"
        PLAN = "plan", "план работы сообщества"
        TEXT = "text", "текст (положение и др.)"

    order = models.ForeignKey(
        Order, verbose_name="приказ", on_delete=models.CASCADE, related_name="appendices"
    )
    number = models.PositiveSmallIntegerField("номер приложения")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    title = models.CharField("заголовок", max_length=500)
    roster = models.ForeignKey(
        Roster,
        verbose_name="состав",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appendices",
    )
    plan = models.ForeignKey(
        CommunityPlan,
        verbose_name="план",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appendices",
    )
    text = models.TextField("текст", blank=True)
    # What the appendix shows, frozen when the order is approved; empty while a draft.
    snapshot = models.JSONField("содержание на дату подписания", null=True, blank=True)

    class Meta:
        verbose_name = "приложение к приказу"
        verbose_name_plural = "приложения к приказу"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "number"],
                name="appendix_unique_number",
                violation_error_message="Приложение с этим номером у приказа уже есть.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="roster", roster__isnull=False, plan__isnull=True)
                    | Q(kind="plan", plan__isnull=False, roster__isnull=True)
                    | Q(kind="text", roster__isnull=True, plan__isnull=True)
                ),
                name="appendix_kind_matches_source",
                violation_error_message=(
                    "Приложение «состав сообщества» показывает выбранный состав, «план работы» — "
                    "выбранный план, текстовое — только текст: выберите то, что подходит к виду."
                ),
            ),
        ]

    def __str__(self):
        return f"Приложение № {self.number}. {self.title}"


def material_file_path(material, filename: str) -> str:
    return f"library/{timezone.now():%Y/%m}/{material.token}{_extension(filename)}"


def step_file_path(step, filename: str) -> str:
    return f"routes/{timezone.now():%Y/%m}/{step.route_id}-{step.pk}{_extension(filename)}"


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower()[:8] if dot > 0 else ""


class Material(models.Model):
    """A methodical product of the community in its library (seed 002, 5.6 and 7.2: «банк
    информации и инновационных методических продуктов»): a case, a tutorial programme,
    recommendations, analytical materials, a recording. Its authors are kept for good
    (intellectual property, seed 001). Tutors and methodists write it; the methodist publishes
    it after moderation, and may later archive it."""

    class Kind(models.TextChoices):
        CASE = "case", "кейс-материал"
        PROGRAMME = "programme", "модульная программа тьюториала"
        RECOMMENDATIONS = "recommendations", "рекомендации по подготовке к ГИА и ВПР"
        ANALYTICAL = "analytical", "аналитические материалы"
        RECORDING = "recording", "запись мастер-класса или открытого урока"
        OTHER = "other", "другое"

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на модерации"
        PUBLISHED = "published", "опубликован"
        ARCHIVED = "archived", "в архиве"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="materials",
    )
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    title = models.CharField("название", max_length=300)
    description = models.TextField("описание")
    subjects = models.ManyToManyField(
        Subject, verbose_name="предметы", related_name="+", blank=True
    )
    grade_from = models.PositiveSmallIntegerField(
        "с класса", null=True, blank=True, validators=[MaxValueValidator(11)]
    )
    grade_to = models.PositiveSmallIntegerField(
        "по класс", null=True, blank=True, validators=[MaxValueValidator(11)]
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="авторы", related_name="materials"
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField("файл", upload_to=material_file_path, max_length=200, blank=True)
    file_name = models.CharField("имя файла", max_length=255, blank=True)
    link = models.URLField("ссылка", max_length=500, blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    moderation_comment = models.TextField("замечания модератора", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто добавил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("добавлен", default=timezone.now)
    updated_at = models.DateTimeField("изменён", auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто опубликовал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    # The search's words, weighted (title A, description B): written by the database itself on
    # every insert and update (a trigger of migration community/0009, PostgreSQL only), read
    # by the search through its GIN index, never computed per row. Empty on the SQLite demo.
    search_document = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = "методический материал"
        verbose_name_plural = "библиотека методических материалов"
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "status", "-published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_from__isnull=True)
                | Q(grade_to__isnull=True)
                | Q(grade_from__lte=models.F("grade_to")),
                name="material_grades_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("community:material_detail", args=[self.pk])


class DevelopmentRoute(models.Model):
    """Индивидуальный образовательный маршрут (ИОМ) of a teacher for an academic year, drawn up
    with their assigned tutor (seed 002, 8.2): the difficulties, the goals, the steps with
    their deadlines and evidence, and a closing reflection."""

    class Status(models.TextChoices):
        DRAFT = "draft", "составляется"
        ACTIVE = "active", "выполняется"
        CLOSED = "closed", "завершён"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учитель (тьюторант)",
        on_delete=models.PROTECT,
        related_name="development_routes",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа учителя",
        on_delete=models.PROTECT,
        related_name="development_routes",
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="guided_routes",
    )
    topic = models.CharField("тема маршрута", max_length=300)
    goals = models.TextField("цели", blank=True)
    reflection = models.TextField("итоговая рефлексия", blank=True)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто создал",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    closed_at = models.DateTimeField("завершён", null=True, blank=True)

    class Meta:
        verbose_name = "индивидуальный образовательный маршрут"
        verbose_name_plural = "индивидуальные образовательные маршруты"
        ordering = ["-academic_year__start_year", "teacher__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["academic_year", "teacher", "topic"], name="route_unique_topic"
            ),
            models.CheckConstraint(condition=~Q(tutor=models.F("teacher")), name="route_not_self"),
        ]

    def __str__(self):
        return f"ИОМ: {self.teacher.short_name}, {self.academic_year} — {self.topic}"

    def get_absolute_url(self):
        return reverse("community:route_detail", args=[self.pk])


class RouteDifficulty(models.Model):
    """A professional difficulty the route works on, and where it was found."""

    class Source(models.TextChoices):
        TEACHER = "teacher", "названа учителем"
        EXPERTISE = "expertise", "по итогам экспертизы"
        RESULTS = "results", "по результатам оценочных процедур"
        TUTOR = "tutor", "выявлена тьютором"
        DIAGNOSIS = "diagnosis", "по итогам диагностики дефицитов"

    route = models.ForeignKey(
        DevelopmentRoute, on_delete=models.CASCADE, related_name="difficulties"
    )
    source = models.CharField("откуда", max_length=16, choices=Source.choices)
    text = models.TextField("затруднение")
    # The diagnosis whose offered deficit this is: while a route works on it, the diagnosis
    # is the route's evidence and is neither changed nor deleted.
    diagnosis = models.ForeignKey(
        DeficitDiagnosis,
        verbose_name="по диагностике",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_difficulties",
    )
    position = models.PositiveSmallIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "затруднение"
        verbose_name_plural = "затруднения"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class RouteStep(models.Model):
    """A step of a route with its deadline inside the route's year; done when its evidence
    is given (a text, a file or both)."""

    class Kind(models.TextChoices):
        COURSE = "course", "курсы повышения квалификации"
        SESSION = "session", "занятие с тьютором"
        EVENT = "event", "мероприятие сообщества"
        SELF_STUDY = "self_study", "самообразование"
        MATERIAL = "material", "изучение материала библиотеки"
        PRACTICE = "practice", "практика: открытый урок, разработка"

    route = models.ForeignKey(DevelopmentRoute, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    title = models.CharField("что сделать", max_length=300)
    deadline = models.DateField("срок")
    material = models.ForeignKey(
        Material,
        verbose_name="материал библиотеки",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="route_steps",
    )
    done_at = models.DateTimeField("выполнен", null=True, blank=True)
    evidence = models.TextField("подтверждение", blank=True)
    evidence_file = models.FileField(
        "файл-подтверждение", upload_to=step_file_path, max_length=200, blank=True
    )
    evidence_name = models.CharField("имя файла", max_length=255, blank=True)

    class Meta:
        verbose_name = "шаг маршрута"
        verbose_name_plural = "шаги маршрута"
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["route", "deadline"])]

    def __str__(self):
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AchievementLevel(models.TextChoices):
    SCHOOL = "school", "школьный"
    MUNICIPAL = "municipal", "муниципальный"
    REGIONAL = "regional", "региональный"
    INTERREGIONAL = "interregional", "межрегиональный"
    FEDERAL = "federal", "федеральный"
    INTERNATIONAL = "international", "международный"


def achievement_file_path(achievement, filename: str) -> str:
    return f"achievements/{timezone.now():%Y/%m}/{achievement.tutor_id}{_extension(filename)}"


class Achievement(models.Model):
    """What a tutor shows for the year besides sessions: seed 004 asks a tutor centre for a
    minimum of publications, talks and training events a year."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", "публикация"
        TALK = "talk", "выступление на конференции или семинаре"
        TRAINING = "training", "проведённое обучающее мероприятие"
        COMPETITION = "competition", "участие в конкурсе"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="achievements",
    )
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    date = models.DateField("дата")
    title = models.CharField("название", max_length=500)
    level = models.CharField("уровень", max_length=16, choices=AchievementLevel.choices)
    evidence_link = models.URLField("ссылка-подтверждение", max_length=500, blank=True)
    evidence_file = models.FileField(
        "файл-подтверждение", upload_to=achievement_file_path, max_length=200, blank=True
    )
    evidence_name = models.CharField("имя файла", max_length=255, blank=True)
    created_at = models.DateTimeField("добавлено", default=timezone.now)

    class Meta:
        verbose_name = "достижение тьютора"
        verbose_name_plural = "достижения тьюторов"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["tutor", "academic_year", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(evidence_link="") | ~Q(evidence_file=""),
                name="achievement_has_evidence",
                violation_error_message="Приложите подтверждение: ссылку или файл.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()}: {self.title}"


class TutorYearReport(models.Model):
    """Отчёт о работе тьютора за учебный год: the plan beside what was done. The tutor
    writes the conclusion and submits; the methodist accepts or returns it with a comment.
    At acceptance the figures are frozen into `snapshot`, which the PDF prints."""

    class Status(models.TextChoices):
        DRAFT = "draft", "составляется"
        SUBMITTED = "submitted", "на проверке"
        RETURNED = "returned", "возвращён на доработку"
        ACCEPTED = "accepted", "принят"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="year_reports",
    )
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    conclusion = models.TextField("выводы тьютора", blank=True)
    reviewer_comment = models.TextField("замечания методиста", blank=True)
    snapshot = models.JSONField("данные на дату принятия", null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField("отправлен", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто принял",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField("принят", null=True, blank=True)
    created_at = models.DateTimeField("создан", default=timezone.now)

    class Meta:
        verbose_name = "отчёт о работе тьютора"
        verbose_name_plural = "отчёты о работе тьюторов"
        ordering = ["-academic_year__start_year", "tutor__last_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tutor", "municipality", "academic_year"], name="year_report_unique"
            )
        ]

    def __str__(self):
        return f"Отчёт о работе тьютора {self.tutor.short_name} за {self.academic_year} учебный год"

    def get_absolute_url(self):
        return reverse("community:year_report_detail", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.ACCEPTED
