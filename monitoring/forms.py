from django import forms

from .gia import Layout

MAX_IMPORT_SIZE = 50 * 1024 * 1024


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
        help_text="До 50 МБ. Имена и пол участников, если они есть в файле, в портал не попадают.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_layout(self):
        return self.cleaned_data["layout"] or Layout.VPR

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(
                "Файл больше 50 МБ. Региональные выгрузки загружает администратор командой "
                "import_vpr."
            )
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "Нужен файл Excel в формате xlsx: выгрузка ФИС ОКО или заполненный шаблон портала."
            )
        return uploaded
