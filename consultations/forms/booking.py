import datetime

from django import forms

from community.forms.rosters import PersonChoiceField
from tutoring.models import Municipality, RoleKind, User
from tutoring.words import plural

from ..matching import session_length
from ..models import ConsultationPoint, ConsultationRequest, Format, Interval, Room

DURATIONS = [(minutes, f"{minutes} мин") for minutes in (30, 45, 60, 90, 120, 180)]
# The longest period one run of «build the schedule» covers: a month and a bit.
LONGEST_PERIOD = datetime.timedelta(days=62)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.point.name}: {obj.name}, {plural(obj.capacity, 'место', 'места', 'мест')}"


def tutors_of(municipality: Municipality):
    return (
        User.objects.filter(
            is_active=True, roles__kind=RoleKind.TUTOR, roles__municipality=municipality
        )
        .distinct()
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def rooms_of(municipality: Municipality):
    return Room.objects.filter(
        is_active=True, point__municipality=municipality, point__is_active=True
    ).select_related("point")


class _TimeFields(forms.Form):
    """Date, start and length of a session, read as the municipality's wall-clock time."""

    date = forms.DateField(label="Дата", widget=_date_input())
    time = forms.TimeField(
        label="Начало",
        widget=forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M"),
        help_text="Время муниципалитета.",
    )
    duration = forms.TypedChoiceField(label="Продолжительность", choices=DURATIONS, coerce=int)
    outside_windows = forms.BooleanField(
        label="Назначить вне желаемых дат заявителя",
        required=False,
        help_text="Отметьте, если другое время согласовано с заявителем.",
    )

    def __init__(self, *args, zone, windows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        # The requester said when they can come; a date outside it is a mistake unless the
        # methodist has agreed it with them, so it takes a tick, not a silent booking.
        self.windows = list(windows)
        if self.windows:
            self.fields["outside_windows"].help_text = (
                f"Желаемые даты заявителя: {self.windows_text()}. "
                + self.fields["outside_windows"].help_text
            )
        else:
            del self.fields["outside_windows"]

    def windows_text(self) -> str:
        return ", ".join(str(window) for window in self.windows)

    def is_outside_windows(self) -> bool:
        day = self.cleaned_data.get("date")
        return bool(
            self.windows and day and not any(w.starts_on <= day <= w.ends_on for w in self.windows)
        )

    def clean(self):
        data = super().clean()
        if self.is_outside_windows() and not data.get("outside_windows"):
            self.add_error(
                "date",
                f"{data['date']:%d.%m.%Y} — вне желаемых дат заявителя ({self.windows_text()}). "
                "Выберите дату из них или, если время согласовано с заявителем, отметьте "
                "«Назначить вне желаемых дат заявителя».",
            )
        return data

    def interval(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        starts_at = datetime.datetime.combine(data["date"], data["time"], tzinfo=self.zone)
        return starts_at, starts_at + datetime.timedelta(minutes=data["duration"])


class BookingForm(_TimeFields):
    tutor = PersonChoiceField(label="Тьютор", queryset=User.objects.none())
    point = forms.ModelChoiceField(
        label="Консультационный пункт", queryset=ConsultationPoint.objects.none()
    )
    room = RoomChoiceField(
        label="Помещение",
        queryset=Room.objects.none(),
        required=False,
        help_text="Обязательно для очного занятия.",
    )
    format = forms.ChoiceField(label="Формат", choices=Format.choices)
    link = forms.URLField(
        label="Ссылка для подключения",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Для дистанционного занятия. Пусто — постоянная ссылка помещения или пункта.",
    )

    # A course of sessions (a tutorial of 8 or 16 weeks) is booked at once.
    repeat = forms.ChoiceField(
        label="Повторять",
        choices=[("", "не повторять"), *[(str(v), label) for v, label in Interval.choices]],
        required=False,
    )
    count = forms.IntegerField(
        label="Сколько раз",
        required=False,
        min_value=1,
        max_value=40,
        help_text="От 1 до 40 занятий — или укажите дату окончания серии.",
    )
    until = forms.DateField(label="До даты", required=False, widget=_date_input())

    field_order = [
        "tutor",
        "date",
        "time",
        "duration",
        "outside_windows",
        "format",
        "point",
        "room",
        "link",
        "repeat",
        "count",
        "until",
    ]

    def __init__(self, *args, request: ConsultationRequest, **kwargs):
        municipality = request.municipality
        super().__init__(*args, zone=municipality.tzinfo, windows=request.windows.all(), **kwargs)
        # The requesting school's own staff are never offered (conflict of interest).
        self.fields["tutor"].queryset = tutors_of(municipality).exclude(
            roles__organization=request.organization_id
        )
        points = ConsultationPoint.objects.filter(municipality=municipality, is_active=True)
        self.fields["point"].queryset = points
        self.fields["point"].empty_label = None
        self.fields["room"].queryset = rooms_of(municipality)
        self.fields["duration"].initial = int(session_length(request).total_seconds() // 60)
        self.fields["format"].initial = request.format
        _offer_links(self.fields["link"], points)

    def clean(self):
        data = super().clean()
        if data.get("repeat") and not (data.get("count") or data.get("until")):
            self.add_error("count", "Укажите, сколько раз повторять, или дату окончания серии.")
        return data

    def series(self) -> dict | None:
        """How to repeat the session, or None for a single one."""
        data = self.cleaned_data
        if not data.get("repeat"):
            return None
        return {
            "interval": int(data["repeat"]),
            "count": data.get("count"),
            "until": data.get("until"),
        }

    def booking(self) -> dict:
        starts_at, ends_at = self.interval()
        data = self.cleaned_data
        return {
            "tutor": data["tutor"],
            "point": data["point"],
            "room": data["room"],
            "format": data["format"],
            "link": data["link"],
            "starts_at": starts_at,
            "ends_at": ends_at,
        }


class RescheduleForm(_TimeFields):
    room = RoomChoiceField(
        label="Помещение",
        queryset=Room.objects.none(),
        required=False,
        help_text="Оставьте пустым, чтобы не менять помещение.",
    )

    link = forms.URLField(
        label="Ссылка для подключения",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Пусто — постоянная ссылка помещения или пункта.",
    )

    def __init__(self, *args, session, **kwargs):
        windows = session.request.windows.all() if session.request_id else ()
        super().__init__(*args, zone=session.municipality.tzinfo, windows=windows, **kwargs)
        self.fields["room"].queryset = rooms_of(session.municipality).filter(point=session.point)
        if session.is_remote:
            self.fields["link"].initial = session.link
            _offer_links(self.fields["link"], [session.point] if session.point_id else [])
        else:
            del self.fields["link"]
        if session.series_id:
            self.fields["following"] = following_field("Перенести", "и в то же помещение")

    def moving(self) -> dict:
        """The service's arguments: the new time, the room and, for a remote session, the
        link (absent for one in person, which keeps having none)."""
        starts_at, ends_at = self.interval()
        data = self.cleaned_data
        moving = {"starts_at": starts_at, "ends_at": ends_at, "room": data["room"]}
        if "link" in self.fields:
            moving["link"] = data["link"]
        moving["following"] = data.get("following", False)
        return moving


def following_field(verb: str, rest: str) -> forms.BooleanField:
    """«…и все следующие занятия серии»: a change of one occurrence made to the rest too."""
    return forms.BooleanField(
        label=f"{verb} и все следующие занятия серии",
        required=False,
        help_text="Следующие запланированные занятия сдвинутся на столько же дней, на то же "
        f"время {rest}.",
    )


def _offer_links(field, points) -> None:
    """Say which permanent link an empty field stands for: the one point's, when the
    municipality has one point with a link (with several, the methodist picks the point)."""
    links = {point.remote_link for point in points if point.remote_link}
    if len(links) == 1:
        (link,) = links
        field.widget.attrs["placeholder"] = link
        field.help_text = f"Пусто — постоянная ссылка помещения или пункта ({link})."


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Причина отмены",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Заявитель и тьютор увидят её.",
    )
    following = forms.BooleanField(label="Отменить и все следующие занятия серии", required=False)

    def __init__(self, *args, series: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not series:
            del self.fields["following"]


class BuildForm(forms.Form):
    point = forms.ModelChoiceField(
        label="Консультационный пункт", queryset=ConsultationPoint.objects.none()
    )
    starts_on = forms.DateField(label="С", widget=_date_input())
    ends_on = forms.DateField(label="По", widget=_date_input())

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = ConsultationPoint.objects.filter(
            municipality__in=municipalities, is_active=True
        ).select_related("municipality")
        self.fields["point"].empty_label = None

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on:
            if ends_on < starts_on:
                self.add_error("ends_on", "Дата «по» раньше даты «с».")
            elif ends_on - starts_on > LONGEST_PERIOD:
                self.add_error(
                    "ends_on", "За один раз составляется график не больше чем на два месяца."
                )
        return data
