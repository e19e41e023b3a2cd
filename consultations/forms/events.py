import datetime

from django import forms

from community.forms.rosters import PersonChoiceField
from community.models import Activity, PlanItem
from tutoring.models import Municipality, RoleKind, Subject, User

from ..models import Event


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_input():
    return forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")


class PlanItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"План {obj.plan.academic_year}: {obj.content[:100]}"


class SubjectChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def organizers_of(municipalities):
    """Who runs an event: the municipality's tutors and methodists."""
    return (
        User.objects.filter(
            is_active=True,
            roles__kind__in=[RoleKind.TUTOR, RoleKind.METHODIST],
            roles__municipality__in=municipalities,
        )
        .distinct()
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def plan_items_of(municipalities):
    """Items of the municipality's community plans, drafts and approved, the newest plan
    first."""
    return (
        PlanItem.objects.filter(plan__municipality__in=municipalities)
        .select_related("plan__academic_year")
        .order_by("-plan__academic_year__start_year", "position", "pk")
    )


# The kind an event usually takes for an activity of the plan (seed 002, 5.1).
KIND_FOR_ACTIVITY = {
    Activity.EDUCATIONAL: Event.Kind.SEMINAR,
    Activity.CONSULTING: Event.Kind.GROUP_TUTORIAL,
    Activity.INFORMATIONAL: Event.Kind.SEMINAR,
}


def initial_from_plan_item(item: PlanItem) -> dict:
    """A new event prefilled from an item of the community plan; the methodist adds the date,
    the place and the audience."""
    return {
        "plan_item": item.pk,
        "title": item.content[:300],
        "kind": KIND_FOR_ACTIVITY.get(item.activity, Event.Kind.OTHER),
        "description": (
            f"Мероприятие плана работы сообщества «{item.plan}». Сроки по плану: "
            f"{item.timing}. Ответственные: {item.responsible}."
        ),
    }


class EventForm(forms.ModelForm):
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=Municipality.objects.none()
    )
    date = forms.DateField(label="Дата", widget=_date_input())
    starts = forms.TimeField(
        label="Начало", widget=_time_input(), help_text="Время муниципалитета."
    )
    ends = forms.TimeField(label="Окончание", widget=_time_input())
    link = forms.URLField(
        label="Ссылка для подключения",
        required=False,
        assume_scheme="https",
        help_text="Для дистанционного участия. Нужно место проведения или ссылка.",
    )
    subjects = SubjectChoices(
        label="Предметы",
        queryset=Subject.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Не отмечайте ничего, если мероприятие для учителей всех предметов.",
    )
    organizer = PersonChoiceField(label="Проводит", queryset=User.objects.none(), required=False)
    plan_item = PlanItemChoiceField(
        label="Мероприятие плана сообщества",
        queryset=PlanItem.objects.none(),
        required=False,
        help_text="Если мероприятие проводится по плану работы сообщества.",
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "place",
            "link",
            "audience",
            "subjects",
            "capacity",
            "organizer",
            "plan_item",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "place": "Адрес и помещение, например «МКУ ИМЦ, ул. Победы, 1, актовый зал».",
            "capacity": "Оставьте пустым, если мест сколько угодно.",
        }

    field_order = [
        "municipality",
        "kind",
        "title",
        "description",
        "date",
        "starts",
        "ends",
        "place",
        "link",
        "audience",
        "subjects",
        "capacity",
        "organizer",
        "plan_item",
    ]

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = list(municipalities)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=[m.pk for m in municipalities]
        )
        self.municipality = None
        if len(municipalities) == 1:
            # A methodist of one municipality has nothing to choose.
            del self.fields["municipality"]
            self.municipality = municipalities[0]
        self.fields["organizer"].queryset = organizers_of(municipalities)
        self.fields["plan_item"].queryset = plan_items_of(municipalities)
        event = self.instance
        if event.pk:
            self.fields["subjects"].queryset = Subject.objects.active(keep=event.subjects.all())
            self.fields.pop("municipality", None)
            self.municipality = event.municipality
            zone = event.municipality.tzinfo
            starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
            self.initial.update(
                {"date": starts.date(), "starts": starts.time(), "ends": ends.time()}
            )

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality") or self.municipality
        if municipality is None:
            return data
        data["municipality"] = municipality
        date, starts, ends = data.get("date"), data.get("starts"), data.get("ends")
        if date and starts and ends:
            if ends <= starts:
                self.add_error("ends", "Окончание должно быть позже начала.")
            else:
                zone = municipality.tzinfo
                data["starts_at"] = datetime.datetime.combine(date, starts, tzinfo=zone)
                data["ends_at"] = datetime.datetime.combine(date, ends, tzinfo=zone)
        if not (data.get("place") or "").strip() and not (data.get("link") or "").strip():
            self.add_error(
                "place", "Укажите место проведения или ссылку для подключения (или и то и другое)."
            )
        organizer = data.get("organizer")
        if organizer and not organizers_of([municipality]).filter(pk=organizer.pk).exists():
            self.add_error("organizer", "Выберите тьютора или методиста этого муниципалитета.")
        plan_item = data.get("plan_item")
        if plan_item and plan_item.plan.municipality_id != municipality.pk:
            self.add_error("plan_item", "Это мероприятие из плана другого муниципалитета.")
        return data

    def service_fields(self) -> dict:
        """What the event services take, from the cleaned form."""
        data = self.cleaned_data
        names = ["kind", "title", "description", "place", "link", "audience", "capacity"]
        return {
            **{name: data[name] for name in names},
            "organizer": data.get("organizer"),
            "plan_item": data.get("plan_item"),
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "subjects": list(data["subjects"]),
        }


class EventCancelForm(forms.Form):
    reason = forms.CharField(
        label="Причина отмены",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Записавшиеся увидят её на странице мероприятия.",
    )
