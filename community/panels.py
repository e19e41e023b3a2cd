"""The community's sections of the navigation bar and its panels on the home page."""

from django.db.models import Count, Q
from django.urls import reverse

from tutoring.extensions import Panel
from tutoring.models import RoleKind

from . import selectors
from .models import Nomination


def navigation(access):
    if not access.roles:
        return []
    return [("Сообщество тьюторов", reverse("community:index"))]


def home_panel(user, access):
    """What awaits the user in the community, as links; nothing when nothing awaits."""
    items = []
    if access.has(RoleKind.METHODIST, RoleKind.SCHOOL):
        counts = selectors.nominations_for(access).aggregate(
            pending=Count("pk", filter=Q(status=Nomination.Status.PENDING)),
            decided=Count("pk", filter=~Q(status=Nomination.Status.PENDING)),
        )
        url = reverse("community:nomination_list")
        if access.has(RoleKind.METHODIST) and counts["pending"]:
            items.append(
                (f"Предложений школ ждут решения: {counts['pending']}", url + "?status=pending")
            )
        elif access.has(RoleKind.SCHOOL) and (counts["pending"] or counts["decided"]):
            items.append(
                (
                    f"Ваши предложения в состав: на рассмотрении {counts['pending']}, "
                    f"рассмотрено {counts['decided']}",
                    url,
                )
            )
    if not items:
        return None
    return Panel("community/panels/home.html", {"items": items})


def profile_panel(user, access):
    return None
