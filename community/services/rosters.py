"""Nominations and the roster. Each function is one transaction with one audit entry."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutoring.access import access_for
from tutoring.errors import DomainError
from tutoring.models import AcademicYear, Municipality, Organization, Role, RoleKind, User
from tutoring.services import audit_record
from tutoring.workflow import Move, Notice, Workflow, holders, holds_in_municipality, send_notices

from .. import selectors
from ..models import Nomination, Order, Roster, RosterEntry

DECIDED = "По этому предложению решение уже принято."


def _school(nomination: Nomination):
    """Whom a decision tells: the school's administration, the one who filed it first."""
    return User.objects.filter(
        is_active=True,
        roles__kind=RoleKind.SCHOOL,
        roles__organization_id=nomination.organization_id,
    ).distinct()


def _decided(nomination: Nomination, actor: User) -> list[Notice]:
    outcome = (
        "включён(а) в состав сообщества"
        if nomination.status == Nomination.Status.ACCEPTED
        else f"не включён(а) в состав: {nomination.rejection_reason}"
    )
    return [
        Notice(
            _school(nomination),
            "community.nomination.decided",
            f"{nomination.teacher.short_name} {outcome}.",
            nomination.get_absolute_url(),
        )
    ]


NOMINATION = Workflow(
    "community.nomination",
    model=Nomination,
    noun="Предложение",
    error=DomainError,
    moves=[
        Move(
            name,
            sources={Nomination.Status.PENDING},
            target=target,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden="Решение по предложению принимает методист муниципалитета.",
            refusal=DECIDED,
            done=DECIDED,
            action=f"nomination.{name}",
            notices=_decided,
        )
        for name, target in (
            ("accept", Nomination.Status.ACCEPTED),
            ("reject", Nomination.Status.REJECTED),
        )
    ],
)


RosterStatus = Roster.Status
COMPOSES = "Состав готовит методист муниципалитета."
composes = holds_in_municipality(RoleKind.METHODIST)
# A draft is closed for the order and taken back by the methodist; the director's signature
# of the order that carries it approves it (see `roster_approve_by_order`).
ROSTER = Workflow(
    "community.roster",
    model=Roster,
    noun="Состав",
    error=DomainError,
    moves=[
        Move(
            "ready",
            sources={RosterStatus.DRAFT},
            target=RosterStatus.READY,
            allowed=composes,
            forbidden=COMPOSES,
            refusal="Отметить «готов к приказу» можно только черновик состава.",
            done="Состав уже отмечен «готов к приказу».",
            action="roster.ready",
        ),
        Move(
            "unready",
            sources={RosterStatus.READY},
            target=RosterStatus.DRAFT,
            allowed=composes,
            forbidden=COMPOSES,
            refusal="Вернуть в черновик можно только состав, отмеченный «готов к приказу».",
            action="roster.unready",
        ),
        Move(
            "approve",
            sources={RosterStatus.READY},
            target=RosterStatus.APPROVED,
            allowed=holds_in_municipality(RoleKind.DIRECTOR),
            forbidden="Состав утверждает руководитель муниципалитета, подписывая приказ.",
            refusal="Утверждается только состав, отмеченный «готов к приказу».",
            action="roster.approve",
        ),
    ],
)


def roster_may_revise(access, roster: Roster) -> bool:
    """A new revision is opened by the municipality's methodist from its latest approved one."""
    return composes(access, roster) and selectors.roster_is_latest_approved(roster)


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
    duplicate = (
        f"Предложение о включении {teacher.short_name} в состав на {academic_year} "
        "учебный год уже подано и ждёт решения."
    )
    pending = Nomination.objects.filter(
        teacher=teacher, academic_year=academic_year, status=Nomination.Status.PENDING
    )
    if pending.exists():
        raise DomainError(duplicate)
    try:
        # The unique constraint settles two submits of the same teacher at once (two tabs,
        # two staff members of the school): the second one is told, not given a 500.
        with transaction.atomic():
            nomination = Nomination.objects.create(
                municipality=organization.municipality,
                organization=organization,
                academic_year=academic_year,
                teacher=teacher,
                created_by=actor,
                **fields,
            )
    except IntegrityError:
        raise DomainError(duplicate) from None
    nomination.subjects.set(subjects)
    audit_record(
        actor=actor,
        action="nomination.create",
        obj=nomination,
        changes={"warnings": nomination.eligibility_warnings},
    )
    send_notices(
        [
            Notice(
                holders(RoleKind.METHODIST, municipality_id=nomination.municipality_id),
                "community.nomination.filed",
                f"{organization.short_name or organization} предлагает "
                f"{teacher.short_name} в состав сообщества на {academic_year} учебный год.",
                nomination.get_absolute_url(),
            )
        ],
        actor=actor,
        obj=nomination,
    )
    return nomination


@transaction.atomic
def nomination_accept(*, actor: User, nomination: Nomination) -> RosterEntry:
    nomination = NOMINATION.start(actor, nomination, "accept")
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
    nomination.decided_by, nomination.decided_at = actor, timezone.now()
    NOMINATION.finish(
        actor,
        nomination,
        "accept",
        fields=["decided_by", "decided_at"],
        changes={"roster": roster.pk},
    )
    return entry


@transaction.atomic
def nomination_reject(*, actor: User, nomination: Nomination, reason: str) -> Nomination:
    nomination = NOMINATION.start(actor, nomination, "reject")
    if not reason.strip():
        raise DomainError("Укажите причину отклонения: школа увидит её.")
    nomination.rejection_reason = reason.strip()
    nomination.decided_by, nomination.decided_at = actor, timezone.now()
    return NOMINATION.finish(
        actor,
        nomination,
        "reject",
        fields=["rejection_reason", "decided_by", "decided_at"],
        changes={"reason": reason},
    )


def _draft_for(municipality: Municipality, year: AcademicYear, *, actor: User) -> Roster:
    """The year's draft roster; the first roster of a year is started on demand."""
    rosters = Roster.objects.select_for_update().filter(
        municipality=municipality, academic_year=year
    )
    draft = rosters.filter(status=Roster.Status.DRAFT).first()
    if draft is not None:
        return draft
    if rosters.filter(status=Roster.Status.READY).exists():
        raise DomainError(
            f"Состав на {year} учебный год отмечен «готов к приказу» и закрыт для изменений. "
            "Чтобы добавить тьютора, верните состав в черновик."
        )
    if rosters.exists():
        raise DomainError(
            f"Состав на {year} учебный год уже утверждён. Чтобы добавить тьютора, откройте "
            "новую редакцию состава: её утвердит изменяющий приказ."
        )
    try:
        # Locking an empty set locks nothing: two first decisions of a year at once both
        # start a roster, and the unique constraint refuses the second one in words.
        with transaction.atomic():
            roster = Roster.objects.create(municipality=municipality, academic_year=year)
    except IntegrityError:
        raise DomainError(
            f"Состав на {year} учебный год только что начат другим решением: "
            "повторите, и тьютор войдёт в него."
        ) from None
    audit_record(actor=actor, action="roster.create", obj=roster)
    return roster


@transaction.atomic
def roster_create(*, actor: User, municipality: Municipality, academic_year: AcademicYear):
    if Roster.objects.filter(municipality=municipality, academic_year=academic_year).exists():
        raise DomainError(
            f"Состав на {academic_year} учебный год уже заведён.", field="academic_year"
        )
    return _draft_for(municipality, academic_year, actor=actor)


LOCKED = {
    Roster.Status.READY: "Состав отмечен «готов к приказу» и не меняется. Чтобы изменить его, "
    "верните состав в черновик.",
    Roster.Status.APPROVED: "Состав утверждён и больше не меняется. Откройте новую редакцию "
    "состава: её утвердит изменяющий приказ.",
}


def _editable(roster: Roster) -> Roster:
    roster = _locked(roster)
    if not roster.is_draft:
        raise DomainError(LOCKED[roster.status])
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
def roster_mark_ready(*, actor: User, roster: Roster) -> Roster:
    """The methodist closes the draft for the order: the signed order approves it."""
    roster = ROSTER.start(actor, roster, "ready")
    count = roster.entries.count()
    if not count:
        raise DomainError("В составе нет ни одного тьютора: готовить к приказу нечего.")
    return ROSTER.finish(actor, roster, "ready", changes={"entries": count})


def roster_carrying_orders(roster: Roster):
    """The orders on signature or signed that carry the roster: while one does, the roster
    stays as the director reads it."""
    return Order.objects.filter(
        appendices__roster=roster, status__in=[Order.Status.SENT, Order.Status.APPROVED]
    ).distinct()


@transaction.atomic
def roster_mark_draft(*, actor: User, roster: Roster) -> Roster:
    """The methodist takes a ready roster back to edit it, unless an order on signature or a
    signed one carries it."""
    roster = ROSTER.start(actor, roster, "unready")
    carrying = roster_carrying_orders(roster).first()
    if carrying is not None:
        raise DomainError(
            f"Состав — приложение к приказу «{carrying.heading}», который "
            f"{carrying.get_status_display()}. Пока приказ на подписи, состав не меняется; "
            "попросите руководителя вернуть приказ на доработку."
        )
    return ROSTER.finish(actor, roster, "unready")


def roster_approve_by_order(*, actor: User, roster: Roster, order: Order) -> Roster:
    """A ready roster approved by the order the director signs, inside that signing's
    transaction; its members become tutors."""
    roster = ROSTER.start(actor, roster, "approve")
    entries = list(roster.entries.select_related("person").prefetch_related("subjects"))
    roster.approved_by, roster.approved_at, roster.approved_order = actor, timezone.now(), order
    granted = _grant_tutor_roles(roster, entries)
    return ROSTER.finish(
        actor,
        roster,
        "approve",
        fields=["approved_by", "approved_at", "approved_order"],
        changes={"order": str(order), "entries": len(entries), "tutor_roles_granted": granted},
    )


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
    """A change after approval: a new draft revision with the same entries, to be marked
    ready and approved by an amending order."""
    roster = _locked(roster)
    siblings = Roster.objects.filter(
        municipality=roster.municipality, academic_year=roster.academic_year
    )
    if not composes(access_for(actor), roster):
        raise DomainError(COMPOSES)
    if not roster.is_approved:
        raise DomainError("Новую редакцию открывают от утверждённого состава.")
    if siblings.exclude(status=Roster.Status.APPROVED).exists():
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
