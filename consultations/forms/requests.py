from django import forms
from django.utils import timezone

from community.forms.rosters import PersonChoiceField, teachers_of
from tutoring.models import Subject, User

from ..models import ConsultationRequest


class RequestForm(forms.ModelForm):
    teacher = PersonChoiceField(
        label="Для учителя",
        queryset=User.objects.none(),
        required=False,
        help_text="Если заявка касается одного учителя школы.",
    )

    class Meta:
        model = ConsultationRequest
        fields = [
            "kind",
            "subject",
            "topic",
            "difficulty",
            "participants",
            "participants_count",
            "format",
            "teacher",
        ]
        widgets = {"difficulty": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organization, for_teacher: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.active(
            keep=[self.instance.subject_id] if self.instance.subject_id else None
        )
        self.for_teacher = for_teacher
        if for_teacher is not None:
            # A teacher files for themself.
            del self.fields["teacher"]
        else:
            self.fields["teacher"].queryset = teachers_of(organization=organization)

    def clean(self):
        data = super().clean()
        if self.for_teacher is not None:
            data["teacher"] = self.for_teacher
        return data


class WindowForm(forms.Form):
    starts_on = forms.DateField(
        label="С", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="По", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and starts_on < timezone.localdate():
            self.add_error("starts_on", "Дата не может быть в прошлом.")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "Дата «по» раньше даты «с».")
        return data


class BaseWindowFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Укажите хотя бы один период, когда удобно провести занятие.",
        "too_many_forms": "Укажите не больше пяти периодов.",
    }


WindowFormSet = forms.formset_factory(
    WindowForm,
    formset=BaseWindowFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=5,
    validate_max=True,
)


def windows_of(formset) -> list[tuple]:
    return [
        (form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Причина", widget=forms.Textarea(attrs={"rows": 3}), help_text="Заявитель увидит её."
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Почему заявка больше не нужна", widget=forms.Textarea(attrs={"rows": 2})
    )
