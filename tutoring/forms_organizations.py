"""Forms of the organization cards and of the region administrator's municipalities."""

from django import forms
from django.utils import timezone

from .filters import DateInput
from .models import (
    TIMEZONE_CHOICES,
    AcademicYear,
    Municipality,
    Organization,
    RoleKind,
    SchoolStatus,
)
from .selectors import identifier_clashes
from .services.organizations import ISSUER_KINDS, OrganizationData, PersonData


class OrganizationForm(forms.ModelForm):
    """The card of an organization. The head is a person from a date: a new name or position
    is recorded from «с какой даты», and documents signed earlier keep the former head."""

    head_position = forms.CharField(
        label="Должность руководителя",
        max_length=300,
        required=False,
        help_text="Как в подписи документа: «Директор МКУ «Информационно-методический центр»».",
    )
    head_name = forms.CharField(
        label="Руководитель (И. О. Фамилия)",
        max_length=200,
        required=False,
        help_text="Например, «С. И. Орлов».",
    )
    head_since = forms.DateField(
        label="Руководитель с даты",
        required=False,
        widget=DateInput,
        help_text="С этого дня документы подписывает указанный руководитель; "
        "если пусто — с сегодняшнего.",
    )

    class Meta:
        model = Organization
        fields = ["kind", "name", "short_name", "fis_oko_login", "inn", "address"]
        help_texts = {
            "name": "Как в уставе и на бланке приказа.",
            "short_name": "Как организацию называют в списках, например «МБОУ СОШ № 3».",
        }

    def __init__(self, *args, municipality: Municipality | None, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        if kinds is not None:
            self.fields["kind"].choices = [
                (value, label) for value, label in Organization.Kind.choices if value in kinds
            ]
        head = self.instance.heads.order_by("-since", "-pk").first() if self.instance.pk else None
        if head is not None and not self.is_bound:
            self.initial.update(head_position=head.position, head_name=head.name)
        if "fis_oko_login" in self.fields:
            self.fields["fis_oko_login"].widget.attrs["placeholder"] = "edu230123"

    def clean_fis_oko_login(self):
        return self.cleaned_data["fis_oko_login"].strip().lower()

    def clean_inn(self):
        return self.cleaned_data["inn"].strip()

    def clean(self):
        # A login of anything but a school is refused by `Organization.clean`.
        cleaned = super().clean()
        if bool(cleaned.get("head_position")) != bool(cleaned.get("head_name")):
            self.add_error(
                "head_name", "Укажите и должность, и имя руководителя (или оставьте оба пустыми)."
            )
        if not self.errors.get("municipality"):
            clashes = identifier_clashes(
                municipality=self.municipality,
                short_name=cleaned.get("short_name", ""),
                fis_oko_login=cleaned.get("fis_oko_login", ""),
                inn=cleaned.get("inn", ""),
                exclude=self.instance if self.instance.pk else None,
            )
            for field_name, message in clashes.items():
                if field_name in self.fields:
                    self.add_error(field_name, message)
        return cleaned

    def _post_clean(self):
        # The municipality is chosen beside the form (or fixed): the instance needs it for
        # the model's own checks.
        if self.municipality is not None and not self.instance.municipality_id:
            self.instance.municipality = self.municipality
        super()._post_clean()

    def data_object(self) -> OrganizationData:
        c = self.cleaned_data
        return OrganizationData(
            kind=c["kind"],
            name=c["name"],
            short_name=c["short_name"],
            fis_oko_login=c.get("fis_oko_login", ""),
            inn=c.get("inn", ""),
            address=c.get("address", ""),
            head_position=c.get("head_position", ""),
            head_name=c.get("head_name", ""),
            head_since=c.get("head_since"),
        )


class NewOrganizationForm(OrganizationForm):
    """A new organization, of a municipality the user manages (chosen only if several)."""

    municipality = forms.ModelChoiceField(
        label="Муниципальное образование", queryset=Municipality.objects.none(), empty_label=None
    )

    field_order = ["municipality"]

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, municipality=None, **kwargs)
        self.fields["municipality"].queryset = municipalities
        first_two = list(municipalities[:2])
        if len(first_two) == 1:
            self.fields["municipality"].initial = first_two[0].pk
            self.fields["municipality"].widget = forms.HiddenInput()

    def clean(self):
        self.municipality = self.cleaned_data.get("municipality")
        return super().clean()


class IssuerForm(OrganizationForm):
    """The ИМЦ or УО that issues a municipality's documents: its head signs them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, kinds=ISSUER_KINDS, **kwargs)
        self.fields["kind"].initial = Organization.Kind.METHODICAL_CENTRE
        self.fields["head_position"].required = True
        self.fields["head_name"].required = True
        del self.fields["fis_oko_login"]


class CloseForm(forms.Form):
    closed_on = forms.DateField(
        label="Закрыта с",
        widget=DateInput,
        initial=timezone.localdate,
        help_text="Организация останется со всей историей, но пропадёт из выбора в новых записях.",
    )


class SchoolStatusForm(forms.Form):
    academic_year = forms.ModelChoiceField(
        label="Учебный год", queryset=AcademicYear.objects.all(), empty_label=None
    )
    kind = forms.ChoiceField(label="Статус", choices=SchoolStatus.Kind.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = AcademicYear.objects.current()
        if current is not None:
            self.fields["academic_year"].initial = current.pk


# The time zones of Russia's municipalities, as a methodist knows them: by a city and the
# offset from UTC (a region's schedule and deadlines are in local time).
RUSSIAN_TIMEZONES = [
    ("Europe/Kaliningrad", "Калининград (UTC+2)"),
    ("Europe/Moscow", "Москва (UTC+3)"),
    ("Europe/Simferopol", "Симферополь (UTC+3)"),
    ("Europe/Volgograd", "Волгоград (UTC+3)"),
    ("Europe/Kirov", "Киров (UTC+3)"),
    ("Europe/Samara", "Самара (UTC+4)"),
    ("Europe/Astrakhan", "Астрахань (UTC+4)"),
    ("Europe/Saratov", "Саратов (UTC+4)"),
    ("Europe/Ulyanovsk", "Ульяновск (UTC+4)"),
    ("Asia/Yekaterinburg", "Екатеринбург (UTC+5)"),
    ("Asia/Omsk", "Омск (UTC+6)"),
    ("Asia/Novosibirsk", "Новосибирск (UTC+7)"),
    ("Asia/Barnaul", "Барнаул (UTC+7)"),
    ("Asia/Tomsk", "Томск (UTC+7)"),
    ("Asia/Novokuznetsk", "Новокузнецк, Кузбасс (UTC+7)"),
    ("Asia/Krasnoyarsk", "Красноярск (UTC+7)"),
    ("Asia/Irkutsk", "Иркутск (UTC+8)"),
    ("Asia/Chita", "Чита (UTC+9)"),
    ("Asia/Yakutsk", "Якутск (UTC+9)"),
    ("Asia/Vladivostok", "Владивосток (UTC+10)"),
    ("Asia/Magadan", "Магадан (UTC+11)"),
    ("Asia/Sakhalin", "Южно-Сахалинск (UTC+11)"),
    ("Asia/Srednekolymsk", "Среднеколымск (UTC+11)"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский (UTC+12)"),
    ("Asia/Anadyr", "Анадырь (UTC+12)"),
]


class MunicipalityForm(forms.ModelForm):
    region = forms.ChoiceField(label="Субъект РФ")
    timezone = forms.ChoiceField(label="Часовой пояс", choices=RUSSIAN_TIMEZONES)

    class Meta:
        model = Municipality
        fields = ["name", "short_name", "region", "locality", "timezone"]
        help_texts = {
            "name": "Полностью, например «Муниципальное образование Лабинский район».",
            "short_name": "Как в списках и заголовках: «Лабинский район».",
            "locality": "Место составления документов, как в их шапке: «г. Лабинск», "
            "«ст. Владимирская». Не адрес здания.",
        }

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(region, region) for region in sorted(regions)]
        if len(regions) == 1:
            self.fields["region"].initial = next(iter(regions))
        self.fields["timezone"].initial = self.instance.timezone or "Europe/Moscow"
        known = {value for value, _label in RUSSIAN_TIMEZONES}
        if self.instance.timezone not in known and self.instance.timezone in dict(TIMEZONE_CHOICES):
            # A municipality set up earlier in another zone keeps it.
            self.fields["timezone"].choices = [
                *RUSSIAN_TIMEZONES,
                (self.instance.timezone, self.instance.timezone),
            ]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = Municipality.objects.filter(name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Муниципальное образование «{name}» уже есть на портале.")
        return name


class MunicipalityUpdateForm(MunicipalityForm):
    issuer = forms.ModelChoiceField(
        label="Организация, издающая документы",
        queryset=Organization.objects.none(),
        required=False,
        empty_label="— не указана —",
        help_text="ИМЦ или управление образования: от его имени издаются приказы сообщества.",
    )

    class Meta(MunicipalityForm.Meta):
        fields = [*MunicipalityForm.Meta.fields, "issuer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = (
            Organization.objects.open()
            .filter(municipality=self.instance, kind__in=ISSUER_KINDS)
            .order_by("short_name")
        )


class PersonInviteForm(forms.Form):
    """A person the region administrator brings in: they get a letter to set a password."""

    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя", max_length=150)
    middle_name = forms.CharField(label="Отчество", max_length=150, required=False)
    email = forms.EmailField(
        label="Электронная почта", help_text="На этот адрес придёт письмо со ссылкой для входа."
    )
    phone = forms.CharField(label="Телефон", max_length=40, required=False)

    def person(self) -> PersonData:
        c = self.cleaned_data
        return PersonData(
            last_name=c["last_name"],
            first_name=c["first_name"],
            middle_name=c["middle_name"],
            email=c["email"],
            phone=c["phone"],
        )


class FirstMethodistForm(PersonInviteForm):
    """Optional on a new municipality: leave it empty to invite the methodist later."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self):
        cleaned = super().clean()
        if any(cleaned.get(name) for name in self.fields):
            for name in ("last_name", "first_name", "email"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "Заполните, чтобы пригласить методиста.")
        return cleaned

    def person(self) -> PersonData | None:
        if not any(self.cleaned_data.get(name) for name in self.fields):
            return None
        return super().person()


STAFF_KINDS = [
    (RoleKind.METHODIST.value, RoleKind.METHODIST.label),
    (RoleKind.DIRECTOR.value, "руководитель (директор ИМЦ, начальник УО)"),
]


class StaffInviteForm(PersonInviteForm):
    kind = forms.ChoiceField(label="Роль", choices=STAFF_KINDS)
    position = forms.CharField(label="Должность", max_length=200, required=False)

    field_order = ["kind"]
