import django_filters
from django import forms
from django.db.models import Q

from community.forms.rosters import PersonChoiceField
from tutoring.filters import DateInput
from tutoring.models import Municipality, User

from ..models import Weekday


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class _OwnMunicipality:
    """A tutor of one municipality never chooses it; a tutor of several says which."""

    def _set_municipalities(self, municipalities):
        if len(municipalities) > 1:
            self.fields["municipality"] = forms.ModelChoiceField(
                label="Муниципальное образование",
                queryset=Municipality.objects.filter(pk__in=[m.pk for m in municipalities]),
                empty_label=None,
            )
            self.order_fields(["municipality"])
        self.municipalities = municipalities

    def clean(self):
        data = super().clean()
        if "municipality" not in self.fields and self.municipalities:
            data["municipality"] = self.municipalities[0]
        return data


class SlotForm(_OwnMunicipality, forms.Form):
    weekday = forms.TypedChoiceField(label="День недели", choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label="С", widget=TimeInput())
    ends_at = forms.TimeField(label="До", widget=TimeInput())

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_municipalities(municipalities)

    def clean(self):
        data = super().clean()
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and starts_at >= ends_at:
            self.add_error("ends_at", "Время окончания приёма должно быть позже времени начала.")
        return data


class ExceptionForm(_OwnMunicipality, forms.Form):
    starts_on = forms.DateField(label="С", widget=DateInput())
    ends_on = forms.DateField(label="По", widget=DateInput())
    reason = forms.CharField(
        label="Причина",
        max_length=200,
        help_text="Например, «отпуск», «больничный», «курсы повышения квалификации».",
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self._set_municipalities(municipalities)

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and starts_on > ends_on:
            self.add_error("ends_on", "Дата окончания не может быть раньше даты начала.")
        return data


class AvailabilityFilter(django_filters.FilterSet):
    """Over the tutor roles of the municipalities the user coordinates."""

    user = django_filters.ModelChoiceFilter(
        label="Тьютор", queryset=User.objects.none(), empty_label="Все тьюторы"
    )
    municipality = django_filters.ModelChoiceFilter(
        label="Муниципальное образование", queryset=Municipality.objects.none(), empty_label="Все"
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        """`municipalities`: to choose from, when the user coordinates several."""
        super().__init__(*args, **kwargs)
        self.filters["user"].field_class = PersonChoiceField
        self.filters["user"].queryset = (
            User.objects.filter(roles__in=self.queryset).distinct().order_by(*User._meta.ordering)
        )
        if municipalities is not None:
            self.filters["municipality"].queryset = municipalities
        else:
            del self.filters["municipality"]


class HoursTutorFilter(django_filters.FilterSet):
    """Over `selectors.hours_tutors_for`: the tutors whose hours a methodist keeps."""

    q = django_filters.CharFilter(label="ФИО тьютора", method="filter_q")

    def filter_q(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(user__last_name__icontains=word)
                | Q(user__first_name__icontains=word)
                | Q(user__middle_name__icontains=word)
            )
        return queryset
