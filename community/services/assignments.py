"""Закрепление тьюторов за учителями and mentoring pairs «учитель — учитель» (the Ministry's
target model of mentoring, Р-145). Each function is one transaction with one audit entry.

A methodist assigns tutors and makes pairs across the municipality; a school makes pairs of
its own teachers. A pair ends with its result, written by whoever may make it."""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tutoring.access import Access, access_for
from tutoring.models import AcademicYear, Municipality, Role, RoleKind, User
from tutoring.services import audit_record

from ..models import Assignment, DomainError

Kind = Assignment.Kind


def _holds(person: User, kind: str, municipality: Municipality) -> bool:
    return Role.objects.filter(user=person, kind=kind, municipality=municipality).exists()


@transaction.atomic
def assignment_create(
    *,
    actor: User,
    municipality: Municipality,
    academic_year: AcademicYear,
    tutor: User,
    teacher: User,
) -> Assignment:
    if tutor.pk == teacher.pk:
        raise DomainError("Тьютора нельзя закрепить за самим собой: выберите другого учителя.")
    if not _holds(tutor, RoleKind.TUTOR, municipality):
        raise DomainError(
            f"{tutor.short_name} не входит в сообщество тьюторов ({municipality}): "
            "закрепить можно только тьютора этого муниципалитета."
        )
    if not _holds(teacher, RoleKind.TEACHER, municipality):
        raise DomainError(
            f"{teacher.short_name} не работает учителем в школах муниципалитета ({municipality}): "
            "тьюторантом может быть только учитель этого муниципалитета."
        )
    duplicate = (
        f"{tutor.short_name} уже закреплён(а) за учителем {teacher.short_name} "
        f"на {academic_year} учебный год."
    )
    fields = {"academic_year": academic_year, "tutor": tutor, "teacher": teacher}
    if Assignment.all_kinds.filter(**fields).exists():
        raise DomainError(duplicate)
    try:
        # The unique constraint settles two methodists saving the same pair at once.
        with transaction.atomic():
            assignment = Assignment.objects.create(
                municipality=municipality, created_by=actor, **fields
            )
    except IntegrityError:
        raise DomainError(duplicate) from None
    audit_record(
        actor=actor,
        action="assignment.create",
        obj=assignment,
        changes={"tutor": tutor.full_name, "teacher": teacher.full_name},
    )
    return assignment


def _schools_of(person_id: int) -> set[int]:
    return set(
        Role.objects.filter(user=person_id, kind=RoleKind.TEACHER).values_list(
            "organization", flat=True
        )
    )


def manages_pair(access: Access, pair: Assignment) -> bool:
    """A methodist of the pair's municipality, or the administration of the school where
    both the mentor and the mentee teach."""
    if access.holds(RoleKind.METHODIST, municipality=pair.municipality_id):
        return True
    schools = {r.organization_id for r in access.roles_of(RoleKind.SCHOOL)}
    return bool(schools & _schools_of(pair.tutor_id) & _schools_of(pair.teacher_id))


def may_delete(access: Access, assignment: Assignment) -> bool:
    """A tutor's assignment is taken back by the methodist; a pair, by whoever manages it,
    until it ends: its result is then the record of the year."""
    if assignment.is_mentoring:
        return not assignment.is_ended and manages_pair(access, assignment)
    return access.holds(RoleKind.METHODIST, municipality=assignment.municipality_id)


def _pair_problems(
    *, access: Access, municipality, mentor: User | None, mentee: User | None, programme: str
) -> dict[str, str]:
    problems = {}
    school_of = {r.organization_id for r in access.roles_of(RoleKind.SCHOOL)}
    by_methodist = access.holds(RoleKind.METHODIST, municipality=municipality)
    teaches = Q(kind=RoleKind.TEACHER) | Q(kind=RoleKind.TUTOR)
    if mentor is None:
        problems["mentor"] = "Выберите наставника."
    elif not Role.objects.filter(teaches, user=mentor, municipality=municipality).exists():
        problems["mentor"] = (
            f"{mentor.short_name} не работает в школах муниципалитета ({municipality}): "
            "наставником пары «учитель — учитель» может быть учитель этого муниципалитета."
        )
    elif not by_methodist and not school_of & _schools_of(mentor.pk):
        problems["mentor"] = (
            f"{mentor.short_name} не работает в вашей школе: школа составляет пары из своих "
            "учителей, пару с учителем другой школы составляет методист."
        )
    if mentee is None:
        problems["mentee"] = "Выберите наставляемого учителя."
    elif mentor is not None and mentee.pk == mentor.pk:
        problems["mentee"] = (
            "Наставник и наставляемый — один и тот же человек: выберите другого учителя."
        )
    elif not _holds(mentee, RoleKind.TEACHER, municipality):
        problems["mentee"] = (
            f"{mentee.short_name} не работает учителем в школах муниципалитета "
            f"({municipality}): наставляемым может быть только учитель этого муниципалитета."
        )
    elif not by_methodist and not school_of & _schools_of(mentee.pk):
        problems["mentee"] = (
            f"{mentee.short_name} не работает в вашей школе: школа составляет пары из своих "
            "учителей."
        )
    if not programme.strip():
        problems["programme"] = (
            "Опишите программу наставничества: над чем пара работает в этом учебном году."
        )
    return problems


@transaction.atomic
def pair_create(
    *,
    actor: User,
    municipality: Municipality,
    academic_year: AcademicYear,
    mentor: User | None,
    mentee: User | None,
    programme: str,
) -> Assignment:
    """A mentoring pair «учитель — учитель» for the academic year, with its programme."""
    access = access_for(actor)
    if not access.holds(RoleKind.METHODIST, municipality=municipality) and not any(
        r.municipality_id == municipality.pk for r in access.roles_of(RoleKind.SCHOOL)
    ):
        raise DomainError(
            "Наставнические пары составляют методист муниципалитета и администрация школы "
            "для своих учителей."
        )
    problems = _pair_problems(
        access=access,
        municipality=municipality,
        mentor=mentor,
        mentee=mentee,
        programme=programme,
    )
    fields = {"academic_year": academic_year, "tutor": mentor, "teacher": mentee}
    duplicate = (
        f"{mentor.short_name} уже сопровождает учителя {mentee.short_name} "
        f"в {academic_year} учебном году: второй пары тех же людей не бывает."
        if mentor and mentee
        else ""
    )
    if not problems and Assignment.all_kinds.filter(**fields).exists():
        problems["mentee"] = duplicate
    if problems:
        raise DomainError.of_fields(problems)
    try:
        # The unique constraint settles two people saving the same pair at once.
        with transaction.atomic():
            pair = Assignment.all_kinds.create(
                municipality=municipality,
                kind=Kind.MENTORING,
                programme=programme.strip(),
                created_by=actor,
                **fields,
            )
    except IntegrityError:
        raise DomainError.of_fields({"mentee": duplicate}) from None
    audit_record(
        actor=actor,
        action="assignment.pair_create",
        obj=pair,
        changes={
            "mentor": mentor.full_name,
            "mentee": mentee.full_name,
            "academic_year": str(academic_year),
            "programme": _excerpt(pair.programme),
        },
    )
    return pair


def _excerpt(text: str) -> str:
    return text if len(text) <= 100 else text[:99] + "…"


@transaction.atomic
def pair_end(*, actor: User, pair: Assignment, result: str) -> Assignment:
    """The pair's year is over: its result is written and the pair no longer changes."""
    pair = Assignment.all_kinds.select_for_update().get(pk=pair.pk)
    if not pair.is_mentoring:
        raise DomainError("Завершается наставническая пара; закрепление тьютора снимается.")
    if not manages_pair(access_for(actor), pair):
        raise DomainError(
            "Пару завершает методист муниципалитета или школа, где работают оба учителя."
        )
    if pair.is_ended:
        raise DomainError("Пара уже завершена: её результат записан.")
    if not result.strip():
        raise DomainError.of_fields(
            {"result": "Напишите результат: что пара сделала и к чему пришла за год."}
        )
    pair.result, pair.ended_at = result.strip(), timezone.now()
    pair.save(update_fields=["result", "ended_at"])
    audit_record(
        actor=actor,
        action="assignment.pair_end",
        obj=pair,
        changes={"result": _excerpt(pair.result)},
    )
    return pair


@transaction.atomic
def assignment_delete(*, actor: User, assignment: Assignment) -> None:
    assignment = Assignment.all_kinds.select_for_update().get(pk=assignment.pk)
    if not may_delete(access_for(actor), assignment):
        raise DomainError(
            "Завершённая пара остаётся в истории вместе с результатом: её не удаляют."
            if assignment.is_ended
            else "Закрепление снимает методист муниципалитета."
        )
    if assignment.is_mentoring:
        audit_record(
            actor=actor,
            action="assignment.pair_delete",
            obj=assignment,
            changes={
                "mentor": assignment.tutor.full_name,
                "mentee": assignment.teacher.full_name,
                "academic_year": str(assignment.academic_year),
            },
        )
        assignment.delete()
        return
    # The entry is written first, while the row and its id still exist.
    audit_record(
        actor=actor,
        action="assignment.delete",
        obj=assignment,
        changes={
            "tutor": assignment.tutor.full_name,
            "teacher": assignment.teacher.full_name,
            "academic_year": str(assignment.academic_year),
        },
    )
    assignment.delete()
