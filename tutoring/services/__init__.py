"""State changes of the cross-cutting pieces. Each is one transaction with one audit entry."""

from django.db import IntegrityError, transaction

from .. import extensions
from ..models import (
    RISK_DIRECTIONS,
    AcademicYear,
    AuditEntry,
    DomainError,
    Municipality,
    Organization,
    RiskDirection,
    SchoolStatus,
    Subject,
    User,
    subject_key,
)


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj,
    changes: dict | None = None,
    municipality: Municipality | None = None,
) -> AuditEntry:
    """Record a state change. Call it inside the transaction of the change it records, so
    that the change and its entry land together or not at all."""
    if municipality is None:
        municipality = obj if isinstance(obj, Municipality) else getattr(obj, "municipality", None)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk or ""),
        object_repr=str(obj)[:300],
        municipality=municipality if isinstance(municipality, Municipality) else None,
        changes=changes or {},
    )


def audit_records(*, actor: User | None, action: str, entries) -> None:
    """Record one change of many objects at once (the occurrences of a series moved or
    cancelled together): `entries` are (object, changes) pairs; one insert for all."""
    actor = actor if actor is not None and actor.is_authenticated else None
    rows = []
    for obj, changes in entries:
        municipality = getattr(obj, "municipality", None)
        rows.append(
            AuditEntry(
                actor=actor,
                action=action,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                municipality=municipality if isinstance(municipality, Municipality) else None,
                changes=changes,
            )
        )
    AuditEntry.objects.bulk_create(rows)


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    password_secrets_rotate(user)
    # The password itself never goes to the log, only the fact of the change.
    audit_record(actor=user, action="password.change", obj=user)


def password_secrets_rotate(user: User) -> None:
    """Whoever knew the old password may have copied the user's other secrets too (a calendar
    address): they are replaced with it, by the apps that keep them."""
    for hook in extensions.password_hooks():
        hook(user)


@transaction.atomic
def school_status_set(
    *, actor: User, organization: Organization, academic_year: AcademicYear, kind: str
) -> tuple[SchoolStatus, bool]:
    """Mark a school ШНОР or ШССУ for an academic year (the methodist does it from the risk
    list of the results). Marking it again changes nothing. Returns (status, created)."""
    status, created = SchoolStatus.objects.get_or_create(
        organization=organization, academic_year=academic_year, kind=kind
    )
    if created:
        audit_record(
            actor=actor,
            action="school_status.set",
            obj=status,
            changes={"kind": status.get_kind_display(), "year": str(academic_year)},
            municipality=organization.municipality,
        )
    return status, created


# Subjects: reference data of the whole installation (one region), kept by its methodists and
# region administrators. A subject is never deleted: results, requests and rosters point at it.


def _subject_name(name: str, *, subject: Subject | None = None) -> str:
    """The name, cleaned, or a refusal when it is empty or another subject already has it:
    «математика» is «Математика», and «Английский язык» is «Иностранный язык (английский)»."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Укажите название предмета.")
    key = subject_key(name)
    # Checked in Python, not by the database, for the language aliases; a region has a few
    # dozen subjects. The case-insensitive unique index still guards against a race.
    others = Subject.objects.exclude(pk=subject.pk) if subject else Subject.objects.all()
    for other in others:
        if subject_key(other.name) == key:
            retired = "" if other.is_active else " (выведен из употребления — верните его)"
            raise DomainError(f"Предмет «{other.name}» уже есть в справочнике{retired}.")
    return name


@transaction.atomic
def subject_create(*, actor: User, name: str, kind: str) -> Subject:
    name = _subject_name(name)
    try:
        # Two administrators adding one subject at once both pass the check above; the
        # case-insensitive unique index refuses the second, who is told so in words.
        with transaction.atomic():
            subject = Subject.objects.create(name=name, kind=kind)
    except IntegrityError:
        raise DomainError(f"Предмет «{name}» уже есть в справочнике.") from None
    audit_record(
        actor=actor,
        action="subject.create",
        obj=subject,
        changes={"kind": subject.get_kind_display()},
    )
    return subject


@transaction.atomic
def subject_update(*, actor: User, subject: Subject, name: str, kind: str) -> Subject:
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    name = _subject_name(name, subject=subject)
    changes = {}
    if name != subject.name:
        changes["name"] = [subject.name, name]
    if kind != subject.kind:
        changes["kind"] = [subject.get_kind_display(), Subject.Kind(kind).label]
    if not changes:
        return subject
    subject.name, subject.kind = name, kind
    subject.save(update_fields=["name", "kind"])
    audit_record(actor=actor, action="subject.update", obj=subject, changes=changes)
    return subject


def _subject_set_active(*, actor: User, subject: Subject, active: bool) -> Subject:
    subject = Subject.objects.select_for_update().get(pk=subject.pk)
    if subject.is_active == active:
        raise DomainError(
            f"Предмет «{subject.name}» уже "
            + ("используется." if active else "выведен из употребления.")
        )
    subject.is_active = active
    subject.save(update_fields=["is_active"])
    action = "subject.restore" if active else "subject.retire"
    audit_record(actor=actor, action=action, obj=subject)
    return subject


@transaction.atomic
def subject_retire(*, actor: User, subject: Subject) -> Subject:
    """The subject stays on the records that have it and leaves every list to choose from."""
    return _subject_set_active(actor=actor, subject=subject, active=False)


@transaction.atomic
def subject_restore(*, actor: User, subject: Subject) -> Subject:
    return _subject_set_active(actor=actor, subject=subject, active=True)


@transaction.atomic
def school_status_remove(
    *, actor: User, organization: Organization, academic_year: AcademicYear, kind: str
) -> bool:
    """Take a ШНОР or ШССУ status off a school for an academic year (set by mistake, or the
    region's list changed). Removing an absent status changes nothing. Returns whether it was
    there."""
    status = SchoolStatus.objects.filter(
        organization=organization, academic_year=academic_year, kind=kind
    ).first()
    if status is None:
        return False
    audit_record(
        actor=actor,
        action="school_status.remove",
        obj=status,
        changes={"kind": status.get_kind_display(), "year": str(academic_year)},
        municipality=organization.municipality,
    )
    status.delete()
    return True


# Risk directions: reference data of each region (its administrator keeps them). A direction
# is never deleted: the profiles that rated it point at it.


def risk_directions_seed(region: str) -> None:
    """A region the portal has not met starts with the eleven directions of «500+»; a region
    that has directions keeps its own. Part of the caller's transaction (a municipality or a
    region administrator created), whose audit entry records it."""
    if RiskDirection.objects.filter(region=region).exists():
        return
    RiskDirection.objects.bulk_create(
        RiskDirection(region=region, name=name, position=position, evidence=evidence)
        for position, (name, evidence) in enumerate(RISK_DIRECTIONS, start=1)
    )


def _direction_key(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _direction_name(region: str, name: str, *, direction: RiskDirection | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("Укажите название направления.")
    # Compared in Python: SQLite's `iexact` and `lower()` fold only Latin letters, and «ё» is
    # «е» to whoever types the name. A region has a few dozen directions.
    others = RiskDirection.objects.filter(region=region)
    if direction is not None:
        others = others.exclude(pk=direction.pk)
    other = next((o for o in others if _direction_key(o.name) == _direction_key(name)), None)
    if other is not None:
        retired = "" if other.is_active else " (выведено из употребления — верните его)"
        raise DomainError(f"Направление «{other.name}» уже есть в справочнике региона{retired}.")
    return name


@transaction.atomic
def risk_direction_create(*, actor: User, region: str, name: str) -> RiskDirection:
    """A direction of the region's own, after those it has."""
    name = _direction_name(region, name)
    last = RiskDirection.objects.filter(region=region).order_by("-position").first()
    try:
        # Two administrators adding one direction at once both pass the check above; the
        # case-insensitive unique index refuses the second, who is told so in words.
        with transaction.atomic():
            direction = RiskDirection.objects.create(
                region=region, name=name, position=(last.position + 1) if last else 1
            )
    except IntegrityError:
        raise DomainError(f"Направление «{name}» уже есть в справочнике региона.") from None
    audit_record(actor=actor, action="risk_direction.create", obj=direction)
    return direction


@transaction.atomic
def risk_direction_rename(*, actor: User, direction: RiskDirection, name: str) -> RiskDirection:
    """A new name; the ratings of the profiles stay with the direction, and so does what the
    portal offers for it."""
    direction = RiskDirection.objects.select_for_update().get(pk=direction.pk)
    name = _direction_name(direction.region, name, direction=direction)
    if name == direction.name:
        return direction
    before, direction.name = direction.name, name
    direction.save(update_fields=["name"])
    audit_record(
        actor=actor,
        action="risk_direction.rename",
        obj=direction,
        changes={"name": [before, name]},
    )
    return direction


@transaction.atomic
def risk_direction_set_active(
    *, actor: User, direction: RiskDirection, active: bool
) -> RiskDirection:
    """Retire a direction (it stays in the profiles that rated it and is offered to no new
    one) or bring it back."""
    direction = RiskDirection.objects.select_for_update().get(pk=direction.pk)
    if direction.is_active == active:
        state = "используется" if active else "выведено из употребления"
        raise DomainError(f"Направление «{direction.name}» уже {state}.")
    direction.is_active = active
    direction.save(update_fields=["is_active"])
    action = "risk_direction.restore" if active else "risk_direction.retire"
    audit_record(actor=actor, action=action, obj=direction)
    return direction
