from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.models import AcademicYear, RoleKind

from .. import selectors
from ..models import Nomination, Roster


@dataclass(frozen=True)
class Section:
    title: str
    description: str
    url: str
    badge: str = ""


@login_required
def index(request):
    """The community's sections that the user's roles open, each with what awaits them."""
    access = access_for(request.user)
    require(bool(access.roles))
    year = AcademicYear.objects.current()
    return render(
        request,
        "community/index.html",
        {"sections": _sections(access), "year": year},
    )


def _sections(access) -> list[Section]:
    sections = []
    if access.has(RoleKind.METHODIST, RoleKind.SCHOOL):
        pending = selectors.nominations_for(access).filter(status=Nomination.Status.PENDING).count()
        sections.append(
            Section(
                "Предложения школ",
                "Школы предлагают учителей в состав сообщества; методист принимает или "
                "отклоняет предложение с причиной.",
                reverse("community:nomination_list"),
                f"{pending} на рассмотрении" if pending else "",
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL):
        drafts = selectors.rosters_for(access).filter(status=Roster.Status.DRAFT).count()
        sections.append(
            Section(
                "Состав сообщества",
                "Состав на учебный год: черновик, утверждение, новые редакции.",
                reverse("community:roster_list"),
                f"черновиков: {drafts}" if drafts else "",
            )
        )
    sections.append(
        Section(
            "Тьюторы",
            "Справочник тьюторов утверждённого состава с поиском по предмету, уровню и школе; "
            "выгрузка в Excel.",
            reverse("community:directory"),
        )
    )
    return sections
