"""Assessment results: ВПР (and, later, ГИА and diagnostic works) per school, loaded from the
files ФИС ОКО exports. A pupil is a participant code, never a name (DESIGN.md, «Monitoring»)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from tutoring.errors import DomainError  # noqa: F401 (one refusal type for every app)
from tutoring.models import Municipality, Organization, Subject


class AssessmentKind(models.TextChoices):
    VPR = "vpr", "ВПР"
    OGE = "oge", "ОГЭ"
    EGE = "ege", "ЕГЭ"
    GVE = "gve", "ГВЭ"
    DIAGNOSTIC = "diagnostic", "диагностическая работа"


class Assessment(models.Model):
    """One work of one year: ВПР 2025, математика, 5 класс. Its tasks are the same for every
    school, so they are kept once."""

    kind = models.CharField("вид", max_length=16, choices=AssessmentKind.choices)
    year = models.PositiveSmallIntegerField("год проведения")
    subject = models.ForeignKey(Subject, verbose_name="предмет", on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField("класс")
    title = models.CharField(
        "название",
        max_length=200,
        blank=True,
        help_text="Для диагностических работ: «Комплексная работа», «Пробный ОГЭ (декабрь)»; "
        "у ВПР и ГИА пусто.",
    )
    max_primary = models.PositiveSmallIntegerField("максимальный первичный балл", null=True)
    held_on = models.DateField("дата проведения", null=True, blank=True)
    # Raised by every load that changes the work's results (`summaries.summarize`): the
    # cached figures of this work are kept under it, those of the other works stay warm.
    results_version = models.PositiveIntegerField("версия результатов", default=0, editable=False)

    class Meta:
        verbose_name = "оценочная процедура"
        verbose_name_plural = "оценочные процедуры"
        ordering = ["-year", "kind", "subject__name", "grade"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "subject", "grade", "title"], name="assessment_unique"
            )
        ]

    def __str__(self):
        name = self.title or self.get_kind_display()
        return f"{name} {self.year}, {self.subject}, {self.grade} класс"


class MinimumScoreQuerySet(models.QuerySet):
    def years(self) -> list[int]:
        return list(self.order_by("-year").values_list("year", flat=True).distinct())


class MinimumScore(models.Model):
    """The minimum of a ГИА exam in a year, set by Рособрнадзор (ЕГЭ: a test score) or by the
    region (ОГЭ and ГВЭ: the primary score of a «3»). Reference data, kept by the admin."""

    kind = models.CharField(
        "экзамен",
        max_length=16,
        choices=[(k, label) for k, label in AssessmentKind.choices if k in ("oge", "ege", "gve")],
    )
    year = models.PositiveSmallIntegerField("год")
    subject = models.ForeignKey(Subject, verbose_name="предмет", on_delete=models.PROTECT)
    grade = models.PositiveSmallIntegerField("класс")
    score = models.PositiveSmallIntegerField(
        "минимальный балл", help_text="ЕГЭ — тестовый балл; ОГЭ и ГВЭ — первичный балл отметки «3»."
    )

    objects = MinimumScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "минимальный балл ГИА"
        verbose_name_plural = "минимальные баллы ГИА"
        ordering = ["-year", "kind", "subject__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "subject", "grade"], name="minimum_score_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}, {self.subject}: {self.score}"


class AssessmentTask(models.Model):
    class Level(models.TextChoices):
        BASIC = "Б", "базовый"
        ADVANCED = "П", "повышенный"
        UNKNOWN = "", "не указан"

    assessment = models.ForeignKey(
        Assessment, verbose_name="процедура", on_delete=models.CASCADE, related_name="tasks"
    )
    position = models.PositiveSmallIntegerField("порядковый номер")
    number = models.CharField("номер задания", max_length=16)
    max_score = models.PositiveSmallIntegerField("максимальный балл")
    level = models.CharField("уровень", max_length=1, choices=Level.choices, blank=True)

    class Meta:
        verbose_name = "задание"
        verbose_name_plural = "задания"
        ordering = ["assessment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "position"], name="task_unique_position")
        ]

    def __str__(self):
        return f"№ {self.number} ({self.max_score} б.)"


def staging_path(batch, filename: str) -> str:
    return f"monitoring/staging/{batch.created_at:%Y/%m}/{batch.token}.jsonl.gz"


def upload_path(batch, filename: str) -> str:
    # A generated name: the client's name is kept in `original_name`, never as a path.
    return f"monitoring/uploads/{batch.created_at:%Y/%m}/{batch.token}.xlsx"


class ImportBatch(models.Model):
    """One uploaded file: stored and checked by a task (its rows, without names, kept in a
    staging file; the upload itself deleted once checked), shown as a preview, and loaded
    when the user confirms."""

    class Status(models.TextChoices):
        CHECKING = "checking", "проверяется"
        REJECTED = "rejected", "отклонён: есть ошибки"
        READY = "ready", "проверен, ждёт подтверждения"
        LOADING = "loading", "загружается"
        LOADED = "loaded", "загружен"
        FAILED = "failed", "сбой проверки или загрузки"
        CANCELLED = "cancelled", "отменён"

    kind = models.CharField("вид", max_length=16, choices=AssessmentKind.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Пусто у региональной загрузки командой import_vpr.",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа, загрузившая файл",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Пусто, если файл загрузил методист.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="загрузил",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    original_name = models.CharField("имя файла", max_length=255)
    size = models.PositiveBigIntegerField("размер, байт")
    sha256 = models.CharField("SHA-256 файла", max_length=64)
    token = models.CharField(max_length=32, unique=True, editable=False)
    # One of `gia.Layout` (which needs these models, so it is not imported here).
    layout = models.CharField("что в файле", max_length=16, default="vpr")
    upload = models.FileField(
        "файл на проверку",
        upload_to=upload_path,
        blank=True,
        help_text="Хранится, только пока файл проверяется.",
    )
    staging = models.FileField("проверенные строки", upload_to=staging_path, blank=True)
    status = models.CharField("состояние", max_length=16, choices=Status.choices)
    summary = models.JSONField("сводка", default=dict, blank=True)
    errors = models.JSONField("ошибки", default=list, blank=True)
    warnings = models.JSONField("предупреждения", default=list, blank=True)
    failure = models.TextField("причина сбоя", blank=True)
    created_at = models.DateTimeField("загружен на проверку", auto_now_add=True)
    loaded_at = models.DateTimeField("загружен в базу", null=True, blank=True)

    class Meta:
        verbose_name = "загрузка результатов"
        verbose_name_plural = "загрузки результатов"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("monitoring:import_detail", args=[self.pk])


class ResultSet(models.Model):
    """One school's results of one assessment. A corrected file replaces it whole; the same
    file again leaves it as it is (`digest` is the hash of its rows)."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="процедура", on_delete=models.PROTECT, related_name="results"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name="загрузка",
        on_delete=models.SET_NULL,
        null=True,
        related_name="result_sets",
    )
    participants = models.PositiveIntegerField("участников")
    digest = models.CharField("контрольная сумма строк", max_length=64)
    loaded_at = models.DateTimeField("загружено", auto_now=True)

    class Meta:
        verbose_name = "результаты школы"
        verbose_name_plural = "результаты школ"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "organization"], name="result_set_unique_school"
            )
        ]

    def __str__(self):
        return f"{self.assessment} — {self.organization}"


class Participant(models.Model):
    """A pupil's result, by the code ФИС ОКО gives: no name, no sex."""

    # No foreign key in the database, for the reason TaskScore gives: a year's 300,000
    # participants were each checked again at COMMIT, for result sets the loader has just
    # written and holds locked. Deleting a result set deletes its participants there all the
    # same, and with them their scores (triggers per statement, monitoring/0010 and 0007).
    result_set = models.ForeignKey(
        ResultSet,
        verbose_name="результаты школы",
        on_delete=models.CASCADE,
        related_name="participants_set",
        db_constraint=False,
        db_index=False,  # (result_set, mark) below leads with it
    )
    code = models.CharField("код участника", max_length=16)
    class_name = models.CharField("класс", max_length=8, blank=True)
    variant = models.PositiveSmallIntegerField("вариант", null=True)
    primary_score = models.PositiveSmallIntegerField("первичный балл")
    test_score = models.PositiveSmallIntegerField("тестовый балл", null=True, help_text="ЕГЭ.")
    mark = models.PositiveSmallIntegerField("отметка", null=True, help_text="Пусто у ЕГЭ.")
    journal_mark = models.PositiveSmallIntegerField("отметка по журналу", null=True)

    class Meta:
        verbose_name = "участник"
        verbose_name_plural = "участники"
        indexes = [models.Index(fields=["result_set", "mark"])]

    def __str__(self):
        return self.code


class TaskScore(models.Model):
    """A participant's score on a task. A task not attempted is NULL: it counts as 0 for task
    success, yet stays apart from a 0 the pupil earned."""

    pk = models.CompositePrimaryKey("participant_id", "task_id")
    # No foreign keys in the database (Django still cascades): only the loader writes scores,
    # for the participants it has just numbered and the tasks of the work it holds locked, and
    # PostgreSQL would check each of a year's 4 million scores again, row by row, at COMMIT:
    # more than half a load's time. Deleting a participant or a task deletes its scores there
    # all the same (a trigger per statement, monitoring/0007). The primary key leads with the
    # participant, so a second index on it would only be written.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.CASCADE,
        related_name="scores",
        db_constraint=False,
        db_index=False,
    )
    task = models.ForeignKey(
        AssessmentTask, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    score = models.PositiveSmallIntegerField("балл", null=True)

    class Meta:
        verbose_name = "балл за задание"
        verbose_name_plural = "баллы за задания"

    def __str__(self):
        return f"{self.participant_id}/{self.task_id}: {self.score}"


class Figures(models.Model):
    """What the pages count of results: kept per school's results and added up per
    municipality."""

    participants = models.PositiveIntegerField("участников")
    m2 = models.PositiveIntegerField("«2»")
    m3 = models.PositiveIntegerField("«3»")
    m4 = models.PositiveIntegerField("«4»")
    m5 = models.PositiveIntegerField("«5»")
    primary_sum = models.PositiveBigIntegerField("сумма первичных баллов")
    lower = models.PositiveIntegerField("ниже отметки по журналу")
    same = models.PositiveIntegerField("равна отметке по журналу")
    higher = models.PositiveIntegerField("выше отметки по журналу")

    class Meta:
        abstract = True


class ResultSetFigures(Figures):
    """What the pages count of one school's results, written when they are loaded
    (`summaries`, in the load's transaction): the municipality's and the region's
    figures add these rows up instead of every participant of the region."""

    result_set = models.OneToOneField(
        ResultSet, primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )

    class Meta:
        verbose_name = "показатели результатов школы"
        verbose_name_plural = "показатели результатов школ"

    def __str__(self):
        return f"{self.result_set_id}: {self.participants}"


class ResultSetTaskPoints(models.Model):
    """The sum of one school's scores on one task (a task not attempted adds nothing)."""

    pk = models.CompositePrimaryKey("result_set_id", "task_id")
    # No foreign keys in the database, as TaskScore: the loader writes these rows (20,000 a
    # region's work) for the result sets it has just written and the tasks it holds locked,
    # and COMMIT checked both keys of each again. Deleting a result set or a task deletes its
    # sums there all the same (triggers per statement, monitoring/0010).
    result_set = models.ForeignKey(
        ResultSet,
        on_delete=models.CASCADE,
        related_name="task_points",
        db_constraint=False,
        db_index=False,  # the primary key leads with it
    )
    task = models.ForeignKey(
        AssessmentTask, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    points = models.PositiveBigIntegerField("сумма баллов")

    class Meta:
        verbose_name = "сумма баллов школы за задание"
        verbose_name_plural = "суммы баллов школ за задания"

    def __str__(self):
        return f"{self.result_set_id}/{self.task_id}: {self.points}"


class MunicipalityFigures(Figures):
    """A work's `ResultSetFigures` added up over a municipality's schools, counted again for
    the municipalities a load touched (`summaries`): a region's figure then adds up 45 rows a
    work instead of 1,500, and its task success 45 × the tasks instead of 20,000. A school
    stays in its municipality (no service moves it), so the sums stay exact."""

    pk = models.CompositePrimaryKey("assessment_id", "municipality_id")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "показатели работы по муниципалитету"
        verbose_name_plural = "показатели работ по муниципалитетам"

    def __str__(self):
        return f"{self.assessment_id}/{self.municipality_id}: {self.participants}"


class MunicipalityTaskPoints(models.Model):
    """The sum of a municipality's scores on one task of a work."""

    pk = models.CompositePrimaryKey("assessment_id", "municipality_id", "task_id")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(AssessmentTask, on_delete=models.CASCADE, related_name="+")
    points = models.PositiveBigIntegerField("сумма баллов")

    class Meta:
        verbose_name = "сумма баллов муниципалитета за задание"
        verbose_name_plural = "суммы баллов муниципалитетов за задания"

    def __str__(self):
        return f"{self.assessment_id}/{self.municipality_id}/{self.task_id}: {self.points}"


class WorkScoreMarks(models.Model):
    """How many participants of a work, over every school the portal holds, got a mark at a
    primary score. The mark boundaries the pages show come from these rows (a few dozen a
    work) instead of the region's participants (37,000 a work); they are counted again for a
    work whenever its results are written (`summaries`)."""

    pk = models.CompositePrimaryKey("assessment_id", "primary_score", "mark")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="+")
    primary_score = models.PositiveSmallIntegerField("первичный балл")
    mark = models.PositiveSmallIntegerField("отметка")
    participants = models.PositiveIntegerField("участников")

    class Meta:
        verbose_name = "отметки работы по первичному баллу"
        verbose_name_plural = "отметки работ по первичному баллу"

    def __str__(self):
        return f"{self.assessment_id}: {self.primary_score} → {self.mark} ({self.participants})"


class Report(models.Model):
    """A report printed through the document pipeline. Its figures are computed once, when it
    is made, and kept in `data`: the PDF and what it says never change afterwards, whatever is
    loaded or corrected later. A newer picture is a new report."""

    class Kind(models.TextChoices):
        EFFECTIVENESS = "effectiveness", "анализ эффективности деятельности сообщества"
        ANALYTICAL = "analytical", "аналитическая справка по результатам"
        PROGRAMME = "programme", "отчёт о школах в программе «500+»"

    kind = models.CharField("вид", max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        "tutoring.AcademicYear",
        verbose_name="учебный год",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField("название", max_length=300)
    number = models.PositiveIntegerField(
        "регистрационный номер",
        null=True,
        blank=True,
        help_text="По порядку в пределах муниципалитета и календарного года.",
    )
    data = models.JSONField("показатели на момент составления", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="составил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("составлен", auto_now_add=True)

    class Meta:
        verbose_name = "отчёт"
        verbose_name_plural = "отчёты"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "-created_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("monitoring:report_detail", args=[self.pk])


# A school's way out of low results (the federal project «500+» of ФИОКО): its curator for the
# year and its risk profile.


class Curatorship(models.Model):
    """The curator of a school with low results for an academic year: a tutor or a methodist
    of the municipality who accompanies the school («500+»: a curator for each school). The
    curator agrees the school's risk profile; their visits are their logged sessions."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        "tutoring.AcademicYear",
        verbose_name="учебный год",
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.PROTECT, related_name="curatorships"
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="куратор",
        on_delete=models.PROTECT,
        related_name="curatorships",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто назначил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField("назначен", auto_now_add=True)

    class Meta:
        verbose_name = "куратор школы"
        verbose_name_plural = "кураторы школ"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year"], name="curatorship_one_a_year"
            )
        ]
        indexes = [models.Index(fields=["curator", "academic_year"])]

    def __str__(self):
        return f"Куратор школы {self.organization} на {self.academic_year} учебный год"


class RiskLevel(models.TextChoices):
    HIGH = "high", "высокий"
    MEDIUM = "medium", "средний"
    LOW = "low", "низкий"
    NONE = "none", "не выявлен"


class RiskProfile(models.Model):
    """A school's «рисковый профиль» for an academic year: each direction of the region rated
    with a justification. The school drafts it; its curator or the municipality's methodist
    agrees it or returns it with comments."""

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на согласовании"
        RETURNED = "returned", "возвращён на доработку"
        AGREED = "agreed", "согласован"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        "tutoring.AcademicYear",
        verbose_name="учебный год",
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.PROTECT, related_name="risk_profiles"
    )
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    reviewer_comment = models.TextField("замечания", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="составил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("отправлен на согласование", null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто согласовал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField("согласован", null=True, blank=True)

    class Meta:
        verbose_name = "рисковый профиль школы"
        verbose_name_plural = "рисковые профили школ"
        ordering = ["-academic_year__start_year", "organization__short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year"], name="risk_profile_one_a_year"
            )
        ]

    def __str__(self):
        return f"Рисковый профиль {self.organization} на {self.academic_year} учебный год"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("monitoring:profile_detail", args=[self.pk])


class RiskRating(models.Model):
    """One direction of a profile: its level and why. `evidence` keeps what the portal offered
    for it when the profile was sent for agreement, so that the agreed profile reads as it did."""

    profile = models.ForeignKey(
        RiskProfile, verbose_name="профиль", on_delete=models.CASCADE, related_name="ratings"
    )
    direction = models.ForeignKey(
        "tutoring.RiskDirection",
        verbose_name="направление",
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.CharField("уровень риска", max_length=8, choices=RiskLevel.choices, blank=True)
    justification = models.TextField("обоснование", blank=True)
    evidence = models.TextField("данные портала", blank=True)

    class Meta:
        verbose_name = "оценка направления"
        verbose_name_plural = "оценки направлений"
        ordering = ["direction__position", "direction_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "direction"], name="risk_rating_one_a_direction"
            )
        ]

    def __str__(self):
        return f"{self.direction}: {self.get_level_display() or 'не оценено'}"


class SchoolProgramme(models.Model):
    """A document of a school in the programme («500+»): its концепция развития, its
    среднесрочная программа развития, and an антирисковая программа for each direction of its
    profile rated high or medium. The school drafts it, the methodist agrees it, the school's
    head approves it; approved, it is printed and frozen. A revision is a new version."""

    class Kind(models.TextChoices):
        CONCEPT = "concept", "концепция развития"
        MEDIUM_TERM = "medium_term", "среднесрочная программа развития"
        ANTIRISK = "antirisk", "антирисковая программа"

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        SUBMITTED = "submitted", "на согласовании"
        RETURNED = "returned", "возвращена на доработку"
        AGREED = "agreed", "согласована"
        APPROVED = "approved", "утверждена"
        SUPERSEDED = "superseded", "заменена новой редакцией"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    academic_year = models.ForeignKey(
        "tutoring.AcademicYear",
        verbose_name="учебный год",
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.PROTECT, related_name="programmes"
    )
    kind = models.CharField("вид документа", max_length=16, choices=Kind.choices)
    direction = models.ForeignKey(
        "tutoring.RiskDirection",
        verbose_name="направление риска",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField("редакция", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="прежняя редакция",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    goal = models.TextField("цель", blank=True)
    tasks = models.TextField("задачи", blank=True, help_text="Каждая задача с новой строки.")
    text = models.TextField(
        "содержание",
        blank=True,
        help_text="Разделы документа: строка, начинающаяся с «#», — заголовок раздела.",
    )
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    reviewer_comment = models.TextField("замечания методиста", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="составил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField("отправлена на согласование", null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто согласовал",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    agreed_at = models.DateTimeField("согласована", null=True, blank=True)
    approved_at = models.DateTimeField("утверждена", null=True, blank=True)
    # The head's name and post as the grif prints them, and what the document said, kept at
    # approval: what the head signed does not change with the school's later edits.
    approved_by_head = models.CharField("утвердил (руководитель)", max_length=300, blank=True)
    snapshot = models.JSONField("содержание на момент утверждения", default=dict, blank=True)

    class Meta:
        verbose_name = "программа школы"
        verbose_name_plural = "программы школ"
        ordering = ["-academic_year__start_year", "organization__short_name", "kind", "pk"]
        constraints = [
            # One version of each document a year: the concept and the medium-term programme
            # have no direction, each antirisk programme has its own.
            models.UniqueConstraint(
                fields=["organization", "academic_year", "kind", "version"],
                condition=Q(direction__isnull=True),
                name="programme_version_unique",
            ),
            models.UniqueConstraint(
                fields=["organization", "academic_year", "direction", "version"],
                condition=Q(direction__isnull=False),
                name="antirisk_programme_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="antirisk", direction__isnull=False)
                | (~Q(kind="antirisk") & Q(direction__isnull=True)),
                name="programme_direction_only_antirisk",
            ),
        ]

    def __str__(self):
        name = self.get_kind_display()
        if self.direction_id:
            name = f"{name} «{self.direction.name}»"
        version = f", редакция {self.version}" if self.version > 1 else ""
        return f"{name[:1].upper()}{name[1:]} {self.organization} на {self.academic_year}{version}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("monitoring:programme_detail", args=[self.pk])


class Measure(models.Model):
    """A measure of a programme: what, when, who is responsible, what is expected, and what in
    the portal carries it out (a tutor's assignment, a session or a series, an event, a
    development route, an expertise case), whose state says whether it was done."""

    programme = models.ForeignKey(
        SchoolProgramme, verbose_name="программа", on_delete=models.CASCADE, related_name="measures"
    )
    position = models.PositiveSmallIntegerField("порядок", default=0)
    title = models.TextField("мероприятие")
    starts_on = models.DateField("начало")
    ends_on = models.DateField("срок")
    responsible = models.CharField("ответственный", max_length=300)
    expected_result = models.CharField("ожидаемый результат", max_length=500, blank=True)
    done_on = models.DateField("выполнено", null=True, blank=True)
    assignment = models.ForeignKey(
        "community.Assignment",
        verbose_name="закрепление тьютора",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    series = models.ForeignKey(
        "consultations.SessionSeries",
        verbose_name="серия занятий",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    session = models.ForeignKey(
        "consultations.Session",
        verbose_name="занятие",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.ForeignKey(
        "consultations.Event",
        verbose_name="мероприятие сообщества",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    route = models.ForeignKey(
        "community.DevelopmentRoute",
        verbose_name="маршрут профессионального развития",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "expertise.ExpertiseCase",
        verbose_name="экспертиза",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "мероприятие программы"
        verbose_name_plural = "мероприятия программ"
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="measure_dates_in_order"
            )
        ]

    def __str__(self):
        return self.title[:200]


class Indicator(models.Model):
    """A planned result of a programme: its baseline, its target and where its value comes
    from — the portal's data (`Source`, computed whenever the page is read, so new results
    move it at once) or the school, which enters the value with its evidence."""

    class Source(models.TextChoices):
        VPR_TWOS = "vpr_twos", "доля «2» на ВПР, %"
        VPR_CONFIRMED = "vpr_confirmed", "доля отметок ВПР не ниже журнальных, %"
        ROUTE_SHARE = "route_share", "доля учителей с маршрутом профессионального развития, %"
        SESSIONS_HELD = "sessions_held", "число проведённых в школе занятий тьюторов"
        MANUAL = "manual", "вводит школа"

    programme = models.ForeignKey(
        SchoolProgramme,
        verbose_name="программа",
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField("порядок", default=0)
    title = models.CharField("показатель", max_length=300)
    source = models.CharField("источник", max_length=16, choices=Source.choices)
    subject = models.ForeignKey(
        Subject,
        verbose_name="предмет",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    grade = models.PositiveSmallIntegerField("класс", null=True, blank=True)
    baseline = models.DecimalField("базовое значение", max_digits=8, decimal_places=1)
    # The year of results (ВПР) or the academic year's start (the rest) the baseline is of.
    baseline_year = models.PositiveSmallIntegerField("год базового значения", null=True, blank=True)
    baseline_note = models.CharField("когда и откуда базовое значение", max_length=200, blank=True)
    target = models.DecimalField("целевое значение", max_digits=8, decimal_places=1)
    # Entered by the school for a `MANUAL` indicator, with what shows it.
    value = models.DecimalField(
        "текущее значение", max_digits=8, decimal_places=1, null=True, blank=True
    )
    evidence = models.TextField("подтверждение", blank=True)

    class Meta:
        verbose_name = "показатель программы"
        verbose_name_plural = "показатели программ"
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class ExitRule(models.Model):
    """When a school leaves the list (ШНОР/ШССУ): the municipality's own rule, which the portal
    checks against the results each year. By default: the share of «2» over the school's ВПР
    works below the municipality's for two years running, and the work confirming the journal
    mark (the same or higher) for at least 70 % of the pupils who have both."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.CASCADE,
        related_name="exit_rule",
    )
    years = models.PositiveSmallIntegerField(
        "лет подряд",
        default=2,
        help_text="Сколько последних лет с результатами ВПР доля «2» школы должна быть ниже "
        "муниципальной.",
    )
    confirmed_min = models.DecimalField(
        "подтверждено отметок не менее, %",
        max_digits=4,
        decimal_places=1,
        default=70,
        help_text="Доля участников, у которых отметка ВПР не ниже журнальной, в последнем году.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто изменил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)

    class Meta:
        verbose_name = "правило выхода из списка ШНОР/ШССУ"
        verbose_name_plural = "правила выхода из списка ШНОР/ШССУ"

    def __str__(self):
        return f"Правило выхода из списка: {self.municipality}"


class ProgrammeExit(models.Model):
    """A school leaves the list after an academic year: the portal proposed it by the rule,
    the methodist confirmed. The figures it was decided on are kept."""

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    organization = models.ForeignKey(
        Organization, verbose_name="школа", on_delete=models.PROTECT, related_name="+"
    )
    academic_year = models.ForeignKey(
        "tutoring.AcademicYear",
        verbose_name="последний учебный год в программе",
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasons = models.TextField("на основании")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="подтвердил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("подтверждено", auto_now_add=True)

    class Meta:
        verbose_name = "выход школы из списка ШНОР/ШССУ"
        verbose_name_plural = "выходы школ из списка ШНОР/ШССУ"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "academic_year"], name="programme_exit_once"
            )
        ]

    def __str__(self):
        return f"Выход {self.organization} из списка после {self.academic_year} учебного года"
