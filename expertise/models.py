"""Expertise (seed 002, II and 5.4): «исследование … проводимое компетентным лицом … с целью
получения мотивированного заключения по заранее определенным аспектам». A school or a teacher
submits a planning document or a portfolio; tutors review it against a rubric; the case ends
in a signed conclusion, possibly after rounds of revision."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tutoring.errors import DomainError  # noqa: F401 (one refusal type for every app)
from tutoring.models import AcademicYear, Municipality, Organization, Subject


class CaseKind(models.TextChoices):
    WORK_PROGRAMME = "work_programme", "рабочая программа"
    CALENDAR_PLAN = "calendar_plan", "календарно-тематическое планирование (КТП)"
    LESSON_PLAN = "lesson_plan", "технологическая карта урока"
    PORTFOLIO = "portfolio", "портфолио педагога"


class Verdict(models.TextChoices):
    COMPLIES = "complies", "соответствует"
    REVISION = "revision", "соответствует при условии доработки"
    FAILS = "fails", "не соответствует"
    # A portfolio is not "compliant": it shows a level of professional activity.
    HIGH = "high", "высокий уровень"
    SUFFICIENT = "sufficient", "достаточный уровень"
    LOW = "low", "недостаточный уровень"


# The verdicts of a kind, from the best to the worst, by the band of the score they stand for.
DOCUMENT_VERDICTS = (Verdict.COMPLIES, Verdict.REVISION, Verdict.FAILS)
PORTFOLIO_VERDICTS = (Verdict.HIGH, Verdict.SUFFICIENT, Verdict.LOW)


def verdicts_for(kind: str) -> tuple[Verdict, ...]:
    return PORTFOLIO_VERDICTS if kind == CaseKind.PORTFOLIO else DOCUMENT_VERDICTS


class Rubric(models.Model):
    """A set of criteria for one kind of case in a municipality. A rubric that cases were
    reviewed against no longer changes; the methodist edits a new edition instead."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        ACTIVE = "active", "действует"
        RETIRED = "retired", "заменён"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="rubrics",
    )
    kind = models.CharField("вид экспертизы", max_length=32, choices=CaseKind.choices)
    title = models.CharField("название", max_length=300)
    description = models.TextField("пояснение", blank=True)
    edition = models.PositiveSmallIntegerField("редакция", default=1)
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    upper = models.PositiveSmallIntegerField(
        "верхний порог, % от максимума",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Не ниже него — «соответствует» (для портфолио — высокий уровень).",
    )
    lower = models.PositiveSmallIntegerField(
        "нижний порог, % от максимума",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Не ниже него — «соответствует при условии доработки» "
        "(для портфолио — достаточный уровень); ниже — «не соответствует».",
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    activated_at = models.DateTimeField("введён в действие", null=True, blank=True)

    class Meta:
        verbose_name = "набор критериев"
        verbose_name_plural = "наборы критериев"
        ordering = ["municipality__name", "kind", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"],
                condition=Q(status="active"),
                name="rubric_one_active_per_kind",
            ),
            models.UniqueConstraint(
                fields=["municipality", "kind", "edition"], name="rubric_unique_edition"
            ),
            models.CheckConstraint(
                condition=Q(lower__lte=models.F("upper")), name="rubric_thresholds_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.title} (ред. {self.edition})"

    def get_absolute_url(self):
        return reverse("expertise:rubric_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Criterion(models.Model):
    rubric = models.ForeignKey(
        Rubric, verbose_name="набор критериев", on_delete=models.CASCADE, related_name="criteria"
    )
    number = models.PositiveSmallIntegerField("№")
    title = models.CharField("критерий", max_length=300)
    guidance = models.TextField(
        "что проверить эксперту", blank=True, help_text="Эксперт видит это, когда оценивает."
    )
    max_score = models.PositiveSmallIntegerField(
        "высший балл",
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Шкала от 0 до этого балла.",
    )
    required = models.BooleanField(
        "обязательный",
        default=False,
        help_text="Оценка 0 по обязательному критерию не даёт признать документ "
        "соответствующим без доработки.",
    )

    class Meta:
        verbose_name = "критерий"
        verbose_name_plural = "критерии"
        ordering = ["rubric", "number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="criterion_unique_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ExpertiseCase(models.Model):
    """Заявка на экспертизу and everything that follows from it."""

    class Status(models.TextChoices):
        NEW = "new", "ожидает назначения экспертов"
        REVIEW = "review", "на экспертизе"
        DISAGREEMENT = "disagreement", "расхождение экспертов"
        REVISION = "revision", "на доработке у автора"
        CONCLUDED = "concluded", "заключение выдано"
        WITHDRAWN = "withdrawn", "отозвана"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="expertise_cases",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа",
        on_delete=models.PROTECT,
        related_name="expertise_cases",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор (учитель)",
        on_delete=models.PROTECT,
        related_name="expertise_cases",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подал",
        on_delete=models.PROTECT,
        related_name="expertise_cases_submitted",
    )
    kind = models.CharField("что на экспертизе", max_length=32, choices=CaseKind.choices)
    title = models.CharField(
        "название документа",
        max_length=300,
        help_text="Например, «Рабочая программа по математике для 5–9 классов».",
    )
    subject = models.ForeignKey(
        Subject, verbose_name="предмет", on_delete=models.PROTECT, related_name="+"
    )
    grades = models.CharField(
        "классы", max_length=50, blank=True, help_text="Например, «5–9» или «7»."
    )
    academic_year = models.ForeignKey(
        AcademicYear, verbose_name="учебный год", on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField("комментарий для экспертов", blank=True)
    rubric = models.ForeignKey(
        Rubric, verbose_name="набор критериев", on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.NEW
    )
    status_reason = models.TextField("причина", blank=True)
    round_number = models.PositiveSmallIntegerField("раунд", default=1)
    blind = models.BooleanField(
        "скрыть автора от экспертов",
        default=False,
        help_text="Эксперты не увидят имени автора и школы.",
    )
    deadline = models.DateField("срок экспертизы", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="назначил экспертов",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    verdict = models.CharField("итоговый вывод", max_length=16, choices=Verdict.choices, blank=True)
    created_at = models.DateTimeField("подана", default=timezone.now)
    updated_at = models.DateTimeField("изменена", auto_now=True)

    class Meta:
        verbose_name = "экспертиза"
        verbose_name_plural = "экспертизы"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status", "-created_at"]),
            models.Index(fields=["organization", "-created_at"]),
        ]

    def __str__(self):
        return f"Экспертиза № {self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("expertise:case_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.NEW, self.Status.REVIEW, self.Status.DISAGREEMENT)


class Round(models.Model):
    """One version of the documents under review: the first submission or a revision."""

    case = models.ForeignKey(
        ExpertiseCase, verbose_name="экспертиза", on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField("раунд")
    note = models.TextField(
        "что изменено", blank=True, help_text="Для доработанной версии: что автор исправил."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто загрузил",
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("загружен", default=timezone.now)

    class Meta:
        verbose_name = "раунд экспертизы"
        verbose_name_plural = "раунды экспертизы"
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="round_unique_number")
        ]

    def __str__(self):
        return f"Раунд {self.number}"


def case_file_path(instance, filename):
    # A generated name: what a teacher called the file never reaches the file system, and
    # nobody can guess the name of another case's file.
    return f"expertise/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class CaseFile(models.Model):
    round = models.ForeignKey(
        Round, verbose_name="раунд", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("файл", upload_to=case_file_path, max_length=200)
    original_name = models.CharField("имя файла", max_length=255)
    content_type = models.CharField("тип", max_length=100)
    size = models.PositiveIntegerField("размер, байт")
    sha256 = models.CharField("контрольная сумма SHA-256", max_length=64)

    class Meta:
        verbose_name = "файл экспертизы"
        verbose_name_plural = "файлы экспертизы"
        ordering = ["round", "id"]

    def __str__(self):
        return self.original_name

    @property
    def extension(self) -> str:
        return PurePath(self.file.name).suffix


class Review(models.Model):
    """One expert's review of one round."""

    class Status(models.TextChoices):
        PENDING = "pending", "ожидает оценки"
        SUBMITTED = "submitted", "оценка дана"

    round = models.ForeignKey(
        Round, verbose_name="раунд", on_delete=models.CASCADE, related_name="reviews"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="эксперт",
        on_delete=models.PROTECT,
        related_name="expertise_reviews",
    )
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.PENDING
    )
    conclusion = models.TextField("мотивированное заключение эксперта", blank=True)
    total = models.PositiveSmallIntegerField("сумма баллов", null=True, blank=True)
    verdict = models.CharField("вывод", max_length=16, choices=Verdict.choices, blank=True)
    assigned_at = models.DateTimeField("назначен", default=timezone.now)
    submitted_at = models.DateTimeField("оценено", null=True, blank=True)

    class Meta:
        verbose_name = "оценка эксперта"
        verbose_name_plural = "оценки экспертов"
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "expert"], name="review_unique_expert")
        ]
        indexes = [models.Index(fields=["expert", "status"])]

    def __str__(self):
        return f"{self.expert} — {self.round}"

    def get_absolute_url(self):
        return reverse("expertise:review", args=[self.pk])


class Score(models.Model):
    review = models.ForeignKey(
        Review, verbose_name="оценка", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="критерий", on_delete=models.PROTECT, related_name="scores"
    )
    score = models.PositiveSmallIntegerField("балл")
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "балл по критерию"
        verbose_name_plural = "баллы по критериям"
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique_criterion")
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.score}"


class Conclusion(models.Model):
    """Экспертное заключение of a round, frozen at issue: `snapshot` holds everything the
    document shows, so later edits of the rubric, the names or the school change nothing."""

    case = models.ForeignKey(
        ExpertiseCase,
        verbose_name="экспертиза",
        on_delete=models.PROTECT,
        related_name="conclusions",
    )
    round = models.OneToOneField(
        Round, verbose_name="раунд", on_delete=models.PROTECT, related_name="conclusion"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    verdict = models.CharField("вывод", max_length=16, choices=Verdict.choices)
    reconciled = models.BooleanField("вывод принят методистом при расхождении", default=False)
    reason = models.TextField("обоснование методиста", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто выдал",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    issued_at = models.DateTimeField("выдано", default=timezone.now)
    snapshot = models.JSONField("содержание заключения")

    class Meta:
        verbose_name = "экспертное заключение"
        verbose_name_plural = "экспертные заключения"
        ordering = ["case", "round__number"]

    def __str__(self):
        return f"Экспертное заключение № {self.number}"

    @property
    def number(self) -> str:
        return f"{self.case_id}-{self.snapshot.get('round', 1)}"
