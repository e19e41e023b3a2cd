import django_filters
from django import forms
from django.db.models import Q

from tutoring.models import Municipality, Organization

from ..models import ConsultationPoint, Room


class HostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.short_name} ({obj.get_kind_display()})"


class PointForm(forms.ModelForm):
    organization = HostChoiceField(
        label="На базе организации",
        queryset=Organization.objects.none(),
        help_text="Управление образования, методический центр или школа (по договорённости).",
    )
    remote_link = forms.URLField(
        label="Ссылка для дистанционных занятий",
        required=False,
        assume_scheme="https",
        help_text="Постоянная комната видеосвязи пункта, если она есть.",
    )

    class Meta:
        model = ConsultationPoint
        fields = ["organization", "name", "address", "working_hours", "remote_link", "is_active"]
        help_texts = {
            "name": "Например, «Муниципальный тьюторский консультационный пункт».",
            "is_active": "Снимите отметку, если пункт больше не принимает: он пропадёт из "
            "списка для школ и учителей.",
        }

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        # Hosts are the organizations of the methodist's own municipalities; an УО and an ИМЦ
        # come before the schools.
        self.fields["organization"].queryset = (
            Organization.objects.open_or(self.instance.organization_id)
            .filter(municipality__in=municipalities)
            .select_related("municipality")
            .order_by("municipality__name", "kind", "short_name")
        )


class RoomForm(forms.ModelForm):
    remote_link = forms.URLField(
        label="Ссылка для дистанционных занятий",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Постоянная комната видеосвязи этого помещения, если она есть: её получат "
        "участники дистанционных занятий, назначенных в нём.",
    )

    class Meta:
        model = Room
        fields = ["name", "capacity", "remote_link", "is_active"]
        help_texts = {
            "name": "Например, «Кабинет 12» или «Актовый зал».",
            "is_active": "Снимите отметку, если помещение больше не используется: его не будут "
            "предлагать для новых занятий, а прошедшие занятия сохранят его.",
        }

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if not 1 <= capacity <= 500:
            raise forms.ValidationError("Вместимость помещения — от 1 до 500 человек.")
        return capacity


class PointFilter(django_filters.FilterSet):
    municipality = django_filters.ModelChoiceFilter(
        label="Муниципальное образование",
        queryset=Municipality.objects.none(),
        empty_label="Все",
    )
    q = django_filters.CharFilter(label="Название или адрес", method="filter_q")

    class Meta:
        model = ConsultationPoint
        fields = ["municipality", "q"]

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["municipality"].queryset = municipalities

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))
