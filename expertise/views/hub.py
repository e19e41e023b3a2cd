from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.extensions import Section
from tutoring.models import RoleKind

from .. import selectors
from ..models import ExpertiseCase


@login_required
def index(request):
    """The sections of expertise that the user's roles open."""
    access = access_for(request.user)
    require(bool(access.roles))
    return render(request, "expertise/index.html", {"sections": _sections(access)})


def _sections(access) -> list[Section]:
    sections = []
    if access.has(RoleKind.TUTOR):
        waiting = selectors.reviews_to_do(access).count()
        sections.append(
            Section(
                "Мне на экспертизу",
                "Документы и портфолио, которые вам поручено оценить по критериям.",
                reverse("expertise:case_list") + "?mine=review",
                f"ждут оценки: {waiting}" if waiting else "",
            )
        )
    badge = ""
    if access.has(RoleKind.METHODIST):
        count = (
            selectors.cases_for(access)
            .filter(status__in=[ExpertiseCase.Status.NEW, ExpertiseCase.Status.DISAGREEMENT])
            .count()
        )
        badge = f"ждут решения методиста: {count}" if count else ""
    sections.append(
        Section(
            "Экспертизы",
            "Рабочие программы, КТП, технологические карты уроков и портфолио на экспертизе: "
            "состояние, эксперты, заключения.",
            reverse("expertise:case_list"),
            badge,
        )
    )
    if access.has(RoleKind.SCHOOL, RoleKind.TEACHER):
        sections.append(
            Section(
                "Подать на экспертизу",
                "Рабочая программа, КТП, технологическая карта урока или портфолио учителя.",
                reverse("expertise:case_create"),
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL):
        sections.append(
            Section(
                "Дефициты",
                "Критерии, которые чаще всего не выполнены, по школам и предметам: "
                "с чем помогать учителям.",
                reverse("expertise:deficits"),
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL):
        sections.append(
            Section(
                "Критерии экспертизы",
                "Наборы критериев по видам экспертизы: шкалы, пояснения экспертам, пороги выводов.",
                reverse("expertise:rubric_list"),
            )
        )
    return sections
