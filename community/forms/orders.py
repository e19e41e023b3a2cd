from django import forms
from django.utils import timezone

from tutoring.models import AcademicYear, Organization

from ..models import Appendix, CommunityPlan, Order, Roster


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = [
            "organization",
            "academic_year",
            "place",
            "heading",
            "preamble",
            "points",
            "signatory_position",
            "signatory_name",
        ]
        widgets = {
            "heading": forms.Textarea(attrs={"rows": 2}),
            "preamble": forms.Textarea(attrs={"rows": 4}),
            "points": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "place": "Например, «г. Лабинск».",
            "preamble": "«В рамках реализации … в целях …» — текст до слова «приказываю».",
            "academic_year": "Составы и планы в приложениях — этого учебного года.",
            "signatory_position": "Подставляется руководитель издающей организации; "
            "меняется, пока приказ не отправлен на подпись.",
            "signatory_name": "Как в подписи: инициалы перед фамилией, «С. И. Орлов».",
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.open_or(self.instance.organization_id)
            .filter(municipality=municipality)
            .exclude(kind=Organization.Kind.SCHOOL)
        )
        self.fields["organization"].empty_label = None
        self.fields["academic_year"].queryset = AcademicYear.objects.order_by("-start_year")
        self.fields["academic_year"].empty_label = None
        if not self.instance.pk and "academic_year" not in self.initial:
            current = AcademicYear.objects.current()
            self.initial["academic_year"] = current.pk if current else None


class AppendixForm(forms.ModelForm):
    class Meta:
        model = Appendix
        fields = ["kind", "title", "roster", "plan", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "roster": "Для приложения «состав сообщества»: состав учебного года приказа, "
            "отмеченный «готов к приказу» (приказ утвердит его) или уже утверждённый.",
            "plan": "Для приложения «план работы»: утверждённый план учебного года приказа.",
            "text": (
                "Для текстового приложения, например положения о сообществе. Заголовки, списки "
                "и курсив — по правилам под полем; «Предпросмотр» покажет результат."
            ),
        }

    # Which field a refusal of the service is about, by the kind of the appendix.
    SOURCE_FIELDS = {Appendix.Kind.ROSTER: "roster", Appendix.Kind.PLAN: "plan"}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roster"].queryset = Roster.objects.filter(
            municipality=municipality, status__in=[Roster.Status.READY, Roster.Status.APPROVED]
        ).select_related("academic_year")
        self.fields["plan"].queryset = CommunityPlan.objects.filter(
            municipality=municipality, status=CommunityPlan.Status.APPROVED
        ).select_related("academic_year")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        # Only the source of the chosen kind is kept: a roster picked and the kind then
        # switched to «текст» must not break the rule «one kind, one source».
        if kind != Appendix.Kind.ROSTER:
            data["roster"] = None
        if kind != Appendix.Kind.PLAN:
            data["plan"] = None
        if kind != Appendix.Kind.TEXT:
            data["text"] = ""
        if kind == Appendix.Kind.ROSTER and not data.get("roster") and "roster" not in self.errors:
            self.add_error("roster", "Выберите состав сообщества, который утверждает приказ.")
        if kind == Appendix.Kind.PLAN and not data.get("plan") and "plan" not in self.errors:
            self.add_error("plan", "Выберите план работы сообщества.")
        return data

    @property
    def source_field(self) -> str | None:
        return self.SOURCE_FIELDS.get(self.cleaned_data.get("kind"))


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="Что исправить",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Методист увидит этот комментарий на странице приказа и на главной.",
        error_messages={"required": "Напишите, что исправить: методист увидит этот комментарий."},
    )


class ApproveForm(forms.Form):
    number = forms.CharField(label="Номер приказа", max_length=50)
    date = forms.DateField(
        label="Дата приказа",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
