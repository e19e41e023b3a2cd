import django_filters
from django.db.models import Q

from tutoring.models import Subject

from .models import ConsultationRequest, RequestKind


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
    q = django_filters.CharFilter(label="Тема или школа", method="filter_q")

    class Meta:
        model = ConsultationRequest
        fields = ["status", "kind", "subject", "priority", "q"]

    def filter_priority(self, queryset, name, value):
        return queryset.filter(priority=True)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(topic__icontains=value) | Q(organization__short_name__icontains=value)
        )
