"""The community's printable documents, registered with the pipeline in tutoring."""

from tutoring.documents import DocumentError

from .models import Order


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
