"""Индивидуальные образовательные маршруты (ИОМ): a teacher and their assigned tutor draw up
the route, work through its steps with evidence and close it with a reflection. Each function
is one transaction with one audit entry.

Only the two of them change a route; the school and the methodist read it (see
`selectors.routes_for`)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from tutoring.access import Access, access_for
from tutoring.documents import document_request, get_kind
from tutoring.models import AcademicYear, Document, Role, RoleKind, User
from tutoring.services import audit_record
from tutoring.uploads import PORTFOLIO_TYPES, checked_upload, written_files
from tutoring.workflow import Move, Workflow

from ..models import (
    Assignment,
    DevelopmentRoute,
    DomainError,
    Material,
    RouteDifficulty,
    RouteStep,
)
from ..route_sources import offering_diagnosis

ROUTE_DOCUMENT = "community.route"
# Evidence of a step is a document (a certificate, a lesson plan) or a photo of one.
EVIDENCE_TYPES = PORTFOLIO_TYPES

Status = DevelopmentRoute.Status

CLOSED = (
    "Маршрут завершён и больше не меняется: его итоги подведены в рефлексии. "
    "Для нового учебного года составьте новый маршрут."
)
NOT_A_PARTICIPANT = (
    "Маршрут ведут учитель и закреплённый за ним тьютор; остальные видят его только для чтения."
)

STEP_FIELDS = ("kind", "title", "deadline", "material")


def keeps(access: Access, route: DevelopmentRoute) -> bool:
    """The route's own teacher and tutor are the ones who change it."""
    return access.user_id in (route.teacher_id, route.tutor_id)


ROUTE = Workflow(
    "community.route",
    model=DevelopmentRoute,
    noun="Маршрут",
    error=DomainError,
    moves=[
        Move(
            "start",
            sources={Status.DRAFT},
            target=Status.ACTIVE,
            allowed=keeps,
            forbidden=NOT_A_PARTICIPANT,
            refusal="Маршрут не начинается: начать выполнение можно только у маршрута, "
            "который составляется.",
            action="route.start",
        ),
        Move(
            "close",
            sources={Status.ACTIVE},
            target=Status.CLOSED,
            allowed=keeps,
            forbidden=NOT_A_PARTICIPANT,
            refusal="Маршрут не завершается: завершить можно только маршрут, который выполняется.",
            action="route.close",
        ),
    ],
)


def _locked(route: DevelopmentRoute) -> DevelopmentRoute:
    """The route again, locked until the transaction ends: two people acting on one route at
    once (the teacher marks a step done while the tutor closes the route) queue up."""
    return DevelopmentRoute.objects.select_for_update().get(pk=route.pk)


def _participant(route: DevelopmentRoute, actor: User) -> None:
    if not keeps(access_for(actor), route):
        raise DomainError(NOT_A_PARTICIPANT)


def _editable(route: DevelopmentRoute, actor: User) -> DevelopmentRoute:
    route = _locked(route)
    _participant(route, actor)
    if route.status == Status.CLOSED:
        raise DomainError(CLOSED)
    return route


def _excerpt(text: str) -> str:
    return text if len(text) <= 100 else text[:99] + "…"


def _day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def teacher_school(teacher: User, municipality_id: int):
    """The school where the teacher works in the municipality (the first, if several)."""
    role = (
        Role.objects.filter(user=teacher, kind=RoleKind.TEACHER, municipality=municipality_id)
        .select_related("organization")
        .order_by("pk")
        .first()
    )
    return role.organization if role else None


# Route -----------------------------------------------------------------------------------------


@transaction.atomic
def route_create(
    *,
    actor: User,
    teacher: User,
    tutor: User,
    academic_year: AcademicYear,
    topic: str,
    goals: str = "",
) -> DevelopmentRoute:
    """A draft route of `teacher` with `tutor`, started by either of them. The tutor must be
    assigned to the teacher for that year (seed 002, 8.2: the route is drawn up with the
    assigned tutor)."""
    if actor.pk not in (teacher.pk, tutor.pk):
        raise DomainError(
            "Маршрут составляют сам учитель и закреплённый за ним тьютор: выберите себя "
            "или своего тьюторанта."
        )
    assignment = Assignment.objects.filter(
        academic_year=academic_year, tutor=tutor, teacher=teacher
    ).first()
    if assignment is None:
        raise DomainError(
            f"{tutor.short_name} не закреплён(а) за учителем {teacher.short_name} на "
            f"{academic_year} учебный год: маршрут составляется с закреплённым тьютором. "
            "Закрепление оформляет методист."
        )
    school = teacher_school(teacher, assignment.municipality_id)
    if school is None:
        raise DomainError(
            f"{teacher.short_name} не значится учителем ни одной школы муниципалитета: "
            "маршрут составляется для учителя."
        )
    topic = topic.strip()
    if not topic:
        raise DomainError("Назовите тему маршрута.")
    duplicate = (
        f"У {teacher.short_name} уже есть маршрут «{topic}» на {academic_year} учебный год: "
        "откройте его из списка маршрутов или назовите новый иначе."
    )
    unique = {"academic_year": academic_year, "teacher": teacher, "topic": topic}
    if DevelopmentRoute.objects.filter(**unique).exists():
        raise DomainError(duplicate)
    try:
        # The unique constraint settles the teacher and the tutor saving the same topic at once.
        with transaction.atomic():
            route = DevelopmentRoute.objects.create(
                municipality_id=assignment.municipality_id,
                organization=school,
                tutor=tutor,
                goals=goals.strip(),
                created_by=actor,
                **unique,
            )
    except IntegrityError:
        raise DomainError(duplicate) from None
    audit_record(
        actor=actor,
        action="route.create",
        obj=route,
        changes={"teacher": teacher.full_name, "tutor": tutor.full_name, "topic": topic},
    )
    return route


@transaction.atomic
def route_update(*, actor: User, route: DevelopmentRoute, topic: str, goals: str):
    route = _editable(route, actor)
    topic, goals = topic.strip(), goals.strip()
    if not topic:
        raise DomainError("Назовите тему маршрута.")
    if (
        DevelopmentRoute.objects.filter(
            academic_year=route.academic_year_id, teacher=route.teacher_id, topic=topic
        )
        .exclude(pk=route.pk)
        .exists()
    ):
        raise DomainError(
            f"Маршрут «{topic}» на этот учебный год у учителя уже есть: назовите тему иначе."
        )
    changes = {}
    for name, value in (("topic", topic), ("goals", goals)):
        if getattr(route, name) != value:
            changes[name] = [_excerpt(getattr(route, name)), _excerpt(value)]
            setattr(route, name, value)
    route.save(update_fields=["topic", "goals"])
    audit_record(actor=actor, action="route.update", obj=route, changes=changes)
    return route


@transaction.atomic
def route_start(*, actor: User, route: DevelopmentRoute) -> DevelopmentRoute:
    """The route is drawn up: from now on its steps are done and evidenced."""
    route = ROUTE.start(actor, route, "start")
    steps = route.steps.count()
    if not steps:
        raise DomainError("В маршруте нет ни одного шага: добавьте шаги со сроками, затем начните.")
    return ROUTE.finish(actor, route, "start", changes={"steps": steps})


@transaction.atomic
def route_close(*, actor: User, route: DevelopmentRoute, reflection: str) -> DevelopmentRoute:
    """The year's route ends with the teacher's and tutor's reflection on what it gave."""
    route = ROUTE.start(actor, route, "close")
    reflection = reflection.strip()
    if not reflection:
        raise DomainError(
            "Напишите итоговую рефлексию: что удалось, что осталось и что дальше. "
            "Без неё маршрут не завершается."
        )
    route.reflection = reflection
    route.closed_at = timezone.now()
    done = route.steps.filter(done_at__isnull=False).count()
    return ROUTE.finish(
        actor,
        route,
        "close",
        fields=["reflection", "closed_at"],
        changes={"done": f"{done} из {route.steps.count()}", "reflection": _excerpt(reflection)},
    )


def route_print(*, actor: User, route: DevelopmentRoute) -> Document:
    """Ask for the PDF of the route as it stands now. A route is not a signed document: each
    request renders its current state again, replacing the previous file once the new one is
    stored."""
    with transaction.atomic():
        # The title follows the topic, which may have changed since the last print.
        Document.objects.filter(kind=ROUTE_DOCUMENT, object_id=str(route.pk)).update(
            title=get_kind(ROUTE_DOCUMENT).title(route)[:300]
        )
        Document.objects.filter(
            kind=ROUTE_DOCUMENT, object_id=str(route.pk), status=Document.Status.READY
        ).update(status=Document.Status.PENDING, requested_at=timezone.now())
        return document_request(kind=ROUTE_DOCUMENT, obj=route, actor=actor)


# Difficulties ---------------------------------------------------------------------------------


@transaction.atomic
def difficulty_add(
    *, actor: User, route: DevelopmentRoute, source: str, text: str
) -> RouteDifficulty:
    route = _editable(route, actor)
    text = text.strip()
    if not text:
        raise DomainError("Опишите затруднение.")
    if source not in RouteDifficulty.Source.values:
        raise DomainError("Укажите, откуда известно о затруднении.")
    if route.difficulties.filter(text=text).exists():
        raise DomainError("Это затруднение уже есть в маршруте.")
    diagnosis = None
    if source == RouteDifficulty.Source.DIAGNOSIS:
        # A deficit the teacher's diagnosis offered: the diagnosis becomes the route's
        # evidence and stays as it is while the route works on it.
        diagnosis = offering_diagnosis(route.teacher, route.academic_year, text)
    last = route.difficulties.aggregate(last=Max("position"))["last"]
    difficulty = RouteDifficulty.objects.create(
        route=route,
        source=source,
        text=text,
        diagnosis=diagnosis,
        position=0 if last is None else last + 1,
    )
    audit_record(
        actor=actor,
        action="route.difficulty_add",
        obj=route,
        changes={"source": difficulty.get_source_display(), "text": _excerpt(text)},
    )
    return difficulty


@transaction.atomic
def difficulty_remove(*, actor: User, difficulty: RouteDifficulty) -> None:
    route = _editable(difficulty.route, actor)
    text = _excerpt(difficulty.text)
    difficulty.delete()
    audit_record(actor=actor, action="route.difficulty_remove", obj=route, changes={"text": text})


# Steps ----------------------------------------------------------------------------------------


def _check_step(route: DevelopmentRoute, *, deadline: date, material: Material | None) -> None:
    year = route.academic_year
    if not year.starts_on <= deadline <= year.ends_on:
        raise DomainError(
            f"Срок {_day(deadline)} — вне учебного года маршрута ({year}): укажите дату "
            f"с {_day(year.starts_on)} по {_day(year.ends_on)}."
        )
    if material is not None and (
        material.municipality_id != route.municipality_id
        or material.status != Material.Status.PUBLISHED
    ):
        raise DomainError(
            "Этот материал не опубликован в библиотеке муниципалитета: выберите другой."
        )


def _step_changes(step: RouteStep) -> dict:
    return {"title": _excerpt(step.title), "deadline": _day(step.deadline)}


@transaction.atomic
def step_add(
    *,
    actor: User,
    route: DevelopmentRoute,
    kind: str,
    title: str,
    deadline: date,
    material: Material | None = None,
) -> RouteStep:
    route = _editable(route, actor)
    _check_step(route, deadline=deadline, material=material)
    if not title.strip():
        raise DomainError("Напишите, что нужно сделать на этом шаге.")
    step = RouteStep.objects.create(
        route=route, kind=kind, title=title.strip(), deadline=deadline, material=material
    )
    audit_record(actor=actor, action="route.step_add", obj=route, changes=_step_changes(step))
    return step


def _undone(step: RouteStep, actor: User) -> tuple[DevelopmentRoute, RouteStep]:
    route = _editable(step.route, actor)
    step = RouteStep.objects.select_for_update().get(pk=step.pk)
    if step.is_done:
        raise DomainError(
            "Шаг уже выполнен, его подтверждение сохранено. Чтобы изменить шаг, сначала "
            "верните его в работу."
        )
    return route, step


@transaction.atomic
def step_update(
    *,
    actor: User,
    step: RouteStep,
    kind: str,
    title: str,
    deadline: date,
    material: Material | None = None,
) -> RouteStep:
    route, step = _undone(step, actor)
    _check_step(route, deadline=deadline, material=material)
    if not title.strip():
        raise DomainError("Напишите, что нужно сделать на этом шаге.")
    changes = {}
    fields = {"kind": kind, "title": title.strip(), "deadline": deadline, "material": material}
    for name in STEP_FIELDS:
        old, new = getattr(step, name), fields[name]
        if old != new:
            changes[name] = [str(old or ""), str(new or "")]
            setattr(step, name, new)
    step.save()
    audit_record(
        actor=actor, action="route.step_update", obj=route, changes={"step": step.pk, **changes}
    )
    return step


@transaction.atomic
def step_remove(*, actor: User, step: RouteStep) -> None:
    route, step = _undone(step, actor)
    changes = _step_changes(step)
    step.delete()
    audit_record(actor=actor, action="route.step_remove", obj=route, changes=changes)


def step_done(*, actor: User, step: RouteStep, evidence: str = "", evidence_file=None) -> RouteStep:
    """Mark a step done with its evidence: a text, a file (a document or an image, checked by
    its content) or both. A refused file leaves the step as it was."""
    evidence = evidence.strip()
    if not evidence and not evidence_file:
        raise DomainError(
            "Подтвердите выполнение: опишите, что сделано, или приложите файл "
            "(сертификат, разработку урока, фото)."
        )
    info = None
    if evidence_file:
        info = checked_upload(evidence_file, allowed=EVIDENCE_TYPES, refuse=DomainError)
    with written_files() as written, transaction.atomic():
        route = _locked(step.route)
        _participant(route, actor)
        if route.status != Status.ACTIVE:
            raise DomainError(
                CLOSED
                if route.status == Status.CLOSED
                else "Маршрут ещё составляется: отмечать шаги можно после того, как маршрут начат."
            )
        step = RouteStep.objects.select_for_update().get(pk=step.pk)
        if step.is_done:
            raise DomainError("Этот шаг уже отмечен выполненным.")
        step.route = route
        step.done_at = timezone.now()
        step.evidence = evidence
        if evidence_file:
            # Stored under the extension of what the content is, not of what it was called.
            step.evidence_file.save(f"evidence{info.extension}", evidence_file, save=False)
            written.append(step.evidence_file)
            step.evidence_name = evidence_file.name[:255]
        step.save()
        audit_record(
            actor=actor,
            action="route.step_done",
            obj=route,
            changes={
                "title": _excerpt(step.title),
                "evidence": _excerpt(evidence),
                "files": [step.evidence_name] if evidence_file else [],
            },
        )
    return step


@transaction.atomic
def step_reopen(*, actor: User, step: RouteStep) -> RouteStep:
    """Back to work: the evidence was wrong or not enough. The evidence is cleared (its file
    deleted once the change is saved), so that the step is evidenced afresh."""
    route = _locked(step.route)
    _participant(route, actor)
    if route.status != Status.ACTIVE:
        raise DomainError(CLOSED if route.status == Status.CLOSED else "Маршрут ещё не начат.")
    step = RouteStep.objects.select_for_update().get(pk=step.pk)
    if not step.is_done:
        raise DomainError("Шаг и так в работе.")
    old_file = step.evidence_file.name
    storage = step.evidence_file.storage
    changes = {"title": _excerpt(step.title), "evidence": _excerpt(step.evidence)}
    step.done_at = None
    step.evidence = ""
    step.evidence_file = ""
    step.evidence_name = ""
    step.save(update_fields=["done_at", "evidence", "evidence_file", "evidence_name"])
    if old_file:
        transaction.on_commit(lambda: storage.delete(old_file))
    audit_record(actor=actor, action="route.step_reopen", obj=route, changes=changes)
    return step
