"""The form of a teacher's diagnosis of deficits and the filter of the diagnoses' list."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from tutoring.access import Access
from tutoring.models import Organization, RoleKind, User

from ..models import Deficit, DeficitDiagnosis, DeficitKind
from ..services.diagnoses import Rating
from .assignments import PersonChoiceField
from .plans import ScopedFilterSet, name_q

LEVELS = [("", "не оценивались"), *Deficit.Level.choices]
SOURCES = [("", "—"), *Deficit.Source.choices]


class DiagnosisForm(forms.Form):
    """The date and, for each of the four kinds of Р-201, a level, how the deficits were
    found and a note. Every field may be left empty here: what is missing or at odds the
    service names, each problem at its field, all at once."""

    teacher = PersonChoiceField(
        label="Учитель", queryset=User.objects.none(), required=False, empty_label="— выберите —"
    )
    date = forms.DateField(
        label="Дата диагностики",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Учебный год портал определит по дате.",
    )

    def __init__(self, *args, teachers=None, **kwargs):
        """`teachers`: whom a new diagnosis may be of; none when an existing one is edited."""
        super().__init__(*args, **kwargs)
        if teachers is None:
            del self.fields["teacher"]
        else:
            self.fields["teacher"].queryset = teachers
        for kind in DeficitKind:
            self.fields[f"{kind}_level"] = forms.ChoiceField(
                label="Уровень", choices=LEVELS, required=False
            )
            self.fields[f"{kind}_source"] = forms.ChoiceField(
                label="Как выявлены", choices=SOURCES, required=False
            )
            self.fields[f"{kind}_note"] = forms.CharField(
                label="Комментарий",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def kinds(self) -> list[dict]:
        """The four groups of fields, for the page to lay out one card a kind."""
        return [
            {
                "title": f"{kind.label.capitalize()} дефициты",
                "level": self[f"{kind}_level"],
                "source": self[f"{kind}_source"],
                "note": self[f"{kind}_note"],
            }
            for kind in DeficitKind
        ]

    def ratings(self) -> dict[str, Rating]:
        data = self.cleaned_data
        return {
            kind: Rating(
                level=data.get(f"{kind}_level") or "",
                source=data.get(f"{kind}_source") or "",
                note=data.get(f"{kind}_note") or "",
            )
            for kind in DeficitKind.values
        }

    def service_data(self) -> dict:
        data = {"date": self.cleaned_data.get("date"), "ratings": self.ratings()}
        if "teacher" in self.fields:
            data["teacher"] = self.cleaned_data.get("teacher")
        return data


def diagnosis_initial(diagnosis: DeficitDiagnosis) -> dict:
    initial = {"date": diagnosis.date}
    for deficit in diagnosis.deficits.all():
        initial[f"{deficit.kind}_level"] = deficit.level
        initial[f"{deficit.kind}_source"] = deficit.source
        initial[f"{deficit.kind}_note"] = deficit.note
    return initial


class DiagnosisFilter(ScopedFilterSet):
    """The diagnoses the user reads: by year, school, teacher, and by a kind and a level of
    deficits found together in one diagnosis («методические, высокий уровень»)."""

    organization = django_filters.ModelChoiceFilter(
        label="Школа", queryset=Organization.objects.none(), empty_label="Все"
    )
    teacher = django_filters.CharFilter(label="Учитель (ФИО)", method="filter_teacher")
    kind = django_filters.ChoiceFilter(
        label="Вид дефицитов", choices=DeficitKind.choices, empty_label="Любой", method="keep"
    )
    level = django_filters.ChoiceFilter(
        label="Уровень",
        choices=[c for c in Deficit.Level.choices if c[0] != Deficit.Level.NONE],
        empty_label="Любой",
        method="keep",
    )

    class Meta:
        model = DeficitDiagnosis
        fields = ["municipality", "academic_year", "organization", "teacher", "kind", "level"]

    def __init__(self, *args, access: Access, **kwargs):
        super().__init__(*args, access=access, **kwargs)
        overseen = [
            r.municipality_id
            for r in access.roles
            if r.kind in (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.TUTOR)
        ]
        # The region picks a municipality instead: its 1,500 schools make no list to choose from.
        if overseen:
            self.filters["organization"].queryset = (
                Organization.objects.schools()
                .filter(municipality__in=overseen)
                .order_by("short_name")
            )
        else:
            del self.filters["organization"]

    def keep(self, queryset, name, value):
        # Read together in `filter_queryset`: both must hold of the same kind's row.
        return queryset

    def filter_teacher(self, queryset, name, value):
        return queryset.filter(name_q("teacher", value))

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        kind, level = self.form.cleaned_data.get("kind"), self.form.cleaned_data.get("level")
        if kind or level:
            deficits = Deficit.objects.filter(diagnosis=OuterRef("pk"))
            if kind:
                deficits = deficits.filter(kind=kind)
            if level:
                deficits = deficits.filter(level=level)
            queryset = queryset.filter(Exists(deficits))
        return queryset
