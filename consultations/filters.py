import django_filters
from django.db.models import Q

from tutoring.filters import DateInput
from tutoring.models import RoleKind, Subject

from .models import ConsultationRequest, RequestKind, Session


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


class SessionFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        label="С даты",
        field_name="starts_at",
        lookup_expr="date__gte",
        widget=DateInput,
    )
    until = django_filters.DateFilter(
        label="По дату", field_name="starts_at", lookup_expr="date__lte", widget=DateInput
    )
    status = django_filters.ChoiceFilter(
        label="Статус", choices=Session.Status.choices, empty_label="Любой"
    )
    tutor = django_filters.CharFilter(label="Тьютор", method="filter_tutor")

    class Meta:
        model = Session
        fields = ["since", "until", "status", "tutor"]

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        if not access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL):
            del self.filters["tutor"]

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(tutor__last_name__icontains=value)
