import django_filters
from django import forms

from ..models import DirectoryImport, DirectoryImportRow
from ..uploads import UploadField


class DirectoryImportForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=None, empty_label=None
    )
    # The container checks (size, entries, unpacked size, ratio, what the content is) read
    # only the zip's directory, so they run here and a hostile container is never stored; the
    # sheet itself is read by the check task.
    file = UploadField(label="Файл xlsx", allowed=["xlsx"])

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is None:
            del self.fields["municipality"]
        else:
            self.fields["municipality"].queryset = municipalities


class DirectoryImportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Состояние", choices=DirectoryImport.Status.choices, empty_label="Любое"
    )

    class Meta:
        model = DirectoryImport
        fields = ["status"]


class RowFilter(django_filters.FilterSet):
    change = django_filters.ChoiceFilter(
        label="Что будет", choices=DirectoryImportRow.Change.choices, empty_label="Все строки"
    )

    class Meta:
        model = DirectoryImportRow
        fields = ["change"]
