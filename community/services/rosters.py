"""Nominations and the roster. Each function is one transaction with one audit entry."""

from django.db import transaction
from django.utils import timezone

from tutoring.models import AcademicYear, Municipality, Organization, Role, RoleKind, User
from tutoring.services import audit_record

from ..models import DomainError, Nomination, Roster, RosterEntry


def _locked(obj):
    """The row again, locked until the transaction ends: two methodists deciding the same
    nomination at once must not both succeed."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


@transaction.atomic
def nomination_create(
    *,
    actor: User,
    organization: Organization,
    academic_year: AcademicYear,
    teacher: User,
    subjects,
    **fields,
) -> Nomination:
    pending = Nomination.objects.filter(
        teacher=teacher, academic_year=academic_year, status=Nomination.Status.PENDING
    )
    if pending.exists():
        raise DomainError(
            f"Предложение о включении {teacher.short_name} в состав на {academic_year} "
            "учебный год уже подано и ждёт решения."
        )
    nomination = Nomination.objects.create(
        municipality=organization.municipality,
        organization=organization,
        academic_year=academic_year,
        teacher=teacher,
        created_by=actor,
        **fields,
    )
    nomination.subjects.set(subjects)
    audit_record(
        actor=actor,
        action="nomination.create",
        obj=nomination,
        changes={"warnings": nomination.eligibility_warnings},
    )
    return nomination


@transaction.atomic
def nomination_accept(*, actor: User, nomination: Nomination) -> RosterEntry:
    nomination = _locked(nomination)
    if nomination.status != Nomination.Status.PENDING:
        raise DomainError("По этому предложению решение уже принято.")
    roster = _draft_for(nomination.municipality, nomination.academic_year, actor=actor)
    if roster.entries.filter(person=nomination.teacher).exists():
        raise DomainError(f"{nomination.teacher.short_name} уже есть в составе {roster}.")
    entry = RosterEntry.objects.create(
        roster=roster,
        person=nomination.teacher,
        position=nomination.position,
        organization=nomination.organization,
        level=nomination.level,
        nomination=nomination,
    )
    entry.subjects.set(nomination.subjects.all())
    nomination.status = Nomination.Status.ACCEPTED
    nomination.decided_by, nomination.decided_at = actor, timezone.now()
    nomination.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action="nomination.accept", obj=nomination, changes={"roster": roster.pk}
    )
    return entry


@transaction.atomic
def nomination_reject(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    nomination = _locked(nomination)
    if nomination.status != Nomination.Status.PENDING:
        raise DomainError("По этому предложению решение уже принято.")
    if not reason.strip():
        raise DomainError("Укажите причину отклонения: школа увидит её.")
    nomination.status = Nomination.Status.REJECTED
    nomination.rejection_reason = reason.strip()
    nomination.decided_by, nomination.decided_at = actor, timezone.now()
    nomination.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor, action="nomination.reject", obj=nomination, changes={"reason": reason}
    )
    return nomination


def _draft_for(municipality: Municipality, year: AcademicYear, *, actor: User) -> Roster:
    """The year's draft roster; the first roster of a year is started on demand."""
    rosters = Roster.objects.select_for_update().filter(
        municipality=municipality, academic_year=year
    )
    draft = rosters.filter(status=Roster.Status.DRAFT).first()
    if draft is not None:
        return draft
    if rosters.exists():
        raise DomainError(
            f"Состав на {year} учебный год уже утверждён. Чтобы добавить тьютора, откройте "
            "новую редакцию состава: её утвердит изменяющий приказ."
        )
    roster = Roster.objects.create(municipality=municipality, academic_year=year)
    audit_record(actor=actor, action="roster.create", obj=roster)
    return roster


@transaction.atomic
def roster_create(*, actor: User, municipality: Municipality, academic_year: AcademicYear):
    if Roster.objects.filter(municipality=municipality, academic_year=academic_year).exists():
        raise DomainError(f"Состав на {academic_year} учебный год уже заведён.")
    return _draft_for(municipality, academic_year, actor=actor)


def _editable(roster: Roster) -> Roster:
    roster = _locked(roster)
    if not roster.is_draft:
        raise DomainError(
            "Состав утверждён и больше не меняется. Откройте новую редакцию состава: "
            "её утвердит изменяющий приказ."
        )
    return roster


@transaction.atomic
def entry_add(
    *,
    actor: User,
    roster: Roster,
    person: User,
    subjects,
    position: str,
    organization: Organization,
    level: str,
) -> RosterEntry:
    roster = _editable(roster)
    if roster.entries.filter(person=person).exists():
        raise DomainError(f"{person.short_name} уже есть в этом составе.")
    entry = RosterEntry.objects.create(
        roster=roster, person=person, position=position, organization=organization, level=level
    )
    entry.subjects.set(subjects)
    audit_record(
        actor=actor,
        action="roster.entry_add",
        obj=roster,
        changes={"person": person.full_name, "organization": str(organization)},
    )
    return entry


ENTRY_FIELDS = ("position", "organization", "level")


@transaction.atomic
def entry_update(*, actor: User, entry: RosterEntry, subjects, **fields) -> RosterEntry:
    _editable(entry.roster)
    changes = {}
    for name in ENTRY_FIELDS:
        old, new = getattr(entry, name), fields[name]
        if old != new:
            changes[name] = [str(old), str(new)]
            setattr(entry, name, new)
    old_subjects = sorted(s.name for s in entry.subjects.all())
    new_subjects = sorted(s.name for s in subjects)
    if old_subjects != new_subjects:
        changes["subjects"] = [old_subjects, new_subjects]
    entry.save()
    entry.subjects.set(subjects)
    audit_record(
        actor=actor,
        action="roster.entry_update",
        obj=entry.roster,
        changes={"person": entry.person.full_name, **changes},
    )
    return entry


@transaction.atomic
def entry_remove(*, actor: User, entry: RosterEntry) -> None:
    roster = _editable(entry.roster)
    person = entry.person.full_name
    entry.delete()
    audit_record(actor=actor, action="roster.entry_remove", obj=roster, changes={"person": person})


@transaction.atomic
def roster_approve(*, actor: User, roster: Roster) -> Roster:
    roster = _editable(roster)
    entries = list(roster.entries.select_related("person").prefetch_related("subjects"))
    if not entries:
        raise DomainError("В составе нет ни одного тьютора: утверждать нечего.")
    roster.status = Roster.Status.APPROVED
    roster.approved_by, roster.approved_at = actor, timezone.now()
    roster.save(update_fields=["status", "approved_by", "approved_at"])
    granted = _grant_tutor_roles(roster, entries)
    audit_record(
        actor=actor,
        action="roster.approve",
        obj=roster,
        changes={"entries": len(entries), "tutor_roles_granted": granted},
    )
    return roster


def _grant_tutor_roles(roster: Roster, entries: list[RosterEntry]) -> list[str]:
    """Membership of an approved roster is what makes a teacher a tutor in the portal."""
    holders = set(
        Role.objects.filter(
            kind=RoleKind.TUTOR,
            municipality=roster.municipality,
            user__in=[e.person_id for e in entries],
        ).values_list("user_id", flat=True)
    )
    granted = []
    for entry in entries:
        if entry.person_id in holders:
            continue
        role = Role.objects.create(
            user=entry.person,
            kind=RoleKind.TUTOR,
            municipality=roster.municipality,
            organization=entry.organization,
            position=entry.position,
        )
        role.subjects.set(entry.subjects.all())
        granted.append(entry.person.full_name)
    return granted


@transaction.atomic
def roster_revise(*, actor: User, roster: Roster) -> Roster:
    """A change after approval: a new draft revision with the same entries, to be approved
    and then put into force by an amending order."""
    roster = _locked(roster)
    siblings = Roster.objects.filter(
        municipality=roster.municipality, academic_year=roster.academic_year
    )
    if roster.is_draft or siblings.filter(status=Roster.Status.DRAFT).exists():
        raise DomainError("Черновик новой редакции этого состава уже открыт.")
    if siblings.filter(revision__gt=roster.revision).exists():
        raise DomainError("Это не последняя редакция состава: изменяйте последнюю.")
    revision = Roster.objects.create(
        municipality=roster.municipality,
        academic_year=roster.academic_year,
        revision=roster.revision + 1,
    )
    copy_entries(roster.entries.all(), to=revision)
    audit_record(
        actor=actor, action="roster.revise", obj=revision, changes={"from_revision": roster.pk}
    )
    return revision


def copy_entries(entries, *, to: Roster) -> list[RosterEntry]:
    """The entries again in the roster `to`: the person, the position, the place of work,
    the level and the subjects; not the nomination, which led to the first entry only."""
    entries = list(entries.prefetch_related("subjects"))
    copies = RosterEntry.objects.bulk_create(
        RosterEntry(
            roster=to,
            person_id=entry.person_id,
            position=entry.position,
            organization_id=entry.organization_id,
            level=entry.level,
        )
        for entry in entries
    )
    links = RosterEntry.subjects.through
    links.objects.bulk_create(
        links(rosterentry_id=copy.pk, subject_id=subject.pk)
        for entry, copy in zip(entries, copies, strict=True)
        for subject in entry.subjects.all()
    )
    return copies
