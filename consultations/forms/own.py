"""The tutor's form for their own work: one session held or planned, or a planned series."""

import datetime

from django import forms
from django.db.models import Exists, OuterRef

from community.forms.rosters import teachers_of
from community.models import Assignment, DevelopmentRoute, PlanItem, RouteStep, TutorPlanItem
from tutoring.models import Organization, Subject
from tutoring.uploads import MATERIAL_TYPES, UploadField

from ..models import Format, Interval, Room
from ..services.own import OBSERVATION_FIELDS, OWN_KINDS, OwnSession
from .booking import DURATIONS, RoomChoiceField, _date_input, following_field
from .reports import TeacherChoices

REPEAT_CHOICES = [("", "не повторять"), *[(str(v), label) for v, label in Interval.choices]]


class AssignedFirst(TeacherChoices):
    def label_from_instance(self, obj):
        name = super().label_from_instance(obj)
        return f"{name} — ваш тьюторант" if getattr(obj, "assigned", False) else name


class ItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        text = str(obj)
        return text if len(text) < 90 else text[:88] + "…"


class OwnSessionForm(forms.Form):
    held = forms.TypedChoiceField(
        label="Занятие",
        choices=[("1", "уже проведено"), ("0", "запланировано")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    kind = forms.ChoiceField(label="Форма работы", choices=[(k.value, k.label) for k in OWN_KINDS])
    date = forms.DateField(label="Дата", widget=_date_input())
    time = forms.TimeField(
        label="Начало",
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        help_text="Время муниципалитета.",
    )
    duration = forms.TypedChoiceField(
        label="Продолжительность", choices=DURATIONS, coerce=int, initial=45
    )
    format = forms.ChoiceField(
        label="Формат", choices=Format.choices, widget=forms.RadioSelect, initial=Format.IN_PERSON
    )
    organization = forms.ModelChoiceField(
        label="Школа", queryset=Organization.objects.none(), required=False
    )
    place = forms.CharField(
        label="Место проведения",
        required=False,
        max_length=500,
        help_text="Для очного занятия в школе: кабинет, например «каб. 14».",
    )
    room = RoomChoiceField(
        label="Или помещение консультационного пункта", queryset=Room.objects.none(), required=False
    )
    link = forms.URLField(
        label="Ссылка для подключения",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Для дистанционного занятия: её увидят только участники.",
    )
    teachers = AssignedFirst(
        label="Учителя",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    subject = forms.ModelChoiceField(
        label="Предмет", queryset=Subject.objects.all(), required=False
    )
    topic = forms.CharField(label="Тема", max_length=300)
    # The observation note of a lesson visit.
    grade = forms.CharField(label="Класс", required=False, max_length=20)
    lesson_topic = forms.CharField(label="Тема урока", required=False, max_length=300)
    observed = forms.CharField(
        label="Что увидел тьютор", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    strengths = forms.CharField(
        label="Сильные стороны", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    difficulties = forms.CharField(
        label="Затруднения", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    observation_recommendations = forms.CharField(
        label="Рекомендации учителю по уроку",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # What a held one gave.
    pupils_count = forms.IntegerField(
        label="Обучающихся", min_value=0, max_value=500, initial=0, required=False
    )
    summary = forms.CharField(
        label="Что сделано", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendations = forms.CharField(
        label="Рекомендации", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(
        label="Следующий шаг", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    materials = UploadField(
        label="Материалы",
        allowed=MATERIAL_TYPES,
        required=False,
        help_text="Один файл до 20 МБ: pdf, docx, odt, pptx, xlsx, изображение или zip.",
    )
    # Ties to plans.
    tutor_plan_item = ItemChoice(
        label="Пункт моего плана", queryset=TutorPlanItem.objects.none(), required=False
    )
    plan_item = ItemChoice(
        label="Мероприятие плана сообщества", queryset=PlanItem.objects.none(), required=False
    )
    route_step = ItemChoice(
        label="Шаг маршрута учителя", queryset=RouteStep.objects.none(), required=False
    )
    # A series.
    repeat = forms.ChoiceField(
        label="Повторять", choices=REPEAT_CHOICES, required=False, initial=""
    )
    count = forms.IntegerField(
        label="Сколько раз",
        required=False,
        min_value=1,
        max_value=40,
        help_text="От 1 до 40 занятий — или укажите дату окончания.",
    )
    until = forms.DateField(label="До даты", required=False, widget=_date_input())

    def __init__(self, *args, tutor, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.tutor, self.municipality = tutor, municipality
        self.fields["organization"].queryset = Organization.objects.filter(
            municipality=municipality
        ).order_by("short_name")
        self.fields["room"].queryset = Room.objects.filter(
            is_active=True, point__municipality=municipality, point__is_active=True
        ).select_related("point")
        # The teachers assigned to the tutor come first; any teacher of the municipality may
        # take part (a group consultation gathers several schools).
        assigned = Assignment.objects.filter(tutor=tutor, teacher=OuterRef("pk"))
        self.fields["teachers"].queryset = (
            teachers_of(municipality=municipality)
            .annotate(assigned=Exists(assigned))
            .order_by("-assigned", "last_name", "first_name", "pk")
        )
        self.fields["tutor_plan_item"].queryset = TutorPlanItem.objects.filter(
            plan__tutor=tutor, plan__municipality=municipality
        ).order_by("-plan__academic_year__start_year", "position", "pk")
        self.fields["plan_item"].queryset = PlanItem.objects.filter(
            plan__municipality=municipality
        ).order_by("-plan__academic_year__start_year", "position", "pk")
        self.fields["route_step"].queryset = RouteStep.objects.filter(
            route__tutor=tutor,
            route__status__in=[DevelopmentRoute.Status.DRAFT, DevelopmentRoute.Status.ACTIVE],
        ).order_by("deadline", "pk")

    def clean(self):
        data = super().clean()
        if data.get("repeat") and data.get("held"):
            self.add_error("repeat", "Серию можно только запланировать.")
        if data.get("repeat") and not (data.get("count") or data.get("until")):
            self.add_error("count", "Укажите, сколько раз повторять, или дату окончания.")
        if data.get("kind") == "lesson_visit" and data.get("held"):
            for name in ("grade", "lesson_topic", "observed", "observation_recommendations"):
                if not data.get(name):
                    self.add_error(name, "Для посещения урока заполните лист наблюдения.")
        return data

    def own_session(self) -> OwnSession:
        data = self.cleaned_data
        observation = None
        if data["kind"] == "lesson_visit" and data.get("held"):
            observation = {name: data.get(name, "") for name in OBSERVATION_FIELDS}
            observation["recommendations"] = data.get("observation_recommendations", "")
        return OwnSession(
            kind=data["kind"],
            starts_at=datetime.datetime.combine(data["date"], data["time"]),
            duration=data["duration"],
            format=data["format"],
            organization=data.get("organization"),
            room=data.get("room"),
            place=data.get("place", ""),
            link=data.get("link", ""),
            teachers=list(data.get("teachers") or []),
            subject=data.get("subject"),
            topic=data.get("topic", ""),
            held=data.get("held", False),
            pupils_count=data.get("pupils_count") or 0,
            summary=data.get("summary", ""),
            recommendations=data.get("recommendations", ""),
            next_step=data.get("next_step", ""),
            materials=data.get("materials"),
            observation=observation,
            tutor_plan_item=data.get("tutor_plan_item"),
            plan_item=data.get("plan_item"),
            route_step=data.get("route_step"),
        )

    def series(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        return {
            "interval": int(data["repeat"]),
            "count": data.get("count"),
            "until": data.get("until"),
        }


# What an edit of a planned session leaves out: it stays planned, is not a new series, and
# its report and observation note are written after it.
NOT_EDITED = (
    "held",
    "grade",
    "lesson_topic",
    "observed",
    "strengths",
    "difficulties",
    "observation_recommendations",
    "pupils_count",
    "summary",
    "recommendations",
    "next_step",
    "materials",
    "repeat",
    "count",
    "until",
)


class OwnSessionEditForm(OwnSessionForm):
    """Change a planned own session; for an occurrence of a series, optionally it and all
    that follow."""

    def __init__(self, *args, session, **kwargs):
        zone = session.municipality.tzinfo
        start = session.starts_at.astimezone(zone)
        kwargs.setdefault(
            "initial",
            {
                "kind": session.kind,
                "date": start.date(),
                "time": start.time(),
                "duration": int((session.ends_at - session.starts_at).total_seconds() // 60),
                "format": session.format,
                "organization": session.organization_id,
                "place": session.place,
                "room": session.room_id,
                "link": session.link,
                "teachers": [t.pk for t in session.teachers.all()],
                "subject": session.subject_id,
                "topic": session.topic,
                "tutor_plan_item": session.tutor_plan_item_id,
                "plan_item": session.plan_item_id,
                "route_step": session.route_step_id,
            },
        )
        super().__init__(*args, tutor=session.tutor, municipality=session.municipality, **kwargs)
        for name in NOT_EDITED:
            del self.fields[name]
        if session.series_id:
            self.fields["following"] = following_field(
                "Изменить", "и получат то же место, учителей и тему"
            )

    def following(self) -> bool:
        return self.cleaned_data.get("following", False)


class OwnCancelForm(forms.Form):
    reason = forms.CharField(
        label="Причина отмены", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    following = forms.BooleanField(label="Отменить и все следующие занятия серии", required=False)
