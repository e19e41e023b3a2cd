import secrets
from datetime import timedelta

import factory
from django.utils import timezone

from community.models import (
    Activity,
    Assignment,
    CommunityPlan,
    Deficit,
    DeficitDiagnosis,
    DeficitKind,
    Education,
    Material,
    Nomination,
    Order,
    PlanItem,
    QualificationCategory,
    Roster,
    RosterEntry,
    TutorPlan,
    TutorPlanItem,
)
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    UserFactory,
)
from tutoring.models import Organization


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    organization = factory.SubFactory(OrganizationFactory)
    municipality = factory.SelfAttribute("organization.municipality")
    academic_year = factory.SubFactory(AcademicYearFactory)
    teacher = factory.SubFactory(UserFactory)
    position = "учитель математики"
    education = Education.HIGHER_PEDAGOGICAL
    experience_years = 12
    qualification_category = QualificationCategory.HIGHEST
    achievements = "Победитель муниципального конкурса «Учитель года»."
    justification = "Высокие результаты учеников на ЕГЭ три года подряд."


class RosterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roster

    municipality = factory.SubFactory(MunicipalityFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    roster = factory.SubFactory(RosterFactory)
    person = factory.SubFactory(UserFactory)
    position = "учитель математики"
    organization = factory.SubFactory(
        OrganizationFactory, municipality=factory.SelfAttribute("..roster.municipality")
    )


class CommunityPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityPlan

    municipality = factory.SubFactory(MunicipalityFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    title = factory.LazyAttribute(
        lambda p: f"План-график работы тьюторского сообщества на {p.academic_year} учебный год"
    )


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(CommunityPlanFactory)
    activity = Activity.CONSULTING
    content = "Индивидуальные консультации для учителей ШНОР"
    timing = "ежемесячно"
    responsible = "методисты ИМЦ, тьюторы"


class TutorPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TutorPlan

    municipality = factory.SubFactory(MunicipalityFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    tutor = factory.SubFactory(UserFactory)


class TutorPlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TutorPlanItem

    plan = factory.SubFactory(TutorPlanFactory)
    activity = Activity.EDUCATIONAL
    content = "Тьюториал «Формирующее оценивание на уроке математики»"
    timing = "октябрь"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    municipality = factory.SubFactory(MunicipalityFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    tutor = factory.SubFactory(UserFactory)
    teacher = factory.SubFactory(UserFactory)


class PairFactory(AssignmentFactory):
    """A mentoring pair «учитель — учитель»: `tutor` is the mentor, `teacher` the mentee."""

    kind = Assignment.Kind.MENTORING
    programme = "Взаимопосещение уроков и совместная разработка заданий формата ВПР."


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    municipality = factory.SubFactory(MunicipalityFactory)
    organization = factory.SubFactory(
        OrganizationFactory,
        municipality=factory.SelfAttribute("..municipality"),
        kind=Organization.Kind.METHODICAL_CENTRE,
    )
    academic_year = factory.SubFactory(AcademicYearFactory)
    place = "г. Лабинск"
    heading = "Об утверждении состава муниципального сообщества тьюторов"
    points = "Утвердить состав сообщества (Приложение 1).\nКонтроль оставляю за собой."
    signatory_position = "Директор МКУ ИМЦ"
    signatory_name = "С.И. Клименко"


class MaterialFactory(factory.django.DjangoModelFactory):
    """A material of the library; its authors are given as `authors=[...]`."""

    class Meta:
        model = Material
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Material.Kind.RECOMMENDATIONS
    title = factory.Sequence(lambda n: f"Методические рекомендации № {n}")
    description = "Рекомендации учителям по подготовке обучающихся к оценочным процедурам."
    token = factory.LazyFunction(lambda: secrets.token_hex(16))
    link = "https://fipi.ru/"

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)


class DeficitDiagnosisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeficitDiagnosis

    organization = factory.SubFactory(OrganizationFactory)
    municipality = factory.SelfAttribute("organization.municipality")
    academic_year = factory.SubFactory(AcademicYearFactory)
    teacher = factory.SubFactory(UserFactory)
    # Inside its academic year and never ahead of today.
    date = factory.LazyAttribute(
        lambda d: min(d.academic_year.starts_on + timedelta(days=40), timezone.localdate())
    )


class DeficitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deficit

    diagnosis = factory.SubFactory(DeficitDiagnosisFactory)
    kind = DeficitKind.METHODICAL
    level = Deficit.Level.HIGH
    source = Deficit.Source.OBSERVATION


def municipality_cast(municipality=None):
    """One person per role in a municipality with a school, plus a regional coordinator and
    a methodist of another municipality: who sees and does what in the community pages."""
    from types import SimpleNamespace

    from tests.tutoring.factories import user_with_role
    from tutoring.models import RoleKind

    municipality = municipality or MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality)
    return SimpleNamespace(
        municipality=municipality,
        school_org=school,
        methodist=user_with_role(RoleKind.METHODIST, municipality=municipality),
        director=user_with_role(RoleKind.DIRECTOR, municipality=municipality),
        school=user_with_role(RoleKind.SCHOOL, organization=school),
        teacher=user_with_role(RoleKind.TEACHER, organization=school, last_name="Учителева"),
        tutor=user_with_role(
            RoleKind.TUTOR, municipality=municipality, organization=school, last_name="Тьюторова"
        ),
        regional=user_with_role(RoleKind.REGIONAL),
        other_methodist=user_with_role(RoleKind.METHODIST),
    )
