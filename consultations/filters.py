import datetime

import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from tutoring.filters import DateInput
from tutoring.models import RoleKind, Subject

from .models import ConsultationRequest, Event, RequestKind, Schedule, Session

# The value of the filters that the home page's queues link to.
DUE = "due"


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=ConsultationRequest.Status.choices, empty_label="Любой"
    )
    kind = django_filters.ChoiceFilter(
        label="Форма работы", choices=RequestKind.choices, empty_label="Любая"
    )
    subject = django_filters.ModelChoiceFilter(
        label="Предмет", queryset=Subject.objects.all(), empty_label="Любой"
    )
    priority = django_filters.ChoiceFilter(
        label="Приоритет",
        choices=[("yes", "только ШНОР/ШССУ")],
        empty_label="Все заявки",
        method="filter_priority",
    )
    rating = django_filters.ChoiceFilter(
        label="Оценка помощи",
        choices=[(DUE, "ещё не оценена")],
        empty_label="Любая",
        method="filter_rating",
    )
    q = django_filters.CharFilter(label="Тема или школа", method="filter_q")

    class Meta:
        model = ConsultationRequest
        fields = ["status", "kind", "subject", "priority", "rating", "q"]

    def filter_priority(self, queryset, name, value):
        return queryset.filter(priority=True)

    def filter_rating(self, queryset, name, value):
        # A request is rated once its session is held and reported: then it is closed.
        return queryset.filter(status=ConsultationRequest.Status.CLOSED, rating__isnull=True)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(topic__icontains=value) | Q(organization__short_name__icontains=value)
        )


class SessionFilter(django_filters.FilterSet):
    # Bounds of aware datetimes, not `starts_at::date` in the time zone: an index on the time
    # serves them, where the date of every session would be computed to compare it.
    since = django_filters.DateFilter(label="С даты", method="filter_since", widget=DateInput)
    until = django_filters.DateFilter(label="По дату", method="filter_until", widget=DateInput)
    status = django_filters.ChoiceFilter(
        label="Статус", choices=Session.Status.choices, empty_label="Любой"
    )
    report = django_filters.ChoiceFilter(
        label="Отчёт",
        choices=[(DUE, "ждёт отчёта")],
        empty_label="Любой",
        method="filter_report",
    )
    origin = django_filters.ChoiceFilter(
        label="Откуда", choices=Session.Origin.choices, empty_label="Все"
    )
    kind = django_filters.ChoiceFilter(
        label="Форма работы", choices=RequestKind.choices, empty_label="Любая"
    )
    tutor = django_filters.CharFilter(label="Тьютор", method="filter_tutor")

    class Meta:
        model = Session
        fields = ["since", "until", "status", "report", "origin", "kind", "tutor"]

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL):
            del self.filters["tutor"]

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(tutor__last_name__icontains=value)

    def filter_since(self, queryset, name, value):
        return queryset.filter(starts_at__gte=_midnight(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(starts_at__lt=_midnight(value + datetime.timedelta(days=1)))

    def filter_report(self, queryset, name, value):
        # Over, and still planned: the report is what moves a session on (Session.awaits_report).
        return queryset.filter(status=Session.Status.PLANNED, ends_at__lte=timezone.now())


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of the day in the active time zone (the page's), as `__date` reads it."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


class ScheduleFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=Schedule.Status.choices, empty_label="Любой"
    )

    class Meta:
        model = Schedule
        fields = ["status"]


MONTHS = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
]


def academic_year_months(today: datetime.date) -> list[tuple[str, str]]:
    """The months of the current academic year, September to August, as `YYYY-MM`."""
    start = today.year if today.month >= 9 else today.year - 1
    months = [(start + (month >= 13), (month - 1) % 12 + 1) for month in range(9, 21)]
    return [(f"{year}-{month:02d}", f"{MONTHS[month - 1]} {year}") for year, month in months]


def month_bounds(value: str) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The first moments of a `YYYY-MM` month and of the next one, in the active time zone
    (the municipality's): an event at 23:30 on the last day belongs to that month."""
    try:
        first = datetime.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        return None
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time(), tzinfo=zone),
        datetime.datetime.combine(following, datetime.time(), tzinfo=zone),
    )


class EventFilter(django_filters.FilterSet):
    UPCOMING, PAST, ALL = "upcoming", "past", "all"

    period = django_filters.ChoiceFilter(
        label="Когда",
        choices=[(UPCOMING, "предстоящие"), (PAST, "прошедшие"), (ALL, "все")],
        empty_label=None,
        method="filter_period",
    )
    month = django_filters.ChoiceFilter(
        label="Месяц", choices=[], empty_label="Любой", method="filter_month"
    )
    kind = django_filters.ChoiceFilter(label="Вид", choices=Event.Kind.choices, empty_label="Любой")
    subject = django_filters.ModelChoiceFilter(
        label="Предмет",
        field_name="subjects",
        queryset=Subject.objects.order_by("name"),
        empty_label="Любой",
    )

    class Meta:
        model = Event
        fields = ["period", "month", "kind", "subject"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        # Upcoming events first, unless a month is chosen: then that whole month.
        if not data.get("period"):
            data["period"] = self.ALL if data.get("month") else self.UPCOMING
        super().__init__(data, *args, **kwargs)
        self.filters["month"].extra["choices"] = academic_year_months(timezone.localdate())

    def filter_period(self, queryset, name, value):
        now = timezone.now()
        if value == self.UPCOMING:
            return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
        if value == self.PAST:
            return queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        return queryset.order_by("starts_at", "pk")

    def filter_month(self, queryset, name, value):
        bounds = month_bounds(value)
        if bounds is None:
            return queryset
        return queryset.filter(starts_at__gte=bounds[0], starts_at__lt=bounds[1])
