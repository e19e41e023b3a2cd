"""Expertise on the home page: what awaits the user, as links; nothing when nothing awaits."""

from django.db.models import Count, Q
from django.urls import reverse

from tutoring.extensions import Panel
from tutoring.models import RoleKind

from . import selectors
from .models import ExpertiseCase

Status = ExpertiseCase.Status


def home_panel(user, access):
    items = []
    url = reverse("expertise:case_list")
    if access.has(RoleKind.TUTOR):
        waiting = selectors.reviews_to_do(access).count()
        if waiting:
            items.append((f"Вам на экспертизу: {waiting}", url + "?mine=review"))
    if access.has(RoleKind.METHODIST):
        counts = selectors.cases_for(access).aggregate(
            new=Count("pk", filter=Q(status=Status.NEW)),
            disagreement=Count("pk", filter=Q(status=Status.DISAGREEMENT)),
        )
        if counts["new"]:
            items.append(
                (f"Экспертиз ждут назначения экспертов: {counts['new']}", url + "?status=new")
            )
        if counts["disagreement"]:
            items.append(
                (
                    f"Выводы экспертов разошлись, нужно ваше решение: {counts['disagreement']}",
                    url + "?status=disagreement",
                )
            )
    if access.has(RoleKind.SCHOOL, RoleKind.TEACHER):
        mine = selectors.cases_for(access).filter(
            Q(organization__in=[r.organization_id for r in access.roles_of(RoleKind.SCHOOL)])
            | Q(author=user)
            | Q(submitted_by=user)
        )
        revision = mine.filter(status=Status.REVISION).count()
        if revision:
            items.append((f"Экспертиз на доработке: {revision}", url + "?status=revision"))
    if not items:
        return None
    return Panel("expertise/panels/home.html", {"items": items})
