"""Orders (приказы) and their appendices. Each function is one transaction with one audit
entry. Approval freezes what the order shows: the appendices' snapshots and the PDF."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tutoring import documents
from tutoring.models import Municipality, Organization, User
from tutoring.services import audit_record

from ..markup import render_markup
from ..models import (
    Appendix,
    CommunityPlan,
    DomainError,
    Order,
    Roster,
)
from ..selectors import plan_sections

ORDER_DOCUMENT = "community.order"
ORDER_FIELDS = (
    "organization",
    "place",
    "heading",
    "preamble",
    "points",
    "signatory_position",
    "signatory_name",
)
ROSTER_COLUMNS = ["№ п/п", "Предмет", "ФИО (полностью)", "Должность, место работы"]
PLAN_COLUMNS = [
    "№ п/п",
    "Содержательные мероприятия",
    "Сроки реализации",
    "Ответственный, привлеченные специалисты",
]


def _locked_draft(order: Order) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.is_draft:
        raise DomainError(
            "Приказ подписан и больше не меняется. Изменения вносит новый, изменяющий приказ."
        )
    return order


@transaction.atomic
def order_create(
    *, actor: User, municipality: Municipality, amends: Order | None = None, **fields
) -> Order:
    _check_organization(fields["organization"], municipality)
    order = Order.objects.create(
        municipality=municipality, amends=amends, created_by=actor, **fields
    )
    audit_record(actor=actor, action="order.create", obj=order, changes={"heading": order.heading})
    return order


@transaction.atomic
def order_update(*, actor: User, order: Order, **fields) -> Order:
    order = _locked_draft(order)
    _check_organization(fields["organization"], order.municipality)
    changes = {}
    for name in ORDER_FIELDS:
        old, new = getattr(order, name), fields[name]
        if old != new:
            changes[name] = [str(old), str(new)]
            setattr(order, name, new)
    order.save()
    audit_record(actor=actor, action="order.update", obj=order, changes=changes)
    return order


def _check_organization(organization: Organization, municipality: Municipality) -> None:
    if organization.municipality_id != municipality.pk:
        raise DomainError("Приказ издаёт организация того же муниципального образования.")


@transaction.atomic
def appendix_add(
    *,
    actor: User,
    order: Order,
    kind: str,
    title: str,
    roster: Roster | None = None,
    plan: CommunityPlan | None = None,
    text: str = "",
) -> Appendix:
    order = _locked_draft(order)
    if kind == Appendix.Kind.ROSTER:
        if roster is None:
            raise DomainError("Выберите состав, который утверждает приказ.")
        if roster.municipality_id != order.municipality_id or roster.is_draft:
            raise DomainError(
                "В приказ включается только утверждённый состав этого муниципалитета."
            )
        plan, text = None, ""
    elif kind == Appendix.Kind.PLAN:
        if plan is None:
            raise DomainError("Выберите план работы сообщества.")
        if plan.municipality_id != order.municipality_id or plan.is_draft:
            raise DomainError("В приказ включается только утверждённый план этого муниципалитета.")
        roster, text = None, ""
    else:
        if not text.strip():
            raise DomainError("Введите текст приложения.")
        roster = plan = None
    number = (order.appendices.aggregate(n=Max("number"))["n"] or 0) + 1
    appendix = Appendix.objects.create(
        order=order, number=number, kind=kind, title=title, roster=roster, plan=plan, text=text
    )
    audit_record(
        actor=actor,
        action="order.appendix_add",
        obj=order,
        changes={"number": number, "kind": kind, "title": title},
    )
    return appendix


@transaction.atomic
def appendix_remove(*, actor: User, appendix: Appendix) -> None:
    order = _locked_draft(appendix.order)
    number, title = appendix.number, appendix.title
    appendix.delete()
    # Appendices stay numbered 1, 2, 3…: the order's points refer to them by number.
    for later in order.appendices.filter(number__gt=number).order_by("number"):
        later.number -= 1
        later.save(update_fields=["number"])
    audit_record(
        actor=actor,
        action="order.appendix_remove",
        obj=order,
        changes={"number": number, "title": title},
    )


@transaction.atomic
def order_approve(*, actor: User, order: Order, number: str, date: date) -> Order:
    """The director signs: the order takes its number and date, each appendix is frozen into
    its snapshot, and the PDF is rendered once from that."""
    order = _locked_draft(order)
    number = number.strip()
    if not number:
        raise DomainError("Укажите номер приказа: без номера приказ не подписывается.")
    if date is None:
        raise DomainError("Укажите дату приказа.")
    if not order.point_list:
        raise DomainError("В приказе нет ни одного пункта.")
    taken = Order.objects.filter(
        organization=order.organization, number=number, date=date, status=Order.Status.APPROVED
    )
    if taken.exists():
        raise DomainError(f"Приказ № {number} от {date:%d.%m.%Y} уже есть у этой организации.")
    for appendix in order.appendices.select_related("roster", "plan"):
        appendix.snapshot = appendix_snapshot(appendix)
        appendix.save(update_fields=["snapshot"])
    order.number, order.date = number, date
    order.status = Order.Status.APPROVED
    order.approved_by, order.approved_at = actor, timezone.now()
    order.save(update_fields=["number", "date", "status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="order.approve",
        obj=order,
        changes={"number": number, "date": date.isoformat()},
    )
    documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=actor)
    return order


@transaction.atomic
def order_amend(*, actor: User, order: Order) -> Order:
    """A draft that changes a signed order; the methodist fills in what changes."""
    if order.is_draft:
        raise DomainError("Изменять можно только подписанный приказ; проект правится напрямую.")
    draft = Order.objects.create(
        municipality=order.municipality,
        organization=order.organization,
        place=order.place,
        heading=f"О внесении изменений в приказ от {order.date:%d.%m.%Y} № {order.number}",
        points=(
            f"Внести изменения в приказ {order.organization} от {order.date:%d.%m.%Y} "
            f"№ {order.number} «{order.heading}», изложив приложение в новой редакции "
            "(Приложение 1).\nКонтроль за исполнением приказа оставляю за собой."
        ),
        signatory_position=order.signatory_position,
        signatory_name=order.signatory_name,
        amends=order,
        created_by=actor,
    )
    audit_record(actor=actor, action="order.amend", obj=draft, changes={"amends": str(order)})
    return draft


def appendix_snapshot(appendix: Appendix) -> dict:
    """What an appendix shows, as plain data: the frozen form of a roster, plan or text."""
    if appendix.kind == Appendix.Kind.ROSTER:
        return roster_snapshot(appendix.title, appendix.roster)
    if appendix.kind == Appendix.Kind.PLAN:
        return plan_snapshot(appendix.title, appendix.plan)
    return text_snapshot(appendix.title, appendix.text)


def text_snapshot(title: str, text: str) -> dict:
    """The text as written and as rendered at signing: the signed PDF prints the stored HTML,
    so a later version of the markup libraries never changes a signed regulation. (Snapshots
    from before the markup have `paragraphs` instead of `html` and print as they did.)"""
    return {"title": title, "source": text, "html": render_markup(text)}


def subjects_title(subjects) -> str:
    """«Русский язык и литература»: the subjects as an order names them."""
    names = [s.name for s in sorted(subjects, key=lambda s: s.pk)]
    if len(names) < 2:
        return "".join(names)
    rest = [name[0].lower() + name[1:] for name in names[1:]]
    return ", ".join([names[0], *rest[:-1]]) + " и " + rest[-1]


def roster_snapshot(title: str, roster: Roster) -> dict:
    entries = roster.entries.select_related("person", "organization").prefetch_related("subjects")
    rows = [
        [
            str(number),
            subjects_title(entry.subjects.all()),
            entry.person.full_name,
            f"{entry.position} {entry.organization.name}",
        ]
        for number, entry in enumerate(entries.order_by("pk"), start=1)
    ]
    return {"title": title, "columns": ROSTER_COLUMNS, "rows": rows}


def plan_snapshot(title: str, plan: CommunityPlan) -> dict:
    """The plan as it was approved: its items in the methodist's order, numbered 1..N, under
    activity headings only when the plan is set to be grouped."""
    rows, groups = [], []
    for section in plan_sections(plan):
        group = {"activity": section.heading, "rows": []}
        for item in section.items:
            row = [str(item.number), item.content, item.timing, item.responsible]
            group["rows"].append(row)
            rows.append(row)
        groups.append(group)
    if not plan.group_by_activity:
        groups = []
    return {"title": title, "columns": PLAN_COLUMNS, "rows": rows, "groups": groups}
