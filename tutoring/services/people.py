"""People, their roles and invitations: what a region administrator, a methodist and a school
do to bring their staff into the portal. Every function is one transaction with its audit
entries; the access rule for each move is `tutoring.access.Access.may_grant` /
`manages_person`. `actor=None` is the system (a management command run by technical
support), which no rule restricts."""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..access import access_for
from ..errors import DomainError
from ..mail import portal_url, queue_letter
from ..models import Invitation, Municipality, Organization, Role, RoleKind, Subject, User
from . import audit_record, password_secrets_rotate

EMAIL_CHANGE_SALT = "tutoring.email-change"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24 * 3


@dataclass
class RoleSpec:
    """A role to grant: kind, and where (the organization for school staff and teachers;
    the municipality for the others but `regional`)."""

    kind: str
    municipality: Municipality | None = None
    organization: Organization | None = None
    position: str = ""
    subjects: list[Subject] = field(default_factory=list)

    def __post_init__(self):
        if self.organization is not None and self.municipality is None:
            self.municipality = self.organization.municipality

    @property
    def label(self) -> str:
        where = self.organization or self.municipality
        kind = RoleKind(self.kind).label
        return f"{kind} — {where}" if where else kind


def normalize_email(email: str) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(f"«{email}» — не адрес электронной почты.", field="email") from None
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def email_taken(email: str, *, exclude: User | None = None) -> bool:
    others = User.objects.filter(email__iexact=email)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return bool(email) and others.exists()


def _check_email_free(email: str, *, exclude: User | None = None) -> None:
    if email_taken(email, exclude=exclude):
        raise DomainError(
            f"Адрес {email} уже указан у другого человека портала. Найдите его в списке людей.",
            field="email",
        )


def _check_grant(actor: User | None, spec: RoleSpec) -> None:
    if actor is None:
        return
    if not access_for(actor).may_grant(
        spec.kind, municipality=spec.municipality, organization=spec.organization
    ):
        raise DomainError(f"Вы не можете назначить роль «{spec.label}».", field="roles")


def _check_manages(actor: User | None, person: User) -> None:
    if actor is None:
        return
    if person.pk == actor.pk:
        raise DomainError("Свою учётную запись так изменить нельзя: обратитесь к коллеге.")
    roles = list(Role.objects.filter(user=person).select_related("municipality", "organization"))
    if not access_for(actor).manages_person(person, roles):
        raise DomainError("Этот человек вне вашей зоны ответственности.")


def _new_username(email: str) -> str:
    # The login is the address when there is one (people sign in with either); a person
    # recorded without an address gets a login nobody needs to know.
    if email and not User.objects.filter(username__iexact=email).exists():
        return email.lower()
    return f"u{secrets.token_hex(6)}"


def _role_key(spec: RoleSpec) -> dict:
    return {
        "kind": spec.kind,
        "municipality": spec.municipality,
        "organization": spec.organization,
        "region": "",
    }


def _grant(person: User, spec: RoleSpec, *, actor: User | None) -> tuple[Role, bool]:
    role, created = Role.objects.get_or_create(
        user=person, **_role_key(spec), defaults={"position": spec.position}
    )
    if created:
        role.subjects.set(spec.subjects)
        audit_record(
            actor=actor,
            action="role.grant",
            obj=person,
            changes={"role": spec.label, "position": spec.position},
            municipality=spec.municipality,
        )
    return role, created


@transaction.atomic
def person_create(
    *,
    actor: User | None,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    email: str = "",
    phone: str = "",
    roles: list[RoleSpec],
    invite: bool = True,
    allow_no_roles: bool = False,
) -> User:
    """Add a person with their roles; with an address, they get an invitation letter.
    (`allow_no_roles`: for technical support's command that then grants a role of its own.)"""
    last_name, first_name = last_name.strip(), first_name.strip()
    if not last_name or not first_name:
        raise DomainError("Укажите фамилию и имя.", field="last_name")
    if not roles and not allow_no_roles:
        raise DomainError("Укажите хотя бы одну роль.", field="roles")
    for spec in roles:
        _check_grant(actor, spec)
    email = normalize_email(email)
    _check_email_free(email)
    _check_not_there(last_name, first_name, middle_name.strip(), roles)
    person = User(
        username=_new_username(email),
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name.strip(),
        email=email,
        phone=phone.strip(),
    )
    # No password is ever made for anybody: the person sets one from the invitation.
    person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Two requests with the same address at once: the constraint decides.
        raise DomainError(
            f"Адрес {email} уже указан у другого человека портала.", field="email"
        ) from None
    municipality = roles[0].municipality if roles else None
    audit_record(
        actor=actor,
        action="person.create",
        obj=person,
        changes={"name": person.full_name, "email": email, "phone": person.phone},
        municipality=municipality,
    )
    for spec in roles:
        _grant(person, spec, actor=actor)
    if invite and email:
        _invite(person, actor=actor, municipality=municipality)
    return person


def _check_not_there(last_name: str, first_name: str, middle_name: str, roles) -> None:
    """A person of that full name already working at the organization is the same person
    (a form sent twice, or a colleague who added them first): open their card instead. The
    organization's row is locked so that two submissions at once cannot both pass."""
    organizations = sorted({spec.organization.pk for spec in roles if spec.organization})
    if not organizations:
        return
    list(Organization.objects.select_for_update().filter(pk__in=organizations).order_by("pk"))
    there = (
        User.objects.filter(
            last_name__iexact=last_name,
            first_name__iexact=first_name,
            middle_name__iexact=middle_name,
            roles__organization__in=organizations,
        )
        .distinct()
        .first()
    )
    if there is not None:
        raise DomainError(
            f"{there.full_name} уже есть в этой организации: откройте карточку в списке людей "
            "и добавьте роль там.",
            field="last_name",
        )


PERSON_FIELDS = ("last_name", "first_name", "middle_name", "email", "phone")


@transaction.atomic
def person_update(*, actor: User | None, person: User, **fields) -> User:
    """Change a person's name, address or phone. A changed address withdraws an open
    invitation (it went to the old address) and sends a new one."""
    _check_manages(actor, person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if "email" in fields:
        fields["email"] = normalize_email(fields["email"])
        _check_email_free(fields["email"], exclude=person)
    changes = {}
    for name in PERSON_FIELDS:
        if name not in fields:
            continue
        value = (fields[name] or "").strip()
        if value != getattr(person, name):
            changes[name] = [getattr(person, name), value]
            setattr(person, name, value)
    if not person.last_name or not person.first_name:
        raise DomainError("Укажите фамилию и имя.", field="last_name")
    if not changes:
        return person
    person.save(update_fields=list(changes))
    audit_record(
        actor=actor, action="person.update", obj=person, changes=changes, municipality=_home(person)
    )
    if "email" in changes:
        reinvite = _open_invitations(person).exists()
        _revoke_invitations(person)
        if reinvite and person.email:
            _invite(person, actor=actor, municipality=_home(person))
    return person


@transaction.atomic
def role_grant(*, actor: User | None, person: User, spec: RoleSpec) -> Role:
    _check_grant(actor, spec)
    if not person.is_active:
        raise DomainError("Учётная запись отключена: сначала включите её.")
    role, created = _grant(person, spec, actor=actor)
    if not created:
        raise DomainError(f"Роль «{spec.label}» у этого человека уже есть.", field="roles")
    return role


@transaction.atomic
def role_update(*, actor: User | None, role: Role, position: str, subjects: list[Subject]):
    """Change a role's position and subjects (a teacher who now also teaches physics)."""
    if actor is not None and not access_for(actor).manages_role(role):
        raise DomainError("Эта роль вне вашей зоны ответственности.")
    before = (role.position, sorted(s.name for s in role.subjects.all()))
    role.position = position.strip()
    role.save(update_fields=["position"])
    role.subjects.set(subjects)
    after = (role.position, sorted(s.name for s in subjects))
    if before != after:
        audit_record(
            actor=actor,
            action="role.update",
            obj=role.user,
            changes={
                "role": str(role),
                "position": [before[0], after[0]],
                "subjects": [", ".join(before[1]), ", ".join(after[1])],
            },
            municipality=role.municipality,
        )
    return role


@transaction.atomic
def role_revoke(*, actor: User | None, role: Role) -> None:
    if actor is not None:
        if role.user_id == actor.pk:
            raise DomainError("Свою роль снять нельзя: обратитесь к коллеге.")
        if role.kind == RoleKind.TUTOR:
            raise DomainError(
                "Роль тьютора снимается исключением из состава сообщества по приказу."
            )
        if not access_for(actor).manages_role(role):
            raise DomainError("Эта роль вне вашей зоны ответственности.")
    audit_record(
        actor=actor,
        action="role.revoke",
        obj=role.user,
        changes={"role": str(role)},
        municipality=role.municipality,
    )
    role.delete()


@transaction.atomic
def person_deactivate(*, actor: User | None, person: User) -> User:
    """End a person's access: they can no longer sign in, their open invitation stops
    working, and they leave every choice; everything they made stays, under their name."""
    if actor is not None and person.pk == actor.pk:
        raise DomainError(
            "Свою учётную запись отключить нельзя: это может сделать коллега, который "
            "управляет вашей ролью."
        )
    _check_manages(actor, person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        return person
    person.is_active = False
    person.save(update_fields=["is_active"])
    _revoke_invitations(person)
    audit_record(actor=actor, action="person.deactivate", obj=person, municipality=_home(person))
    return person


@transaction.atomic
def person_reactivate(*, actor: User | None, person: User) -> User:
    _check_manages(actor, person)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit_record(actor=actor, action="person.reactivate", obj=person, municipality=_home(person))
    return person


# Invitations.


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _open_invitations(person: User):
    return Invitation.objects.filter(
        user=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).filter(expires_at__gt=timezone.now())


def _revoke_invitations(person: User) -> None:
    Invitation.objects.filter(
        user=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())


def _home(person: User) -> Municipality | None:
    role = Role.objects.filter(user=person, municipality__isnull=False).order_by("pk").first()
    return role.municipality if role else None


def _invite(person: User, *, actor: User | None, municipality: Municipality | None) -> Invitation:
    _revoke_invitations(person)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=person,
        email=person.email,
        token_hash=_token_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="invitation.send",
        obj=person,
        changes={"email": person.email},
        municipality=municipality,
    )
    queue_letter(
        to=person.email,
        subject="Приглашение на портал сообщества тьюторов",
        template="tutoring/email/invitation.txt",
        context={
            "person": person,
            "inviter": actor,
            "link": portal_url(f"/invitation/{token}/"),
            "expires_at": invitation.expires_at,
            "roles": list(
                Role.objects.filter(user=person).select_related("organization", "municipality")
            ),
        },
    )
    return invitation


@transaction.atomic
def invitation_send(*, actor: User | None, person: User) -> Invitation:
    """Send (or send again) an invitation: a new link, the earlier one stops working."""
    _check_manages(actor, person)
    if not person.is_active:
        raise DomainError("Учётная запись отключена: приглашение не отправлено.")
    if not person.email:
        raise DomainError("У человека не указан адрес электронной почты.", field="email")
    if person.has_usable_password():
        raise DomainError(
            "Человек уже задал пароль и входит на портал. Если он его забыл — «Забыли пароль?» "
            "на странице входа."
        )
    return _invite(person, actor=actor, municipality=_home(person))


def invitation_by_token(token: str) -> Invitation | None:
    """The open invitation of that link, or None (used, withdrawn, expired or unknown)."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """The person sets their password from the link; the link then stops working."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_open or not invitation.user.is_active:
        raise DomainError(
            "Ссылка приглашения уже использована или устарела. Попросите методиста или "
            "администрацию школы отправить приглашение ещё раз."
        )
    person = invitation.user
    person.set_password(password)
    person.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_record(actor=person, action="invitation.accept", obj=person, municipality=_home(person))
    return person


@transaction.atomic
def password_reset(*, user: User, new_password: str) -> User:
    """A forgotten password set again from the link of a reset letter. The link's token
    depends on the password, so once it is changed the same link opens nothing."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    password_secrets_rotate(user)
    # The password itself never goes to the log, only the fact of the change.
    audit_record(actor=user, action="password.reset", obj=user, municipality=_home(user))
    return user


# A person's own address, changed from the profile and confirmed from the new address.


def email_change_request(*, user: User, new_email: str) -> None:
    """Send a confirmation link to the new address; nothing changes until it is opened."""
    new_email = normalize_email(new_email)
    if not new_email:
        raise DomainError("Укажите новый адрес.", field="email")
    if new_email.lower() == (user.email or "").lower():
        raise DomainError("Это и есть ваш текущий адрес.", field="email")
    _check_email_free(new_email, exclude=user)
    token = signing.dumps({"user": user.pk, "email": new_email}, salt=EMAIL_CHANGE_SALT)
    with transaction.atomic():
        queue_letter(
            to=new_email,
            subject="Подтвердите адрес электронной почты",
            template="tutoring/email/email_change.txt",
            context={"person": user, "link": portal_url(f"/profile/email/{token}/")},
        )


@transaction.atomic
def email_change_confirm(*, user: User, token: str) -> User:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise DomainError("Ссылка подтверждения неверна или устарела.") from None
    if data.get("user") != user.pk:
        raise DomainError("Эта ссылка подтверждает адрес другой учётной записи.")
    email = data["email"]
    if email == user.email:
        return user
    _check_email_free(email, exclude=user)
    old = user.email
    user.email = email
    user.save(update_fields=["email"])
    audit_record(
        actor=user,
        action="person.email_change",
        obj=user,
        changes={"email": [old, email]},
        municipality=_home(user),
    )
    return user
