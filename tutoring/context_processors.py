from django.urls import reverse

from . import extensions
from .access import OVERSIGHT_ROLES, access_for
from .models import ORGANIZATION_ROLES, RoleKind


def navigation(request):
    """The sections of the navigation bar that the user's roles open, and no others."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    items = [("Главная", reverse("home"))]
    if access.has(*OVERSIGHT_ROLES, RoleKind.TUTOR):
        items.append(("Организации", reverse("organization_list")))
    else:
        # A school's staff and teachers see no list of organizations, only their own.
        own = {r.organization for r in access.roles if r.kind in ORGANIZATION_ROLES}
        for organization in sorted(own, key=lambda o: o.short_name):
            items.append((organization.short_name, organization.get_absolute_url()))
    items += extensions.navigation(access)
    if access.has(*OVERSIGHT_ROLES):
        items.append(("Люди", reverse("people_list")))
        items.append(("Журнал изменений", reverse("audit_list")))
    path = request.path
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    return {"nav_items": [(label, url, url == active) for label, url in items]}
