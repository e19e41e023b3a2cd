"""The community's printable documents, registered with the pipeline in tutoring."""

from django.utils import timezone

from tutoring.access import Access
from tutoring.documents import DocumentError
from tutoring.models import Document

from .models import DevelopmentRoute, Order
from .selectors import routes_for


def order_context(object_id: str):
    order = Order.objects.select_related("organization", "municipality").get(pk=object_id)
    if order.is_draft:
        raise DocumentError("Печатается только подписанный приказ.")
    appendices = [
        {**appendix.snapshot, "number": appendix.number}
        for appendix in order.appendices.order_by("number")
    ]
    return order, {
        "order": order,
        "organization": order.organization.name,
        "organization_note": order.municipality.name,
        "organization_short": order.organization.short_name,
        "date": order.date,
        "number": order.number,
        "place": order.place,
        "heading": order.heading,
        "signatory_position": order.signatory_position,
        "signatory_name": order.signatory_name,
        "appendices": appendices,
    }


def order_title(order: Order) -> str:
    return f"Приказ {order.organization.short_name} от {order.date:%d.%m.%Y} № {order.number}"


def route_context(object_id: str):
    """A route prints as it stands when printed: it is a working document, not a signed one."""
    route = DevelopmentRoute.objects.select_related(
        "teacher", "tutor", "organization", "academic_year", "municipality"
    ).get(pk=object_id)
    steps = list(route.steps.select_related("material"))
    done = sum(1 for step in steps if step.is_done)
    return route, {
        "route": route,
        "difficulties": list(route.difficulties.all()),
        "steps": steps,
        "steps_done": done,
        "percent_done": done * 100 // len(steps) if steps else 0,
        "organization": route.organization.name,
        "organization_note": route.municipality.name,
        "document_type": "Индивидуальный образовательный маршрут",
        "date": timezone.localdate(),
        "heading": route.topic,
    }


def route_title(route: DevelopmentRoute) -> str:
    return f"ИОМ {route.teacher.short_name}, {route.academic_year}: {route.topic}"


def route_visible(access: Access, document: Document) -> bool:
    """The PDF of a route is for whoever sees the route."""
    return routes_for(access).filter(pk=document.object_id).exists()
