"""The community plan (план-график) and tutors' personal plans. Each function is one
transaction with one audit entry."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tutoring import documents
from tutoring.access import Access
from tutoring.models import AcademicYear, Municipality, RoleKind, User
from tutoring.services import audit_record
from tutoring.signatures import issuer_signature
from tutoring.workflow import Move, Notice, Workflow, holders, holds_in_municipality

from .. import selectors
from ..models import CommunityPlan, DomainError, PlanItem, TutorPlan, TutorPlanItem

PLAN_DOCUMENT = "community.plan"

PLAN_ITEM_FIELDS = ("activity", "content", "timing", "responsible")
TUTOR_PLAN_ITEM_FIELDS = ("activity", "content", "timing", "expected_result")


def _locked(obj):
    """The row again, locked until the transaction ends: an edit and an approval of the same
    plan at once must not both succeed."""
    return type(obj).objects.select_for_update().get(pk=obj.pk)


def _create_once(model, message: str, *, unique: dict, **fields):
    """Create a row that a unique constraint allows once; a second one (also when two people
    press the button at the same moment) is a domain error, not a server error."""
    if model.objects.filter(**unique).exists():
        raise DomainError(message)
    try:
        with transaction.atomic():
            return model.objects.create(**unique, **fields)
    except IntegrityError:
        raise DomainError(message) from None


def _next_position(items, activity: str) -> int:
    last = items.filter(activity=activity).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _excerpt(text: str) -> str:
    return text if len(text) <= 100 else text[:99] + "…"


def _values(item, names) -> dict:
    return {name: getattr(item, name) for name in names}


def _apply(item, fields: dict, names) -> dict:
    """Set the changed fields; the changes as the audit log shows them."""
    changes = {}
    for name in names:
        old, new = getattr(item, name), fields[name]
        if old != new:
            changes[name] = [old, new]
            setattr(item, name, new)
    return changes


def _move_in_plan(plan: CommunityPlan, item: PlanItem, direction: str) -> int:
    """Swap the item with the one above or below it as the plan shows it: its neighbour in
    the whole plan, or within its activity when the plan is grouped. The whole plan is
    renumbered 0..N-1, since items copied or added by other means may share a position.
    Returns the item's new number in the plan as shown."""
    if direction not in ("up", "down"):
        raise DomainError("Непонятно, куда переместить мероприятие: выше или ниже.")
    ordered = list(plan.items.order_by("position", "pk"))
    index = next((i for i, other in enumerate(ordered) if other.pk == item.pk), None)
    if index is None:
        raise DomainError("Этого мероприятия в плане уже нет: возможно, его только что удалили.")
    current = ordered[index]
    steps = range(index - 1, -1, -1) if direction == "up" else range(index + 1, len(ordered))
    grouped = plan.group_by_activity
    target = next(
        (i for i in steps if not grouped or ordered[i].activity == current.activity), None
    )
    if target is None:
        where = "первое" if direction == "up" else "последнее"
        scope = "в своём виде деятельности" if grouped else "в плане"
        raise DomainError(f"Мероприятие и так {where} {scope}.")
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, other in enumerate(ordered):
        other.position = position
    PlanItem.objects.bulk_update(ordered, ["position"])
    sections = selectors.plan_sections(plan, ordered)
    return next(i.number for section in sections for i in section.items if i.pk == item.pk)


# Community plan -------------------------------------------------------------------------------


def plan_default_title(municipality: Municipality, academic_year: AcademicYear) -> str:
    # The wording of the seed's Приложение: «План-график работы тьюторского сообщества …».
    return (
        f"План-график работы тьюторского сообщества {municipality.short_name} "
        f"на {academic_year} учебный год"
    )


@transaction.atomic
def plan_create(
    *, actor: User, municipality: Municipality, academic_year: AcademicYear, title: str = ""
) -> CommunityPlan:
    plan = _create_once(
        CommunityPlan,
        f"План-график на {academic_year} учебный год уже есть: откройте его из списка планов.",
        unique={"municipality": municipality, "academic_year": academic_year},
        title=title.strip() or plan_default_title(municipality, academic_year),
    )
    audit_record(actor=actor, action="plan.create", obj=plan, changes={"title": plan.title})
    return plan


def plan_sources(municipality: Municipality, academic_year: AcademicYear | None = None):
    """The municipality's plans that a new year's plan may be copied from: any earlier year's
    (of every year, when `academic_year` is not given), the latest first."""
    plans = CommunityPlan.objects.filter(municipality=municipality).select_related("academic_year")
    if academic_year is not None:
        plans = plans.filter(academic_year__start_year__lt=academic_year.start_year)
    return plans.order_by("-academic_year__start_year")


@transaction.atomic
def plan_copy(
    *,
    actor: User,
    municipality: Municipality,
    academic_year: AcademicYear,
    from_year: AcademicYear | None = None,
) -> CommunityPlan:
    """This year's draft with the items of an earlier year's plan (last year's, unless
    `from_year` names another): most of the work recurs. Items keep their activity, order,
    timing and responsible; the methodist then corrects them and approves the plan."""
    exists = (
        f"План-график на {academic_year} учебный год уже есть, копировать в него другой "
        "не нужно: откройте его из списка планов."
    )
    unique = {"municipality": municipality, "academic_year": academic_year}
    if CommunityPlan.objects.filter(**unique).exists():
        raise DomainError(exists)
    start_year = from_year.start_year if from_year else academic_year.start_year - 1
    if start_year >= academic_year.start_year:
        raise DomainError(
            f"Копировать можно только план более раннего учебного года, чем {academic_year}."
        )
    previous = plan_sources(municipality).filter(academic_year__start_year=start_year).first()
    if previous is None:
        raise DomainError(
            f"Плана на {start_year}/{(start_year + 1) % 100:02d} учебный год нет, копировать "
            "нечего. Выберите другой год или создайте пустой план и заполните его."
        )
    plan = _create_once(
        CommunityPlan, exists, unique=unique, title=plan_default_title(municipality, academic_year)
    )
    copied = PlanItem.objects.bulk_create(
        PlanItem(plan=plan, position=item.position, **_values(item, PLAN_ITEM_FIELDS))
        for item in previous.items.all()
    )
    audit_record(
        actor=actor,
        action="plan.copy",
        obj=plan,
        changes={
            "from_plan": previous.pk,
            "from_year": str(previous.academic_year),
            "items": len(copied),
        },
    )
    return plan


PLAN_LOCKED = (
    "План утверждён и больше не меняется: он вводится в действие приказом, и изменения "
    "в утверждённый план вносятся только приказом о внесении изменений."
)
PLAN_SUBMITTED = (
    "План на утверждении у руководителя и не меняется, пока руководитель его не утвердит "
    "или не вернёт на доработку."
)


def plan_locked_message(plan: CommunityPlan) -> str:
    return PLAN_SUBMITTED if plan.status == CommunityPlan.Status.SUBMITTED else PLAN_LOCKED


def _editable_plan(plan: CommunityPlan) -> CommunityPlan:
    plan = _locked(plan)
    if not plan.is_editable:
        raise DomainError(plan_locked_message(plan))
    return plan


@transaction.atomic
def plan_item_add(*, actor: User, plan: CommunityPlan, **fields) -> PlanItem:
    plan = _editable_plan(plan)
    last = plan.items.aggregate(last=Max("position"))["last"]
    item = PlanItem.objects.create(
        plan=plan,
        # At the end of the plan (and so of its activity, when the plan is grouped).
        position=0 if last is None else last + 1,
        **{name: fields[name] for name in PLAN_ITEM_FIELDS},
    )
    audit_record(
        actor=actor,
        action="plan.item_add",
        obj=plan,
        changes={"activity": item.activity, "content": _excerpt(item.content)},
    )
    return item


@transaction.atomic
def plan_item_update(*, actor: User, item: PlanItem, **fields) -> PlanItem:
    plan = _editable_plan(item.plan)
    # A new activity leaves the item where it stands in the plan: the order is the
    # methodist's, not the activities'.
    changes = _apply(item, fields, PLAN_ITEM_FIELDS)
    item.save()
    audit_record(
        actor=actor,
        action="plan.item_update",
        obj=plan,
        changes={"item": item.pk, **changes},
    )
    return item


@transaction.atomic
def plan_item_remove(*, actor: User, item: PlanItem) -> None:
    plan = _editable_plan(item.plan)
    content = _excerpt(item.content)
    item.delete()
    audit_record(actor=actor, action="plan.item_remove", obj=plan, changes={"content": content})


@transaction.atomic
def plan_item_move(*, actor: User, item: PlanItem, direction: str) -> PlanItem:
    plan = _editable_plan(item.plan)
    before = selectors.plan_sections(plan)
    old = next(i.number for section in before for i in section.items if i.pk == item.pk)
    new = _move_in_plan(plan, item, direction)
    audit_record(
        actor=actor,
        action="plan.item_move",
        obj=plan,
        changes={"item": item.pk, "item_number": [old, new]},
    )
    return item


GROUPING_WORDS = {True: "по видам деятельности", False: "единым списком"}


@transaction.atomic
def plan_grouping_set(
    *, actor: User, plan: CommunityPlan, group_by_activity: bool
) -> CommunityPlan:
    """Whether the plan shows and prints its items under activity headings or as one list;
    either way in the same order. A choice of the draft: the approved plan prints as
    approved."""
    plan = _editable_plan(plan)
    old = plan.group_by_activity
    if old == group_by_activity:
        return plan
    plan.group_by_activity = group_by_activity
    plan.save(update_fields=["group_by_activity"])
    audit_record(
        actor=actor,
        action="plan.grouping",
        obj=plan,
        changes={"grouping": [GROUPING_WORDS[old], GROUPING_WORDS[group_by_activity]]},
    )
    return plan


def _plan_methodists(plan: CommunityPlan):
    return holders(RoleKind.METHODIST, municipality_id=plan.municipality_id)


def _plan_notice(kind: str, text: str):
    def notices(plan: CommunityPlan, actor: User) -> list[Notice]:
        return [Notice(_plan_methodists(plan), kind, text.format(p=plan), plan.get_absolute_url())]

    return notices


PlanStatus = CommunityPlan.Status
# The methodist drafts the plan and sends it; the head approves it (it prints under
# «УТВЕРЖДАЮ») or returns it with what to mend.
HEAD_DECIDES = "План утверждает руководитель муниципалитета."
PLAN = Workflow(
    "community.plan",
    model=CommunityPlan,
    noun="План",
    error=DomainError,
    moves=[
        Move(
            "submit",
            sources={PlanStatus.DRAFT, PlanStatus.RETURNED},
            target=PlanStatus.SUBMITTED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden="Отправляет план на утверждение методист муниципалитета.",
            refusal="Отправить на утверждение можно черновик или план, возвращённый на доработку.",
            action="plan.submit",
            notices=lambda plan, actor: [
                Notice(
                    holders(RoleKind.DIRECTOR, municipality_id=plan.municipality_id),
                    "community.plan.submitted",
                    f"{plan.title} ждёт вашего утверждения.",
                    plan.get_absolute_url(),
                )
            ],
        ),
        Move(
            "approve",
            sources={PlanStatus.SUBMITTED},
            target=PlanStatus.APPROVED,
            allowed=holds_in_municipality(RoleKind.DIRECTOR),
            forbidden=HEAD_DECIDES,
            refusal="Утвердить можно только план, отправленный на утверждение.",
            action="plan.approve",
            notices=_plan_notice("community.plan.approved", "{p.title} утверждён."),
        ),
        Move(
            "return",
            sources={PlanStatus.SUBMITTED},
            target=PlanStatus.RETURNED,
            allowed=holds_in_municipality(RoleKind.DIRECTOR),
            forbidden="Возвращает план на доработку руководитель муниципалитета.",
            refusal="Вернуть на доработку можно только план, отправленный на утверждение.",
            action="plan.return",
            notices=_plan_notice(
                "community.plan.returned", "{p.title} возвращён на доработку: {p.return_comment}"
            ),
        ),
    ],
)


@transaction.atomic
def plan_submit(*, actor: User, plan: CommunityPlan) -> CommunityPlan:
    plan = PLAN.start(actor, plan, "submit")
    count = plan.items.count()
    if not count:
        raise DomainError("В плане нет ни одного мероприятия: отправлять на утверждение нечего.")
    plan.submitted_at = timezone.now()
    return PLAN.finish(actor, plan, "submit", fields=["submitted_at"], changes={"items": count})


@transaction.atomic
def plan_return(*, actor: User, plan: CommunityPlan, comment: str) -> CommunityPlan:
    plan = PLAN.start(actor, plan, "return")
    if not comment.strip():
        raise DomainError("Напишите, что нужно доработать: методист увидит этот комментарий.")
    plan.return_comment = comment.strip()
    return PLAN.finish(
        actor, plan, "return", fields=["return_comment"], changes={"comment": plan.return_comment}
    )


@transaction.atomic
def plan_approve(*, actor: User, plan: CommunityPlan) -> CommunityPlan:
    plan = PLAN.start(
        actor, plan, "approve", queryset=CommunityPlan.objects.select_related("municipality")
    )
    count = plan.items.count()
    if not count:
        raise DomainError("В плане нет ни одного мероприятия: утверждать нечего.")
    plan.approved_by, plan.approved_at = actor, timezone.now()
    approved_on = timezone.localtime(plan.approved_at, plan.municipality.tzinfo).date()
    head = issuer_signature(plan.municipality, approved_on)
    plan.approval = {**head.as_dict(), "date": approved_on.isoformat()} if head else None
    PLAN.finish(
        actor,
        plan,
        "approve",
        fields=["approved_by", "approved_at", "approval"],
        changes={"items": count},
    )
    # Rendered once, now, and kept: the printed plan is the plan as approved.
    documents.document_request(kind=PLAN_DOCUMENT, obj=plan, actor=actor)
    return plan


# Tutor plans --------------------------------------------------------------------------------

Status = TutorPlan.Status


def tutor_owns(access: Access, plan: TutorPlan) -> bool:
    """The plan's own tutor, still a tutor of that municipality, is the one who edits it."""
    return plan.tutor_id == access.user_id and access.holds(
        RoleKind.TUTOR, municipality=plan.municipality_id
    )


def _to_tutor(text: str, kind: str):
    def notices(plan: TutorPlan, actor: User) -> list[Notice]:
        return [Notice([plan.tutor], kind, text.format(p=plan), plan.get_absolute_url())]

    return notices


REVIEWS = "Утверждает и возвращает план тьютора методист муниципалитета."
TUTOR_PLAN = Workflow(
    "community.tutor_plan",
    model=TutorPlan,
    noun="План",
    error=DomainError,
    moves=[
        Move(
            "submit",
            sources={Status.DRAFT, Status.RETURNED},
            target=Status.SUBMITTED,
            allowed=tutor_owns,
            forbidden="Отправляет план на согласование сам тьютор.",
            refusal="Отправить на согласование можно черновик или план, возвращённый на доработку.",
            action="tutor_plan.submit",
            notices=lambda plan, actor: [
                Notice(
                    holders(RoleKind.METHODIST, municipality_id=plan.municipality_id),
                    "community.tutor_plan.submitted",
                    f"{plan.tutor.short_name} отправил(а) на согласование план работы "
                    f"на {plan.academic_year} учебный год.",
                    plan.get_absolute_url(),
                )
            ],
        ),
        Move(
            "approve",
            sources={Status.SUBMITTED},
            target=Status.APPROVED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=REVIEWS,
            refusal="Утвердить можно только план, отправленный на согласование.",
            action="tutor_plan.approve",
            notices=_to_tutor(
                "Ваш план работы на {p.academic_year} учебный год утверждён.",
                "community.tutor_plan.approved",
            ),
        ),
        Move(
            "return",
            sources={Status.SUBMITTED},
            target=Status.RETURNED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=REVIEWS,
            refusal="Вернуть на доработку можно только план, отправленный на согласование.",
            action="tutor_plan.return",
            notices=_to_tutor(
                "Ваш план работы на {p.academic_year} учебный год возвращён на доработку: "
                "{p.reviewer_comment}",
                "community.tutor_plan.returned",
            ),
        ),
    ],
)
TUTOR_PLAN_EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


def tutor_plan_can_edit(plan: TutorPlan) -> bool:
    return plan.status in TUTOR_PLAN_EDITABLE


def tutor_plan_locked_message(plan: TutorPlan) -> str:
    if plan.status == Status.SUBMITTED:
        return (
            "План на согласовании у методиста и не меняется, пока методист его не утвердит "
            "или не вернёт на доработку."
        )
    return "План утверждён методистом и больше не меняется."


def _editable_tutor_plan(plan: TutorPlan) -> TutorPlan:
    plan = _locked(plan)
    if plan.status not in TUTOR_PLAN_EDITABLE:
        raise DomainError(tutor_plan_locked_message(plan))
    return plan


@transaction.atomic
def tutor_plan_create(
    *, actor: User, municipality: Municipality, academic_year: AcademicYear
) -> TutorPlan:
    """A tutor drafts their own plan: one per municipality and academic year."""
    plan = _create_once(
        TutorPlan,
        f"Ваш план работы на {academic_year} учебный год уже есть: откройте его из списка.",
        unique={"tutor": actor, "municipality": municipality, "academic_year": academic_year},
    )
    audit_record(actor=actor, action="tutor_plan.create", obj=plan)
    return plan


@transaction.atomic
def tutor_plan_item_add(*, actor: User, plan: TutorPlan, **fields) -> TutorPlanItem:
    plan = _editable_tutor_plan(plan)
    item = TutorPlanItem.objects.create(
        plan=plan,
        position=_next_position(plan.items, fields["activity"]),
        **{name: fields[name] for name in TUTOR_PLAN_ITEM_FIELDS},
    )
    audit_record(
        actor=actor,
        action="tutor_plan.item_add",
        obj=plan,
        changes={"activity": item.activity, "content": _excerpt(item.content)},
    )
    return item


@transaction.atomic
def tutor_plan_item_update(*, actor: User, item: TutorPlanItem, **fields) -> TutorPlanItem:
    plan = _editable_tutor_plan(item.plan)
    moved = fields["activity"] != item.activity
    changes = _apply(item, fields, TUTOR_PLAN_ITEM_FIELDS)
    if moved:
        item.position = _next_position(plan.items, item.activity)
    item.save()
    audit_record(
        actor=actor, action="tutor_plan.item_update", obj=plan, changes={"item": item.pk, **changes}
    )
    return item


@transaction.atomic
def tutor_plan_item_remove(*, actor: User, item: TutorPlanItem) -> None:
    plan = _editable_tutor_plan(item.plan)
    content = _excerpt(item.content)
    item.delete()
    audit_record(
        actor=actor, action="tutor_plan.item_remove", obj=plan, changes={"content": content}
    )


@transaction.atomic
def tutor_plan_submit(*, actor: User, plan: TutorPlan) -> TutorPlan:
    plan = TUTOR_PLAN.start(actor, plan, "submit")
    old, count = plan.status, plan.items.count()
    if not count:
        raise DomainError("В плане нет ни одного пункта: отправлять на согласование нечего.")
    plan.submitted_at = timezone.now()
    return TUTOR_PLAN.finish(
        actor,
        plan,
        "submit",
        fields=["submitted_at"],
        changes={"status": [old, Status.SUBMITTED], "items": count},
    )


@transaction.atomic
def tutor_plan_approve(*, actor: User, plan: TutorPlan) -> TutorPlan:
    plan = TUTOR_PLAN.start(actor, plan, "approve")
    plan.approved_by, plan.approved_at = actor, timezone.now()
    return TUTOR_PLAN.finish(
        actor,
        plan,
        "approve",
        fields=["approved_by", "approved_at"],
        changes={"status": [Status.SUBMITTED, Status.APPROVED]},
    )


@transaction.atomic
def tutor_plan_return(*, actor: User, plan: TutorPlan, comment: str) -> TutorPlan:
    plan = TUTOR_PLAN.start(actor, plan, "return")
    if not comment.strip():
        raise DomainError("Напишите, что нужно доработать: тьютор увидит этот комментарий.")
    plan.reviewer_comment = comment.strip()
    return TUTOR_PLAN.finish(
        actor,
        plan,
        "return",
        fields=["reviewer_comment"],
        changes={"status": [Status.SUBMITTED, Status.RETURNED], "comment": plan.reviewer_comment},
    )
