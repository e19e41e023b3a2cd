"""Forms of the tutor's report for the year."""

from django import forms


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(
        label="Выводы о работе за год",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Что удалось, что нет и почему, что планируете на следующий год.",
    )


class YearReportReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Напишите, что нужно доработать: тьютор увидит этот комментарий."
        },
    )
