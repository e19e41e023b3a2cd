from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.extensions import Section
from tutoring.models import RoleKind

from .. import selectors
from ..models import ConsultationRequest, Event


@login_required
def index(request):
    """The consultation point's sections that the user's roles open."""
    access = access_for(request.user)
    require(bool(access.roles))
    return render(request, "consultations/index.html", {"sections": _sections(access)})


def _sections(access) -> list[Section]:
    requests = selectors.requests_for(access)
    waiting = ""
    if access.has(RoleKind.METHODIST):
        count = requests.filter(status=ConsultationRequest.Status.SUBMITTED).count()
        waiting = f"ждут решения: {count}" if count else ""
    drafts = ""
    if access.has(RoleKind.METHODIST):
        count = selectors.events_for(access).filter(status=Event.Status.DRAFT).count()
        drafts = f"черновиков: {count}" if count else ""
    description = (
        "Заявки школ и учителей на консультации, супервизии, тьюториалы и другие занятия: "
        "подача, статус, решение методиста."
    )
    sections = [
        Section("Заявки", description, reverse("consultations:request_list"), waiting),
        Section(
            "Занятия",
            "Расписание занятий: у тьютора — свои, у школы и учителя — по их заявкам; "
            "отчёты о проведённых занятиях.",
            reverse("consultations:session_list"),
        ),
        Section(
            "Мероприятия",
            "Мастер-классы, открытые уроки, семинары и групповые тьюториалы сообщества: "
            "календарь на месяц, запись учителей и тьюторов на свободные места.",
            reverse("consultations:event_list"),
            drafts,
        ),
        Section(
            "Календарь в телефоне",
            "Секретный адрес .ics: ваши занятия и мероприятия, на которые вы записались, "
            "появятся в календаре телефона или почты.",
            reverse("consultations:calendar"),
        ),
    ]
    sections.append(
        Section(
            "Консультационные пункты",
            "Где проходят занятия: адреса, часы работы, помещения, ссылка для дистанционных "
            "занятий.",
            reverse("consultations:point_list"),
        )
    )
    if access.has(RoleKind.TUTOR):
        sections.append(
            Section(
                "Моё время приёма",
                "Дни и часы, когда вы консультируете, и периоды без приёма: по ним подбирают "
                "время занятий.",
                reverse("consultations:availability"),
            )
        )
    if access.has(RoleKind.METHODIST):
        sections.append(
            Section(
                "Построить график",
                "Разместить все принятые заявки периода у подходящих тьюторов и в свободных "
                "помещениях; что не удалось разместить — с причиной.",
                reverse("consultations:schedule_build"),
            )
        )
        sections.append(
            Section(
                "Заполнить время приёма",
                "Дни и часы приёма и периоды без приёма за любого тьютора муниципалитета: "
                "по ним строится график.",
                reverse("consultations:hours_tutor_list"),
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL):
        sections.append(
            Section(
                "Время приёма тьюторов",
                "Когда каждый тьютор муниципалитета свободен для занятий.",
                reverse("consultations:availability_overview"),
            )
        )
        sections.append(
            Section(
                "Графики работы пункта",
                "График занятий пункта на неделю или месяц: методист составляет, руководитель "
                "утверждает и печатает.",
                reverse("consultations:schedule_list"),
            )
        )
    return sections
