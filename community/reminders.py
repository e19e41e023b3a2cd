"""The community's reminders (tutoring.reminders): a route's step due in a week, an order
waiting for signature."""

from datetime import timedelta

from tutoring.models import RoleKind
from tutoring.reminders import Rule, local, local_date_window
from tutoring.words import end_sentence

from .models import DevelopmentRoute, Order, RouteStep

STEP_DUE = "community.route.step_due"
ORDER_WAITING = "community.order.waiting"

KINDS = [
    (STEP_DUE, "Шаг маршрута через неделю"),
    (ORDER_WAITING, "Приказ ждёт подписи больше 3 дней"),
]

STEP_DUE_IN_DAYS = 7
ORDER_WAITS = timedelta(days=3)


def _steps_due(now):
    return (
        RouteStep.objects.filter(
            local_date_window(
                now,
                "deadline",
                first=0,
                last=STEP_DUE_IN_DAYS,
                tz_field="route__municipality__timezone",
            ),
            done_at__isnull=True,
            route__status=DevelopmentRoute.Status.ACTIVE,
        )
        .select_related("route")
        .order_by("pk")
    )


def _step_text(step: RouteStep, now) -> str:
    # The title after a colon, not in quotes: titles often quote an event or a material.
    return (
        f"Срок шага маршрута «{step.route.topic}» — {step.deadline:%d.%m.%Y}: "
        f"{end_sentence(step.title)} Когда шаг выполнен, отметьте его на странице маршрута."
    )


def _orders_waiting(now):
    return (
        Order.objects.filter(status=Order.Status.SENT, sent_at__lte=now - ORDER_WAITS)
        .select_related("municipality")
        .order_by("pk")
    )


def _order_text(order: Order, now) -> str:
    sent = local(order.sent_at, order.municipality)
    return f"{order} ждёт вашей подписи с {sent:%d.%m.%Y}."


RULES = [
    Rule(
        key=STEP_DUE,
        kind=STEP_DUE,
        due=_steps_due,
        people=lambda step: [step.route.teacher_id, step.route.tutor_id],
        text=_step_text,
        link=lambda step: step.route.get_absolute_url(),
        municipality_id=lambda step: step.route.municipality_id,
    ),
    Rule(
        key=ORDER_WAITING,
        kind=ORDER_WAITING,
        due=_orders_waiting,
        roles=(RoleKind.DIRECTOR,),
        text=_order_text,
    ),
]
