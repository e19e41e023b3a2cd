from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from tutoring.access import Access
from tutoring.models import AcademicYear, RoleKind, Subject, User

from . import library
from .models import Material, Nomination, Order, RosterEntry, TutorLevel

# How far back a school's home page names the decisions on its nominations.
RECENT, RECENT_DAYS = "recent", 30


class NominationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=Nomination.Status.choices, empty_label="Любой"
    )
    decided = django_filters.ChoiceFilter(
        label="Рассмотрены",
        choices=[(RECENT, f"за последние {RECENT_DAYS} дней")],
        empty_label="Когда угодно",
        method="filter_decided",
    )
    academic_year = django_filters.ModelChoiceFilter(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label="Любой"
    )
    q = django_filters.CharFilter(label="Учитель или школа", method="filter_q")

    class Meta:
        model = Nomination
        fields = ["status", "decided", "academic_year", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(teacher__last_name__icontains=value) | Q(organization__short_name__icontains=value)
        )

    def filter_decided(self, queryset, name, value):
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        return queryset.exclude(status=Nomination.Status.PENDING).filter(decided_at__gte=since)


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=Order.Status.choices, empty_label="Любой"
    )
    academic_year = django_filters.ModelChoiceFilter(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label="Любой"
    )

    class Meta:
        model = Order
        fields = ["status", "academic_year"]


class DirectoryFilter(django_filters.FilterSet):
    subject = django_filters.ModelChoiceFilter(
        label="Предмет", queryset=Subject.objects.all(), field_name="subjects", empty_label="Любой"
    )
    level = django_filters.ChoiceFilter(
        label="Уровень", choices=TutorLevel.choices, empty_label="Любой"
    )
    school = django_filters.CharFilter(
        label="Школа", field_name="organization__short_name", lookup_expr="icontains"
    )
    q = django_filters.CharFilter(label="ФИО", method="filter_q")

    class Meta:
        model = RosterEntry
        fields = ["subject", "level", "school", "q"]

    def filter_q(self, queryset, name, value):
        q = Q()
        for word in value.split():
            q &= Q(person__last_name__icontains=word) | Q(person__first_name__icontains=word)
        return queryset.filter(q)


GRADES = [(grade, f"{grade} класс") for grade in range(1, 12)]


class MaterialFilter(django_filters.FilterSet):
    """The library's search and filters. The state is offered to methodists, «only mine» to
    those who write materials; everyone else sees published materials only anyway."""

    q = django_filters.CharFilter(
        label="Поиск по названию и описанию", method="filter_q", widget=forms.SearchInput
    )
    kind = django_filters.ChoiceFilter(
        label="Вид", choices=Material.Kind.choices, empty_label="Любой"
    )
    subject = django_filters.ModelChoiceFilter(
        label="Предмет", queryset=Subject.objects.all(), field_name="subjects", empty_label="Любой"
    )
    grade = django_filters.ChoiceFilter(
        label="Класс", choices=GRADES, method="filter_grade", empty_label="Любой"
    )
    status = django_filters.ChoiceFilter(
        label="Состояние", choices=Material.Status.choices, empty_label="Любое"
    )
    author = django_filters.CharFilter(label="Автор (ФИО)", method="filter_author")
    mine = django_filters.BooleanFilter(
        label="Только мои материалы", method="filter_mine", widget=forms.CheckboxInput
    )

    class Meta:
        model = Material
        fields = ["q", "kind", "subject", "grade", "status", "author", "mine"]

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access
        if not access.has(RoleKind.METHODIST):
            del self.filters["status"]
        if not access.has(RoleKind.TUTOR, RoleKind.METHODIST):
            del self.filters["mine"]

    def filter_q(self, queryset, name, value):
        return library.search(queryset, value)

    def filter_grade(self, queryset, name, value):
        # An open bound (no «from» or no «to» class) admits every class on its side.
        value = int(value)
        return queryset.filter(
            Q(grade_from__isnull=True) | Q(grade_from__lte=value),
            Q(grade_to__isnull=True) | Q(grade_to__gte=value),
        )

    def filter_author(self, queryset, name, value):
        q = Q()
        for word in value.split():
            q &= (
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(middle_name__icontains=word)
            )
        authored = Material.authors.through.objects.filter(
            material=OuterRef("pk"), user__in=User.objects.filter(q)
        )
        return queryset.filter(Exists(authored))

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        authored = Material.authors.through.objects.filter(
            material=OuterRef("pk"), user=self.access.user_id
        )
        return queryset.filter(Exists(authored))
