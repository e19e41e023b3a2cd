"""The people and cases of the expertise tests, made through the services, as users would.

`World` is one municipality with a school whose teacher submits, that school's own maths
tutor (a conflict of interest), two maths tutors of other schools, and a methodist."""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from expertise.models import CaseKind, ExpertiseCase
from expertise.services import cases as case_services
from expertise.services import reviews as review_services
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import Municipality, Organization, Role, RoleKind, Subject, User
from tutoring.uploads import PORTFOLIO_TYPES, inspect_upload

from . import badfiles


@dataclass
class World:
    municipality: Municipality
    school: Organization
    subject: Subject
    teacher: User
    school_admin: User
    methodist: User
    colleague_tutor: User
    expert1: User
    expert2: User


def tutor_of(subject, municipality, organization, **names) -> User:
    user = user_with_role(
        RoleKind.TUTOR, municipality=municipality, organization=organization, **names
    )
    Role.objects.get(user=user, kind=RoleKind.TUTOR).subjects.add(subject)
    return user


def make_world() -> World:
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality)
    subject = SubjectFactory(name="Математика")

    def elsewhere():
        return OrganizationFactory(municipality=municipality)

    return World(
        municipality=municipality,
        school=school,
        subject=subject,
        teacher=user_with_role(
            RoleKind.TEACHER, organization=school, last_name="Петренко", first_name="Марина"
        ),
        school_admin=user_with_role(RoleKind.SCHOOL, organization=school),
        methodist=user_with_role(RoleKind.METHODIST, municipality=municipality),
        colleague_tutor=tutor_of(subject, municipality, school, last_name="Коллегова"),
        expert1=tutor_of(subject, municipality, elsewhere(), last_name="Логинова"),
        expert2=tutor_of(subject, municipality, elsewhere(), last_name="Колмакова"),
    )


def checked(uploaded: SimpleUploadedFile) -> SimpleUploadedFile:
    uploaded.upload_info = inspect_upload(uploaded, allowed=PORTFOLIO_TYPES)
    return uploaded


def submit(world: World, *, kind=CaseKind.WORK_PROGRAMME, files=None, **fields) -> ExpertiseCase:
    return case_services.case_submit(
        actor=world.teacher,
        organization=world.school,
        author=world.teacher,
        kind=kind,
        title=fields.pop("title", "Рабочая программа по математике для 5–9 классов"),
        subject=world.subject,
        academic_year=AcademicYearFactory(),
        files=files or [checked(badfiles.good_pdf())],
        **fields,
    )


def assign(world: World, case: ExpertiseCase, *experts, blind=False) -> ExpertiseCase:
    return case_services.case_assign(
        actor=world.methodist,
        case=case,
        experts=list(experts or (world.expert1, world.expert2)),
        deadline=None,
        blind=blind,
    )


def score(case: ExpertiseCase, expert: User, points, *, submit=True, comment=""):
    """`points` is one score for every criterion, or a function criterion -> score."""
    review = case.rounds.get(number=case.round_number).reviews.get(expert=expert)
    criteria = list(case.rubric.criteria.all())
    return review_services.review_save(
        actor=expert,
        review=review,
        scores={c.pk: (points(c) if callable(points) else points, comment) for c in criteria},
        conclusion="Мотивированное заключение эксперта.",
        submit=submit,
    )


def full(criterion) -> int:
    return criterion.max_score


def half(criterion) -> int:
    return criterion.max_score // 2 if criterion.max_score > 1 else 1


def partly(criterion) -> int:
    """A point short on every other criterion: 75 % of the default rubrics, «на доработку»."""
    return criterion.max_score - 1 if criterion.number % 2 else criterion.max_score
