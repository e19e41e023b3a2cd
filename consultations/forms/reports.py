from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

from community.forms.rosters import teachers_of

from ..models import SessionReport

MAX_MATERIALS_SIZE = 20 * 1024 * 1024
MATERIAL_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "odp", "xlsx", "ods", "jpg", "png", "zip"]


class TeacherChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class ReportForm(forms.ModelForm):
    held = forms.TypedChoiceField(
        label="Занятие состоялось?",
        choices=[("1", "да"), ("0", "нет")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    teachers_present = TeacherChoices(
        label="Присутствовали учителя школы",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SessionReport
        fields = [
            "held",
            "not_held_reason",
            "teachers_present",
            "pupils_count",
            "duration_minutes",
            "summary",
            "recommendations",
            "next_step",
            "materials",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("not_held_reason", "summary", "recommendations", "next_step")
        }
        help_texts = {
            "materials": "Один файл до 20 МБ: pdf, docx, odt, pptx, xlsx, изображение или zip.",
        }

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        organization = session.request.organization if session.request_id else None
        self.fields["teachers_present"].queryset = (
            teachers_of(organization=organization) if organization else teachers_of(pk__in=[])
        )
        self.fields["materials"].validators.append(
            FileExtensionValidator(MATERIAL_EXTENSIONS, "Такой тип файла не принимается.")
        )

    def clean_materials(self):
        materials = self.cleaned_data.get("materials")
        if materials and materials.size > MAX_MATERIALS_SIZE:
            raise ValidationError("Файл больше 20 МБ.")
        return materials


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Насколько помогло занятие",
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="5 — очень помогло, 1 — не помогло.",
    )
    comment = forms.CharField(
        label="Отзыв", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
