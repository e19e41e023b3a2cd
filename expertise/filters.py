from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone

from tutoring.models import RoleKind, Subject

from .models import CaseKind, Conclusion, ExpertiseCase

# How far back the home page names the conclusions issued on the user's cases.
RECENT, RECENT_DAYS = "recent", 30


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
    concluded = django_filters.ChoiceFilter(
        label="Заключение",
        choices=[(RECENT, f"выдано за последние {RECENT_DAYS} дней")],
        empty_label="Когда угодно",
        method="filter_concluded",
    )
    q = django_filters.CharFilter(label="Документ или школа", method="filter_q")

    class Meta:
        model = ExpertiseCase
        fields = ["status", "kind", "subject", "concluded", "q"]

    def __init__(self, *args, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.access = access

    def filter_concluded(self, queryset, name, value):
        """The user's own cases (as author, filer or the author's school), not those they
        reviewed as an expert, with a conclusion issued lately."""
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        issued = Conclusion.objects.filter(issued_at__gte=since)
        if self.access is None:
            return queryset.none()
        schools = [r.organization_id for r in self.access.roles_of(RoleKind.SCHOOL)]
        own = Q(author=self.access.user_id) | Q(submitted_by=self.access.user_id)
        return queryset.filter(own | Q(organization__in=schools), pk__in=issued.values("case"))

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
