"""Reads of the cross-cutting pieces, always through the user's access."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from .access import Access
from .models import (
    AcademicYear,
    AuditEntry,
    Invitation,
    Municipality,
    Organization,
    RiskDirection,
    Role,
    RoleKind,
    SchoolStatus,
    Subject,
    User,
)


@dataclass
class MunicipalitySummary:
    municipality: Municipality
    schools: int = 0
    low_results: int = 0
    hard_conditions: int = 0
    tutors: int = 0
    teachers: int = 0
    status_schools: list[SchoolStatus] = field(default_factory=list)


def municipality_summaries(
    municipalities: QuerySet[Municipality],
    *,
    year: AcademicYear | None,
    with_status_schools: bool = False,
) -> list[MunicipalitySummary]:
    """Counts per municipality in a fixed number of queries, however many there are."""
    summaries = {m.pk: MunicipalitySummary(municipality=m) for m in municipalities}
    ids = list(summaries)
    if not ids:
        return []
    schools = (
        Organization.objects.schools()
        .filter(municipality__in=ids)
        .values("municipality")
        .annotate(n=Count("pk"))
    )
    for row in schools:
        summaries[row["municipality"]].schools = row["n"]
    people = (
        Role.objects.filter(municipality__in=ids, kind__in=[RoleKind.TUTOR, RoleKind.TEACHER])
        .values("municipality", "kind")
        .annotate(n=Count("user", distinct=True))
    )
    for row in people:
        attr = "tutors" if row["kind"] == RoleKind.TUTOR else "teachers"
        setattr(summaries[row["municipality"]], attr, row["n"])
    if year is not None:
        statuses = (
            SchoolStatus.objects.filter(academic_year=year, organization__municipality__in=ids)
            .values("organization__municipality", "kind")
            .annotate(n=Count("pk"))
        )
        for row in statuses:
            summary = summaries[row["organization__municipality"]]
            if row["kind"] == SchoolStatus.Kind.LOW_RESULTS:
                summary.low_results = row["n"]
            else:
                summary.hard_conditions = row["n"]
        if with_status_schools:
            for status in school_statuses(ids, year=year):
                summaries[status.organization.municipality_id].status_schools.append(status)
    return list(summaries.values())


REGION_OVERVIEW_SECONDS = 300


def region_overview(access: Access, *, year: AcademicYear | None) -> list[MunicipalitySummary]:
    """`municipality_summaries` of every municipality, for those who read the whole region
    and change none of it (the regional coordinator). Kept in the cache for five minutes and
    counted again at once when a municipality, school, status or role is added: the largest
    id of each is in the key, read in one query of four index lookups. Counting a region's
    41,000 roles took 15 ms on every view, nine times a tenth of the region's."""
    tables = [model._meta.db_table for model in (Municipality, Organization, SchoolStatus, Role)]
    newest = ", ".join(f"(SELECT max(id) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {newest}")
        stamp = ":".join(str(n or 0) for n in cursor.fetchone())
    key = f"home:region-overview:{year.pk if year else 0}:{stamp}"
    summaries = cache.get(key)
    if summaries is None:
        summaries = municipality_summaries(access.municipalities(), year=year)
        cache.set(key, summaries, REGION_OVERVIEW_SECONDS)
    return summaries


def school_statuses(municipality_ids, *, year: AcademicYear) -> QuerySet[SchoolStatus]:
    return (
        SchoolStatus.objects.filter(
            academic_year=year, organization__municipality__in=municipality_ids
        )
        .select_related("organization")
        .order_by("organization__short_name", "kind")
    )


def organization_list(access: Access, *, year: AcademicYear | None) -> QuerySet[Organization]:
    statuses = (
        SchoolStatus.objects.filter(academic_year=year) if year else SchoolStatus.objects.none()
    )
    return (
        organizations_visible(access)
        .prefetch_related(Prefetch("statuses", queryset=statuses, to_attr="current_statuses"))
        .order_by("municipality__name", "kind", "short_name")
    )


def organization_people(organization: Organization) -> QuerySet[Role]:
    return (
        Role.objects.filter(organization=organization)
        .select_related("user")
        .prefetch_related("subjects")
        .order_by("kind", "user__last_name", "user__first_name")
    )


def people_roles(access: Access) -> QuerySet[Role]:
    """Roles whose holders the user's people pages show (`Access.people_q`)."""
    return Role.objects.filter(access.people_q())


def people_list(access: Access) -> QuerySet[User]:
    """People of the user's people pages, deactivated ones included (the filter's default
    hides them). Each carries `shown_roles` (those in the user's view), `all_roles` (for
    `Access.manages_person`) and `invitation_pending`."""
    # Exists rather than a join: a join would need DISTINCT over every user column, which
    # at region scale (40,000 people) sorts on disk.
    roles = people_roles(access)
    shown = roles.select_related("organization", "municipality").order_by("kind")
    # `Access.manages_role` reads each organization's municipality (its region).
    every = Role.objects.select_related("organization__municipality", "municipality")
    every = every.order_by("kind")
    return (
        User.objects.filter(Exists(roles.filter(user=OuterRef("pk"))))
        .annotate(invitation_pending=Exists(_unaccepted_invitations()))
        .prefetch_related(
            Prefetch("roles", queryset=shown, to_attr="shown_roles"),
            Prefetch("roles", queryset=every, to_attr="all_roles"),
        )
        .order_by("last_name", "first_name", "middle_name", "pk")
    )


def _unaccepted_invitations() -> QuerySet[Invitation]:
    # Expired ones count: the person still has not come, and a new letter is what they need.
    return Invitation.objects.filter(
        user=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    )


def person_roles(person: User) -> QuerySet[Role]:
    return (
        Role.objects.filter(user=person)
        .select_related("municipality", "organization__municipality")
        .prefetch_related("subjects")
        .order_by("kind", "pk")
    )


def person_invitations(person: User) -> QuerySet[Invitation]:
    return person.invitations.select_related("created_by").order_by("-created_at", "-pk")


def audit_list(access: Access) -> QuerySet[AuditEntry]:
    return (
        AuditEntry.objects.filter(access.municipality_q("municipality"))
        .select_related("actor", "municipality")
        .order_by("-at", "-pk")
    )


def user_roles(user: User) -> QuerySet[Role]:
    return (
        Role.objects.filter(user=user)
        .select_related("municipality", "organization")
        .prefetch_related("subjects")
        .order_by("kind", "pk")
    )


def statuses_by_organization(organization_ids, *, year: AcademicYear | None) -> dict:
    grouped = defaultdict(list)
    if year is not None and organization_ids:
        for status in SchoolStatus.objects.filter(
            organization__in=organization_ids, academic_year=year
        ):
            grouped[status.organization_id].append(status)
    return grouped


def object_history(*objects) -> QuerySet[AuditEntry]:
    """The audit entries of some objects (an order and its printed document, say), oldest
    first: the history an approved record shows."""
    q = Q(pk__in=[])
    for obj in objects:
        if obj is not None:
            q |= Q(object_type=obj._meta.label, object_id=str(obj.pk))
    return AuditEntry.objects.filter(q).select_related("actor", "municipality").order_by("at", "pk")


def issuer_name(municipality_id: int) -> str:
    """Who issues the municipality's documents of the community (conclusions, reports): the
    methodical centre; without one, the education department; "" if neither is known."""
    issuer = (
        Municipality.objects.filter(pk=municipality_id)
        .values_list("issuer__name", flat=True)
        .first()
    )
    if issuer:
        # Set by the region administrator (`Municipality.issuer`): it is the one.
        return issuer
    for kind in (Organization.Kind.METHODICAL_CENTRE, Organization.Kind.EDUCATION_DEPARTMENT):
        organization = Organization.objects.filter(municipality=municipality_id, kind=kind).first()
        if organization is not None:
            return organization.name
    return ""


def subject_list() -> QuerySet[Subject]:
    """The region's subjects, the ones in use first."""
    return Subject.objects.order_by("-is_active", "name")


def risk_directions(access: Access) -> QuerySet[RiskDirection]:
    """The risk directions of the regions the user administers, region by region in the order
    of the risk profile; a retired one keeps its place, where the profiles that rated it have
    it."""
    return RiskDirection.objects.filter(region__in=access.admin_regions).order_by(
        "region", "position", "pk"
    )


# Municipalities and organizations set up in the browser.


def organizations_visible(access: Access) -> QuerySet[Organization]:
    """The organizations the user reads: `Access.organizations`, and for a region
    administrator every organization of their region."""
    visible = access.organizations()
    if access.admin_regions:
        visible = visible | Organization.objects.select_related("municipality").filter(
            municipality__region__in=access.admin_regions
        )
    return visible


def municipalities_visible(access: Access) -> QuerySet[Municipality]:
    """Municipalities the user reads or administers (for filters and choices)."""
    if access.everywhere:
        return Municipality.objects.all()
    ids = {r.municipality_id for r in access.roles if r.municipality_id}
    q = Q(pk__in=ids)
    if access.admin_regions:
        q |= Q(region__in=access.admin_regions)
    return Municipality.objects.filter(q)


def region_municipalities(access: Access) -> QuerySet[Municipality]:
    """A region administrator's municipalities, with their issuer and open schools counted."""
    schools = Organization.objects.filter(
        municipality=OuterRef("pk"), kind=Organization.Kind.SCHOOL, closed_on__isnull=True
    )
    methodists = Role.objects.filter(
        municipality=OuterRef("pk"), kind=RoleKind.METHODIST, user__is_active=True
    )
    # Each count in its own subquery: two counts over one join multiply each other (every
    # school counted once per role of its municipality), and the join is a municipality's
    # schools times its roles.
    return (
        Municipality.objects.filter(region__in=access.admin_regions)
        .select_related("issuer")
        .annotate(open_schools=_counted(schools), methodists=_counted(methodists))
        .order_by("region", "name")
    )


def _counted(rows: QuerySet) -> Coalesce:
    """How many of `rows` (of the outer municipality) there are, as a subquery."""
    counted = rows.order_by().values("municipality").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def municipality_staff(municipality: Municipality) -> QuerySet[Role]:
    """The municipality's methodists and heads: the people the region administrator invites."""
    return (
        Role.objects.filter(
            municipality=municipality,
            organization__isnull=True,
            kind__in=[RoleKind.METHODIST, RoleKind.DIRECTOR],
        )
        .select_related("user")
        .order_by("kind", "user__last_name", "user__first_name")
    )


def identifier_clashes(
    *,
    municipality: Municipality | None,
    short_name: str = "",
    fis_oko_login: str = "",
    inn: str = "",
    exclude: Organization | None = None,
) -> dict[str, str]:
    """Which of an organization's identifiers another organization already holds, as a
    message per form field naming that organization: a ФИС ОКО login or an ИНН is one
    organization's in the whole installation, a short name in its municipality."""
    q = Q(pk__in=[])
    if short_name and municipality is not None:
        q |= Q(municipality=municipality, short_name__iexact=short_name)
    if fis_oko_login:
        q |= Q(fis_oko_login__iexact=fis_oko_login)
    if inn:
        q |= Q(inn=inn)
    others = Organization.objects.filter(q).select_related("municipality")
    if exclude is not None and exclude.pk:
        others = others.exclude(pk=exclude.pk)
    clashes = {}
    for other in others:
        where = f"«{other.short_name}» ({other.municipality})"
        if other.is_closed:
            where += f", закрыта с {other.closed_on:%d.%m.%Y}"
        if fis_oko_login and other.fis_oko_login.lower() == fis_oko_login.lower():
            clashes["fis_oko_login"] = f"Логин ФИС ОКО {fis_oko_login} уже указан у {where}."
        if inn and other.inn == inn:
            clashes["inn"] = f"ИНН {inn} уже указан у {where}."
        if (
            short_name
            and municipality is not None
            and other.municipality_id == municipality.pk
            and other.short_name.lower() == short_name.lower()
        ):
            clashes["short_name"] = f"В муниципалитете уже есть организация «{other.short_name}»."
    return clashes
