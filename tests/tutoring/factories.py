import factory
from django.contrib.auth.hashers import make_password

from tutoring.models import (
    UNBOUND_ROLES,
    AcademicYear,
    Municipality,
    Organization,
    Role,
    RoleKind,
    SchoolStatus,
    Subject,
    User,
    current_start_year,
)

PASSWORD = "correct-horse-42"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Муниципальное образование Тестовый район {n}")
    short_name = factory.Sequence(lambda n: f"Тестовый район {n}")
    region = "Краснодарский край"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Organization.Kind.SCHOOL
    short_name = factory.Sequence(lambda n: f"МБОУ СОШ № {n}")
    name = factory.LazyAttribute(lambda o: f"{o.short_name} (полное наименование)")


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ["start_year"]

    start_year = factory.LazyFunction(current_start_year)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ["name"]

    name = "Математика"


class SchoolStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolStatus

    organization = factory.SubFactory(OrganizationFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    kind = SchoolStatus.Kind.LOW_RESULTS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "Иванова"
    first_name = "Мария"
    middle_name = "Петровна"
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    kind = RoleKind.METHODIST
    municipality = factory.LazyAttribute(
        lambda r: r.organization.municipality if r.organization else MunicipalityFactory()
    )
    organization = None


def user_with_role(
    kind, *, municipality=None, organization=None, region="Краснодарский край", **user_fields
) -> User:
    """A user holding one role; a region administrator's is of `region`."""
    if municipality is None and organization is not None:
        municipality = organization.municipality
    if municipality is None and kind not in UNBOUND_ROLES:
        municipality = MunicipalityFactory()
    if organization is None and kind in (RoleKind.SCHOOL, RoleKind.TEACHER):
        organization = OrganizationFactory(municipality=municipality)
    role = RoleFactory(
        kind=kind,
        municipality=municipality,
        organization=organization,
        region=region if kind == RoleKind.REGION_ADMIN else "",
        user=UserFactory(**user_fields),
    )
    return role.user


def issuer_with_head(
    municipality,
    *,
    short_name="МКУ ИМЦ г. Лабинска",
    position="Директор",
    name="С. И. Орлов",
    locality="г. Лабинск",
) -> Organization:
    """The municipality's issuing organization with its head since long ago, and the
    municipality's locality: what a document signed or approved by the head needs."""
    from datetime import date

    from tutoring.models import OrganizationHead

    issuer = OrganizationFactory(
        municipality=municipality,
        kind=Organization.Kind.METHODICAL_CENTRE,
        short_name=short_name,
        name="Муниципальное казённое учреждение «Информационно-методический центр»",
    )
    OrganizationHead.objects.create(
        organization=issuer, position=position, name=name, since=date(2020, 1, 1)
    )
    municipality.issuer, municipality.locality = issuer, locality
    municipality.save(update_fields=["issuer", "locality"])
    return issuer
