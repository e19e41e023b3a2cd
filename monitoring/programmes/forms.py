from django import forms

from tutoring.models import Subject

from ..models import Indicator
from . import selectors


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ProgrammeTextForm(forms.Form):
    goal = forms.CharField(
        label="Цель", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    tasks = forms.CharField(
        label="Задачи",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text="Каждая задача с новой строки.",
    )
    text = forms.CharField(
        label="Содержание",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=50000,
        help_text="Разделы документа: строка, начинающаяся с «#», — заголовок раздела, "
        "например «# Анализ текущего состояния».",
    )


class MeasureForm(forms.Form):
    """A measure and what carries it out. The service checks the dates against the
    programme's span and names every problem at its field at once; the form only parses."""

    title = forms.CharField(
        label="Мероприятие", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    starts_on = _date("Начало")
    ends_on = _date("Срок выполнения")
    responsible = forms.CharField(label="Ответственный", max_length=300)
    expected_result = forms.CharField(label="Ожидаемый результат", max_length=500, required=False)

    TIE_LABELS = {
        "assignment": "Закрепление тьютора",
        "series": "Серия занятий",
        "session": "Занятие",
        "event": "Мероприятие сообщества",
        "route": "Маршрут профессионального развития",
        "case": "Экспертиза",
    }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "starts_on", "ends_on", "responsible"):
            # Missing values are the service's to name, with the others, all at once.
            self.fields[name].required = False
        for name, queryset in selectors.tie_choices(programme).items():
            field = forms.ModelChoiceField(
                label=self.TIE_LABELS[name],
                queryset=queryset,
                required=False,
                empty_label="— нет —",
            )
            field.label_from_instance = lambda obj, name=name: selectors.tie_label(name, obj)
            self.fields[name] = field
        self.fields["assignment"].help_text = (
            "Чем в портале выполняется мероприятие — что-то одно или ничего. Выполнение "
            "занятия, серии, мероприятия, маршрута или экспертизы портал отметит сам."
        )

    def clean(self):
        data = super().clean()
        for name in ("title", "responsible"):
            data[name] = data.get(name) or ""
        return data


class MeasureDoneForm(forms.Form):
    done_on = _date("Выполнено", required=False, help_text="Пусто — снять отметку.")


class IndicatorForm(forms.Form):
    title = forms.CharField(label="Показатель", max_length=300, required=False)
    source = forms.ChoiceField(label="Откуда значение", choices=Indicator.Source.choices)
    subject = forms.ModelChoiceField(
        label="Предмет работы ВПР", queryset=Subject.objects.active(), required=False
    )
    grade = forms.IntegerField(label="Класс работы ВПР", min_value=4, max_value=11, required=False)
    baseline = forms.DecimalField(
        label="Базовое значение",
        max_digits=8,
        decimal_places=1,
        required=False,
        help_text="Для показателей, которые считает портал, можно оставить пустым: портал "
        "возьмёт значение по результатам весны перед учебным годом программы (по ВПР) или "
        "за прошлый учебный год.",
    )
    target = forms.DecimalField(
        label="Целевое значение", max_digits=8, decimal_places=1, required=False
    )
    value = forms.DecimalField(
        label="Текущее значение",
        max_digits=8,
        decimal_places=1,
        required=False,
        help_text="Только для показателя, который вводит школа.",
    )
    evidence = forms.CharField(
        label="Чем подтверждается",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text="Для показателя, который вводит школа: протокол, справка, ссылка.",
    )


class IndicatorValueForm(forms.Form):
    value = forms.DecimalField(
        label="Текущее значение", max_digits=8, decimal_places=1, required=False
    )
    evidence = forms.CharField(
        label="Чем подтверждается", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExitRuleForm(forms.Form):
    years = forms.IntegerField(
        label="Лет подряд",
        min_value=1,
        max_value=5,
        help_text="Сколько последних лет с результатами ВПР доля «2» школы должна быть ниже "
        "муниципальной.",
    )
    confirmed_min = forms.DecimalField(
        label="Отметка подтверждена не менее чем у, %",
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        help_text="Доля участников, у которых отметка ВПР не ниже журнальной, в последнем году.",
    )
