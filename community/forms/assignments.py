"""The forms of закрепление and of mentoring pairs, and the filter of their list."""

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


def people_holding(kind: str | tuple, municipalities: list[Municipality], **role_filter):
    """The people with role `kind` (or one of several kinds) in those municipalities (and
    whatever else `role_filter` asks of the role), with their workplace, in one query.
    Deactivated people are not offered: they keep their past assignments but take no new
    ones."""
    kinds = (kind,) if isinstance(kind, str) else kind
    roles = Role.objects.filter(
        kind__in=kinds, municipality__in=municipalities, user=OuterRef("pk"), **role_filter
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


class PairForm(MunicipalityYearForm):
    """A mentoring pair «учитель — учитель». A methodist pairs any teachers of the
    municipality (the mentor may be a tutor too); a school its own teachers. Missing choices
    and the programme are the service's to name, with the other problems, all at once."""

    mentor = PersonChoiceField(
        label="Наставник",
        queryset=User.objects.none(),
        required=False,
        empty_label="— выберите —",
        help_text="Опытный учитель, который сопровождает коллегу; тьютором быть не обязательно.",
    )
    mentee = PersonChoiceField(
        label="Наставляемый учитель",
        queryset=User.objects.none(),
        required=False,
        empty_label="— выберите —",
    )
    programme = forms.CharField(
        label="Программа наставничества",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Над чем пара работает в учебном году: задачи, формы работы (взаимопосещение "
        "уроков, совместная разработка, разбор ВПР), сроки.",
    )

    def __init__(self, *args, municipalities: list[Municipality], schools=(), **kwargs):
        """`schools`: for a school's administration, the pair is of its own teachers."""
        super().__init__(*args, municipalities=municipalities, **kwargs)
        if schools:
            own = {"organization__in": list(schools)}
            mentors = people_holding(RoleKind.TEACHER, municipalities, **own)
            mentees = people_holding(RoleKind.TEACHER, municipalities, **own)
        else:
            mentors = people_holding((RoleKind.TEACHER, RoleKind.TUTOR), municipalities)
            mentees = people_holding(RoleKind.TEACHER, municipalities)
        self.fields["mentor"].queryset = mentors
        self.fields["mentee"].queryset = mentees

    def clean(self):
        data = super().clean()
        data["programme"] = data.get("programme") or ""
        return data


class PairEndForm(forms.Form):
    result = forms.CharField(
        label="Результат наставничества",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Что пара сделала за год и к чему пришла: открытые уроки, разработки, "
        "изменения в работе наставляемого.",
    )


class AssignmentFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Вид", choices=Assignment.Kind.choices, empty_label="Все"
    )
    tutor = django_filters.CharFilter(label="Тьютор или наставник (ФИО)", method="filter_tutor")

    class Meta:
        model = Assignment
        fields = ["municipality", "academic_year", "kind", "tutor"]

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(name_q("tutor", value))
