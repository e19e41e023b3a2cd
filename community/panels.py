"""The community's sections of the navigation bar and its panels on the home page."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from tutoring.extensions import Panel
from tutoring.models import AcademicYear, RoleKind
from tutoring.words import plural

from . import library, selectors
from .models import DevelopmentRoute, Nomination, Order, RouteStep, TutorPlan


def navigation(access):
    if not access.takes_part:
        return []
    return [("Сообщество", reverse("community:index"))]


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
    if access.has(RoleKind.DIRECTOR):
        items += _orders_to_sign(access)
    if access.has(RoleKind.METHODIST):
        items += _orders_returned(access)
    if access.has(RoleKind.METHODIST):
        submitted = (
            selectors.tutor_plans_for(access).filter(status=TutorPlan.Status.SUBMITTED).count()
        )
        if submitted:
            items.append(
                (
                    f"Планов тьюторов на согласовании: {submitted}",
                    reverse("community:tutor_plan_list") + "?status=submitted",
                )
            )
    if access.has(RoleKind.TEACHER, RoleKind.TUTOR):
        due = _steps_due(user)
        if due:
            items.append(
                (
                    f"Шагов индивидуальных маршрутов со сроком в ближайшие {STEPS_DUE_DAYS} "
                    f"дней: {due}",
                    reverse("community:route_list") + "?status=active",
                )
            )
    if access.has(RoleKind.METHODIST):
        awaiting = library.awaiting_moderation(access).count()
        if awaiting:
            items.append(
                (
                    f"Материалов на модерации: {awaiting}",
                    reverse("community:material_list") + "?status=submitted",
                )
            )
    if not items:
        return None
    return Panel("community/panels/home.html", {"items": items})


# How many orders the home page names one by one; the rest are behind the list's link.
ORDERS_LISTED = 5


def _orders_to_sign(access) -> list[tuple[str, str]]:
    """«На подпись»: only the orders sent for signature, never a draft still being written."""
    municipalities = [r.municipality_id for r in access.roles_of(RoleKind.DIRECTOR)]
    sent = selectors.orders_for(access).filter(
        status=Order.Status.SENT, municipality__in=municipalities
    )
    listed = list(sent.order_by("sent_at", "pk")[: ORDERS_LISTED + 1])
    if not listed:
        return []
    count = len(listed) if len(listed) <= ORDERS_LISTED else sent.count()
    items = [
        (
            f"На подпись: {plural(count, 'приказ', 'приказа', 'приказов')}",
            reverse("community:order_list") + "?status=sent",
        )
    ]
    items += [
        (f"На подпись: «{order.heading}»", order.get_absolute_url())
        for order in listed[:ORDERS_LISTED]
    ]
    return items


def _orders_returned(access) -> list[tuple[str, str]]:
    """The methodist's orders that the director returned, each with the comment."""
    municipalities = [r.municipality_id for r in access.roles_of(RoleKind.METHODIST)]
    returned = selectors.orders_for(access).filter(
        status=Order.Status.RETURNED, municipality__in=municipalities
    )
    return [
        (
            f"Приказ «{order.heading}» возвращён на доработку: {order.return_comment}",
            order.get_absolute_url(),
        )
        for order in returned.order_by("-pk")[:ORDERS_LISTED]
    ]


# How far ahead the home page warns of the deadlines of a route's steps.
STEPS_DUE_DAYS = 14


def _steps_due(user) -> int:
    """Undone steps of the active routes the user keeps (as teacher or tutor), due within
    STEPS_DUE_DAYS, overdue ones included."""
    today = timezone.localdate()
    return RouteStep.objects.filter(
        Q(route__teacher=user) | Q(route__tutor=user),
        route__status=DevelopmentRoute.Status.ACTIVE,
        done_at__isnull=True,
        deadline__lte=today + timedelta(days=STEPS_DUE_DAYS),
    ).count()


def profile_panel(user, access):
    """«Мои тьюторанты» and «Мой тьютор» on the profile page: this year's assignments of the
    user; nothing for someone who has none."""
    year = AcademicYear.objects.current()
    if year is None or not access.has(RoleKind.TUTOR, RoleKind.TEACHER):
        return None
    own = selectors.assignments_for(access).filter(
        Q(tutor=user) | Q(teacher=user), academic_year=year
    )
    rows = list(own.order_by("tutor__last_name", "teacher__last_name", "pk"))
    if not rows:
        return None
    return Panel(
        "community/assignments/_profile_panel.html",
        {
            "as_tutor": [a for a in rows if a.tutor_id == user.pk],
            "as_teacher": [a for a in rows if a.teacher_id == user.pk],
            "year": year,
        },
    )
