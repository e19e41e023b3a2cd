"""Закрепление тьюторов за учителями. Each function is one transaction with one audit entry."""

from django.db import IntegrityError, transaction

from tutoring.models import AcademicYear, Municipality, Role, RoleKind, User
from tutoring.services import audit_record

from ..models import Assignment, DomainError


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
    if Assignment.objects.filter(**fields).exists():
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


@transaction.atomic
def assignment_delete(*, actor: User, assignment: Assignment) -> None:
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
