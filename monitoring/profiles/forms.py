from django import forms

from tutoring.models import User

from ..models import RiskLevel


class CuratorForm(forms.Form):
    refusal_fields = {None: "curator"}
    curator = forms.ModelChoiceField(
        label="Куратор",
        queryset=User.objects.none(),
        help_text="Тьютор или методист муниципалитета. Куратор согласует рисковый профиль школы; "
        "его выезды в школу — его занятия, отмеченные в портале.",
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curator"].queryset = candidates
        self.fields["curator"].label_from_instance = lambda person: person.full_name


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что доработать",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Школа увидит этот комментарий вместе с профилем.",
    )


LEVEL_CHOICES = [("", "— не оценено —"), *RiskLevel.choices]


class RatingsForm(forms.Form):
    """The level and justification of each direction: two fields a direction, named by its id,
    so that a direction the region added later gets its rating on the same page."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"level_{row.direction.pk}"] = forms.ChoiceField(
                label="Уровень риска", choices=LEVEL_CHOICES, required=False, initial=row.level
            )
            self.fields[f"level_{row.direction.pk}"].widget.attrs["aria-describedby"] = (
                f"direction-{row.direction.pk}"
            )
            self.fields[f"justification_{row.direction.pk}"] = forms.CharField(
                label="Обоснование",
                required=False,
                initial=row.justification,
                max_length=5000,
                widget=forms.Textarea(
                    attrs={"rows": 3, "aria-describedby": f"direction-{row.direction.pk}"}
                ),
                help_text="Обязательно при высоком и среднем уровне: по этим направлениям "
                "школа пишет антирисковые программы.",
            )

    def bound_rows(self):
        for row in self.rows:
            pk = row.direction.pk
            yield row, self[f"level_{pk}"], self[f"justification_{pk}"]

    def ratings(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            row.direction.pk: (
                data[f"level_{row.direction.pk}"],
                data[f"justification_{row.direction.pk}"],
            )
            for row in self.rows
        }
