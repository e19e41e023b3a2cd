"""Forms and the list filter of development routes (ИОМ)."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from tutoring.access import Access
from tutoring.models import AcademicYear, Organization, RoleKind, User
from tutoring.uploads import UploadField

from ..models import Assignment, DevelopmentRoute, Material, RouteDifficulty, RouteStep
from ..services.routes import EVIDENCE_TYPES
from .plans import name_q


class AssignmentChoiceField(forms.ModelChoiceField):
    """An assignment of the user, named by the other side of it."""

    def __init__(self, *args, user: User, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def label_from_instance(self, assignment):
        if assignment.tutor_id == self.user.pk:
            who = f"{assignment.teacher.full_name} — мой тьюторант"
        else:
            who = f"{assignment.tutor.full_name} — мой тьютор"
        return f"{who}, {assignment.academic_year} учебный год"


def route_assignments(user: User):
    """The assignments a route can be drawn up for: the user's, as a tutor or as a teacher,
    of this academic year and later ones."""
    current = AcademicYear.objects.current()
    start = current.start_year if current else 0
    return (
        Assignment.objects.filter(
            Q(tutor=user) | Q(teacher=user), academic_year__start_year__gte=start
        )
        .select_related("tutor", "teacher", "academic_year")
        .order_by("academic_year__start_year", "teacher__last_name", "tutor__last_name", "pk")
    )


class RouteCreateForm(forms.Form):
    assignment = AssignmentChoiceField(
        label="С кем составляется маршрут",
        queryset=Assignment.objects.none(),
        user=None,
        help_text="Маршрут составляют учитель и закреплённый за ним тьютор на учебный год.",
    )
    topic = forms.CharField(
        label="Тема маршрута",
        max_length=300,
        help_text="Например: «Формирующее оценивание на уроках математики».",
    )
    goals = forms.CharField(
        label="Цели",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Чего учитель хочет достичь к концу года; каждую цель — с новой строки.",
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignment"]
        field.user = user
        field.queryset = route_assignments(user)
        if len(field.queryset) == 1:
            field.initial = field.queryset[0].pk


class RouteForm(forms.ModelForm):
    class Meta:
        model = DevelopmentRoute
        fields = ["topic", "goals"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"goals": "Каждую цель — с новой строки."}


class DifficultyForm(forms.ModelForm):
    class Meta:
        model = RouteDifficulty
        fields = ["source", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"source": "Откуда известно", "text": "Затруднение"}


class StepForm(forms.ModelForm):
    class Meta:
        model = RouteStep
        fields = ["kind", "title", "deadline", "material"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "deadline": "Дата в пределах учебного года маршрута.",
            "material": "Для шага «изучение материала библиотеки»: опубликованный материал "
            "муниципалитета.",
        }

    def __init__(self, *args, route: DevelopmentRoute, **kwargs):
        super().__init__(*args, **kwargs)
        year = route.academic_year
        deadline = self.fields["deadline"]
        deadline.widget.attrs.update(min=year.starts_on.isoformat(), max=year.ends_on.isoformat())
        deadline.help_text = (
            f"Дата в пределах {year} учебного года: с {year.starts_on:%d.%m.%Y} "
            f"по {year.ends_on:%d.%m.%Y}."
        )
        material = self.fields["material"]
        material.queryset = Material.objects.filter(
            municipality=route.municipality_id, status=Material.Status.PUBLISHED
        ).order_by("title")
        material.empty_label = "— без материала —"


class StepDoneForm(forms.Form):
    evidence = forms.CharField(
        label="Что сделано",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Например: «Прошла курсы ИРО, 36 ч, удостоверение № 1234» или "
        "«Провела открытый урок 12.03, анализ — в файле».",
    )
    evidence_file = UploadField(
        label="Файл-подтверждение",
        allowed=EVIDENCE_TYPES,
        required=False,
        help_text="Документ (PDF, DOCX, ODT, XLSX) или изображение (JPG, PNG), до 20 МБ.",
    )

    def clean(self):
        data = super().clean()
        if (
            not self.errors
            and not data.get("evidence", "").strip()
            and not data.get("evidence_file")
        ):
            raise forms.ValidationError(
                "Подтвердите выполнение: опишите, что сделано, или приложите файл."
            )
        return data


class CloseForm(forms.Form):
    reflection = forms.CharField(
        label="Итоговая рефлексия",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Что удалось, что осталось трудным, что дальше.",
        error_messages={"required": "Напишите итоговую рефлексию: без неё маршрут не завершается."},
    )


# The steps that the home page's queue names: undone steps of routes under way, overdue or
# due within the next week.
STEPS_OVERDUE, STEPS_THIS_WEEK = "overdue", "week"
STEPS_AHEAD_DAYS = 7


def due_steps(steps: QuerySet[RouteStep], which: str) -> QuerySet[RouteStep]:
    today = timezone.localdate()
    steps = steps.filter(route__status=DevelopmentRoute.Status.ACTIVE, done_at__isnull=True)
    if which == STEPS_OVERDUE:
        return steps.filter(deadline__lt=today)
    return steps.filter(deadline__gte=today, deadline__lte=today + timedelta(STEPS_AHEAD_DAYS))


class RouteFilter(django_filters.FilterSet):
    """The list of routes: whose (by the user's roles), school (for a methodist), tutor,
    state, year. Whatever it chooses stays within `routes_for`."""

    whose = django_filters.ChoiceFilter(label="Чьи", method="filter_whose", empty_label="Все")
    academic_year = django_filters.ModelChoiceFilter(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label="Все"
    )
    status = django_filters.ChoiceFilter(
        label="Состояние", choices=DevelopmentRoute.Status.choices, empty_label="Любое"
    )
    organization = django_filters.ModelChoiceFilter(
        label="Школа", queryset=Organization.objects.none(), empty_label="Все"
    )
    tutor = django_filters.CharFilter(label="Тьютор (ФИО)", method="filter_tutor")
    steps = django_filters.ChoiceFilter(
        label="Сроки шагов",
        choices=[
            (STEPS_OVERDUE, "есть просроченные шаги"),
            (STEPS_THIS_WEEK, f"шаги со сроком в ближайшие {STEPS_AHEAD_DAYS} дней"),
        ],
        empty_label="Любые",
        method="filter_steps",
    )

    class Meta:
        model = DevelopmentRoute
        fields = ["whose", "academic_year", "status", "organization", "tutor", "steps"]

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = access.user_id
        choices = []
        if access.has(RoleKind.TEACHER):
            choices.append(("mine", "мои"))
        if access.has(RoleKind.TUTOR):
            choices.append(("guided", "моих тьюторантов"))
        if len(choices) > 1:
            self.filters["whose"].extra["choices"] = choices
        else:
            del self.filters["whose"]
        methodist_of = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
        if methodist_of:
            self.filters["organization"].queryset = Organization.objects.schools().filter(
                municipality__in=methodist_of
            )
        else:
            del self.filters["organization"]
        if not access.has(RoleKind.METHODIST, RoleKind.SCHOOL):
            del self.filters["tutor"]

    def filter_whose(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(teacher=self.user_id)
        if value == "guided":
            return queryset.filter(tutor=self.user_id)
        return queryset

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(name_q("tutor", value))

    def filter_steps(self, queryset, name, value):
        return queryset.filter(pk__in=due_steps(RouteStep.objects.all(), value).values("route"))
