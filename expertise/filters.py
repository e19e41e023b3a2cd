import django_filters
from django.db.models import Q

from tutoring.models import Subject

from .models import CaseKind, ExpertiseCase


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Состояние", choices=ExpertiseCase.Status.choices, empty_label="Любое"
    )
    kind = django_filters.ChoiceFilter(
        label="Что на экспертизе", choices=CaseKind.choices, empty_label="Всё"
    )
    subject = django_filters.ModelChoiceFilter(
        label="Предмет", queryset=Subject.objects.all(), empty_label="Любой"
    )
    q = django_filters.CharFilter(label="Документ или школа", method="filter_q")

    class Meta:
        model = ExpertiseCase
        fields = ["status", "kind", "subject", "q"]

    def filter_q(self, queryset, name, value):
        # A school's name is searched only where the user may see it.
        return queryset.filter(
            Q(title__icontains=value)
            | Q(organization__short_name__icontains=value, author_hidden=False)
        )


class DeficitFilter(django_filters.FilterSet):
    subject = django_filters.ModelChoiceFilter(
        label="Предмет",
        field_name="review__round__case__subject",
        queryset=Subject.objects.all(),
        empty_label="Любой",
    )
    kind = django_filters.ChoiceFilter(
        label="Что на экспертизе",
        field_name="review__round__case__kind",
        choices=CaseKind.choices,
        empty_label="Всё",
    )
    school = django_filters.CharFilter(
        label="Школа",
        field_name="review__round__case__organization__short_name",
        lookup_expr="icontains",
    )
