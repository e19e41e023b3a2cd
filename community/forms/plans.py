"""Forms and list filters of the community plan and of tutors' plans."""

import django_filters
from django import forms
from django.db.models import Q

from tutoring.access import Access
from tutoring.models import AcademicYear, Municipality

from ..models import Activity, CommunityPlan, PlanItem, TutorPlan, TutorPlanItem

# The id of the <datalist> of TIMING_SUGGESTIONS that the item forms' «сроки» field offers.
TIMING_LIST_ID = "timing-suggestions"
TIMING_HELP = (
    "Месяц или период («октябрь-ноябрь»), «в течение года», «ежемесячно», «по запросу ОО»: "
    "выберите из подсказок или напишите свой вариант."
)


class MunicipalityYearForm(forms.Form):
    """A municipality and an academic year. The municipality is asked for only when the user
    acts in several; otherwise it is the one where they hold the role."""

    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=Municipality.objects.none()
    )
    academic_year = forms.ModelChoiceField(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label=None
    )

    def __init__(self, *args, municipalities: list[Municipality], **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = municipalities
        if len(municipalities) == 1:
            del self.fields["municipality"]
        else:
            ids = [m.pk for m in municipalities]
            self.fields["municipality"].queryset = Municipality.objects.filter(pk__in=ids)
        current = AcademicYear.objects.current()
        if current is not None:
            self.fields["academic_year"].initial = current.pk

    def clean(self):
        data = super().clean()
        if len(self.municipalities) == 1:
            data["municipality"] = self.municipalities[0]
        return data


class PlanCreateForm(MunicipalityYearForm):
    copy_from = forms.ModelChoiceField(
        label="Скопировать план учебного года",
        queryset=AcademicYear.objects.none(),
        required=False,
        empty_label="прошлого",
        help_text="Для кнопки «Скопировать план»: план любого более раннего года, который есть.",
    )
    title = forms.CharField(
        label="Заголовок",
        max_length=300,
        required=False,
        help_text=(
            "Можно не заполнять: заголовок будет «План-график работы тьюторского сообщества "
            "… на … учебный год»."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The years with a plan in one of the user's municipalities; the service checks that
        # the chosen one is earlier than the new year and has a plan in the chosen municipality.
        planned = CommunityPlan.objects.filter(municipality__in=self.municipalities)
        self.fields["copy_from"].queryset = AcademicYear.objects.filter(
            pk__in=planned.values("academic_year")
        ).order_by("-start_year")


class PlanGroupingForm(forms.Form):
    group_by_activity = forms.BooleanField(
        label="Группировать мероприятия по видам деятельности",
        required=False,
        help_text=(
            "Без группировки план — один список, пронумерованный по порядку, как в "
            "утверждённом плане-графике. С группировкой мероприятия идут под заголовками "
            "видов деятельности в том же порядке."
        ),
    )


def _timing_widget():
    return forms.TextInput(attrs={"list": TIMING_LIST_ID, "autocomplete": "off"})


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["activity", "content", "timing", "responsible"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "timing": _timing_widget(),
        }
        help_texts = {
            "timing": TIMING_HELP,
            "responsible": "Например: методисты ИМЦ, координаторы, тьюторы.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = Activity.choices


class TutorPlanItemForm(forms.ModelForm):
    class Meta:
        model = TutorPlanItem
        fields = ["activity", "content", "timing", "expected_result"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "timing": _timing_widget(),
        }
        help_texts = {
            "timing": TIMING_HELP,
            "expected_result": "Например: проведено 4 тьюториала, разработаны рекомендации.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = Activity.choices


class PlanReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Напишите, что нужно доработать: методист увидит этот комментарий."
        },
    )


class TutorPlanReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Напишите, что нужно доработать: тьютор увидит этот комментарий."
        },
    )


class ScopedFilterSet(django_filters.FilterSet):
    """A list filter whose municipality choice appears only for a user who sees several."""

    municipality = django_filters.ModelChoiceFilter(
        label="Муниципальное образование", queryset=Municipality.objects.none(), empty_label="Все"
    )
    academic_year = django_filters.ModelChoiceFilter(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label="Все"
    )

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = {r.municipality_id for r in access.roles if r.municipality_id}
        if access.everywhere or len(municipalities) > 1:
            self.filters["municipality"].queryset = access.municipalities()
        else:
            del self.filters["municipality"]


class PlanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=CommunityPlan.Status.choices, empty_label="Любой"
    )

    class Meta:
        model = CommunityPlan
        fields = ["municipality", "academic_year", "status"]


def name_q(prefix: str, value: str) -> Q:
    """Every word of `value` in the person's surname, name or patronymic."""
    q = Q()
    for word in value.split():
        q &= (
            Q(**{f"{prefix}__last_name__icontains": word})
            | Q(**{f"{prefix}__first_name__icontains": word})
            | Q(**{f"{prefix}__middle_name__icontains": word})
        )
    return q


class TutorPlanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label="Статус", choices=TutorPlan.Status.choices, empty_label="Любой"
    )
    tutor = django_filters.CharFilter(label="Тьютор (ФИО)", method="filter_tutor")

    class Meta:
        model = TutorPlan
        fields = ["municipality", "academic_year", "status", "tutor"]

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(name_q("tutor", value))
