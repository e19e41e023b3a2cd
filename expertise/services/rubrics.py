"""Rubrics: the defaults a municipality starts with, and new editions edited by methodists.
A rubric that cases were reviewed against is never edited in place: scores and conclusions
refer to its criteria."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tutoring.models import Municipality, User
from tutoring.services import audit_record

from ..default_rubrics import DEFAULT_RUBRICS
from ..models import CaseKind, Criterion, DomainError, Rubric

RUBRIC_FIELDS = ("title", "description", "upper", "lower")
CRITERION_FIELDS = ("title", "guidance", "max_score", "required")


def _create_default(municipality: Municipality, kind: str) -> Rubric:
    data = DEFAULT_RUBRICS[kind]
    rubric = Rubric.objects.create(
        municipality=municipality,
        kind=kind,
        title=data["title"],
        description=data.get("description", ""),
        upper=data["upper"],
        lower=data["lower"],
        status=Rubric.Status.ACTIVE,
        activated_at=timezone.now(),
    )
    Criterion.objects.bulk_create(
        Criterion(
            rubric=rubric,
            number=number,
            title=item["title"],
            guidance=item.get("guidance", ""),
            max_score=item["max_score"],
            required=item.get("required", False),
        )
        for number, item in enumerate(data["criteria"], start=1)
    )
    return rubric


@transaction.atomic
def rubrics_install_defaults(*, actor: User | None, municipality: Municipality) -> list[Rubric]:
    """Give a municipality the default rubric of every kind it has none of yet."""
    # The municipality row is the lock: two first cases of a kind must not install two rubrics.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    present = set(Rubric.objects.filter(municipality=municipality).values_list("kind", flat=True))
    created = [
        _create_default(municipality, kind) for kind in CaseKind.values if kind not in present
    ]
    if created:
        audit_record(
            actor=actor,
            action="rubric.install",
            obj=municipality,
            changes={"kinds": [rubric.kind for rubric in created]},
        )
    return created


def active_rubric(municipality: Municipality, kind: str) -> Rubric:
    """The rubric a new case of `kind` is reviewed against; the defaults are installed the
    first time a municipality needs one."""
    rubric = Rubric.objects.filter(
        municipality=municipality, kind=kind, status=Rubric.Status.ACTIVE
    ).first()
    if rubric is None:
        rubrics_install_defaults(actor=None, municipality=municipality)
        rubric = Rubric.objects.filter(
            municipality=municipality, kind=kind, status=Rubric.Status.ACTIVE
        ).first()
    if rubric is None:
        raise DomainError(
            "Для этого вида экспертизы нет действующего набора критериев. Обратитесь к методисту."
        )
    return rubric


def _editable(rubric: Rubric) -> Rubric:
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if not rubric.is_draft:
        raise DomainError(
            "Действующий набор критериев не меняется: по нему уже оценивают. "
            "Создайте новую редакцию."
        )
    return rubric


@transaction.atomic
def rubric_new_edition(*, actor: User, rubric: Rubric) -> Rubric:
    """A draft copy of a rubric, to edit and then bring into force instead of it."""
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    draft = Rubric.objects.filter(
        municipality=rubric.municipality, kind=rubric.kind, status=Rubric.Status.DRAFT
    ).first()
    if draft is not None:
        raise DomainError(f"Черновик новой редакции уже есть: «{draft}». Продолжите его.")
    latest = Rubric.objects.filter(municipality=rubric.municipality, kind=rubric.kind).aggregate(
        edition=Max("edition")
    )["edition"]
    copy = Rubric.objects.create(
        municipality=rubric.municipality,
        kind=rubric.kind,
        edition=latest + 1,
        status=Rubric.Status.DRAFT,
        **{name: getattr(rubric, name) for name in RUBRIC_FIELDS},
    )
    Criterion.objects.bulk_create(
        Criterion(rubric=copy, number=c.number, **{n: getattr(c, n) for n in CRITERION_FIELDS})
        for c in rubric.criteria.all()
    )
    audit_record(
        actor=actor, action="rubric.new_edition", obj=copy, changes={"from": rubric.edition}
    )
    return copy


def _check_thresholds(upper: int, lower: int) -> None:
    if lower > upper:
        raise DomainError("Нижний порог не может быть выше верхнего.")


@transaction.atomic
def rubric_update(*, actor: User, rubric: Rubric, **fields) -> Rubric:
    rubric = _editable(rubric)
    _check_thresholds(fields["upper"], fields["lower"])
    changes = {}
    for name in RUBRIC_FIELDS:
        if getattr(rubric, name) != fields[name]:
            changes[name] = [str(getattr(rubric, name)), str(fields[name])]
            setattr(rubric, name, fields[name])
    rubric.save()
    audit_record(actor=actor, action="rubric.update", obj=rubric, changes=changes)
    return rubric


@transaction.atomic
def criterion_add(*, actor: User, rubric: Rubric, **fields) -> Criterion:
    rubric = _editable(rubric)
    number = (rubric.criteria.aggregate(n=Max("number"))["n"] or 0) + 1
    criterion = Criterion.objects.create(rubric=rubric, number=number, **fields)
    audit_record(
        actor=actor,
        action="criterion.add",
        obj=rubric,
        changes={"number": number, "title": criterion.title},
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, **fields) -> Criterion:
    _editable(criterion.rubric)
    changes = {}
    for name in CRITERION_FIELDS:
        if getattr(criterion, name) != fields[name]:
            changes[name] = [str(getattr(criterion, name)), str(fields[name])]
            setattr(criterion, name, fields[name])
    criterion.save()
    audit_record(
        actor=actor,
        action="criterion.update",
        obj=criterion.rubric,
        changes={"number": criterion.number, **changes},
    )
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User, criterion: Criterion) -> None:
    rubric = _editable(criterion.rubric)
    number, title = criterion.number, criterion.title
    criterion.delete()
    # Numbers stay a sequence 1..n: the conclusion refers to criteria by them.
    for position, remaining in enumerate(rubric.criteria.order_by("number"), start=1):
        if remaining.number != position:
            Criterion.objects.filter(pk=remaining.pk).update(number=position)
    audit_record(
        actor=actor,
        action="criterion.remove",
        obj=rubric,
        changes={"number": number, "title": title},
    )


@transaction.atomic
def rubric_activate(*, actor: User, rubric: Rubric) -> Rubric:
    """Bring a draft into force; the edition in force so far is retired (its cases keep it)."""
    rubric = _editable(rubric)
    if not rubric.criteria.exists():
        raise DomainError("Добавьте хотя бы один критерий.")
    retired = Rubric.objects.filter(
        municipality=rubric.municipality, kind=rubric.kind, status=Rubric.Status.ACTIVE
    ).update(status=Rubric.Status.RETIRED)
    rubric.status = Rubric.Status.ACTIVE
    rubric.activated_at = timezone.now()
    rubric.save(update_fields=["status", "activated_at"])
    audit_record(
        actor=actor,
        action="rubric.activate",
        obj=rubric,
        changes={"edition": rubric.edition, "retired": retired},
    )
    return rubric


@transaction.atomic
def rubric_discard(*, actor: User, rubric: Rubric) -> None:
    rubric = _editable(rubric)
    audit_record(
        actor=actor, action="rubric.discard", obj=rubric, changes={"edition": rubric.edition}
    )
    rubric.delete()
