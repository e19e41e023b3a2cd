"""The community's printable documents, registered with the pipeline in tutoring."""

from django.utils import timezone

from tutoring.access import Access
from tutoring.documents import DocumentError
from tutoring.models import Document
from tutoring.signatures import Signature, capitalized, issuer_signature, person_signature
from tutoring.typography import keep_together_all

from .models import CommunityPlan, DevelopmentRoute, Order, TutorYearReport
from .selectors import plans_for, routes_for, year_reports_for
from .services.orders import plan_snapshot

# The typed pieces of an appendix in which names and «№ 9», «им. И. Ф. …» must not break.
UNBROKEN_KEYS = ("title", "paragraphs", "rows", "groups")


def _unbroken_appendix(appendix: dict) -> dict:
    return {
        key: keep_together_all(value) if key in UNBROKEN_KEYS else value
        for key, value in appendix.items()
    }


def order_context(object_id: str):
    order = Order.objects.select_related("organization", "municipality").get(pk=object_id)
    if order.is_draft:
        raise DocumentError("Печатается только подписанный приказ.")
    appendices = [
        _unbroken_appendix({**appendix.snapshot, "number": appendix.number})
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
        "signatory_position": capitalized(order.signatory_position),
        "signatory_name": order.signatory_name.strip(),
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
        "place": route.municipality.locality,
        "heading": route.topic,
        # The teacher signs at their school; the tutor as the community's tutor.
        "signatures": [
            person_signature(route.teacher, "Учитель", route.organization),
            person_signature(route.tutor, "Тьютор", None),
        ],
    }


def route_title(route: DevelopmentRoute) -> str:
    return f"ИОМ {route.teacher.short_name}, {route.academic_year}: {route.topic}"


def route_visible(access: Access, document: Document) -> bool:
    """The PDF of a route is for whoever sees the route."""
    return routes_for(access).filter(pk=document.object_id).exists()


# The kinds of plan a title may begin with, longest first: the kind goes to the document type
# («ПЛАН-ГРАФИК»), the rest of the title is the heading, so the kind is said once.
PLAN_KINDS = ("План-график", "План работы", "План")


def plan_type_and_heading(title: str) -> tuple[str, str]:
    """«План-график работы сообщества на 2023 год» → («План-график», «работы сообщества на
    2023 год»); a title that names no kind keeps it whole under «План»."""
    title = " ".join(title.split())
    for kind in PLAN_KINDS:
        if title.casefold().startswith(kind.casefold() + " "):
            kind_word = "План" if kind == "План работы" else kind
            return kind_word, title[len(kind_word) :].strip()
    return "План", title


def plan_context(object_id: str):
    """The community plan as approved: the items of `plan_snapshot`, under the «УТВЕРЖДАЮ» of
    the issuing organization's head on the day of approval."""
    plan = CommunityPlan.objects.select_related(
        "municipality__issuer", "academic_year", "approved_by"
    ).get(pk=object_id)
    if not plan.is_approved:
        raise DocumentError("Печатается только утверждённый план.")
    municipality = plan.municipality
    approved_on = timezone.localtime(plan.approved_at, municipality.tzinfo).date()
    # Kept at approval; a plan approved while no head was recorded takes that day's head.
    head = Signature.from_dict(plan.approval) or issuer_signature(municipality, approved_on)
    if not head:
        raise DocumentError(
            "Не указан руководитель организации, издающей документы муниципалитета: "
            "внесите его в карточку организации, и план можно будет напечатать."
        )
    document_type, heading = plan_type_and_heading(plan.title)
    snapshot = plan_snapshot(plan.title, plan)
    issuer = municipality.issuer
    return plan, {
        "plan": _unbroken_appendix(snapshot),
        "approval": {**head.as_dict(), "date": approved_on},
        "organization": issuer.name if issuer else municipality.name,
        "organization_note": municipality.name if issuer else "",
        "document_type": document_type,
        "date": approved_on,
        "place": municipality.locality,
        "heading": heading,
    }


def plan_title(plan: CommunityPlan) -> str:
    return plan.title


def plan_visible(access: Access, document: Document) -> bool:
    """The printed plan is for whoever sees the plan: everyone of the municipality once it is
    approved, teachers and schools included."""
    return plans_for(access).filter(pk=document.object_id).exists()


def year_report_context(object_id: str):
    """The report as accepted: the snapshot frozen at acceptance, never today's figures."""
    report = TutorYearReport.objects.select_related(
        "tutor", "municipality", "academic_year", "accepted_by"
    ).get(pk=object_id)
    if not report.is_frozen or not report.snapshot:
        raise DocumentError("Печатается только принятый отчёт.")
    municipality = report.municipality
    accepted_on = timezone.localtime(report.accepted_at, municipality.tzinfo).date()
    return report, {
        "report": report,
        "figures": report.snapshot,
        "conclusion": report.conclusion,
        "accepted_on": accepted_on,
        "accepted_by": report.accepted_by.full_name if report.accepted_by else "",
        "organization": municipality.name,
        "document_type": "Отчёт",
        "heading": (
            f"о работе тьютора {report.tutor.full_name} за {report.academic_year} учебный год"
        ),
        "date": accepted_on,
        "place": municipality.locality,
    }


def year_report_title(report: TutorYearReport) -> str:
    return f"Отчёт о работе тьютора {report.tutor.short_name} за {report.academic_year} уч. год"


def year_report_visible(access: Access, document: Document) -> bool:
    return year_reports_for(access).filter(pk=document.object_id).exists()
