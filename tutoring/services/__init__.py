"""State changes of the cross-cutting pieces. Each is one transaction with one audit entry."""

from django.db import transaction

from ..models import AcademicYear, AuditEntry, Municipality, Organization, SchoolStatus, User


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


@transaction.atomic
def password_change(*, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The password itself never goes to the log, only the fact of the change.
    audit_record(actor=user, action="password.change", obj=user)


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
