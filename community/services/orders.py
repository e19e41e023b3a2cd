"""Orders (приказы) and their appendices. Each function is one transaction with one audit
entry; the order's moves (send, return, approve) are declared once, in the ORDER workflow
(`tutoring.workflow`), with whom each of them notifies. Signing
freezes what the order shows (the appendices' snapshots and the PDF) and approves the
rosters it carries."""

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tutoring import documents
from tutoring.models import Municipality, Organization, RoleKind, User
from tutoring.services import audit_record
from tutoring.signatures import issuer_signature
from tutoring.workflow import Move, Notice, Workflow, holders, holds_in_municipality

from ..markup import render_markup
from ..models import (
    Appendix,
    CommunityPlan,
    DomainError,
    Order,
    Roster,
)
from ..selectors import plan_sections
from .rosters import roster_approve_by_order

ORDER_DOCUMENT = "community.order"
ORDER_FIELDS = (
    "organization",
    "academic_year",
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


Status = Order.Status


def _methodists(order: Order):
    return holders(RoleKind.METHODIST, municipality_id=order.municipality_id)


def _order_name(order: Order) -> str:
    if order.number:
        return f"Приказ от {order.date:%d.%m.%Y} № {order.number} «{order.heading}»"
    return f"Проект приказа «{order.heading}»"


ORDER = Workflow(
    "community.order",
    model=Order,
    noun="Приказ",
    error=DomainError,
    says_already=True,
    moves=[
        Move(
            "send",
            sources={Status.DRAFT, Status.RETURNED},
            target=Status.SENT,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden="Отправляет приказ на подпись методист муниципалитета.",
            refusal="Отправить на подпись можно проект или приказ, возвращённый на доработку.",
            action="order.send",
            notices=lambda order, actor: [
                Notice(
                    holders(RoleKind.DIRECTOR, municipality_id=order.municipality_id),
                    "community.order.sent",
                    f"{_order_name(order)} ждёт вашей подписи.",
                    order.get_absolute_url(),
                )
            ],
        ),
        Move(
            "return",
            sources={Status.SENT},
            target=Status.RETURNED,
            allowed=holds_in_municipality(RoleKind.DIRECTOR),
            forbidden="Подписывает и возвращает приказ руководитель муниципалитета.",
            refusal="Вернуть на доработку можно только приказ, отправленный на подпись.",
            action="order.return",
            notices=lambda order, actor: [
                Notice(
                    _methodists(order),
                    "community.order.returned",
                    f"{_order_name(order)} возвращён на доработку: {order.return_comment}",
                    order.get_absolute_url(),
                )
            ],
        ),
        Move(
            "approve",
            sources={Status.SENT},
            target=Status.APPROVED,
            allowed=holds_in_municipality(RoleKind.DIRECTOR),
            forbidden="Подписывает и возвращает приказ руководитель муниципалитета.",
            refusal="Подписать можно только приказ, отправленный на подпись.",
            action="order.approve",
            notices=lambda order, actor: [
                Notice(
                    _methodists(order),
                    "community.order.approved",
                    f"{_order_name(order)} подписан.",
                    order.get_absolute_url(),
                )
            ],
        ),
    ],
)
LOCKED = {
    Status.SENT: "Приказ на подписи и не меняется. Чтобы исправить его, попросите руководителя "
    "вернуть приказ на доработку.",
    Status.APPROVED: "Приказ подписан и больше не меняется. Изменения вносит новый, "
    "изменяющий приказ.",
}


def _start_move(actor: User, order: Order, move: str) -> Order:
    return ORDER.start(actor, order, move, queryset=Order.objects.select_related("academic_year"))


def _locked_editable(order: Order) -> Order:
    order = Order.objects.select_for_update().select_related("academic_year").get(pk=order.pk)
    if not order.is_editable:
        raise DomainError(LOCKED[order.status])
    return order


def issuer_defaults(municipality: Municipality) -> dict:
    """A new order is issued by the municipality's issuing organization and signed by its head
    now, never by whoever signed an older order."""
    signature = issuer_signature(municipality)
    initial = {"signatory_position": signature.position, "signatory_name": signature.name}
    if municipality.issuer_id:
        initial["organization"] = municipality.issuer_id
    return initial


@transaction.atomic
def order_create(
    *, actor: User, municipality: Municipality, amends: Order | None = None, **fields
) -> Order:
    _check_organization(fields["organization"], municipality)
    order = Order.objects.create(
        municipality=municipality, amends=amends, created_by=actor, **fields
    )
    audit_record(
        actor=actor,
        action="order.create",
        obj=order,
        changes={"heading": order.heading, "academic_year": str(order.academic_year)},
    )
    return order


@transaction.atomic
def order_update(*, actor: User, order: Order, **fields) -> Order:
    order = _locked_editable(order)
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


def _check_year(order: Order, source: Roster | CommunityPlan) -> None:
    """An appendix's roster or plan is of the order's academic year: an order «…на 2026/27
    учебный год» must not put the 2022/23 roster into force."""
    if source.academic_year_id == order.academic_year_id:
        return
    what = "Состав сообщества" if isinstance(source, Roster) else "План работы сообщества"
    raise DomainError(
        f"{what} на {source.academic_year} учебный год не может быть приложением к приказу "
        f"на {order.academic_year} учебный год. Выберите {what.split()[0].lower()} "
        f"{order.academic_year} учебного года или исправьте учебный год приказа."
    )


def _check_roster(order: Order, roster: Roster) -> None:
    if roster.municipality_id != order.municipality_id:
        raise DomainError("В приказ включается только состав этого муниципалитета.")
    _check_year(order, roster)
    # Taken back to a draft after it was attached: it is marked ready again before sending.
    if roster.is_draft:
        raise DomainError(
            f"{roster} ещё черновик. Отметьте его «готов к приказу», тогда приказ можно "
            "отправить на подпись."
        )


def _check_plan(order: Order, plan: CommunityPlan) -> None:
    if plan.municipality_id != order.municipality_id or not plan.is_approved:
        raise DomainError("В приказ включается только утверждённый план этого муниципалитета.")
    _check_year(order, plan)


def _check_appendices(order: Order) -> list[Appendix]:
    """Again at sending and at signing: the year of the order or a roster may have changed
    since the appendix was added."""
    appendices = list(
        order.appendices.select_related("roster__academic_year", "plan__academic_year")
    )
    for appendix in appendices:
        try:
            if appendix.roster is not None:
                _check_roster(order, appendix.roster)
            elif appendix.plan is not None:
                _check_plan(order, appendix.plan)
        except DomainError as error:
            raise DomainError(f"Приложение № {appendix.number}: {error}") from None
    return appendices


# The form's field a refusal of an appendix of that kind is shown next to.
APPENDIX_SOURCES = {Appendix.Kind.ROSTER: "roster", Appendix.Kind.PLAN: "plan"}


@transaction.atomic
def appendix_add(*, actor: User, order: Order, kind: str, **fields) -> Appendix:
    try:
        return _appendix_add(actor=actor, order=order, kind=kind, **fields)
    except DomainError as error:
        raise DomainError(error.message, field=error.field or APPENDIX_SOURCES.get(kind)) from None


def _appendix_add(
    *,
    actor: User,
    order: Order,
    kind: str,
    title: str,
    roster: Roster | None = None,
    plan: CommunityPlan | None = None,
    text: str = "",
) -> Appendix:
    order = _locked_editable(order)
    if kind == Appendix.Kind.ROSTER:
        if roster is None:
            raise DomainError("Выберите состав, который утверждает приказ.")
        _check_roster(order, roster)
        plan, text = None, ""
    elif kind == Appendix.Kind.PLAN:
        if plan is None:
            raise DomainError("Выберите план работы сообщества.")
        _check_plan(order, plan)
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
    order = _locked_editable(appendix.order)
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


def _check_ready_to_sign(order: Order) -> list[Appendix]:
    if not order.point_list:
        raise DomainError("В приказе нет ни одного пункта.")
    if not (order.signatory_position.strip() and order.signatory_name.strip()):
        raise DomainError("Укажите в проекте, кто подписывает приказ: должность и имя.")
    return _check_appendices(order)


@transaction.atomic
def order_send(*, actor: User, order: Order) -> Order:
    """The methodist sends the order to the head of the issuing organization."""
    order = _start_move(actor, order, "send")
    _check_ready_to_sign(order)
    order.sent_at, order.return_comment = timezone.now(), ""
    return ORDER.finish(actor, order, "send", fields=["sent_at", "return_comment"])


@transaction.atomic
def order_return(*, actor: User, order: Order, comment: str) -> Order:
    """The director sends the order back with what to mend; the methodist sees the comment."""
    order = _start_move(actor, order, "return")
    comment = comment.strip()
    if not comment:
        raise DomainError("Напишите, что исправить: методист увидит этот комментарий.")
    order.return_comment = comment
    return ORDER.finish(
        actor, order, "return", fields=["return_comment"], changes={"comment": comment}
    )


@transaction.atomic
def order_approve(*, actor: User, order: Order, number: str, date: date) -> Order:
    """The director signs: the order takes its number and date, each appendix is frozen into
    its snapshot, every ready roster it carries is approved by it, and the PDF is rendered
    once from that."""
    order = _start_move(actor, order, "approve")
    number = number.strip()
    if not number:
        raise DomainError("Укажите номер приказа: без номера приказ не подписывается.")
    if date is None:
        raise DomainError("Укажите дату приказа.")
    appendices = _check_ready_to_sign(order)
    taken = Order.objects.filter(
        organization=order.organization, number=number, date=date, status=Status.APPROVED
    )
    if taken.exists():
        raise DomainError(f"Приказ № {number} от {date:%d.%m.%Y} уже есть у этой организации.")
    for appendix in appendices:
        appendix.snapshot = appendix_snapshot(appendix)
        appendix.save(update_fields=["snapshot"])
    order.number, order.date = number, date
    order.approved_by, order.approved_at = actor, timezone.now()
    ready = [a.roster for a in appendices if a.roster is not None and a.roster.is_ready]
    ORDER.finish(
        actor,
        order,
        "approve",
        fields=["number", "date", "approved_by", "approved_at"],
        changes={
            "number": number,
            "date": f"{date:%d.%m.%Y}",
            "rosters_approved": [str(roster) for roster in ready],
        },
    )
    for roster in ready:
        roster_approve_by_order(actor=actor, roster=roster, order=order)
    documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=actor)
    return order


@transaction.atomic
def order_amend(*, actor: User, order: Order) -> Order:
    """A draft that changes a signed order; the methodist fills in what changes. It is signed
    by the issuing organization's head now, who may be another person than then."""
    if not order.is_signed:
        raise DomainError("Изменять можно только подписанный приказ; проект правится напрямую.")
    signature = issuer_signature(order.municipality)
    draft = Order.objects.create(
        municipality=order.municipality,
        organization=order.organization,
        academic_year=order.academic_year,
        place=order.place,
        heading=f"О внесении изменений в приказ от {order.date:%d.%m.%Y} № {order.number}",
        points=(
            f"Внести изменения в приказ {order.organization} от {order.date:%d.%m.%Y} "
            f"№ {order.number} «{order.heading}», изложив приложение в новой редакции "
            "(Приложение 1).\nКонтроль за исполнением приказа оставляю за собой."
        ),
        signatory_position=signature.position,
        signatory_name=signature.name,
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
