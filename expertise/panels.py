"""Expertise on the home page: what awaits the user, each line linking to the list of cases
that shows exactly those; nothing when nothing awaits."""

from urllib.parse import urlencode

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from tutoring.extensions import Waiting, queue_panel
from tutoring.models import RoleKind

from . import selectors
from .filters import RECENT, RECENT_DAYS, CaseFilter
from .models import ExpertiseCase

Status = ExpertiseCase.Status


def _link(params: dict) -> str:
    return f"{reverse('expertise:case_list')}?{urlencode(params)}"


def home_panel(user, access):
    items = []
    if access.has(RoleKind.TUTOR):
        items += _reviews_due(access)
    if access.has(RoleKind.METHODIST):
        counts = selectors.cases_for(access).aggregate(
            new=Count("pk", filter=Q(status=Status.NEW)),
            disagreement=Count("pk", filter=Q(status=Status.DISAGREEMENT)),
        )
        lines = (
            (Status.NEW, "Экспертизы ждут назначения экспертов"),
            (Status.DISAGREEMENT, "Выводы экспертов разошлись: нужно ваше решение"),
        )
        items += [
            Waiting(label, _link({"status": status}), counts[status])
            for status, label in lines
            if counts[status]
        ]
    if access.has(RoleKind.SCHOOL, RoleKind.TEACHER):
        mine = selectors.cases_for(access).filter(
            Q(organization__in=[r.organization_id for r in access.roles_of(RoleKind.SCHOOL)])
            | Q(author=user)
            | Q(submitted_by=user)
        )
        revision = mine.filter(status=Status.REVISION).count()
        if revision:
            url = _link({"status": Status.REVISION})
            items.append(Waiting("Экспертизы на доработке", url, revision))
        params = {"concluded": RECENT}
        cases = selectors.cases_for(access)
        concluded = CaseFilter(params, queryset=cases, access=access).qs.count()
        if concluded:
            label = f"Выданы заключения за {RECENT_DAYS} дней"
            items.append(Waiting(label, _link(params), concluded))
    return queue_panel("Экспертиза: что ждёт вас", items, slug="expertise")


def _reviews_due(access) -> list[Waiting]:
    """The cases the user reviews, with the nearest deadline and how many are overdue."""
    today = timezone.localdate()
    due = selectors.reviews_to_do(access).aggregate(
        cases=Count("round__case", distinct=True),
        nearest=Min("round__case__deadline"),
        overdue=Count("round__case", distinct=True, filter=Q(round__case__deadline__lt=today)),
    )
    if not due["cases"]:
        return []
    note = ""
    if due["overdue"]:
        note = f"срок прошёл: {due['overdue']}"
    elif due["nearest"]:
        note = f"ближайший срок — {due['nearest']:%d.%m.%Y}"
    return [Waiting("Вам на экспертизу", _link({"mine": "review"}), due["cases"], note)]
