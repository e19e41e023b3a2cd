"""What each user may see of the consultation point; every page reads through these."""

from collections.abc import Callable, Iterable

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from tutoring.access import Access
from tutoring.models import Role, RoleKind

from .models import (
    AvailabilityException,
    AvailabilitySlot,
    ConsultationPoint,
    ConsultationRequest,
    Event,
    EventRegistration,
    Session,
)

# Who runs the consultation point of a municipality: they see all its requests and sessions.
COORDINATORS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _municipalities_where(access: Access, *kinds: str) -> set[int]:
    return {r.municipality_id for r in access.roles if r.kind in kinds}


def points_for(access: Access) -> QuerySet[ConsultationPoint]:
    """Everyone in a municipality may find its consultation points."""
    qs = ConsultationPoint.objects.select_related("municipality", "organization")
    if access.everywhere:
        return qs
    members = {r.municipality_id for r in access.roles if r.municipality_id}
    return qs.filter(municipality__in=members)


def requests_for(access: Access) -> QuerySet[ConsultationRequest]:
    """Coordinators see their municipality's requests; a school those of its organization; a
    teacher their own (filed by them or for them); a tutor those their sessions serve."""
    qs = ConsultationRequest.objects.select_related(
        "municipality", "organization", "subject", "requested_by", "teacher"
    )
    if access.everywhere:
        return qs
    schools = {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}
    q = Q(municipality__in=_municipalities_where(access, *COORDINATORS))
    q |= Q(organization__in=schools)
    if access.has(RoleKind.TEACHER):
        q |= Q(requested_by=access.user_id) | Q(teacher=access.user_id)
    if access.has(RoleKind.TUTOR):
        q |= Q(sessions__tutor=access.user_id)
    return qs.filter(q).distinct() if access.has(RoleKind.TUTOR) else qs.filter(q)


def sessions_for(access: Access) -> QuerySet[Session]:
    """Coordinators see their municipality's sessions; a tutor the sessions assigned to them
    and their own; a school those of its requests, held at it, or with its teachers; a teacher
    those of their own requests and those they take part in."""
    qs = Session.objects.select_related(
        "municipality", "point", "room", "tutor", "request", "organization"
    )
    if access.everywhere:
        return qs
    # The user's own sessions as one UNION of indexed reads, then the sessions by primary key.
    # Written as an OR of the same subqueries, no index could serve it: PostgreSQL read every
    # session of the period across the region and tested each (the teacher's agenda 1.6×
    # slower for the whole region than for a tenth; a count in the UNION's form stays flat).
    own = []
    schools = {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}
    if schools:
        # A school sees the sessions of its requests, those held at it, and those its
        # teachers take part in wherever they are held.
        its_teachers = Role.objects.filter(kind=RoleKind.TEACHER, organization__in=schools)
        theirs = ConsultationRequest.objects.filter(organization__in=schools)
        own += [
            Session.objects.filter(request__in=theirs.values("pk")).values("pk"),
            Session.objects.filter(organization__in=schools).values("pk"),
            Session.teachers.through.objects.filter(user__in=its_teachers.values("user")).values(
                "session"
            ),
        ]
    if access.has(RoleKind.TEACHER):
        mine = ConsultationRequest.objects.filter(
            Q(requested_by=access.user_id) | Q(teacher=access.user_id)
        )
        own += [
            Session.objects.filter(request__in=mine.values("pk")).values("pk"),
            Session.teachers.through.objects.filter(user=access.user_id).values("session"),
        ]
    coordinated = _municipalities_where(access, *COORDINATORS)
    if coordinated:
        # The municipality's sessions and the tutor's are index ranges that an OR joins; the
        # UNION beside them is a subplan of that OR, so it holds only what they leave out.
        q = Q(municipality__in=coordinated) | Q(tutor=access.user_id)
        if own:
            q |= Q(pk__in=_union(own))
    elif own:
        q = Q(pk__in=_union([*own, Session.objects.filter(tutor=access.user_id).values("pk")]))
    else:
        q = Q(tutor=access.user_id)
    return qs.filter(q)


def _union(parts: list[QuerySet]) -> QuerySet:
    # Unordered: Session's default ordering would sort each part of the UNION.
    parts = [part.order_by() for part in parts]
    return parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]


def may_join(access: Access, session: Session, *, teaching: bool | None = None) -> bool:
    """Whether the user takes part in the session, and so may have its meeting link: its
    tutor, its teachers, its request's requester and teacher, the staff (school role) of the
    school it supports, the methodists and the director of its municipality. Not those who
    only read it: a regional coordinator, a school whose teacher takes part in another
    school's session (the teacher has the link). `teaching`, when known, says whether the user
    is among its teachers (see `joining`); otherwise that is asked of the database."""
    user = access.user_id
    if user is None:
        return False
    if session.tutor_id == user:
        return True
    if any(access.holds(kind, municipality=session.municipality_id) for kind in COORDINATORS):
        return True
    request = session.request if session.request_id else None
    if request is not None and user in (request.requested_by_id, request.teacher_id):
        return True
    schools = {session.organization_id, request.organization_id if request else None} - {None}
    if any(access.holds(RoleKind.SCHOOL, organization=school) for school in schools):
        return True
    if teaching is None:
        teaching = session.teachers.filter(pk=user).exists()
    return teaching


def joining(access: Access, sessions: Iterable[Session]) -> Callable[[Session], bool]:
    """`may_join` for many sessions at once: one query for those the user is a teacher of
    (none when no session is remote: only a remote one has a link to give)."""
    remote = [session.pk for session in sessions if session.is_remote]
    teaching = set()
    if remote and access.user_id is not None:
        teaching = set(
            Session.teachers.through.objects.filter(
                session__in=remote, user=access.user_id
            ).values_list("session_id", flat=True)
        )
    return lambda session: may_join(access, session, teaching=session.pk in teaching)


def with_join_links(access: Access, sessions: Iterable[Session]) -> list[Session]:
    """The sessions, each with `join_link`: its meeting link if the user takes part in it,
    else empty. Sessions need their point and room (select_related)."""
    sessions = list(sessions)
    joins = joining(access, sessions)
    for session in sessions:
        link = session.meeting_link
        session.join_link = link if link and joins(session) else ""
    return sessions


def availability_for(access: Access) -> tuple[QuerySet, QuerySet]:
    """A tutor's own slots and exceptions; coordinators see all of their municipality's."""
    q = Q(tutor=access.user_id)
    if access.everywhere:
        q = Q()
    else:
        q |= Q(municipality__in=_municipalities_where(access, *COORDINATORS))
    return (
        AvailabilitySlot.objects.filter(q).select_related("tutor", "municipality"),
        AvailabilityException.objects.filter(q).select_related("tutor", "municipality"),
    )


def events_for(access: Access) -> QuerySet[Event]:
    """Everyone with a role in a municipality sees its published and cancelled events (a
    regional coordinator those of every municipality); drafts only its methodists."""
    qs = Event.objects.select_related("municipality", "organizer")
    announced = ~Q(status=Event.Status.DRAFT)
    if access.everywhere:
        q = announced
    else:
        members = {r.municipality_id for r in access.roles if r.municipality_id}
        q = announced & Q(municipality__in=members)
    q |= Q(municipality__in=_municipalities_where(access, RoleKind.METHODIST))
    return qs.filter(q)


def events_with_places(events: QuerySet[Event], user_id: int | None) -> QuerySet[Event]:
    """Each event with the number of places taken and whether the user took one."""
    return events.annotate(
        registered_count=Count("registrations", distinct=True),
        is_registered=Exists(
            EventRegistration.objects.filter(event=OuterRef("pk"), participant=user_id)
        ),
    )


def feed_events(user) -> QuerySet[Event]:
    """The events of the user's calendar feed: those they registered for and those they
    organize, cancelled ones included (a calendar then marks them cancelled)."""
    return Event.objects.filter(
        Q(Exists(EventRegistration.objects.filter(event=OuterRef("pk"), participant=user)))
        | Q(organizer=user),
        status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
    ).select_related("municipality", "organizer")


def hours_tutors_for(access: Access) -> QuerySet[Role]:
    """The tutors whose reception hours the user keeps: those of the municipalities where the
    user is a methodist, one row per tutor and municipality (a tutor of two of its schools has
    two tutor roles), with `slot_count`, their weekly slots there, and `exception_count`,
    their periods without consultations from today on."""
    tutors = Role.objects.filter(
        kind=RoleKind.TUTOR, municipality__in=_municipalities_where(access, RoleKind.METHODIST)
    )
    firsts = tutors.values("user", "municipality").annotate(first=Min("pk")).values("first")
    return (
        Role.objects.filter(pk__in=firsts)
        .select_related("user", "municipality", "organization")
        .annotate(
            slot_count=_count(AvailabilitySlot.objects.all()),
            exception_count=_count(
                AvailabilityException.objects.filter(ends_on__gte=timezone.localdate())
            ),
        )
        .order_by("user__last_name", "user__first_name", "user__middle_name", "pk")
    )


def _count(queryset) -> Coalesce:
    """How many rows of `queryset` are the role's tutor's in the role's municipality."""
    rows = (
        queryset.filter(tutor=OuterRef("user"), municipality=OuterRef("municipality"))
        .order_by()
        .values("tutor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def may_see_observation(access: Access, session: Session) -> bool:
    """A lesson-observation note is about one teacher's work: the teacher observed, the tutor
    who wrote it and the municipality's methodists read it; nobody else, not the school."""
    observation = getattr(session, "observation", None)
    if observation is None:
        return False
    return access.user_id in (session.tutor_id, observation.teacher_id) or access.holds(
        RoleKind.METHODIST, municipality=session.municipality_id
    )
