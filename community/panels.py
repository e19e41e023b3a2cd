"""The community's sections of the navigation bar and its panel on the home page."""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from tutoring.extensions import Panel, Waiting, queue_panel
from tutoring.models import AcademicYear, RoleKind

from . import library, selectors
from .filters import RECENT, RECENT_DAYS, MaterialFilter, NominationFilter
from .forms.plans import PlanFilter, TutorPlanFilter
from .forms.routes import STEPS_AHEAD_DAYS, STEPS_OVERDUE, STEPS_THIS_WEEK, due_steps
from .models import CommunityPlan, Material, Order, RouteStep, TutorPlan, TutorYearReport


def navigation(access):
    if not access.takes_part:
        return []
    return [("Сообщество", reverse("community:index"))]


def home_panel(user, access):
    """What awaits the user in the community, each line linking to the list that shows
    exactly those items; nothing when nothing awaits."""
    items = []
    if access.has(RoleKind.METHODIST):
        items += _nominations(access, "Предложения школ в состав ждут решения", status="pending")
        items += _orders_returned(access)
        items += _filtered(
            "Планы тьюторов ждут согласования",
            "community:tutor_plan_list",
            TutorPlanFilter,
            selectors.tutor_plans_for(access),
            {"status": TutorPlan.Status.SUBMITTED},
            access=access,
        )
        items += _filtered(
            "Материалы библиотеки ждут модерации",
            "community:material_list",
            MaterialFilter,
            library.materials_for(access),
            {"status": Material.Status.SUBMITTED},
            access=access,
        )
    if access.has(RoleKind.DIRECTOR):
        items += _orders_to_sign(access)
        items += _filtered(
            "Планы работы сообщества ждут утверждения",
            "community:plan_list",
            PlanFilter,
            selectors.plans_for(access),
            {"status": CommunityPlan.Status.SUBMITTED},
            access=access,
        )
    if access.has(RoleKind.TUTOR):
        items += _filtered(
            "Ваш план работы возвращён на доработку",
            "community:tutor_plan_list",
            TutorPlanFilter,
            selectors.tutor_plans_for(access).filter(tutor=user),
            {"status": TutorPlan.Status.RETURNED},
            access=access,
        )
    items += _year_reports(user, access)
    if access.has(RoleKind.TEACHER, RoleKind.TUTOR):
        items += _steps_due(access)
    if access.has(RoleKind.SCHOOL):
        items += _nominations(access, "Ваши предложения в состав на рассмотрении", status="pending")
        items += _nominations(
            access, f"Предложения в состав рассмотрены за {RECENT_DAYS} дней", decided=RECENT
        )
    return queue_panel("Сообщество тьюторов: что ждёт вас", items, slug="community")


def _link(name: str, params: dict) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def _filtered(label, url_name, filter_class, queryset, params, **kwargs) -> list[Waiting]:
    """One line counted by the very filter of the list it links to, so the two agree."""
    count = filter_class(params, queryset=queryset, **kwargs).qs.count()
    return [Waiting(label, _link(url_name, params), count)] if count else []


def _nominations(access, label, **params) -> list[Waiting]:
    return _filtered(
        label,
        "community:nomination_list",
        NominationFilter,
        selectors.nominations_for(access).order_by(),
        params,
    )


# How many orders the home page names one by one; the rest are behind the list's link.
ORDERS_LISTED = 5


def _orders_to_sign(access) -> list[Waiting]:
    """«На подпись»: only the orders sent for signature, never a draft still being written."""
    municipalities = [r.municipality_id for r in access.roles_of(RoleKind.DIRECTOR)]
    sent = selectors.orders_for(access).filter(
        status=Order.Status.SENT, municipality__in=municipalities
    )
    listed = list(sent.order_by("sent_at", "pk")[: ORDERS_LISTED + 1])
    if not listed:
        return []
    count = len(listed) if len(listed) <= ORDERS_LISTED else sent.count()
    url = _link("community:order_list", {"status": Order.Status.SENT})
    items = [Waiting("Приказы на подпись", url, count)]
    items += [
        Waiting(f"На подпись: «{order.heading}»", order.get_absolute_url())
        for order in listed[:ORDERS_LISTED]
    ]
    return items


def _orders_returned(access) -> list[Waiting]:
    """The methodist's orders that the director returned, each with the comment."""
    municipalities = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
    returned = selectors.orders_for(access).filter(
        status=Order.Status.RETURNED, municipality__in=municipalities
    )
    return [
        Waiting(
            f"Приказ «{order.heading}» возвращён на доработку",
            order.get_absolute_url(),
            note=order.return_comment,
        )
        for order in returned.order_by("-pk")[:ORDERS_LISTED]
    ]


def _steps_due(access) -> list[Waiting]:
    """Undone steps of the routes under way that the user sees (their own, their tutees'),
    overdue and due within the week; each line links to the routes
    that hold them."""
    routes = selectors.routes_for(access).order_by().values("pk")
    steps = RouteStep.objects.filter(route__in=routes)
    lines = (
        (STEPS_OVERDUE, "Шаги индивидуальных маршрутов просрочены"),
        (
            STEPS_THIS_WEEK,
            f"Шаги индивидуальных маршрутов со сроком в ближайшие {STEPS_AHEAD_DAYS} дней",
        ),
    )
    items = []
    for which, label in lines:
        count = due_steps(steps, which).count()
        if count:
            items.append(Waiting(label, _link("community:route_list", {"steps": which}), count))
    return items


def profile_panel(user, access):
    """«Мои тьюторанты», «Мой тьютор» and the mentoring pairs on the profile page: this
    year's assignments of the user; nothing for someone who has none."""
    year = AcademicYear.objects.current()
    if year is None or not access.has(RoleKind.TUTOR, RoleKind.TEACHER):
        return None
    own = selectors.assignments_for(access).filter(
        Q(tutor=user) | Q(teacher=user), academic_year=year
    )
    rows = list(own.order_by("tutor__last_name", "teacher__last_name", "pk"))
    if not rows:
        return None
    tutoring = [a for a in rows if not a.is_mentoring]
    pairs = [a for a in rows if a.is_mentoring]
    return Panel(
        "community/assignments/_profile_panel.html",
        {
            "as_tutor": [a for a in tutoring if a.tutor_id == user.pk],
            "as_teacher": [a for a in tutoring if a.teacher_id == user.pk],
            "as_mentor": [a for a in pairs if a.tutor_id == user.pk],
            "as_mentee": [a for a in pairs if a.teacher_id == user.pk],
            "year": year,
        },
    )


def _year_reports(user, access) -> list[Waiting]:
    """The reports for the year sent to the methodist; the tutor's own, returned to them."""
    items = []
    reports = selectors.year_reports_for(access).order_by()
    if access.has(RoleKind.METHODIST):
        municipalities = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
        # A line a year: a report for last year is often sent after the new one began.
        waiting = (
            reports.filter(status=TutorYearReport.Status.SUBMITTED, municipality__in=municipalities)
            .values("academic_year", "academic_year__start_year")
            .annotate(count=Count("pk"))
            .order_by("academic_year__start_year")
        )
        for line in waiting:
            start = line["academic_year__start_year"]
            url = reverse("community:year_report_list")
            items.append(
                Waiting(
                    f"Отчёты тьюторов за {start}/{(start + 1) % 100:02d} учебный год ждут проверки",
                    f"{url}?year={line['academic_year']}&status={TutorYearReport.Status.SUBMITTED}",
                    line["count"],
                )
            )
    if access.has(RoleKind.TUTOR):
        returned = reports.filter(tutor=user, status=TutorYearReport.Status.RETURNED)
        items += [
            Waiting(
                f"Ваш отчёт за {report.academic_year} учебный год возвращён на доработку",
                report.get_absolute_url(),
                note=report.reviewer_comment,
            )
            for report in returned.order_by("-pk")[:ORDERS_LISTED]
        ]
    return items
