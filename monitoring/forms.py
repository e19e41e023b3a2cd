from django import forms

MAX_IMPORT_SIZE = 50 * 1024 * 1024


class VprImportForm(forms.Form):
    file = forms.FileField(
        label="Файл «Ф1 Индивидуальные результаты» (xlsx)",
        help_text="Выгрузка из личного кабинета ФИС ОКО, школьная или муниципальная, до 50 МБ. "
        "Имена и пол участников, если они есть в файле, в портал не попадают.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_IMPORT_SIZE:
            raise forms.ValidationError(
                "Файл больше 50 МБ. Региональные выгрузки загружает администратор командой "
                "import_vpr."
            )
        if not uploaded.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "Нужен файл Excel в формате xlsx, как его выгружает ФИС ОКО."
            )
        return uploaded
