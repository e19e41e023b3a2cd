import django_filters
from django import forms

from ..models import DirectoryImportRow
from ..uploads import accept_for


class DirectoryImportForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=None, empty_label=None
    )
    file = forms.FileField(
        label="Файл xlsx",
        # An empty or hostile file is refused by the check, which names the problem.
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": accept_for(["xlsx"])}),
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities


class RowFilter(django_filters.FilterSet):
    change = django_filters.ChoiceFilter(
        label="Что будет", choices=DirectoryImportRow.Change.choices, empty_label="Все строки"
    )

    class Meta:
        model = DirectoryImportRow
        fields = ["change"]
