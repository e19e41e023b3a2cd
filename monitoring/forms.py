import datetime

from django import forms

from tutoring.models import Municipality, Organization, Subject
from tutoring.uploads import MAX_UPLOAD_SIZE

from .filters import GIA_EXAMS
from .gia import FIRST_YEAR, Layout
from .models import ResultSet
from .services import MinimumSpec

# The cap of every upload: a region's «Ф1» of 100,000 rows is some 10 MB.
MAX_IMPORT_SIZE = MAX_UPLOAD_SIZE


class ResultImportForm(forms.Form):
    layout = forms.ChoiceField(
        label="Что загружаете",
        choices=Layout.choices,
        initial=Layout.VPR,
        widget=forms.RadioSelect,
        # A form sent without the choice (as before there was one) is a ВПР «Ф1».
        required=False,
    )
    file = forms.FileField(
        label="Файл результатов (xlsx)",
        help_text=f"До {MAX_IMPORT_SIZE // (1024 * 1024)} МБ. Имена и пол участников, если они "
        "есть в файле, в портал не попадают.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_layout(self):
        return self.cleaned_data["layout"] or Layout.VPR

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(
                f"Файл больше {MAX_IMPORT_SIZE // (1024 * 1024)} МБ: так велика не бывает даже "
                "выгрузка целого региона. Проверьте, тот ли это файл."
            )
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "Нужен файл Excel в формате xlsx: выгрузка ФИС ОКО или заполненный шаблон портала."
            )
        return uploaded


class AnalyticalReportForm(forms.Form):
    """What an analytical report is about: a municipality's or a school's results of a year,
    all subjects or one."""

    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=Municipality.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(label="Год результатов", coerce=int)
    school = forms.ModelChoiceField(
        label="Школа",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="Все школы муниципалитета",
        help_text="Справка по одной школе сравнивает её с муниципалитетом и регионом.",
    )
    subject = forms.ModelChoiceField(
        label="Предмет",
        queryset=Subject.objects.none(),
        required=False,
        empty_label="Все предметы",
    )

    def __init__(self, data=None, *, municipalities, schools, years: list[int], initial=None):
        super().__init__(data, initial=initial)
        self.fields["municipality"].queryset = municipalities
        if len(municipalities) < 2:
            self.fields["municipality"].widget = forms.HiddenInput()
            self.fields["municipality"].initial = municipalities[0].pk if municipalities else None
        self.fields["year"].choices = [(year, year) for year in years]
        tested = ResultSet.objects.filter(organization__in=schools)
        self.fields["school"].queryset = schools.filter(
            pk__in=tested.values("organization")
        ).order_by("short_name")
        self.fields["subject"].queryset = Subject.objects.filter(
            pk__in=tested.values("assessment__subject")
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        school, municipality = cleaned.get("school"), cleaned.get("municipality")
        if school and municipality and school.municipality_id != municipality.pk:
            self.add_error(
                "school", "Эта школа не относится к выбранному муниципальному образованию."
            )
        return cleaned


class MinimumScoreForm(forms.Form):
    kind = forms.ChoiceField(label="Экзамен", choices=GIA_EXAMS)
    year = forms.IntegerField(label="Год", help_text="Год проведения экзамена, например 2026.")
    subject = forms.ModelChoiceField(label="Предмет", queryset=Subject.objects.none())
    grade = forms.TypedChoiceField(
        label="Класс",
        coerce=int,
        choices=[(grade, f"{grade} класс") for grade in (9, 10, 11, 12)],
        initial=11,
        help_text="ОГЭ — 9 класс; ЕГЭ — 11 (10 и 12 — для вечерних школ); ГВЭ — 9 или 11.",
    )
    score = forms.IntegerField(
        label="Минимальный балл",
        help_text="ЕГЭ — тестовый балл (из 100); ОГЭ и ГВЭ — первичный балл отметки «3».",
    )

    def __init__(self, *args, minimum=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A retired subject stays on the minimum that has it, and is offered for no other.
        keep = [minimum.subject_id] if minimum else None
        self.fields["subject"].queryset = Subject.objects.active(keep=keep).order_by("name")

    def spec(self) -> MinimumSpec:
        return MinimumSpec(**self.cleaned_data)


class MinimumSeedForm(forms.Form):
    year = forms.IntegerField(label="Год", help_text="Например, год предстоящей ГИА.")

    def clean_year(self):
        year, last = self.cleaned_data["year"], datetime.date.today().year + 1
        if not FIRST_YEAR <= year <= last:
            raise forms.ValidationError(f"Год — от {FIRST_YEAR} до {last}.")
        return year
