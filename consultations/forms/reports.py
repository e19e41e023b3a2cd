from django import forms

from community.forms.rosters import teachers_of
from tutoring.uploads import MATERIAL_TYPES, UploadField

from ..models import SessionReport


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
    # Checked by content like every other upload: an executable renamed «.pdf» is refused.
    materials = UploadField(label="Материалы", allowed=MATERIAL_TYPES, required=False)
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
