from django import forms
from django.utils import timezone

from tutoring.models import Organization

from ..models import Appendix, CommunityPlan, Order, Roster


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = [
            "organization",
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
            "signatory_name": "Как в подписи: «С.И. Клименко».",
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            Organization.objects.open_or(self.instance.organization_id)
            .filter(municipality=municipality)
            .exclude(kind=Organization.Kind.SCHOOL)
        )
        self.fields["organization"].empty_label = None


class AppendixForm(forms.ModelForm):
    class Meta:
        model = Appendix
        fields = ["kind", "title", "roster", "plan", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "roster": "Для приложения «состав сообщества»: только утверждённые составы.",
            "plan": "Для приложения «план работы»: только утверждённые планы.",
            "text": (
                "Для текстового приложения, например положения о сообществе. Заголовки, списки "
                "и курсив — по правилам под полем; «Предпросмотр» покажет результат."
            ),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roster"].queryset = Roster.objects.filter(
            municipality=municipality, status=Roster.Status.APPROVED
        ).select_related("academic_year")
        self.fields["plan"].queryset = CommunityPlan.objects.filter(
            municipality=municipality, status=CommunityPlan.Status.APPROVED
        )


class ApproveForm(forms.Form):
    number = forms.CharField(label="Номер приказа", max_length=50)
    date = forms.DateField(
        label="Дата приказа",
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
