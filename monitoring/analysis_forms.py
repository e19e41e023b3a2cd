"""The choice of a work (and, for whoever reads several municipalities, of a municipality) on
the results pages. Kept apart from forms.py, the import forms."""

from urllib.parse import urlencode

from django import forms

from tutoring.models import Municipality

from .models import Assessment, AssessmentKind

FIELDS = ("kind", "year", "subject", "grade")


def _value(work: Assessment, name: str) -> str:
    return str(work.subject_id if name == "subject" else getattr(work, name))


class WorkForm(forms.Form):
    """Picks the work to show from what the user may see: the one that matches the choice
    best, field by field; a field that would leave nothing is dropped, so that switching
    from ВПР to ЕГЭ keeps the subject and year and finds the exam's grade. With no choice
    made, the latest ВПР."""

    municipality = forms.TypedChoiceField(
        label="Муниципальное образование", coerce=int, required=False
    )
    kind = forms.ChoiceField(label="Процедура", required=False)
    year = forms.TypedChoiceField(label="Год", coerce=int, required=False)
    subject = forms.TypedChoiceField(label="Предмет", coerce=int, required=False)
    grade = forms.TypedChoiceField(label="Класс", coerce=int, required=False)

    def __init__(self, data, *, works: list[Assessment], municipalities: list[Municipality]):
        data = data.copy()
        if not data.get("kind") and any(w.kind == AssessmentKind.VPR for w in works):
            data["kind"] = AssessmentKind.VPR
        candidates, self.dropped = list(works), []
        chosen = [w for w in works if str(w.pk) == data.get("work")]
        if chosen:
            # A link names the work itself: a diagnostic work among others of its subject.
            candidates = chosen
        for name in FIELDS:
            wanted = data.get(name)
            if not wanted:
                continue
            narrowed = [w for w in candidates if _value(w, name) == wanted]
            if narrowed:
                candidates = narrowed
            else:
                self.dropped.append(name)
        self.work = candidates[0] if candidates else None
        # Other works that answer the same choice (diagnostic works of one subject and grade).
        self.others = [
            w for w in candidates[1:] if all(_value(w, n) == _value(self.work, n) for n in FIELDS)
        ]
        if self.work is not None:
            for name in FIELDS:
                data[name] = _value(self.work, name)
        self.municipalities = {m.pk: m for m in municipalities}
        if len(municipalities) == 1:
            data["municipality"] = str(municipalities[0].pk)
        super().__init__(data)
        self.fields["municipality"].choices = [
            ("", "Все — сравнить муниципалитеты"),
            *((m.pk, m.short_name or m.name) for m in municipalities),
        ]
        if len(municipalities) < 2:
            self.fields["municipality"].widget = forms.HiddenInput()
        self.fields["kind"].choices = [
            (k, label) for k, label in AssessmentKind.choices if any(w.kind == k for w in works)
        ]
        self.fields["year"].choices = [
            (y, y) for y in sorted({w.year for w in works}, reverse=True)
        ]
        subjects = {w.subject_id: w.subject.name for w in works}
        self.fields["subject"].choices = sorted(subjects.items(), key=lambda item: item[1])
        self.fields["grade"].choices = [(g, f"{g} класс") for g in sorted({w.grade for w in works})]

    @property
    def chosen_municipality(self) -> Municipality | None:
        """The chosen municipality, None for all of them (or for a choice not allowed)."""
        if not self.is_valid():
            return None
        return self.municipalities.get(self.cleaned_data.get("municipality"))

    @property
    def query(self) -> str:
        """The query string of the shown choice, for the export."""
        params = {"work": self.work.pk} if self.work else {}
        if self.chosen_municipality is not None:
            params["municipality"] = self.chosen_municipality.pk
        return urlencode(params)

    @property
    def dropped_labels(self) -> list[str]:
        return [str(self.fields[name].label).lower() for name in self.dropped]
