"""The community's reminders: a route's step due within a week (the teacher and the tutor),
an order waiting for signature over three days (the municipality's directors)."""

from datetime import timedelta

from django.utils import timezone

from community.models import DevelopmentRoute, Order, RouteStep
from tests.tutoring.factories import AcademicYearFactory, user_with_role
from tutoring import reminders
from tutoring.models import Notification, RoleKind

from .factories import OrderFactory, municipality_cast

NOW = timezone.now()


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def route_with_step(cast, days, *, status=DevelopmentRoute.Status.ACTIVE, done=False):
    route = DevelopmentRoute.objects.create(
        municipality=cast.municipality,
        academic_year=AcademicYearFactory(),
        teacher=cast.teacher,
        organization=cast.school_org,
        tutor=cast.tutor,
        topic=f"Функциональная грамотность {days} {status}",
        status=status,
    )
    today = timezone.localtime(NOW, cast.municipality.tzinfo).date()
    return RouteStep.objects.create(
        route=route,
        kind=RouteStep.Kind.SELF_STUDY,
        title="Изучить демоверсию ВПР",
        deadline=today + timedelta(days=days),
        done_at=NOW if done else None,
    )


def test_it_tells_the_teacher_and_the_tutor_of_a_step_due_within_a_week(db):
    cast = municipality_cast()
    step = route_with_step(cast, 7)
    route_with_step(cast, 8)

    reminders.run(NOW)

    assert told("community.route.step_due") == sorted([cast.teacher.pk, cast.tutor.pk])
    notification = Notification.objects.filter(recipient=cast.teacher).get()
    assert notification.link == step.route.get_absolute_url()
    assert f"— {step.deadline:%d.%m.%Y}: Изучить демоверсию ВПР." in notification.text
    assert cast.methodist.pk not in told("community.route.step_due")


def test_a_done_step_or_a_step_of_a_closed_route_is_not_reminded(db):
    cast = municipality_cast()
    route_with_step(cast, 3, done=True)
    route_with_step(cast, 3, status=DevelopmentRoute.Status.CLOSED)

    assert reminders.run(NOW)["community.route.step_due"] == 0


def test_an_order_on_signature_for_over_three_days_reminds_the_directors_once(db):
    cast = municipality_cast()
    order = OrderFactory(
        municipality=cast.municipality, status=Order.Status.SENT, sent_at=NOW - timedelta(days=4)
    )
    OrderFactory(
        municipality=cast.municipality, status=Order.Status.SENT, sent_at=NOW - timedelta(days=2)
    )
    other_director = user_with_role(RoleKind.DIRECTOR)

    first = reminders.run(NOW)["community.order.waiting"]
    second = reminders.run(NOW + timedelta(hours=1))["community.order.waiting"]

    assert (first, second) == (1, 0)
    assert told("community.order.waiting") == [cast.director.pk]
    assert other_director.pk not in told("community.order.waiting")
    notification = Notification.objects.get(kind="community.order.waiting")
    assert notification.text.startswith(f"Проект приказа «{order.heading}» ждёт вашей подписи")
    assert notification.link == order.get_absolute_url()


def test_a_signed_or_returned_order_does_not_remind(db):
    cast = municipality_cast()
    for status in (Order.Status.RETURNED, Order.Status.DRAFT):
        OrderFactory(municipality=cast.municipality, status=status, sent_at=NOW - timedelta(days=5))

    assert reminders.run(NOW)["community.order.waiting"] == 0
