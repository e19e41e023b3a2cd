"""Forms and the list filter of tutors' achievements."""

import django_filters
from django import forms

from tutoring.uploads import UploadField

from ..models import Achievement, AchievementLevel
from ..services.achievements import EVIDENCE_TYPES
from .plans import ScopedFilterSet, name_q

FILE_HELP = "pdf, docx, odt, xlsx, pptx, jpg, png или zip, до 20 МБ."


class AchievementForm(forms.Form):
    """Whether the date lies in the year and whether there is a link or a file, the service
    decides; its message is shown above the form."""

    kind = forms.ChoiceField(label="Вид", choices=Achievement.Kind.choices)
    date = forms.DateField(label="Дата", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(
        label="Название",
        max_length=500,
        help_text="Тема публикации или выступления, название мероприятия или конкурса.",
    )
    level = forms.ChoiceField(label="Уровень", choices=AchievementLevel.choices)
    evidence_link = forms.URLField(
        label="Ссылка-подтверждение", max_length=500, required=False, assume_scheme="https"
    )
    evidence_file = UploadField(
        label="Файл-подтверждение",
        allowed=EVIDENCE_TYPES,
        required=False,
        widget=forms.FileInput,
        help_text=FILE_HELP,
    )
    remove_file = forms.BooleanField(label="Удалить прежний файл", required=False)

    def __init__(self, *args, achievement: Achievement | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if achievement is not None and achievement.evidence_file:
            self.fields["remove_file"].label = f"Удалить файл «{achievement.evidence_name}»"
        else:
            del self.fields["remove_file"]


def achievement_initial(achievement: Achievement) -> dict:
    return {
        "kind": achievement.kind,
        "date": achievement.date,
        "title": achievement.title,
        "level": achievement.level,
        "evidence_link": achievement.evidence_link,
    }


class AchievementFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        label="Вид", choices=Achievement.Kind.choices, empty_label="Любой"
    )
    level = django_filters.ChoiceFilter(
        label="Уровень", choices=AchievementLevel.choices, empty_label="Любой"
    )
    tutor = django_filters.CharFilter(label="Тьютор (ФИО)", method="filter_tutor")

    class Meta:
        model = Achievement
        fields = ["municipality", "academic_year", "kind", "level", "tutor"]

    def __init__(self, *args, oversees: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not oversees:
            del self.filters["tutor"]

    def filter_tutor(self, queryset, name, value):
        return queryset.filter(name_q("tutor", value))
