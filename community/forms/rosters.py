from django import forms

from tutoring.models import (
    AcademicYear,
    Organization,
    Role,
    RoleKind,
    Subject,
    User,
    current_start_year,
)

from ..models import Nomination, RosterEntry


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


def teachers_of(**role_filter):
    return (
        User.objects.filter(
            is_active=True,
            roles__in=Role.objects.filter(kind=RoleKind.TEACHER, **role_filter),
        )
        .distinct()
        .order_by("last_name", "first_name", "middle_name")
    )


def coming_years():
    """The current academic year and the next one: schools nominate for the coming year."""
    current = current_start_year()
    return AcademicYear.objects.filter(start_year__in=[current, current + 1]).order_by("start_year")


class NominationForm(forms.ModelForm):
    teacher = PersonChoiceField(label="Учитель", queryset=User.objects.none())
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы (направления)",
        queryset=Subject.objects.active(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Nomination
        fields = [
            "academic_year",
            "teacher",
            "position",
            "subjects",
            "level",
            "education",
            "experience_years",
            "qualification_category",
            "achievements",
            "justification",
        ]
        widgets = {
            "achievements": forms.Textarea(attrs={"rows": 4}),
            "justification": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "position": "Как в штатном расписании, например «учитель математики».",
            "achievements": "Конкурсы, публикации, результаты учеников, выступления.",
            "justification": "Почему школа предлагает этого учителя в тьюторы.",
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = teachers_of(organization=organization)
        if self.instance.pk:
            self.fields["subjects"].queryset = Subject.objects.active(
                keep=self.instance.subjects.all()
            )
        self.fields["academic_year"].queryset = coming_years()
        self.fields["academic_year"].empty_label = None
        years = list(self.fields["academic_year"].queryset)
        if years:
            self.fields["academic_year"].initial = years[-1].pk


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Причина отклонения",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Школа увидит этот текст.",
    )


class RosterCreateForm(forms.Form):
    academic_year = forms.ModelChoiceField(
        label="Учебный год", queryset=AcademicYear.objects.none(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = coming_years()


class RosterEntryForm(forms.ModelForm):
    person = PersonChoiceField(label="Учитель", queryset=User.objects.none())
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы (направления)",
        queryset=Subject.objects.active(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = RosterEntry
        fields = ["person", "subjects", "position", "organization", "level"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.open_or(self.instance.organization_id)
            .filter(municipality=municipality)
            .order_by("short_name")
        )
        if self.instance.pk:
            self.fields["subjects"].queryset = Subject.objects.active(
                keep=self.instance.subjects.all()
            )
            # The person of an entry does not change; remove the entry and add another.
            del self.fields["person"]
        else:
            self.fields["person"].queryset = teachers_of(municipality=municipality)
