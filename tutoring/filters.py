import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict

from .models import AuditEntry, Notification, Organization, RoleKind, SchoolStatus, Subject, User
from .notifications import kind_choices
from .selectors import municipalities_visible, people_roles


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker sends ISO dates, which Django always accepts.
        super().__init__(attrs, format="%Y-%m-%d")


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Поиск", method="filter_q")
    municipality = django_filters.ModelChoiceFilter(
        label="Муниципалитет", queryset=None, empty_label="Все"
    )
    kind = django_filters.ChoiceFilter(
        label="Тип", choices=Organization.Kind.choices, empty_label="Все"
    )
    status = django_filters.ChoiceFilter(
        label="Статус (текущий год)",
        choices=SchoolStatus.Kind.choices,
        empty_label="Любой",
        method="filter_status",
    )
    closed = django_filters.ChoiceFilter(
        label="Работает",
        choices=[("open", "работающие"), ("closed", "закрытые")],
        empty_label="Все",
        method="filter_closed",
    )

    class Meta:
        model = Organization
        fields = ["q", "municipality", "kind", "status", "closed"]

    def __init__(self, *args, access, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.filters["municipality"].queryset = municipalities_visible(access)

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(short_name__icontains=value) | Q(name__icontains=value) | Q(fis_oko_login=value)
        )

    def filter_status(self, queryset, name, value):
        return queryset.filter(statuses__academic_year=self.year, statuses__kind=value)

    def filter_closed(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=value == "open")


class PersonFilter(django_filters.FilterSet):
    STATES = [("active", "работают"), ("inactive", "отключены"), ("all", "все")]

    q = django_filters.CharFilter(label="ФИО, эл. почта или логин", method="filter_q")
    role = django_filters.ChoiceFilter(
        label="Роль", choices=RoleKind.choices, empty_label="Любая", method="filter_role"
    )
    # A text search rather than a list: a region has some 1,500 organizations.
    organization = django_filters.CharFilter(label="Организация", method="filter_organization")
    subject = django_filters.ModelChoiceFilter(
        label="Предмет",
        queryset=Subject.objects.all(),
        empty_label="Любой",
        method="filter_subject",
    )
    state = django_filters.ChoiceFilter(
        label="Учётная запись", choices=STATES, empty_label=None, method="filter_state"
    )
    pending = django_filters.BooleanFilter(
        label="Не принял приглашение",
        method="filter_pending",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = User
        fields = ["q", "role", "organization", "subject", "state", "pending"]

    def __init__(self, data=None, *args, access, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        # Deactivated people are kept with their history but are not who one looks for.
        data.setdefault("state", "active")
        super().__init__(data, *args, **kwargs)
        self.access = access

    def filter_q(self, queryset, name, value):
        value = value.strip()
        q = Q(username__iexact=value) | Q(email__iexact=value)
        for word in value.split():
            q |= (
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(middle_name__icontains=word)
            )
        if "@" in value:
            q |= Q(email__icontains=value)
        return queryset.filter(q)

    def filter_role(self, queryset, name, value):
        return queryset.filter(self._has_role(kind=value))

    def filter_organization(self, queryset, name, value):
        return queryset.filter(
            self._has_role(
                Q(organization__short_name__icontains=value)
                | Q(organization__name__icontains=value)
                | Q(organization__fis_oko_login=value.strip())
            )
        )

    def filter_subject(self, queryset, name, value):
        return queryset.filter(self._has_role(subjects=value))

    def filter_state(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(is_active=value == "active")

    def filter_pending(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(invitation_pending=True, is_active=True)

    def _has_role(self, *conditions, **fields):
        roles = people_roles(self.access).filter(*conditions, user=OuterRef("pk"), **fields)
        return Exists(roles)


class AuditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Объект или действие", method="filter_q")
    since = django_filters.DateFilter(
        label="С даты", field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    until = django_filters.DateFilter(
        label="По дату", field_name="at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = AuditEntry
        fields = ["q", "since", "until"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(action__icontains=value))


class SubjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Название", field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(
        label="Вид", choices=Subject.Kind.choices, empty_label="Любой"
    )
    active = django_filters.BooleanFilter(
        label="Состояние",
        field_name="is_active",
        widget=forms.Select(
            choices=[("", "Все"), ("true", "Используются"), ("false", "Выведены из употребления")]
        ),
    )

    class Meta:
        model = Subject
        fields = ["q", "kind", "active"]


class NotificationFilter(django_filters.FilterSet):
    # The kinds come from the registry (tutoring.notifications), read when the form is built:
    # the apps register theirs in ready(), after this module is imported.
    kind = django_filters.ChoiceFilter(label="Вид", choices=kind_choices, empty_label="Все виды")

    class Meta:
        model = Notification
        fields = ["kind"]
