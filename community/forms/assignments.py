"""The form of закрепление and the filter of its list."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Subquery

from tutoring.models import Municipality, Role, RoleKind, User

from ..models import Assignment
from .plans import MunicipalityYearForm, ScopedFilterSet, name_q


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        # Namesakes are common in a municipality; the workplace tells them apart.
        where = f" — {person.workplace}" if person.workplace else ""
        return f"{person.full_name or person.username}{where}"


def people_holding(kind: str, municipalities: list[Municipality], **role_filter):
    """The people with role `kind` in those municipalities (and whatever else `role_filter`
    asks of the role), with their workplace, in one query. Deactivated people are not
    offered: they keep their past assignments but take no new ones."""
    roles = Role.objects.filter(
        kind=kind, municipality__in=municipalities, user=OuterRef("pk"), **role_filter
    )
    return (
        User.objects.filter(Exists(roles), is_active=True)
        .annotate(workplace=Subquery(roles.order_by("pk").values("organization__short_name")[:1]))
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


class AssignmentForm(MunicipalityYearForm):
    tutor = PersonChoiceField(label="Тьютор", queryset=User.objects.none())
    teacher = PersonChoiceField(label="Тьюторант (учитель)", queryset=User.objects.none())

    def __init__(
        self, *args, municipalities: list[Municipality], school=None, subject=None, **kwargs
    ):
        """`school` and `subject` narrow the choice when the form comes from a row of the
        results' risk list: that school's teachers, the subject's tutors."""
        super().__init__(*args, municipalities=municipalities, **kwargs)
        subjects = {"subjects": subject} if subject is not None else {}
        self.fields["tutor"].queryset = people_holding(RoleKind.TUTOR, municipalities, **subjects)
        teachers = {"organization": school} if school is not None else {}
        self.fields["teacher"].queryset = people_holding(
            RoleKind.TEACHER, municipalities, **teachers
        )


class AssignmentFilter(ScopedFilterSet):
    tutor = django_filters.CharFilter(label="Тьютор (ФИО)", method="filter_tutor")

    class Meta:
        model = Assignment
        fields = ["municipality", "academic_year", "tutor"]

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(name_q("tutor", value))
