from datetime import timedelta

from django import forms
from django.utils import timezone

from community.forms.rosters import PersonChoiceField, teachers_of
from tutoring.filters import DateInput
from tutoring.models import AcademicYear, Subject, User
from tutoring.uploads import DOCUMENT_TYPES, PORTFOLIO_TYPES, MultipleUploadField

from .models import CaseKind, Criterion, ExpertiseCase, Rubric, verdicts_for

FILES_HELP = (
    "До 10 файлов, каждый до 20 МБ: pdf, docx, odt, xlsx; для портфолио также jpg и png. "
    "Файлы с паролем не принимаются."
)


def _check_images(kind: str, files) -> str:
    if kind == CaseKind.PORTFOLIO:
        return ""
    images = [f.name for f in files if f.upload_info.type not in DOCUMENT_TYPES]
    if images:
        return (
            "Изображения принимаются только для портфолио: "
            + ", ".join(f"«{name}»" for name in images)
            + ". Загрузите документ в pdf, docx, odt или xlsx."
        )
    return ""


class CaseForm(forms.ModelForm):
    author = PersonChoiceField(label="Автор (учитель)", queryset=User.objects.none())
    files = MultipleUploadField(label="Файлы", allowed=PORTFOLIO_TYPES, help_text=FILES_HELP)

    class Meta:
        model = ExpertiseCase
        fields = ["kind", "title", "subject", "grades", "academic_year", "author", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organization, author: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Subject.objects.active(
            keep=[self.instance.subject_id] if self.instance.subject_id else None
        )
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by("-start_year")
        self.fields["academic_year"].initial = AcademicYear.objects.current()
        self.author = author
        if author is not None:
            # A teacher submits their own work.
            del self.fields["author"]
        else:
            self.fields["author"].queryset = teachers_of(organization=organization)

    def clean(self):
        data = super().clean()
        if self.author is not None:
            data["author"] = self.author
        message = _check_images(data.get("kind"), data.get("files") or [])
        if message:
            self.add_error("files", message)
        return data


class ResubmitForm(forms.Form):
    note = forms.CharField(
        label="Что исправлено",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Эксперты увидят это вместе с новой версией.",
    )
    files = MultipleUploadField(
        label="Доработанные файлы", allowed=PORTFOLIO_TYPES, help_text=FILES_HELP
    )

    def __init__(self, *args, case: ExpertiseCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        data = super().clean()
        message = _check_images(self.case.kind, data.get("files") or [])
        if message:
            self.add_error("files", message)
        return data


class ExpertChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        load = getattr(obj, "load", 0)
        return f"{obj.full_name} — сейчас на экспертизе: {load}"


class AssignForm(forms.Form):
    experts = ExpertChoices(
        label="Эксперты",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Один или два тьютора по предмету; сначала — наименее загруженные.",
    )
    deadline = forms.DateField(label="Срок экспертизы", required=False, widget=DateInput)
    blind = forms.BooleanField(label="Скрыть имя автора и школу от экспертов", required=False)

    def __init__(self, *args, candidates: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["experts"]
        field.queryset = User.objects.filter(pk__in=[c.pk for c in candidates])
        # The ranked order and each tutor's load, rather than the queryset's own order.
        field.choices = [(c.pk, field.label_from_instance(c)) for c in candidates]
        self.fields["deadline"].initial = timezone.localdate() + timedelta(days=14)

    def clean_experts(self):
        experts = list(self.cleaned_data["experts"])
        if len(experts) > 2:
            raise forms.ValidationError("Назначьте не больше двух экспертов.")
        return experts

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError("Срок не может быть в прошлом.")
        return deadline


class ReviewForm(forms.Form):
    """A score and a comment per criterion of the case's rubric, and the expert's conclusion."""

    conclusion = forms.CharField(
        label="Мотивированное заключение",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Выводы и рекомендации автору: войдут в экспертное заключение.",
    )

    def __init__(self, *args, criteria: list[Criterion], scores: dict, previous: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.previous = previous
        for criterion in criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.number}. {criterion.title}",
                choices=[(str(n), str(n)) for n in range(criterion.max_score + 1)],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=str(score.score) if score else None,
                help_text=criterion.guidance,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Комментарий к критерию {criterion.number}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=score.comment if score else "",
            )

    def rows(self):
        """Each criterion with its two fields and the previous round's score, if any."""
        for criterion in self.criteria:
            yield (
                criterion,
                self[f"score_{criterion.pk}"],
                self[f"comment_{criterion.pk}"],
                self.previous.get(criterion.pk),
            )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"score_{c.pk}"), data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }


class ReconcileForm(forms.Form):
    verdict = forms.ChoiceField(label="Итоговый вывод", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Обоснование",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Почему принят этот вывод: войдёт в заключение.",
    )

    def __init__(self, *args, case: ExpertiseCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verdict"].choices = [(v.value, v.label) for v in verdicts_for(case.kind)]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Почему экспертиза больше не нужна", widget=forms.Textarea(attrs={"rows": 2})
    )


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["title", "description", "upper", "lower"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        upper, lower = data.get("upper"), data.get("lower")
        if upper is not None and lower is not None and lower > upper:
            self.add_error("lower", "Нижний порог не может быть выше верхнего.")
        return data


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["title", "guidance", "max_score", "required"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 4})}
