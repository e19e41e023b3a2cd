"""The one place that decides what a user may see and do.

Every app scopes its querysets through `access_for(user)` and checks actions with
`Access.holds` / `require`. Rules (shared/DESIGN.md, «Who uses it»):

- `regional` reads every municipality and changes nothing;
- `methodist`, `director` and `tutor` see their municipality as a whole;
- `school` and `teacher` see their own organization only.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import ORGANIZATION_ROLES, Municipality, Organization, Role, RoleKind

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
