"""The consultation point (seed 002, section VI): where and when tutors consult, the requests
of schools and teachers, and the sessions built from them without clashes."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tutoring.errors import DomainError  # noqa: F401 (one refusal type for every app)
from tutoring.models import Municipality, Organization, Subject


class Format(models.TextChoices):
    IN_PERSON = "in_person", "очно"
    REMOTE = "remote", "дистанционно"


class ConsultationPoint(models.Model):
    """Тьюторский консультационный пункт: at the УО, the ИМЦ or a school (seed 002, 6.2)."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="consultation_points",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="на базе организации",
        on_delete=models.PROTECT,
        related_name="consultation_points",
    )
    name = models.CharField("название", max_length=300)
    address = models.CharField("адрес", max_length=500)
    remote_link = models.URLField(
        "ссылка для дистанционных занятий",
        blank=True,
        help_text="Постоянная комната видеосвязи пункта, если она есть.",
    )
    working_hours = models.CharField(
        "часы работы", max_length=300, help_text="Например, «пн–пт 14:00–18:00»."
    )
    is_active = models.BooleanField("работает", default=True)

    class Meta:
        verbose_name = "консультационный пункт"
        verbose_name_plural = "консультационные пункты"
        ordering = ["municipality__name", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("consultations:point_detail", args=[self.pk])


class Room(models.Model):
    point = models.ForeignKey(
        ConsultationPoint, verbose_name="пункт", on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField("помещение", max_length=100)
    capacity = models.PositiveSmallIntegerField(
        "вместимость, человек", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    is_active = models.BooleanField("используется", default=True)
    remote_link = models.URLField(
        "ссылка для дистанционных занятий",
        max_length=500,
        blank=True,
        help_text="Постоянная комната видеосвязи этого помещения, если она есть.",
    )

    class Meta:
        verbose_name = "помещение"
        verbose_name_plural = "помещения"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["point", "name"], name="room_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.capacity} чел.)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "понедельник"
    TUESDAY = 1, "вторник"
    WEDNESDAY = 2, "среда"
    THURSDAY = 3, "четверг"
    FRIDAY = 4, "пятница"
    SATURDAY = 5, "суббота"
    SUNDAY = 6, "воскресенье"


class AvailabilitySlot(models.Model):
    """A tutor's weekly free time, in the municipality's local time."""

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.CASCADE,
        related_name="availability_slots",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.CASCADE
    )
    weekday = models.PositiveSmallIntegerField("день недели", choices=Weekday.choices)
    starts_at = models.TimeField("с")
    ends_at = models.TimeField("до")

    class Meta:
        verbose_name = "время приёма тьютора"
        verbose_name_plural = "время приёма тьюторов"
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="slot_starts_before_end"
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class AvailabilityException(models.Model):
    """Dates when a tutor does not consult: holidays, sick leave, courses."""

    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.CASCADE,
        related_name="availability_exceptions",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.CASCADE
    )
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    reason = models.CharField("причина", max_length=200)

    class Meta:
        verbose_name = "период без приёма"
        verbose_name_plural = "периоды без приёма"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="exception_dates_ordered"
            )
        ]

    def __str__(self):
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}: {self.reason}"


class RequestKind(models.TextChoices):
    # Seed 002, 5.7 and 6.4: the forms of work of the consultation point.
    INDIVIDUAL = "individual", "индивидуальная консультация"
    THEMATIC = "thematic", "тематическая консультация"
    SUPERVISION = "supervision", "супервизия"
    TUTORIAL = "tutorial", "тьюториал"
    GROUP_TEACHERS = "group_teachers", "групповое занятие для учителей"
    GROUP_PUPILS = "group_pupils", "групповое занятие для обучающихся"
    GROUP_BOTH = "group_both", "групповое занятие для учителей и обучающихся"
    MASTER_CLASS = "master_class", "мастер-класс"
    OPEN_LESSON = "open_lesson", "открытый урок"
    DEMONSTRATION_LESSON = "demonstration_lesson", "показательный урок"
    # Seed 002, plan item 1: «посещение уроков и мероприятий… ежемесячно».
    LESSON_VISIT = "lesson_visit", "посещение урока"


class Interval(models.IntegerChoices):
    WEEKLY = 1, "еженедельно"
    BIWEEKLY = 2, "раз в две недели"


class SessionSeries(models.Model):
    """Серия занятий: a tutorial course of N weeks (seed 001, 1.1–1.5 «по отдельному
    графику»). Booked all or nothing; each occurrence is a Session of its own, which can be
    moved or cancelled alone or with all that follow."""

    MAX_OCCURRENCES = 40

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="session_series",
    )
    request = models.ForeignKey(
        "ConsultationRequest",
        verbose_name="заявка",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="series",
    )
    interval = models.PositiveSmallIntegerField(
        "повторять", choices=Interval.choices, default=Interval.WEEKLY
    )
    count = models.PositiveSmallIntegerField(
        "число занятий",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OCCURRENCES)],
    )
    until = models.DateField("до даты", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто назначил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создана", default=timezone.now)

    class Meta:
        verbose_name = "серия занятий"
        verbose_name_plural = "серии занятий"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        # «из» takes the genitive: из 1 занятия, из 8 занятий, из 21 занятия.
        noun = "занятия" if self.count % 10 == 1 and self.count % 100 != 11 else "занятий"
        return f"Серия из {self.count} {noun} ({self.get_interval_display()})"

    def get_absolute_url(self):
        return reverse("consultations:series_detail", args=[self.pk])


class ConsultationRequest(models.Model):
    """Заявка: the schedule «формируется по заявкам общеобразовательных организаций и
    учителей-предметников» (seed 002, 6.6)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "подана"
        ACCEPTED = "accepted", "принята"
        SCHEDULED = "scheduled", "назначено занятие"
        HELD = "held", "занятие проведено"
        CLOSED = "closed", "закрыта"
        REJECTED = "rejected", "отклонена"
        WITHDRAWN = "withdrawn", "отозвана"
        CANCELLED = "cancelled", "отменена"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="consultation_requests",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа",
        on_delete=models.PROTECT,
        related_name="consultation_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подал",
        on_delete=models.PROTECT,
        related_name="consultation_requests",
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="для учителя",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Для заявки учителя — он сам; для заявки школы — по желанию.",
    )
    kind = models.CharField("форма работы", max_length=32, choices=RequestKind.choices)
    subject = models.ForeignKey(
        Subject, verbose_name="предмет", on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField("тема", max_length=300)
    difficulty = models.TextField("затруднение", help_text="Своими словами: что не получается.")
    participants = models.CharField(
        "участники", max_length=300, help_text="Например, «учителя математики 5–9 классов»."
    )
    participants_count = models.PositiveSmallIntegerField(
        "число участников", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    format = models.CharField("формат", max_length=16, choices=Format.choices)
    priority = models.BooleanField(
        "приоритетная",
        default=False,
        help_text="Заявка школы со статусом ШНОР или ШССУ в текущем учебном году.",
    )
    status = models.CharField(
        "статус", max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    status_reason = models.TextField("причина", blank=True)
    created_at = models.DateTimeField("подана", default=timezone.now)
    updated_at = models.DateTimeField("изменена", auto_now=True)
    rating = models.PositiveSmallIntegerField(
        "оценка помощи",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField("отзыв", blank=True)

    class Meta:
        verbose_name = "заявка на консультацию"
        verbose_name_plural = "заявки на консультацию"
        ordering = ["-priority", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "status", "created_at"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self):
        return f"Заявка № {self.pk}: {self.topic}"

    def get_absolute_url(self):
        return reverse("consultations:request_detail", args=[self.pk])


class RequestWindow(models.Model):
    """A period in which the requester can come: the matching looks for free time inside."""

    request = models.ForeignKey(
        ConsultationRequest,
        verbose_name="заявка",
        on_delete=models.CASCADE,
        related_name="windows",
    )
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")

    class Meta:
        verbose_name = "желаемые даты"
        verbose_name_plural = "желаемые даты"
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="window_dates_ordered"
            )
        ]

    def __str__(self):
        return f"{self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class Session(models.Model):
    """Занятие. A tutor, and a room, is never in two sessions at once: PostgreSQL refuses an
    overlapping booking (exclusion constraints over the time range, migration 0002), so two
    methodists booking at the same moment get one success and one refusal."""

    class Status(models.TextChoices):
        PLANNED = "planned", "запланировано"
        HELD = "held", "проведено"
        NOT_HELD = "not_held", "не состоялось"
        CANCELLED = "cancelled", "отменено"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    request = models.ForeignKey(
        ConsultationRequest,
        verbose_name="заявка",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )

    class Origin(models.TextChoices):
        BOOKED = "booked", "по заявке"
        OWN = "own", "запись тьютора"

    origin = models.CharField(
        "откуда", max_length=8, choices=Origin.choices, default=Origin.BOOKED, editable=False
    )
    point = models.ForeignKey(
        ConsultationPoint,
        verbose_name="пункт",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="Занятие, которое тьютор проводит в школе, проходит вне пункта.",
    )
    room = models.ForeignKey(
        Room,
        verbose_name="помещение",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text="Не нужно для дистанционного занятия.",
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="тьютор",
        on_delete=models.PROTECT,
        related_name="tutor_sessions",
    )
    kind = models.CharField("форма работы", max_length=32, choices=RequestKind.choices)
    format = models.CharField("формат", max_length=16, choices=Format.choices)
    # Whom the session supports: for a booked one, copied from its request at booking; for a
    # tutor's own, what the tutor records. The effect comparison and the reports count held
    # sessions by these, whatever their origin.
    organization = models.ForeignKey(
        Organization,
        verbose_name="школа",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    subject = models.ForeignKey(
        Subject,
        verbose_name="предмет",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.CharField("тема", max_length=300, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="учителя",
        blank=True,
        related_name="taken_sessions",
    )
    place = models.CharField(
        "место проведения",
        max_length=500,
        blank=True,
        help_text="Для очного занятия вне пункта: школа, кабинет.",
    )
    link = models.URLField(
        "ссылка для подключения",
        max_length=500,
        blank=True,
        help_text="Пусто — ссылка помещения или пункта, если она есть.",
    )
    series = models.ForeignKey(
        SessionSeries,
        verbose_name="серия",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    tutor_plan_item = models.ForeignKey(
        "community.TutorPlanItem",
        verbose_name="пункт плана тьютора",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    plan_item = models.ForeignKey(
        "community.PlanItem",
        verbose_name="мероприятие плана сообщества",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    route_step = models.ForeignKey(
        "community.RouteStep",
        verbose_name="шаг маршрута учителя",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    starts_at = models.DateTimeField("начало")
    ends_at = models.DateTimeField("окончание")
    status = models.CharField(
        "статус", max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.TextField("причина отмены", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто назначил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("назначено", default=timezone.now)
    # RFC 5545 SEQUENCE: raised with every change a calendar shows, so that a calendar which
    # already holds the session applies the new letter instead of ignoring it.
    sequence = models.PositiveIntegerField("номер версии в календаре", default=0, editable=False)

    class Meta:
        verbose_name = "занятие"
        verbose_name_plural = "занятия"
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["municipality", "starts_at"]),
            models.Index(fields=["tutor", "starts_at"]),
            models.Index(fields=["organization", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")), name="session_starts_before_end"
            ),
            # A booked session is at a consultation point; a tutor's own may be anywhere.
            models.CheckConstraint(
                condition=Q(origin="own") | Q(point__isnull=False),
                name="session_booked_has_point",
            ),
        ]
        # The exclusion constraints session_no_tutor_clash and session_no_room_clash live in
        # migration 0002, which creates them on PostgreSQL only: the one-command demo runs on
        # SQLite, which has no such constraints (there the booking service's check stands
        # alone, and SQLite's single writer keeps the check and the write together).

    def __str__(self):
        # In the active time zone, as the page around it shows times (not UTC).
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("consultations:session_detail", args=[self.pk])

    @property
    def is_over(self) -> bool:
        """A report is written after the session, so from its end, not from its start."""
        return self.ends_at <= timezone.now()

    @property
    def awaits_report(self) -> bool:
        return self.status == self.Status.PLANNED and self.is_over

    @property
    def is_own(self) -> bool:
        return self.origin == self.Origin.OWN

    @property
    def is_remote(self) -> bool:
        return self.format == Format.REMOTE

    @property
    def meeting_link(self) -> str:
        """The link to join a remote session: its own, else its room's, else its point's.
        Shown to the session's participants only (its selectors decide who they are)."""
        if not self.is_remote:
            return ""
        return (
            self.link
            or (self.room.remote_link if self.room_id else "")
            or (self.point.remote_link if self.point_id else "")
        )

    @property
    def where(self) -> str:
        """Where it happens, in words, for the page, the letters and the calendar."""
        if self.is_remote:
            return "дистанционно"
        if self.place:
            return self.place
        if self.point_id:
            room = f", {self.room.name}" if self.room_id else ""
            return f"{self.point.name}, {self.point.address}{room}"
        return str(self.organization) if self.organization_id else ""


class LessonObservation(models.Model):
    """Лист наблюдения урока: what a tutor saw at a teacher's lesson (seed 002, plan item 1:
    «посещение уроков… определение слабых мест»). Seen by the teacher observed, the tutor and
    the methodists only: it is about a person's work, not a public record."""

    session = models.OneToOneField(
        Session, verbose_name="занятие", on_delete=models.CASCADE, related_name="observation"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="учитель, чей урок посещён",
        on_delete=models.PROTECT,
        related_name="lesson_observations",
    )
    grade = models.CharField("класс", max_length=20, help_text="Например, «7 Б».")
    lesson_topic = models.CharField("тема урока", max_length=300)
    observed = models.TextField("что увидел тьютор")
    strengths = models.TextField("сильные стороны", blank=True)
    difficulties = models.TextField("затруднения", blank=True)
    recommendations = models.TextField("рекомендации")

    class Meta:
        verbose_name = "наблюдение урока"
        verbose_name_plural = "наблюдения уроков"

    def __str__(self):
        return f"Наблюдение урока: {self.grade}, «{self.lesson_topic}»"


class CalendarFeed(models.Model):
    """A secret address of the user's calendar (.ics): whoever knows it sees the sessions, so
    the user can replace it at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="пользователь",
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField("ключ", max_length=64, unique=True)
    created_at = models.DateTimeField("создан", default=timezone.now)

    class Meta:
        verbose_name = "календарь (.ics)"
        verbose_name_plural = "календари (.ics)"

    def __str__(self):
        return f"Календарь {self.user}"


def materials_path(report, filename: str) -> str:
    # The client's name never becomes a path on disk; the service names the file by the
    # extension of its content and keeps the original name apart, for the download.
    return f"session-materials/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class SessionReport(models.Model):
    """Отчёт о занятии: what the tutor records after the session (seed 002, 6.7)."""

    session = models.OneToOneField(
        Session, verbose_name="занятие", on_delete=models.CASCADE, related_name="report"
    )
    held = models.BooleanField("занятие состоялось")
    not_held_reason = models.TextField("почему не состоялось", blank=True)
    teachers_present = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="присутствовали учителя",
        blank=True,
        related_name="+",
    )
    pupils_count = models.PositiveSmallIntegerField(
        "обучающихся", default=0, validators=[MaxValueValidator(500)]
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "продолжительность, минут",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
    )
    summary = models.TextField("что сделано", blank=True)
    recommendations = models.TextField("рекомендации", blank=True)
    next_step = models.TextField("следующий шаг", blank=True)
    materials = models.FileField("материалы", upload_to=materials_path, max_length=200, blank=True)
    materials_name = models.CharField("имя файла материалов", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="автор отчёта",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("отчёт составлен", default=timezone.now)

    class Meta:
        verbose_name = "отчёт о занятии"
        verbose_name_plural = "отчёты о занятиях"

    def __str__(self):
        return f"Отчёт: {self.session}"


class ScheduleBuild(models.Model):
    """One «Построить график» of a methodist: a task places every accepted request of the
    period and books them in batches (`matching.build_schedule`); its page shows the progress,
    then what was booked and what was not, with the reasons."""

    class Status(models.TextChoices):
        QUEUED = "queued", "ждёт очереди"
        RUNNING = "running", "строится"
        DONE = "done", "построен"
        FAILED = "failed", "не удалось построить"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципальное образование", on_delete=models.PROTECT
    )
    point = models.ForeignKey(
        ConsultationPoint, verbose_name="пункт", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    status = models.CharField(
        "состояние", max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField("забронировано", default=0)
    total = models.PositiveIntegerField("размещено в памяти", default=0)
    sessions = models.ManyToManyField(
        "Session", verbose_name="назначенные занятия", blank=True, related_name="+"
    )
    # [[request id, reason], …]: the requests left unplaced, in the order they were taken.
    unplaced = models.JSONField("не размещены", default=list, blank=True)
    failure = models.TextField("причина сбоя", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто строил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("начат", default=timezone.now)
    finished_at = models.DateTimeField("закончен", null=True, blank=True)

    class Meta:
        verbose_name = "построение графика"
        verbose_name_plural = "построения графика"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return (
            f"Построение графика: {self.point}, {self.starts_on:%d.%m.%Y} — {self.ends_on:%d.%m.%Y}"
        )

    def get_absolute_url(self):
        return reverse("consultations:schedule_build_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class Schedule(models.Model):
    """График работы пункта for a period, approved by the director (seed 002, 6.5). At
    approval the sessions it lists are frozen into its snapshot, which the PDF shows."""

    class Status(models.TextChoices):
        DRAFT = "draft", "проект"
        APPROVED = "approved", "утверждён"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="consultation_schedules",
    )
    point = models.ForeignKey(
        ConsultationPoint,
        verbose_name="пункт",
        on_delete=models.PROTECT,
        related_name="schedules",
    )
    starts_on = models.DateField("с")
    ends_on = models.DateField("по")
    status = models.CharField("статус", max_length=16, choices=Status.choices, default="draft")
    snapshot = models.JSONField("занятия на дату утверждения", null=True, blank=True)
    number = models.PositiveIntegerField(
        "регистрационный номер",
        null=True,
        blank=True,
        help_text="Присваивается при утверждении: по порядку в пределах пункта и года.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто подготовил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
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
        verbose_name = "график работы пункта"
        verbose_name_plural = "графики работы пункта"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="schedule_dates_ordered"
            )
        ]

    def __str__(self):
        return (
            f"График работы пункта «{self.point}» с {self.starts_on:%d.%m.%Y} "
            f"по {self.ends_on:%d.%m.%Y}"
        )

    def get_absolute_url(self):
        return reverse("consultations:schedule_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Event(models.Model):
    """Мероприятие: a master class, an open lesson, a seminar or a group tutorial of the
    community plan, announced to the municipality's teachers and tutors, who register for a
    place. It may come from an item of the community plan (seed 002, Приложение 3)."""

    class Kind(models.TextChoices):
        # The labels of the consultation point's forms of work where they are the same thing.
        MASTER_CLASS = "master_class", RequestKind.MASTER_CLASS.label
        OPEN_LESSON = "open_lesson", RequestKind.OPEN_LESSON.label
        SEMINAR = "seminar", "семинар"
        GROUP_TUTORIAL = "group_tutorial", "групповой тьюториал"
        OTHER = "other", "другое"

    class Status(models.TextChoices):
        DRAFT = "draft", "черновик"
        PUBLISHED = "published", "опубликовано"
        CANCELLED = "cancelled", "отменено"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципальное образование",
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField("вид мероприятия", max_length=32, choices=Kind.choices)
    title = models.CharField("название", max_length=300)
    description = models.TextField("описание", blank=True)
    starts_at = models.DateTimeField("начало")
    ends_at = models.DateTimeField("окончание")
    place = models.CharField("место проведения", max_length=500, blank=True)
    link = models.URLField("ссылка для подключения", blank=True)
    audience = models.CharField(
        "для кого", max_length=300, help_text="Например, «учителя математики 5–9 классов»."
    )
    subjects = models.ManyToManyField(
        Subject, verbose_name="предметы", blank=True, related_name="+"
    )
    capacity = models.PositiveSmallIntegerField(
        "мест",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(2000)],
        help_text="Пусто — число мест не ограничено.",
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="проводит",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organized_events",
    )
    plan_item = models.ForeignKey(
        "community.PlanItem",
        verbose_name="мероприятие плана сообщества",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    status = models.CharField("статус", max_length=16, choices=Status.choices, default=Status.DRAFT)
    cancel_reason = models.TextField("причина отмены", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто создал",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField("создано", default=timezone.now)
    # RFC 5545 SEQUENCE, as for a session.
    sequence = models.PositiveIntegerField("номер версии в календаре", default=0, editable=False)

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["municipality", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=models.F("ends_at")),
                name="event_starts_before_end",
                violation_error_message="Окончание мероприятия должно быть позже его начала.",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(link=""),
                name="event_has_place_or_link",
                violation_error_message="Укажите место проведения или ссылку для подключения.",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
                violation_error_message="Число мест — не меньше одного.",
            ),
        ]

    def __str__(self):
        kind = self.get_kind_display()
        if self.title.lower().startswith(kind.lower()):
            return self.title
        return f"{kind.capitalize()} «{self.title}»"

    def get_absolute_url(self):
        return reverse("consultations:event_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class EventRegistration(models.Model):
    """A teacher's or a tutor's place at an event."""

    event = models.ForeignKey(
        Event, verbose_name="мероприятие", on_delete=models.CASCADE, related_name="registrations"
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="участник",
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    created_at = models.DateTimeField("записался", default=timezone.now)

    class Meta:
        verbose_name = "запись на мероприятие"
        verbose_name_plural = "записи на мероприятия"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"], name="event_registration_unique"
            )
        ]

    def __str__(self):
        return f"{self.participant} — {self.event}"
