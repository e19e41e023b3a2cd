import django_filters
from django import forms
from django.db.models import Q

from tutoring.models import AcademicYear, Municipality, Organization, Role, RoleKind, User

from .models import AssessmentKind, ImportBatch, MinimumScore


class ImportBatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Состояние", choices=ImportBatch.Status.choices, empty_label="Любое"
    )

    class Meta:
        model = ImportBatch
        fields = ["status"]


class YearForm(forms.Form):
    """Which academic year (and, for a regional coordinator, which municipality) a report is
    about."""

    year = forms.ModelChoiceField(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label=None
    )
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=Municipality.objects.none(), empty_label=None
    )

    def __init__(self, data, *, municipalities, year):
        data = data.copy()
        data.setdefault("year", year.pk if year else None)
        first = municipalities.first()
        data.setdefault("municipality", first.pk if first else None)
        super().__init__(data)
        self.fields["municipality"].queryset = municipalities
        if municipalities.count() < 2:
            self.fields["municipality"].widget = forms.HiddenInput()


class TeacherFilter(django_filters.FilterSet):
    # The year says which year's figures the list shows; it filters no teacher out.
    year = django_filters.ModelChoiceFilter(
        label="Учебный год",
        queryset=AcademicYear.objects.all(),
        method="keep",
        empty_label="Текущий",
    )
    q = django_filters.CharFilter(label="ФИО", method="filter_q")
    school = django_filters.ModelChoiceFilter(
        label="Школа",
        queryset=Organization.objects.none(),
        method="filter_school",
        empty_label="Любая",
    )

    class Meta:
        model = User
        fields = ["year", "q", "school"]

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = schools

    def keep(self, queryset, name, value):
        return queryset

    def chosen_year(self) -> AcademicYear | None:
        chosen = self.form.cleaned_data.get("year") if self.form.is_valid() else None
        return chosen or AcademicYear.objects.current() or AcademicYear.objects.first()

    def filter_q(self, queryset, name, value):
        q = Q()
        for word in value.split():
            q &= (
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(middle_name__icontains=word)
            )
        return queryset.filter(q)

    def filter_school(self, queryset, name, value):
        teachers = Role.objects.filter(kind=RoleKind.TEACHER, organization=value)
        return queryset.filter(pk__in=teachers.values("user"))


GIA_EXAMS = [(k, label) for k, label in AssessmentKind.choices if k in ("oge", "ege", "gve")]


def _minimum_years():
    return [(year, str(year)) for year in MinimumScore.objects.years()]


class MinimumScoreFilter(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(label="Год", choices=_minimum_years, empty_label="Все")
    kind = django_filters.ChoiceFilter(label="Экзамен", choices=GIA_EXAMS, empty_label="Все")

    class Meta:
        model = MinimumScore
        fields = ["year", "kind"]
