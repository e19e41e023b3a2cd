from django.urls import reverse

from .access import OVERSIGHT_ROLES, access_for
from .models import RoleKind


def navigation(request):
    """The sections of the navigation bar that the user's roles open, and no others."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    items = [("home", "Главная", reverse("home"))]
    if access.has(*OVERSIGHT_ROLES, RoleKind.TUTOR):
        items.append(("organizations", "Организации", reverse("organization_list")))
    own = sorted(
        {
            r.organization
            for r in access.roles
            if r.organization_id and r.kind in (RoleKind.SCHOOL, RoleKind.TEACHER)
        },
        key=lambda o: o.short_name,
    )
    if not access.has(*OVERSIGHT_ROLES, RoleKind.TUTOR):
        for organization in own:
            items.append(
                (
                    "organizations",
                    organization.short_name,
                    reverse("organization_detail", args=[organization.pk]),
                )
            )
    if access.has(*OVERSIGHT_ROLES):
        items.append(("people", "Люди", reverse("people_list")))
        items.append(("audit", "Журнал изменений", reverse("audit_list")))
    path = request.path
    matches = [url for _, _, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    return {
        "nav_items": [(label, url, url == active) for _, label, url in items],
        "nav_roles": access.roles,
    }
