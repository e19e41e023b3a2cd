import django_filters
from django.db.models import Q

from tutoring.models import AcademicYear, Subject

from .models import Nomination, RosterEntry, TutorLevel


class NominationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=Nomination.Status.choices, empty_label="Любой"
    )
    academic_year = django_filters.ModelChoiceFilter(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label="Любой"
    )
    q = django_filters.CharFilter(label="Учитель или школа", method="filter_q")

    class Meta:
        model = Nomination
        fields = ["status", "academic_year", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(teacher__last_name__icontains=value) | Q(organization__short_name__icontains=value)
        )


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
