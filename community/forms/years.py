"""The form of «Начать учебный год»."""

from django import forms

from tutoring.models import AcademicYear, Municipality, current_start_year

from ..models import Roster
from ..services.plans import plan_sources
from ..services.years import last_approved_roster


def year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


class YearStartForm(forms.Form):
    start_year = forms.TypedChoiceField(label="Новый учебный год", coerce=int)
    roster = forms.BooleanField(label="Черновик состава", required=False, initial=True)
    plan_from = forms.ModelChoiceField(
        label="Скопировать план работы сообщества учебного года",
        queryset=AcademicYear.objects.none(),
        required=False,
        empty_label="не копировать",
        help_text=(
            "Любой год, у которого есть план. Мероприятия перенесутся в черновик плана "
            "нового года; сроки и ответственных останется поправить."
        ),
    )
    tutor_plans = forms.BooleanField(
        label="Скопировать планы тьюторов",
        required=False,
        help_text=(
            "Для тьюторов нового состава: их планы прошлого года станут черновиками на новый "
            "год. Тьютор поправит свой план и отправит его на согласование."
        ),
    )
    assignments = forms.BooleanField(
        label="Перенести закрепления тьюторов за учителями",
        required=False,
        help_text=(
            "Переносятся закрепления тьюторов нового состава за учителями, которые по-прежнему "
            "работают в школах муниципалитета."
        ),
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        current = current_start_year()
        years = [current, current + 1]
        self.fields["start_year"].choices = [(y, year_label(y)) for y in years]
        started = set(
            Roster.objects.filter(
                municipality=municipality, academic_year__start_year__in=years
            ).values_list("academic_year__start_year", flat=True)
        )
        self.fields["start_year"].initial = next((y for y in years if y not in started), years[-1])
        self.fields["plan_from"].queryset = AcademicYear.objects.filter(
            pk__in=plan_sources(municipality).values("academic_year")
        ).order_by("-start_year")
        self.source = last_approved_roster(municipality, before=years[-1] + 1)
        if self.source is None:
            self.fields["roster"].initial = False
            self.fields[
                "roster"
            ].help_text = (
                "Утверждённого состава прошлых лет нет: заведите состав на странице составов."
            )
        else:
            self.fields["roster"].help_text = (
                f"Из последнего утверждённого — «{self.source}». Новый состав — черновик: "
                "проверьте его и утвердите, как обычно, приказом."
            )
