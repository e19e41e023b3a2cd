"""The one place that decides what a user may see and do.

Every app scopes its querysets through `access_for(user)` and checks actions with
`Access.holds` / `require`. Rules (shared/DESIGN.md, «Who uses it»):

- `regional` reads every municipality and changes nothing;
- `methodist`, `director` and `tutor` see their municipality as a whole;
- `school` and `teacher` see their own organization only;
- `region_admin` sets up the municipalities of their region (`Role.region`).

Who manages people (issue «A municipality starts on its own»): nobody grants a role outside
their own scope; only a region administrator grants `director`, `methodist` and `regional`;
a methodist grants `school` and `teacher` in their municipality; a school grants only
`teacher` at itself; `tutor` comes from an approved roster and is granted by nobody.
"""

from dataclasses import dataclass
from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import (
    ORGANIZATION_ROLES,
    Municipality,
    Organization,
    Role,
    RoleKind,
    User,
)

# Roles whose holder sees the whole of their municipality.
MUNICIPAL_ROLES = frozenset({RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.TUTOR})
# Roles that read across the municipality's organizations and people.
OVERSIGHT_ROLES = frozenset({RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL})
# Roles that keep the region's reference data (subjects): they are the same for every
# municipality of the installation.
REFERENCE_EDITORS = frozenset({RoleKind.METHODIST, RoleKind.REGION_ADMIN})


@dataclass(frozen=True)
class Access:
    user_id: int | None
    roles: tuple[Role, ...]

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(role.kind for role in self.roles)

    @property
    def everywhere(self) -> bool:
        """A regional coordinator reads every municipality."""
        return RoleKind.REGIONAL in self.kinds

    @property
    def municipality_ids(self) -> frozenset[int]:
        """Municipalities seen as a whole (not just one school of them)."""
        return frozenset(r.municipality_id for r in self.roles if r.kind in MUNICIPAL_ROLES)

    @property
    def organization_ids(self) -> frozenset[int]:
        """Organizations seen because the user works for them as school staff or teacher."""
        return frozenset(
            r.organization_id
            for r in self.roles
            if r.kind in ORGANIZATION_ROLES and r.organization_id
        )

    @property
    def takes_part(self) -> bool:
        """Holds a role of the community's work (a region administrator alone only sets
        municipalities up: the sections of the work are not theirs)."""
        return any(role.kind != RoleKind.REGION_ADMIN for role in self.roles)

    def has(self, *kinds: str) -> bool:
        return bool(self.kinds.intersection(kinds))

    def holds(
        self,
        kind: str,
        *,
        municipality: Municipality | int | None = None,
        organization: Organization | int | None = None,
    ) -> bool:
        """Whether the user holds `kind` for that municipality or organization: the check
        for an action. Reading everywhere (regional) never grants an action."""
        municipality_id = getattr(municipality, "pk", municipality)
        organization_id = getattr(organization, "pk", organization)
        for role in self.roles:
            if role.kind != kind:
                continue
            if municipality_id is not None and role.municipality_id != municipality_id:
                continue
            if organization_id is not None and role.organization_id != organization_id:
                continue
            return True
        return False

    # Administration of people and organizations.

    @cached_property
    def admin_regions(self) -> frozenset[str]:
        """The regions (субъекты РФ) whose municipalities the user sets up."""
        return frozenset(r.region for r in self.roles if r.kind == RoleKind.REGION_ADMIN)

    def administers(self, municipality: Municipality) -> bool:
        """A region administrator of the municipality's region."""
        return bool(municipality.region) and municipality.region in self.admin_regions

    def administered_municipalities(self) -> QuerySet[Municipality]:
        """Municipalities whose organizations and people the user manages: a region
        administrator's region, a methodist's municipality."""
        q = _NOTHING
        if self.admin_regions:
            q |= Q(region__in=self.admin_regions)
        methodist_of = {r.municipality_id for r in self.roles if r.kind == RoleKind.METHODIST}
        if methodist_of:
            q |= Q(pk__in=methodist_of)
        return Municipality.objects.filter(q)

    def manages_organizations_of(self, municipality: Municipality) -> bool:
        """Adds, edits and closes the municipality's organizations."""
        return self.administers(municipality) or self.holds(
            RoleKind.METHODIST, municipality=municipality
        )

    def may_grant(
        self,
        kind: str,
        *,
        municipality: Municipality | None = None,
        organization: Organization | None = None,
    ) -> bool:
        """Whether the user may give (or take back) the role `kind` there. `organization`
        is required for school staff and teachers, `municipality` for every bound role."""
        if kind in (RoleKind.TUTOR, RoleKind.REGION_ADMIN):
            # A tutor comes from an approved roster; a region administrator is set up once
            # by technical support (`manage.py create_region_admin`).
            return False
        if kind == RoleKind.REGIONAL:
            return bool(self.admin_regions)
        if organization is not None:
            municipality = organization.municipality
        if municipality is None:
            return False
        if kind in ORGANIZATION_ROLES and (organization is None or organization.is_closed):
            return False
        if organization is not None and organization.municipality_id != municipality.pk:
            return False
        if self.administers(municipality):
            return True
        if kind in (RoleKind.DIRECTOR, RoleKind.METHODIST):
            return False
        if self.holds(RoleKind.METHODIST, municipality=municipality):
            return True
        return kind == RoleKind.TEACHER and self.holds(RoleKind.SCHOOL, organization=organization)

    def grantable_kinds(self) -> list[str]:
        """The kinds of role the user may grant somewhere, in the order of `RoleKind`."""
        kinds = set()
        if self.admin_regions:
            kinds |= {
                RoleKind.DIRECTOR,
                RoleKind.METHODIST,
                RoleKind.REGIONAL,
                RoleKind.SCHOOL,
                RoleKind.TEACHER,
            }
        if self.has(RoleKind.METHODIST):
            kinds |= {RoleKind.SCHOOL, RoleKind.TEACHER}
        if self.has(RoleKind.SCHOOL):
            kinds.add(RoleKind.TEACHER)
        return [kind for kind in RoleKind.values if kind in kinds]

    def manages_role(self, role: Role) -> bool:
        """Whether a role of somebody is within the user's scope: one the user could grant,
        or a tutor's role where the user manages the municipality's (or its school's) staff."""
        if role.kind == RoleKind.TUTOR and role.municipality is not None:
            municipality = role.municipality
            return (
                self.administers(municipality)
                or self.holds(RoleKind.METHODIST, municipality=municipality)
                or (
                    role.organization_id is not None
                    and self.holds(RoleKind.SCHOOL, organization=role.organization_id)
                )
            )
        return self.may_grant(
            role.kind, municipality=role.municipality, organization=role.organization
        )

    def manages_person(self, person: User, roles: list[Role]) -> bool:
        """Edits, invites and deactivates the person: every role the person holds is within
        the user's scope (a methodist cannot edit the director who signs her orders, a school
        cannot touch a teacher who also works at another school). Nobody manages themself
        or a superuser here; that is technical support's."""
        if person.pk == self.user_id or person.is_superuser or not roles:
            return False
        return all(self.manages_role(role) for role in roles)

    def managed_roles_q(self) -> Q:
        """Roles whose holders appear in the user's people pages for management."""
        if not self.user_id:
            return _NOTHING
        q = _NOTHING
        if self.admin_regions:
            q |= (
                Q(municipality__region__in=self.admin_regions)
                | Q(kind=RoleKind.REGIONAL)
                | Q(kind=RoleKind.REGION_ADMIN, region__in=self.admin_regions)
            )
        methodist_of = {r.municipality_id for r in self.roles if r.kind == RoleKind.METHODIST}
        if methodist_of:
            q |= Q(municipality__in=methodist_of)
        school_of = {r.organization_id for r in self.roles if r.kind == RoleKind.SCHOOL}
        if school_of:
            q |= Q(organization__in=school_of, kind__in=[RoleKind.TEACHER, RoleKind.TUTOR])
        return q

    def people_q(self) -> Q:
        """Roles whose holders the people pages show: everybody of the municipalities the
        user oversees (director and regional only read them) and everybody the user manages
        (a school its teachers, a region administrator the people of the region)."""
        if not self.user_id:
            return _NOTHING
        if self.everywhere:
            # An empty Q would vanish from the `|` below; regional reads everybody.
            return Q()
        q = self.managed_roles_q()
        if self.has(*OVERSIGHT_ROLES):
            oversees = {r.municipality_id for r in self.roles if r.kind in OVERSIGHT_ROLES}
            q |= Q(municipality__in=oversees)
        return q

    @property
    def manages_people(self) -> bool:
        """Adds people and manages their roles somewhere."""
        return bool(self.grantable_kinds())

    def grant_municipalities(self) -> QuerySet[Municipality]:
        """Where the user may grant a municipal role (methodist, director): a region
        administrator's municipalities."""
        if not self.admin_regions:
            return Municipality.objects.none()
        return Municipality.objects.filter(region__in=self.admin_regions).order_by("name")

    def grant_organizations(self) -> QuerySet[Organization]:
        """Open organizations at which the user may grant a school or teacher role: the
        region's, the methodist's municipality's, or the school user's own."""
        q = _NOTHING
        if self.admin_regions:
            q |= Q(municipality__region__in=self.admin_regions)
        methodist_of = {r.municipality_id for r in self.roles if r.kind == RoleKind.METHODIST}
        if methodist_of:
            q |= Q(municipality__in=methodist_of)
        school_of = {r.organization_id for r in self.roles if r.kind == RoleKind.SCHOOL}
        if school_of:
            q |= Q(pk__in=school_of)
        return (
            Organization.objects.open()
            .filter(q)
            .select_related("municipality")
            .order_by("municipality__name", "kind", "short_name")
        )

    def roles_of(self, kind: str) -> list[Role]:
        return [role for role in self.roles if role.kind == kind]

    def filer(self) -> tuple[Organization | None, bool]:
        """For whom the user files a request (a consultation, an expertise): a school's staff
        for the school, `(school, False)`; a teacher for themself, `(their school, True)`."""
        for kind, for_self in ((RoleKind.SCHOOL, False), (RoleKind.TEACHER, True)):
            roles = self.roles_of(kind)
            if roles:
                return roles[0].organization, for_self
        return None, False

    # Scoping: each returns a Q for a queryset of any model, given the path to its
    # municipality or organization. An empty Q would mean "everything", so a user with
    # no roles gets a Q that matches nothing.

    def municipality_q(self, field: str = "municipality") -> Q:
        if self.everywhere:
            return Q()
        return Q(**{f"{field}__in": self.municipality_ids}) if self.municipality_ids else _NOTHING

    def organization_q(self, field: str = "organization") -> Q:
        """Records of an organization: all in the user's municipalities, or the user's own."""
        if self.everywhere:
            return Q()
        q = _NOTHING
        if self.municipality_ids:
            q |= Q(**{f"{field}__municipality__in": self.municipality_ids})
        if self.organization_ids:
            q |= Q(**{f"{field}__in": self.organization_ids})
        return q

    def municipalities(self) -> QuerySet[Municipality]:
        """Every municipality where the user holds some role (or all, for regional)."""
        if self.everywhere:
            return Municipality.objects.all()
        ids = {r.municipality_id for r in self.roles if r.municipality_id}
        return Municipality.objects.filter(pk__in=ids)

    def organizations(self) -> QuerySet[Organization]:
        qs = Organization.objects.select_related("municipality")
        if self.everywhere:
            return qs
        q = _NOTHING
        if self.municipality_ids:
            q |= Q(municipality__in=self.municipality_ids)
        if self.organization_ids:
            q |= Q(pk__in=self.organization_ids)
        return qs.filter(q)


_NOTHING = Q(pk__in=[])


def access_for(user) -> Access:
    """The user's access, computed once per user object (so once per request)."""
    if not user.is_authenticated or not user.is_active:
        return Access(user_id=None, roles=())
    cached = getattr(user, "_access", None)
    if cached is None:
        roles = tuple(
            Role.objects.filter(user=user)
            .select_related("municipality", "organization")
            .order_by("kind", "pk")
        )
        cached = user._access = Access(user_id=user.pk, roles=roles)
    return cached


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def role_required(*kinds: str):
    """Open a view to signed-in users holding one of `kinds`; 403 for everyone else."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(access_for(request.user).has(*kinds))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
