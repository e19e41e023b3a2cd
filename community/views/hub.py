from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from tutoring.access import access_for, require
from tutoring.extensions import Section
from tutoring.models import AcademicYear, RoleKind

from .. import library, selectors
from ..models import DevelopmentRoute, Nomination, Order, Roster, TutorPlan, TutorYearReport
from .rosters import methodist_municipalities


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
                "Состав на учебный год: черновик, «готов к приказу», утверждение приказом, "
                "новые редакции.",
                reverse("community:roster_list"),
                f"черновиков: {drafts}" if drafts else "",
            )
        )
    starts = methodist_municipalities(access)
    for municipality in starts:
        name = municipality.short_name or municipality.name
        sections.append(
            Section(
                f"Начать учебный год: {name}" if len(starts) > 1 else "Начать учебный год",
                "Черновик состава из последнего утверждённого, план работы сообщества по плану "
                "любого прошлого года, планы тьюторов и закрепления — одной кнопкой.",
                reverse("community:year_start", args=[municipality.pk]),
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL):
        unsigned = selectors.orders_for(access).filter(status=Order.Status.SENT).count()
        sections.append(
            Section(
                "Приказы",
                "Приказы об утверждении состава и плана с приложениями: методист отправляет "
                "их на подпись, руководитель подписывает на портале, PDF формируется сам.",
                reverse("community:order_list"),
                f"на подписи: {unsigned}" if unsigned else "",
            )
        )
    sections.append(
        Section(
            "План работы сообщества",
            "План-график по пяти видам деятельности на учебный год.",
            reverse("community:plan_list"),
        )
    )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.TUTOR):
        submitted = (
            selectors.tutor_plans_for(access).filter(status=TutorPlan.Status.SUBMITTED).count()
        )
        sections.append(
            Section(
                "Планы тьюторов",
                "Личные планы работы тьюторов на год: тьютор составляет, методист утверждает "
                "или возвращает с замечаниями.",
                reverse("community:tutor_plan_list"),
                f"на согласовании: {submitted}"
                if submitted and access.has(RoleKind.METHODIST)
                else "",
            )
        )
    if access.has(RoleKind.TUTOR):
        sections.append(
            Section(
                "Отчёт за год",
                "Ваш отчёт о работе за учебный год: план рядом с тем, что сделано, выводы; "
                "методист принимает или возвращает его.",
                reverse("community:year_report_mine"),
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR):
        submitted = (
            selectors.year_reports_for(access)
            .filter(status=TutorYearReport.Status.SUBMITTED)
            .count()
        )
        sections.append(
            Section(
                "Отчёты тьюторов за год",
                "Состояние отчёта каждого тьютора муниципалитета за учебный год: не начат, "
                "составляется, на проверке, возвращён, принят.",
                reverse("community:year_report_list"),
                f"на проверке: {submitted}" if submitted else "",
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.TUTOR):
        oversees = access.has(RoleKind.METHODIST, RoleKind.DIRECTOR)
        sections.append(
            Section(
                "Достижения тьюторов" if oversees else "Мои достижения",
                "Публикации, выступления, проведённые обучающие мероприятия и конкурсы "
                "за учебный год, с подтверждением ссылкой или файлом.",
                reverse("community:achievement_list"),
            )
        )
    if access.has(RoleKind.TEACHER, RoleKind.TUTOR, RoleKind.SCHOOL, RoleKind.METHODIST):
        drafting = selectors.routes_for(access).filter(status=DevelopmentRoute.Status.DRAFT)
        count = drafting.count()
        sections.append(
            Section(
                "Индивидуальные маршруты",
                "Индивидуальные образовательные маршруты учителей (ИОМ): затруднения, цели, "
                "шаги со сроками и подтверждениями, рефлексия; выполнение в процентах.",
                reverse("community:route_list"),
                f"составляются: {count}" if count else "",
            )
        )
    sections.append(
        Section(
            "Закрепления и наставнические пары",
            "Какой тьютор сопровождает какого учителя (тьюторанта) в учебном году; пары "
            "«учитель — учитель» с программой наставничества и её результатом.",
            reverse("community:assignment_list"),
        )
    )
    sections.append(
        Section(
            "Диагностика профессиональных дефицитов",
            "Предметные, методические, психолого-педагогические и коммуникативные дефициты "
            "учителей: уровень и как выявлены. Маршрут учителя предлагает их как затруднения.",
            reverse("community:diagnosis_list"),
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
    awaiting = library.awaiting_moderation(access).count() if access.has(RoleKind.METHODIST) else 0
    sections.append(
        Section(
            "Библиотека материалов",
            "Кейсы, программы тьюториалов, рекомендации по подготовке к ГИА и ВПР, "
            "аналитические материалы и записи мастер-классов: поиск, фильтры, скачивание.",
            reverse("community:material_list"),
            f"на модерации: {awaiting}" if awaiting else "",
        )
    )
    return sections
