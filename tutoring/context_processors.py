from dataclasses import dataclass

from django.urls import reverse

from . import extensions
from .access import OVERSIGHT_ROLES, REFERENCE_EDITORS, access_for
from .extensions import ADMINISTRATION, NavItem
from .models import ORGANIZATION_ROLES, RoleKind


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class NavMenu:
    """A group of entries shown as a dropdown; it is active when the page open is one of them."""

    label: str
    links: tuple[NavLink, ...]

    @property
    def active(self) -> bool:
        return any(link.active for link in self.links)


def navigation(request):
    """The entries of the navigation bar that the user's roles open, and no others.

    `nav_items` holds a `NavLink` per section and, after them, a `NavMenu` per group of
    `NavItem.group` (see `tutoring.extensions.register_navigation`). The page open now is the
    longest entry's URL that its path starts with; that link, and the menu holding it, are
    active. A page of the «Управление» menu is one `NavItem(..., group=ADMINISTRATION)` line,
    here for `tutoring`'s own pages or in an app's navigation builder.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    items = [NavItem("Главная", reverse("home"))]
    if access.has(RoleKind.REGION_ADMIN):
        items.append(NavItem("Муниципалитеты", reverse("municipality_list"), group=ADMINISTRATION))
    if access.has(*OVERSIGHT_ROLES, RoleKind.REGION_ADMIN):
        items.append(NavItem("Организации", reverse("organization_list"), group=ADMINISTRATION))
    elif access.has(RoleKind.TUTOR):
        items.append(NavItem("Организации", reverse("organization_list")))
    else:
        # A school's staff and teachers see no list of organizations, only their own.
        own = {r.organization for r in access.roles if r.kind in ORGANIZATION_ROLES}
        for organization in sorted(own, key=lambda o: o.short_name):
            items.append(NavItem(organization.short_name, organization.get_absolute_url()))
    if access.manages_people or access.has(*OVERSIGHT_ROLES):
        items.append(NavItem("Люди", reverse("people_list"), group=ADMINISTRATION))
    if access.has(RoleKind.METHODIST, RoleKind.REGION_ADMIN, RoleKind.SCHOOL):
        items.append(NavItem("Загрузка списков", reverse("imports:list"), group=ADMINISTRATION))
    if access.has(*REFERENCE_EDITORS):
        items.append(NavItem("Предметы", reverse("subject_list"), group=ADMINISTRATION))
    if access.has(RoleKind.REGION_ADMIN):
        directions = reverse("risk_direction_list")
        items.append(NavItem("Направления рискового профиля", directions, group=ADMINISTRATION))
    items += extensions.navigation(access)
    if access.has(*OVERSIGHT_ROLES):
        items.append(NavItem("Журнал изменений", reverse("audit_list"), group=ADMINISTRATION))
    if user.is_staff:
        items.append(NavItem("Администрирование", reverse("admin:index"), group=ADMINISTRATION))
    return {"nav_items": _entries(items, _active_url(request.path, items))}


def _active_url(path, items):
    matches = [i.url for i in items if path == i.url or (i.url != "/" and path.startswith(i.url))]
    return max(matches, key=len, default=None)


def _entries(items, active):
    links, groups = [], {}
    for item in items:
        link = NavLink(item.label, item.url, item.url == active)
        if item.group:
            groups.setdefault(item.group, []).append(link)
        else:
            links.append(link)
    return links + [NavMenu(label, tuple(group)) for label, group in groups.items()]
