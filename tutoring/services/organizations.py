"""Municipalities and their organizations, set up in the browser: a region administrator
creates a municipality with its issuing organization (ИМЦ or УО) and first methodist; the
methodist adds, edits, closes and reopens the schools. Every function is one transaction with
one audit entry per change; `actor=None` is the system (a management command), which no access
rule restricts."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..access import access_for
from ..errors import DomainError
from ..models import Municipality, Organization, OrganizationHead, RoleKind, User
from ..selectors import identifier_clashes
from . import audit_record, risk_directions_seed
from . import people as people_services

ACTION_LABELS = {
    "municipality.create": "создано муниципальное образование",
    "municipality.update": "изменены данные муниципального образования",
    "organization.create": "добавлена организация",
    "organization.update": "изменены данные организации",
    "organization.close": "организация закрыта",
    "organization.reopen": "организация снова работает",
    "school_status.remove": "у школы снят статус ШНОР/ШССУ",
}

CHANGE_LABELS = {
    "address": "адрес",
    "closed_on": "закрыта с",
    "fis_oko_login": "логин ФИС ОКО",
    "full_name": "полное наименование",
    "head": "руководитель",
    "head_since": "руководитель с даты",
    "inn": "ИНН",
    "issuer": "организация, издающая документы",
    "locality": "место составления документов",
    "municipality_name": "название",
    "region": "субъект РФ",
    "short_name": "краткое наименование",
    "timezone": "часовой пояс",
    "was_closed_on": "была закрыта с",
}

ISSUER_KINDS = (Organization.Kind.METHODICAL_CENTRE, Organization.Kind.EDUCATION_DEPARTMENT)


@dataclass
class OrganizationData:
    """What a form says about an organization; the head is optional for a school."""

    kind: str
    name: str
    short_name: str
    fis_oko_login: str = ""
    inn: str = ""
    address: str = ""
    head_position: str = ""
    head_name: str = ""
    head_since: date | None = None

    def __post_init__(self):
        for attr in ("name", "short_name", "fis_oko_login", "inn", "address"):
            setattr(self, attr, " ".join((getattr(self, attr) or "").split()))
        self.fis_oko_login = self.fis_oko_login.lower()
        self.head_position = " ".join((self.head_position or "").split())
        self.head_name = " ".join((self.head_name or "").split())


@dataclass
class PersonData:
    last_name: str
    first_name: str
    middle_name: str = ""
    email: str = ""
    phone: str = ""


# Access.


def _check_region(actor: User | None, region: str) -> None:
    if actor is not None and region not in access_for(actor).admin_regions:
        raise DomainError("Муниципалитеты этого субъекта РФ настраивает не вы.", field="region")


def _check_organizations(actor: User | None, municipality: Municipality) -> None:
    if actor is not None and not access_for(actor).manages_organizations_of(municipality):
        raise DomainError("Организации этого муниципалитета ведёт его методист.")


# Municipalities.


def _check_municipality_name(name: str, *, exclude: Municipality | None = None) -> None:
    others = Municipality.objects.filter(name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise DomainError(f"Муниципальное образование «{name}» уже есть на портале.", field="name")


def _save_municipality(municipality: Municipality) -> None:
    try:
        with transaction.atomic():
            municipality.save()
    except IntegrityError:
        # Two administrators saving the same name at once: the unique constraint decides.
        raise DomainError(
            f"Муниципальное образование «{municipality.name}» уже есть на портале.", field="name"
        ) from None


@transaction.atomic
def municipality_create(
    *,
    actor: User | None,
    name: str,
    short_name: str,
    region: str,
    timezone: str,
    locality: str = "",
    issuer: OrganizationData | None = None,
    methodist: PersonData | None = None,
) -> Municipality:
    """A new municipality of the actor's region, with its issuing organization and its first
    methodist, who gets an invitation letter. Nothing is kept if any part is refused."""
    name, short_name = " ".join(name.split()), " ".join(short_name.split())
    if not name or not short_name:
        raise DomainError("Укажите название и краткое название.", field="name")
    _check_region(actor, region)
    _check_municipality_name(name)
    locality = " ".join(locality.split())
    municipality = Municipality(
        name=name, short_name=short_name, region=region, locality=locality, timezone=timezone
    )
    _save_municipality(municipality)
    risk_directions_seed(region)
    audit_record(
        actor=actor,
        action="municipality.create",
        obj=municipality,
        changes={
            "municipality_name": name,
            "short_name": short_name,
            "region": region,
            "locality": locality,
            "timezone": timezone,
        },
    )
    if issuer is not None:
        organization_create(actor=actor, municipality=municipality, data=issuer, as_issuer=True)
    if methodist is not None:
        people_services.person_create(
            actor=actor,
            last_name=methodist.last_name,
            first_name=methodist.first_name,
            middle_name=methodist.middle_name,
            email=methodist.email,
            phone=methodist.phone,
            roles=[people_services.RoleSpec(kind=RoleKind.METHODIST, municipality=municipality)],
        )
    return municipality


@transaction.atomic
def municipality_update(
    *,
    actor: User | None,
    municipality: Municipality,
    name: str,
    short_name: str,
    region: str,
    timezone: str,
    issuer: Organization | None,
    locality: str | None = None,
) -> Municipality:
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    _check_region(actor, municipality.region)
    _check_region(actor, region)
    name, short_name = " ".join(name.split()), " ".join(short_name.split())
    if not name or not short_name:
        raise DomainError("Укажите название и краткое название.", field="name")
    _check_municipality_name(name, exclude=municipality)
    if issuer is not None:
        _check_issuer(municipality, issuer)
    new = {
        "name": name,
        "short_name": short_name,
        "region": region,
        "timezone": timezone,
        "issuer": issuer,
    }
    if locality is not None:
        new["locality"] = " ".join(locality.split())
    keys = {"name": "municipality_name"}
    changes = {}
    for attr, value in new.items():
        old = getattr(municipality, attr)
        if old != value:
            changes[keys.get(attr, attr)] = [_text(old), _text(value)]
            setattr(municipality, attr, value)
    if not changes:
        return municipality
    _save_municipality(municipality)
    risk_directions_seed(municipality.region)
    audit_record(actor=actor, action="municipality.update", obj=municipality, changes=changes)
    return municipality


def _check_issuer(municipality: Municipality, organization: Organization) -> None:
    if organization.municipality_id != municipality.pk:
        raise DomainError("Эта организация другого муниципалитета.", field="issuer")
    if organization.kind not in ISSUER_KINDS:
        raise DomainError(
            "Документы сообщества издаёт методический центр или управление образования.",
            field="issuer",
        )
    if organization.is_closed:
        raise DomainError("Организация закрыта и не может издавать документы.", field="issuer")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


# Organizations.


def _check_data(
    municipality: Municipality, data: OrganizationData, *, exclude: Organization | None = None
) -> None:
    if not data.name or not data.short_name:
        raise DomainError("Укажите полное и краткое наименование.", field="name")
    if data.fis_oko_login and data.kind != Organization.Kind.SCHOOL:
        raise DomainError("Логин ФИС ОКО бывает только у школ.", field="fis_oko_login")
    if bool(data.head_position) != bool(data.head_name):
        raise DomainError(
            "Укажите и должность, и имя руководителя (или оставьте оба поля пустыми).",
            field="head_name",
        )
    clashes = identifier_clashes(
        municipality=municipality,
        short_name=data.short_name,
        fis_oko_login=data.fis_oko_login,
        inn=data.inn,
        exclude=exclude,
    )
    for field_name, message in clashes.items():
        raise DomainError(message, field=field_name)


def _save_organization(organization: Organization, data: OrganizationData) -> None:
    try:
        organization.full_clean(
            exclude=["municipality"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise DomainError(messages[0], field=field_name) from None
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        # Somebody saved the same login, ИНН or short name a moment ago: say whose it is now.
        municipality = organization.municipality
        clashes = identifier_clashes(
            municipality=municipality,
            short_name=data.short_name,
            fis_oko_login=data.fis_oko_login,
            inn=data.inn,
            exclude=organization if organization.pk else None,
        )
        field_name, message = next(
            iter(clashes.items()), (None, "Организация не сохранена: повторите попытку.")
        )
        raise DomainError(message, field=field_name) from None


def _head_text(head: OrganizationHead | None) -> str:
    return f"{head.position} {head.name}" if head else ""


@transaction.atomic
def organization_create(
    *,
    actor: User | None,
    municipality: Municipality,
    data: OrganizationData,
    as_issuer: bool = False,
) -> Organization:
    """Add an organization; `as_issuer` makes it the one that issues the municipality's
    documents (it must then be an ИМЦ or УО with a head who signs them)."""
    _check_organizations(actor, municipality)
    if as_issuer:
        if data.kind not in ISSUER_KINDS:
            raise DomainError(
                "Документы сообщества издаёт методический центр или управление образования.",
                field="kind",
            )
        if not data.head_name:
            raise DomainError(
                "Укажите руководителя: его подпись ставится под приказами.", field="head_name"
            )
    _check_data(municipality, data)
    organization = Organization(
        municipality=municipality,
        kind=data.kind,
        name=data.name,
        short_name=data.short_name,
        fis_oko_login=data.fis_oko_login,
        inn=data.inn,
        address=data.address,
    )
    _save_organization(organization, data)
    head = None
    if data.head_name:
        head = OrganizationHead.objects.create(
            organization=organization,
            position=data.head_position,
            name=data.head_name,
            since=data.head_since or timezone.localdate(),
        )
    changes = {
        key: value
        for key, value in {
            "full_name": organization.name,
            "short_name": organization.short_name,
            "kind": organization.get_kind_display(),
            "fis_oko_login": organization.fis_oko_login,
            "inn": organization.inn,
            "address": organization.address,
            "head": _head_text(head),
        }.items()
        if value
    }
    if as_issuer:
        Municipality.objects.filter(pk=municipality.pk).update(issuer=organization)
        municipality.issuer = organization
        changes["issuer"] = True
    audit_record(actor=actor, action="organization.create", obj=organization, changes=changes)
    return organization


ORGANIZATION_FIELDS = {
    "kind": "kind",
    "name": "full_name",
    "short_name": "short_name",
    "fis_oko_login": "fis_oko_login",
    "inn": "inn",
    "address": "address",
}


@transaction.atomic
def organization_update(
    *, actor: User | None, organization: Organization, data: OrganizationData
) -> Organization:
    """Change an organization's card. A new head (position or name) is recorded from
    `data.head_since`: documents signed before that day keep the former head."""
    _check_organizations(actor, organization.municipality)
    organization = (
        Organization.objects.select_for_update()
        .select_related("municipality")
        .get(pk=organization.pk)
    )
    if organization.municipality.issuer_id == organization.pk and data.kind not in ISSUER_KINDS:
        raise DomainError(
            "Организация издаёт документы муниципалитета и остаётся ИМЦ или управлением "
            "образования.",
            field="kind",
        )
    _check_data(organization.municipality, data, exclude=organization)
    changes = {}
    for attr, key in ORGANIZATION_FIELDS.items():
        old, new = getattr(organization, attr), getattr(data, attr)
        if old != new:
            setattr(organization, attr, new)
            if attr == "kind":
                old, new = Organization.Kind(old).label, Organization.Kind(new).label
            changes[key] = [old, new]
    if changes:
        _save_organization(organization, data)
    current = organization.heads.order_by("-since", "-pk").first()
    if data.head_name and (
        current is None or (current.position, current.name) != (data.head_position, data.head_name)
    ):
        since = data.head_since or timezone.localdate()
        if current is not None and since < current.since:
            raise DomainError(
                f"Новый руководитель не может вступить в должность раньше нынешнего "
                f"({current.since:%d.%m.%Y}).",
                field="head_since",
            )
        head = OrganizationHead.objects.create(
            organization=organization,
            position=data.head_position,
            name=data.head_name,
            since=since,
        )
        changes["head"] = [_head_text(current), _head_text(head)]
        changes["head_since"] = _text(since)
    if changes:
        audit_record(actor=actor, action="organization.update", obj=organization, changes=changes)
    return organization


@transaction.atomic
def organization_close(*, actor: User | None, organization: Organization, closed_on: date):
    """The organization stopped working: it keeps its history but leaves every choice."""
    _check_organizations(actor, organization.municipality)
    organization = (
        Organization.objects.select_for_update()
        .select_related("municipality")
        .get(pk=organization.pk)
    )
    if organization.is_closed:
        raise DomainError(
            f"{organization.short_name} уже закрыта с {organization.closed_on:%d.%m.%Y}."
        )
    if organization.municipality.issuer_id == organization.pk:
        raise DomainError(
            "От имени этой организации издаются документы муниципалитета: сначала "
            "администратор региона укажет другую."
        )
    if closed_on > timezone.localdate():
        raise DomainError("Дата закрытия не может быть в будущем.", field="closed_on")
    organization.closed_on = closed_on
    organization.save(update_fields=["closed_on"])
    audit_record(
        actor=actor,
        action="organization.close",
        obj=organization,
        changes={"closed_on": _text(closed_on)},
    )
    return organization


@transaction.atomic
def organization_reopen(*, actor: User | None, organization: Organization) -> Organization:
    _check_organizations(actor, organization.municipality)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.is_closed:
        raise DomainError(f"{organization.short_name} и так работает.")
    closed_on = organization.closed_on
    organization.closed_on = None
    organization.save(update_fields=["closed_on"])
    audit_record(
        actor=actor,
        action="organization.reopen",
        obj=organization,
        changes={"was_closed_on": _text(closed_on)},
    )
    return organization
