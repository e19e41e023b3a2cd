from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import (
    ORGANIZATION_ROLES,
    UNBOUND_ROLES,
    Municipality,
    Organization,
    RoleKind,
    Subject,
)
from .services.people import RoleSpec


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Неверный логин или пароль. Проверьте раскладку клавиатуры и Caps Lock.",
        "inactive": "Эта учётная запись отключена. Обратитесь к администратору портала.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Логин или эл. почта"
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class SubjectForm(forms.Form):
    # Every refusal of a subject is about its name (taken, empty): it is said next to it.
    refusal_fields = {None: "name"}
    name = forms.CharField(
        label="Название",
        max_length=200,
        help_text="Как в документах и файлах результатов, например «Окружающий мир» или "
        "«Иностранный язык (английский)».",
    )
    kind = forms.ChoiceField(label="Вид", choices=Subject.Kind.choices)


class RiskDirectionForm(forms.Form):
    """A risk direction's name, and for a new one the region, asked only of an administrator
    of several regions."""

    # Every refusal of a direction is about its name (taken, empty): it is said next to it.
    refusal_fields = {None: "name"}
    name = forms.CharField(
        label="Название",
        max_length=300,
        help_text="Как в рисковом профиле школы, например «Низкая учебная мотивация обучающихся».",
    )
    region = forms.ChoiceField(label="Субъект РФ")

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = sorted(regions)
        if len(self.regions) > 1:
            self.fields["region"].choices = [("", "—"), *((r, r) for r in self.regions)]
        else:
            del self.fields["region"]

    def chosen_region(self) -> str:
        """The region the direction is added to: the one chosen, or the administrator's only."""
        return self.cleaned_data.get("region") or self.regions[0]


class PersonForm(forms.Form):
    """A person's own data: name, address and phone."""

    last_name = forms.CharField(label="Фамилия", max_length=150)
    first_name = forms.CharField(label="Имя", max_length=150)
    middle_name = forms.CharField(label="Отчество", max_length=150, required=False)
    email = forms.CharField(
        label="Эл. почта",
        max_length=254,
        required=False,
        help_text="На этот адрес придёт приглашение задать пароль; он же — логин для входа.",
    )
    phone = forms.CharField(label="Телефон", max_length=40, required=False)


class RoleForm(forms.Form):
    """A role to grant: the kinds are those the user may grant, the organizations those at
    which the user may grant them (a school user: only their own school, preselected)."""

    # The services name the roles being granted `roles`; the form asks for their kind.
    refusal_fields = {"roles": "kind"}

    kind = forms.ChoiceField(label="Роль")
    organization = forms.ModelChoiceField(
        label="Организация",
        queryset=Organization.objects.none(),
        required=False,
        help_text="Для учителя и администрации школы.",
    )
    municipality = forms.ModelChoiceField(
        label="Муниципальное образование",
        queryset=Municipality.objects.none(),
        required=False,
        help_text="Для методиста и руководителя.",
    )
    position = forms.CharField(label="Должность", max_length=200, required=False)
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы", queryset=Subject.objects.active(), required=False
    )

    def __init__(self, *args, access, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = access.grantable_kinds()
        self.fields["kind"].choices = [(kind, RoleKind(kind).label) for kind in kinds]
        organizations = access.grant_organizations()
        self.fields["organization"].queryset = organizations
        municipalities = access.grant_municipalities()
        self.fields["municipality"].queryset = municipalities
        if not municipalities.exists():
            del self.fields["municipality"]
        if kinds == [RoleKind.TEACHER]:
            # A school user grants only the teacher role, at their own school.
            self.fields["kind"].initial = RoleKind.TEACHER
            self.fields["organization"].empty_label = None
            self.fields["organization"].required = True

    def clean(self):
        data = super().clean()
        kind, organization = data.get("kind"), data.get("organization")
        if kind in ORGANIZATION_ROLES and organization is None:
            self.add_error("organization", "Выберите школу (организацию) для этой роли.")
        municipal = kind in (RoleKind.METHODIST, RoleKind.DIRECTOR)
        if municipal and "municipality" in self.fields and not data.get("municipality"):
            self.add_error("municipality", "Выберите муниципальное образование.")
        return data

    def role_spec(self) -> RoleSpec:
        data = self.cleaned_data
        kind = data["kind"]
        organization = data.get("organization") if kind in ORGANIZATION_ROLES else None
        municipality = None
        if kind not in ORGANIZATION_ROLES and kind not in UNBOUND_ROLES:
            municipality = data.get("municipality")
        return RoleSpec(
            kind=kind,
            organization=organization,
            municipality=municipality,
            position=data.get("position", ""),
            subjects=list(data.get("subjects") or []),
        )


class RoleUpdateForm(forms.Form):
    position = forms.CharField(label="Должность", max_length=200, required=False)
    subjects = forms.ModelMultipleChoiceField(
        label="Предметы", queryset=Subject.objects.none(), required=False
    )

    def __init__(self, *args, role, **kwargs):
        super().__init__(*args, **kwargs)
        # A retired subject the role already has stays chosen; no new one is offered.
        self.fields["subjects"].queryset = Subject.objects.active(keep=role.subjects.all())


class PersonCreateForm(PersonForm, RoleForm):
    field_order = [*PersonForm.base_fields, *RoleForm.base_fields]


class EmailChangeForm(forms.Form):
    email = forms.CharField(label="Новый адрес эл. почты", max_length=254)


class EmailSettingsForm(forms.Form):
    """One choice per kind of notification (fields named after the kinds), then the time of
    the daily digest. `groups` lists the fields as `kind_choices()` groups the kinds."""

    digest_time = forms.TimeField(
        label="Время ежедневной сводки",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Письмо со всеми уведомлениями «раз в день» приходит в это время по часовому "
        "поясу вашего муниципального образования.",
    )

    def __init__(self, *args, choices: dict[str, str], digest_time, **kwargs):
        from .models import EmailChoice
        from .notifications import kind_choices

        super().__init__(*args, initial={"digest_time": digest_time, **choices}, **kwargs)
        self.groups = []
        for entry in kind_choices():
            title, kinds = ("", [entry]) if isinstance(entry[1], str) else entry
            names = []
            for key, label in kinds:
                self.fields[key] = forms.ChoiceField(
                    label=label, choices=EmailChoice.choices, widget=forms.Select
                )
                names.append(key)
            self.groups.append((title or "Прочее", [self[name] for name in names]))
        # The time after the kinds, where the page explains it.
        self.order_fields([*(n for n in self.fields if n != "digest_time"), "digest_time"])

    def kind_values(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if k != "digest_time"}
