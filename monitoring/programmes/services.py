"""State changes of a school's programmes, their measures and indicators. Each is one
transaction with one audit entry. The school drafts; the methodist agrees or returns; the
school's head approves, and the approved programme is printed and frozen."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutoring import documents
from tutoring.access import Access, access_for
from tutoring.models import (
    AcademicYear,
    Organization,
    RiskDirection,
    RoleKind,
    SchoolStatus,
    User,
)
from tutoring.services import audit_record
from tutoring.signatures import head_signature
from tutoring.workflow import Move, Notice, Workflow, holders, holds_in_municipality

from ..models import (
    DomainError,
    ExitRule,
    Indicator,
    Measure,
    ProgrammeExit,
    RiskLevel,
    RiskProfile,
    SchoolProgramme,
)
from ..profiles.services import school_staff
from . import indicators as readings
from . import selectors

DOCUMENT = "monitoring.programme"
Kind = SchoolProgramme.Kind
Status = SchoolProgramme.Status
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})
# The concept and the medium-term programme look three years ahead («500+» roadmaps plan the
# school's way out over two to three years); an antirisk programme is the year's.
YEARS_AHEAD = {Kind.CONCEPT: 3, Kind.MEDIUM_TERM: 3, Kind.ANTIRISK: 1}
PROGRAMME_RISKS = frozenset({RiskLevel.HIGH, RiskLevel.MEDIUM})
COMPUTED = frozenset(Indicator.Source.values) - {Indicator.Source.MANUAL}
VPR_SOURCES = frozenset({Indicator.Source.VPR_TWOS, Indicator.Source.VPR_CONFIRMED})


def drafts(access: Access, programme: SchoolProgramme) -> bool:
    return access.holds(RoleKind.SCHOOL, organization=programme.organization_id)


def span(programme: SchoolProgramme) -> tuple[datetime.date, datetime.date]:
    """The dates a programme's measures fall within."""
    year = programme.academic_year
    last = year.start_year + YEARS_AHEAD[programme.kind] - 1
    return year.starts_on, datetime.date(last + 1, 8, 31)


def _to_school(text: str, kind: str):
    def notices(programme: SchoolProgramme, actor: User) -> list[Notice]:
        return [
            Notice(
                school_staff(programme.organization_id),
                kind,
                text.format(p=programme),
                programme.get_absolute_url(),
            )
        ]

    return notices


METHODIST_AGREES = "Согласует и возвращает программу школы методист муниципалитета."
PROGRAMME = Workflow(
    "monitoring.programme",
    model=SchoolProgramme,
    noun="Программа",
    error=DomainError,
    moves=[
        Move(
            "submit",
            sources=EDITABLE,
            target=Status.SUBMITTED,
            allowed=drafts,
            forbidden="Отправляет программу на согласование сама школа.",
            refusal="Отправить на согласование можно черновик или программу, возвращённую на "
            "доработку.",
            action="programme.submit",
            notices=lambda programme, actor: [
                Notice(
                    holders(RoleKind.METHODIST, municipality_id=programme.municipality_id),
                    "monitoring.programme.submitted",
                    f"{programme.organization.short_name} отправила на согласование: {programme}.",
                    programme.get_absolute_url(),
                )
            ],
        ),
        Move(
            "agree",
            sources={Status.SUBMITTED},
            target=Status.AGREED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_AGREES,
            refusal="Согласовать можно только программу, отправленную на согласование.",
            action="programme.agree",
            notices=_to_school(
                "Программа согласована методистом: {p}. Её может утвердить руководитель школы.",
                "monitoring.programme.agreed",
            ),
        ),
        Move(
            "return",
            sources={Status.SUBMITTED, Status.AGREED},
            target=Status.RETURNED,
            allowed=holds_in_municipality(RoleKind.METHODIST),
            forbidden=METHODIST_AGREES,
            refusal="Вернуть на доработку можно программу на согласовании или согласованную.",
            action="programme.return",
            notices=_to_school(
                "Программа возвращена на доработку: {p}. {p.reviewer_comment}",
                "monitoring.programme.returned",
            ),
        ),
        Move(
            "approve",
            sources={Status.AGREED},
            target=Status.APPROVED,
            allowed=drafts,
            forbidden="Программу утверждает руководитель школы (в портале — пользователь школы).",
            refusal="Утвердить можно только программу, согласованную методистом.",
            action="programme.approve",
        ),
    ],
)


def locked_message(programme: SchoolProgramme) -> str:
    if programme.status == Status.SUBMITTED:
        return "Программа на согласовании у методиста и не меняется."
    if programme.status == Status.AGREED:
        return "Программа согласована и ждёт утверждения руководителем школы; она не меняется."
    return "Программа утверждена и больше не меняется: чтобы изменить её, составьте новую редакцию."


def _editable(actor: User | None, programme: SchoolProgramme) -> SchoolProgramme:
    programme = (
        SchoolProgramme.objects.select_for_update()
        .select_related("academic_year", "organization")
        .get(pk=programme.pk)
    )
    if actor is not None and not drafts(access_for(actor), programme):
        raise DomainError("Программу составляет и меняет сама школа.")
    if programme.status not in EDITABLE:
        raise DomainError(locked_message(programme))
    return programme


@transaction.atomic
def programme_create(
    *,
    actor: User | None,
    organization: Organization,
    academic_year: AcademicYear,
    kind: str,
    direction: RiskDirection | None = None,
) -> SchoolProgramme:
    """A school in the programme starts a document of the year. An antirisk programme is
    written for a direction its agreed risk profile rates high or medium."""
    if actor is not None and not access_for(actor).holds(
        RoleKind.SCHOOL, organization=organization
    ):
        raise DomainError("Программу составляет сама школа.")
    if not organization.statuses.filter(academic_year=academic_year).exists():
        raise DomainError(
            f"Программы составляют школы в программе (ШНОР/ШССУ) на {academic_year} учебный "
            "год; эта школа в неё не включена."
        )
    if kind == Kind.ANTIRISK:
        profile = RiskProfile.objects.filter(
            organization=organization, academic_year=academic_year, status=RiskProfile.Status.AGREED
        ).first()
        rated = (
            profile is not None
            and direction is not None
            and profile.ratings.filter(direction=direction, level__in=PROGRAMME_RISKS).exists()
        )
        if not rated:
            raise DomainError(
                "Антирисковая программа пишется по направлению, которое согласованный рисковый "
                "профиль школы оценивает как высокий или средний риск."
            )
    else:
        direction = None
    taken = "Такая программа на этот учебный год уже есть: откройте её из списка."
    exists = SchoolProgramme.objects.filter(
        organization=organization, academic_year=academic_year, kind=kind, direction=direction
    )
    if exists.exists():
        raise DomainError(taken)
    try:
        with transaction.atomic():
            programme = SchoolProgramme.objects.create(
                municipality_id=organization.municipality_id,
                academic_year=academic_year,
                organization=organization,
                kind=kind,
                direction=direction,
                created_by=actor,
            )
    except IntegrityError:
        raise DomainError(taken) from None
    audit_record(actor=actor, action="programme.create", obj=programme)
    return programme


TEXT_FIELDS = ("goal", "tasks", "text")


@transaction.atomic
def programme_update(
    *, actor: User | None, programme: SchoolProgramme, goal: str, tasks: str, text: str
) -> SchoolProgramme:
    programme = _editable(actor, programme)
    new = {"goal": goal.strip(), "tasks": tasks.strip(), "text": text.strip()}
    changed = [name for name in TEXT_FIELDS if getattr(programme, name) != new[name]]
    if not changed:
        return programme
    for name in changed:
        setattr(programme, name, new[name])
    programme.save(update_fields=changed)
    audit_record(
        actor=actor,
        action="programme.update",
        obj=programme,
        changes={
            "fields": [SchoolProgramme._meta.get_field(name).verbose_name for name in changed]
        },
    )
    return programme


# Measures.

TIES = ("assignment", "series", "session", "event", "route", "case")
MEASURE_FIELDS = ("title", "starts_on", "ends_on", "responsible", "expected_result")


def _check_measure(programme: SchoolProgramme, fields: dict) -> None:
    """Every problem of a measure at once, each at its field."""
    problems = {}
    if not fields["title"].strip():
        problems["title"] = "Напишите, что будет сделано."
    if not fields["responsible"].strip():
        problems["responsible"] = "Укажите ответственного: кто отвечает за мероприятие."
    first, last = span(programme)
    starts, ends = fields["starts_on"], fields["ends_on"]
    years = f"{first:%d.%m.%Y} – {last:%d.%m.%Y}"
    if starts is None:
        problems["starts_on"] = "Укажите дату начала."
    elif not first <= starts <= last:
        problems["starts_on"] = f"Дата начала вне срока программы ({years})."
    if ends is None:
        problems["ends_on"] = "Укажите срок выполнения."
    elif not first <= ends <= last:
        problems["ends_on"] = f"Срок вне срока программы ({years})."
    elif starts is not None and ends < starts:
        problems["ends_on"] = "Срок выполнения раньше даты начала."
    tied = [name for name in TIES if fields.get(name) is not None]
    if len(tied) > 1:
        problems["assignment"] = (
            "Выберите что-то одно, чем выполняется мероприятие: закрепление, серию, занятие, "
            "мероприятие сообщества, маршрут или экспертизу."
        )
    elif tied and not selectors.tie_belongs(programme, tied[0], fields[tied[0]]):
        problems[tied[0]] = "Это не относится к школе программы."
    if problems:
        raise DomainError.of_fields(problems)


def _measure_values(fields: dict) -> dict:
    values = {name: fields.get(name) for name in (*MEASURE_FIELDS, *TIES)}
    values["title"] = values["title"].strip()
    values["responsible"] = values["responsible"].strip()
    values["expected_result"] = (values["expected_result"] or "").strip()
    return values


@transaction.atomic
def measure_add(*, actor: User | None, programme: SchoolProgramme, **fields) -> Measure:
    programme = _editable(actor, programme)
    _check_measure(programme, fields)
    last = programme.measures.order_by("-position").first()
    measure = Measure.objects.create(
        programme=programme,
        position=(last.position + 1) if last else 1,
        **_measure_values(fields),
    )
    audit_record(
        actor=actor,
        action="programme.measure_add",
        obj=programme,
        changes={"measure": measure.title[:200]},
    )
    return measure


@transaction.atomic
def measure_update(*, actor: User | None, measure: Measure, **fields) -> Measure:
    programme = _editable(actor, measure.programme)
    _check_measure(programme, fields)
    for name, value in _measure_values(fields).items():
        setattr(measure, name, value)
    measure.save()
    audit_record(
        actor=actor,
        action="programme.measure_update",
        obj=programme,
        changes={"measure": measure.title[:200]},
    )
    return measure


@transaction.atomic
def measure_remove(*, actor: User | None, measure: Measure) -> None:
    programme = _editable(actor, measure.programme)
    title = measure.title[:200]
    measure.delete()
    audit_record(
        actor=actor, action="programme.measure_remove", obj=programme, changes={"measure": title}
    )


@transaction.atomic
def measure_mark_done(
    *, actor: User | None, measure: Measure, done_on: datetime.date | None
) -> Measure:
    """The school notes that a measure was done (or takes the note back): also in an approved
    programme, whose text no longer changes but whose work goes on."""
    measure = Measure.objects.select_for_update().select_related("programme").get(pk=measure.pk)
    programme = measure.programme
    if actor is not None and not drafts(access_for(actor), programme):
        raise DomainError("Выполнение мероприятия отмечает школа.")
    if programme.status == Status.SUPERSEDED:
        raise DomainError("Эта редакция программы заменена новой: отмечайте выполнение в ней.")
    if done_on is not None and done_on > timezone.localdate():
        raise DomainError.of_fields({"done_on": "Дата выполнения не может быть в будущем."})
    if done_on == measure.done_on:
        return measure
    measure.done_on = done_on
    measure.save(update_fields=["done_on"])
    changes = {"measure": measure.title[:200]}
    if done_on:
        changes["date"] = done_on.isoformat()
    audit_record(
        actor=actor,
        action="programme.measure_done" if done_on else "programme.measure_undone",
        obj=programme,
        changes=changes,
    )
    return measure


# Indicators.

INDICATOR_FIELDS = (
    "title",
    "source",
    "subject",
    "grade",
    "baseline",
    "target",
    "value",
    "evidence",
)


def _check_indicator(programme: SchoolProgramme, fields: dict) -> dict:
    """The indicator's values, or every problem at its field. A computed indicator's baseline
    is the portal's own when the school leaves it empty."""
    problems = {}
    values = {name: fields.get(name) for name in INDICATOR_FIELDS}
    values["title"] = (values["title"] or "").strip()
    values["evidence"] = (values["evidence"] or "").strip()
    source = values["source"]
    if not values["title"]:
        problems["title"] = "Назовите показатель."
    if source in VPR_SOURCES:
        if values["subject"] is None:
            problems["subject"] = "Выберите предмет работы ВПР."
        if values["grade"] is None:
            problems["grade"] = "Укажите класс работы ВПР."
    else:
        values["subject"] = values["grade"] = None
    values["baseline_year"], values["baseline_note"] = None, ""
    if source in COMPUTED and not problems:
        found = readings.baseline(
            source,
            school=programme.organization,
            academic_year=programme.academic_year,
            subject=values["subject"],
            grade=values["grade"],
        )
        if values["baseline"] is None and found.value is not None:
            values["baseline"] = found.value
        if values["baseline"] == found.value:
            values["baseline_year"], values["baseline_note"] = found.year, found.period
    if values["baseline"] is None and "baseline" not in problems:
        problems["baseline"] = (
            "Укажите базовое значение: с чего программа начинает. У портала нет данных, из "
            "которых его посчитать."
            if source in COMPUTED
            else "Укажите базовое значение: с чего программа начинает."
        )
    if values["target"] is None:
        problems["target"] = "Укажите целевое значение: чего программа добивается."
    if source == Indicator.Source.MANUAL:
        if values["value"] is not None and not values["evidence"]:
            problems["evidence"] = "Напишите, чем подтверждается текущее значение."
    else:
        values["value"], values["evidence"] = None, ""
    if problems:
        raise DomainError.of_fields(problems)
    return values


@transaction.atomic
def indicator_add(*, actor: User | None, programme: SchoolProgramme, **fields) -> Indicator:
    programme = _editable(actor, programme)
    values = _check_indicator(programme, fields)
    last = programme.indicators.order_by("-position").first()
    indicator = Indicator.objects.create(
        programme=programme, position=(last.position + 1) if last else 1, **values
    )
    audit_record(
        actor=actor,
        action="programme.indicator_add",
        obj=programme,
        changes={"indicator": indicator.title},
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor: User | None, indicator: Indicator, **fields) -> Indicator:
    programme = _editable(actor, indicator.programme)
    for name, value in _check_indicator(programme, fields).items():
        setattr(indicator, name, value)
    indicator.save()
    audit_record(
        actor=actor,
        action="programme.indicator_update",
        obj=programme,
        changes={"indicator": indicator.title},
    )
    return indicator


@transaction.atomic
def indicator_remove(*, actor: User | None, indicator: Indicator) -> None:
    programme = _editable(actor, indicator.programme)
    title = indicator.title
    indicator.delete()
    audit_record(
        actor=actor,
        action="programme.indicator_remove",
        obj=programme,
        changes={"indicator": title},
    )


@transaction.atomic
def indicator_value_set(
    *, actor: User | None, indicator: Indicator, value: Decimal | None, evidence: str
) -> Indicator:
    """The school's own indicator moves as the school reports it, with what shows it: also
    in an approved programme."""
    indicator = (
        Indicator.objects.select_for_update().select_related("programme").get(pk=indicator.pk)
    )
    programme = indicator.programme
    if actor is not None and not drafts(access_for(actor), programme):
        raise DomainError("Значение показателя вносит школа.")
    if indicator.source != Indicator.Source.MANUAL:
        raise DomainError("Этот показатель портал считает сам по своим данным.")
    evidence = evidence.strip()
    if value is not None and not evidence:
        raise DomainError.of_fields({"evidence": "Напишите, чем подтверждается значение."})
    old = indicator.value
    indicator.value, indicator.evidence = value, evidence
    indicator.save(update_fields=["value", "evidence"])
    audit_record(
        actor=actor,
        action="programme.indicator_value",
        obj=programme,
        changes={"indicator": indicator.title, "value": [str(old or "—"), str(value or "—")]},
    )
    return indicator


# Moves.


@transaction.atomic
def programme_submit(*, actor: User | None, programme: SchoolProgramme) -> SchoolProgramme:
    programme = PROGRAMME.start(actor, programme, "submit")
    old = programme.status
    problems = []
    if not programme.goal.strip():
        problems.append("не указана цель")
    if programme.kind != Kind.CONCEPT and not programme.measures.exists():
        problems.append("нет ни одного мероприятия")
    if programme.kind == Kind.ANTIRISK and not programme.indicators.exists():
        problems.append("нет ни одного показателя")
    if programme.kind != Kind.ANTIRISK and not programme.text.strip():
        problems.append("не заполнено содержание")
    if problems:
        raise DomainError("Программа не отправлена: " + "; ".join(problems) + ".")
    programme.submitted_at = timezone.now()
    return PROGRAMME.finish(
        actor,
        programme,
        "submit",
        fields=["submitted_at"],
        changes={"status": [old, Status.SUBMITTED]},
    )


@transaction.atomic
def programme_agree(*, actor: User | None, programme: SchoolProgramme) -> SchoolProgramme:
    programme = PROGRAMME.start(actor, programme, "agree")
    programme.agreed_by, programme.agreed_at = actor, timezone.now()
    return PROGRAMME.finish(
        actor,
        programme,
        "agree",
        fields=["agreed_by", "agreed_at"],
        changes={"status": [Status.SUBMITTED, Status.AGREED]},
    )


@transaction.atomic
def programme_return(
    *, actor: User | None, programme: SchoolProgramme, comment: str
) -> SchoolProgramme:
    programme = PROGRAMME.start(actor, programme, "return")
    if not comment.strip():
        raise DomainError("Напишите, что нужно доработать: школа увидит этот комментарий.")
    old = programme.status
    programme.reviewer_comment = comment.strip()
    programme.agreed_by, programme.agreed_at = None, None
    return PROGRAMME.finish(
        actor,
        programme,
        "return",
        fields=["reviewer_comment", "agreed_by", "agreed_at"],
        changes={"status": [old, Status.RETURNED], "comment": programme.reviewer_comment},
    )


@transaction.atomic
def programme_approve(*, actor: User | None, programme: SchoolProgramme) -> SchoolProgramme:
    """The head approves: the grif takes that day's head of the school, the content is kept as
    it is, the previous version gives way, and the PDF is rendered once."""
    programme = PROGRAMME.start(
        actor,
        programme,
        "approve",
        # Only the rows every programme has: FOR UPDATE refuses the nullable side of a join.
        queryset=SchoolProgramme.objects.select_related(
            "organization", "municipality", "academic_year"
        ),
    )
    programme.approved_at = timezone.now()
    day = timezone.localtime(programme.approved_at, programme.municipality.tzinfo).date()
    head = head_signature(programme.organization, day)
    if not head:
        raise DomainError(
            "Не указан руководитель школы: методист вносит его в карточку организации, и "
            "программу можно будет утвердить."
        )
    programme.approved_by_head = f"{head.position}\n{head.name}"
    programme.snapshot = selectors.snapshot(programme, head=head.as_dict(), day=day)
    PROGRAMME.finish(
        actor,
        programme,
        "approve",
        fields=["approved_at", "approved_by_head", "snapshot"],
        changes={"status": [Status.AGREED, Status.APPROVED], "head": head.name},
    )
    if programme.previous_id:
        SchoolProgramme.objects.filter(pk=programme.previous_id).update(status=Status.SUPERSEDED)
    documents.document_request(kind=DOCUMENT, obj=programme, actor=actor)
    return programme


@transaction.atomic
def programme_revise(*, actor: User | None, programme: SchoolProgramme) -> SchoolProgramme:
    """A new version of an approved programme, a draft with its text, measures and
    indicators, for the school to change and approve again; the approved one stays in force
    until then."""
    programme = SchoolProgramme.objects.select_for_update().get(pk=programme.pk)
    if actor is not None and not drafts(access_for(actor), programme):
        raise DomainError("Новую редакцию программы составляет школа.")
    if programme.status != Status.APPROVED:
        raise DomainError("Новую редакцию составляют к утверждённой программе.")
    if SchoolProgramme.objects.filter(previous=programme).exists():
        raise DomainError("Новая редакция этой программы уже составляется: откройте её.")
    revision = SchoolProgramme.objects.create(
        municipality_id=programme.municipality_id,
        academic_year_id=programme.academic_year_id,
        organization_id=programme.organization_id,
        kind=programme.kind,
        direction_id=programme.direction_id,
        version=programme.version + 1,
        previous=programme,
        goal=programme.goal,
        tasks=programme.tasks,
        text=programme.text,
        created_by=actor,
    )
    measures = list(programme.measures.all())
    for measure in measures:
        measure.pk, measure.programme = None, revision
    Measure.objects.bulk_create(measures)
    indicators = list(programme.indicators.all())
    for indicator in indicators:
        indicator.pk, indicator.programme = None, revision
    Indicator.objects.bulk_create(indicators)
    audit_record(
        actor=actor,
        action="programme.revise",
        obj=revision,
        changes={"version": revision.version},
    )
    return revision


# Leaving the list.


def _methodist_of(actor: User | None, municipality_id: int, message: str) -> None:
    if actor is not None and not access_for(actor).holds(
        RoleKind.METHODIST, municipality=municipality_id
    ):
        raise DomainError(message)


@transaction.atomic
def exit_rule_set(
    *, actor: User | None, municipality, years: int, confirmed_min: Decimal
) -> ExitRule:
    """The municipality states when a school leaves the list."""
    _methodist_of(actor, municipality.pk, "Правило выхода из списка задаёт методист.")
    problems = {}
    if not 1 <= years <= 5:
        problems["years"] = "Укажите от 1 до 5 лет подряд."
    if not Decimal(0) <= confirmed_min <= Decimal(100):
        problems["confirmed_min"] = "Доля — от 0 до 100 %."
    if problems:
        raise DomainError.of_fields(problems)
    rule, _created = ExitRule.objects.select_for_update().get_or_create(municipality=municipality)
    changes = {}
    if rule.years != years:
        changes["years"] = [rule.years, years]
    if rule.confirmed_min != confirmed_min:
        changes["confirmed_min"] = [str(rule.confirmed_min), str(confirmed_min)]
    rule.years, rule.confirmed_min, rule.updated_by = years, confirmed_min, actor
    rule.save()
    audit_record(actor=actor, action="exit_rule.update", obj=rule, changes=changes)
    return rule


@transaction.atomic
def programme_exit_confirm(
    *, actor: User | None, organization: Organization, academic_year: AcademicYear
) -> ProgrammeExit:
    """The methodist confirms what the portal proposes: the school leaves the list after the
    year, and the status it already has for the next year is taken off."""
    from . import exit as exits

    _methodist_of(
        actor, organization.municipality_id, "Выход школы из списка подтверждает методист."
    )
    if ProgrammeExit.objects.filter(
        organization=organization, academic_year=academic_year
    ).exists():
        raise DomainError("Выход этой школы из списка уже подтверждён.")
    _years, rows = exits.exit_rows(organization.municipality, academic_year)
    row = next((row for row in rows if row.school.pk == organization.pk), None)
    if row is None:
        raise DomainError(f"Школа не в программе на {academic_year} учебный год.")
    if not row.meets:
        raise DomainError("Школа не выполняет правило выхода из списка: " + row.summary + ".")
    try:
        with transaction.atomic():
            done = ProgrammeExit.objects.create(
                municipality_id=organization.municipality_id,
                organization=organization,
                academic_year=academic_year,
                reasons=row.summary,
                confirmed_by=actor,
            )
    except IntegrityError:
        raise DomainError("Выход этой школы из списка уже подтверждён.") from None
    removed = exits.next_statuses([organization.pk], academic_year).get(organization.pk, [])
    labels = [status.get_kind_display() for status in removed]
    SchoolStatus.objects.filter(pk__in=[status.pk for status in removed]).delete()
    audit_record(
        actor=actor,
        action="programme.exit",
        obj=done,
        changes={"reasons": row.summary, "removed": ", ".join(labels) or "—"},
    )
    return done
