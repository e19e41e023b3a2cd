import datetime

import pytest

from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    user_with_role,
)
from tutoring.errors import DomainError
from tutoring.models import (
    AuditEntry,
    Invitation,
    Municipality,
    Organization,
    OrganizationHead,
    Role,
    RoleKind,
    SchoolStatus,
)
from tutoring.services import organizations, school_status_remove
from tutoring.services.organizations import OrganizationData, PersonData

pytestmark = pytest.mark.django_db

REGION = "Краснодарский край"


def imc(**fields) -> OrganizationData:
    return OrganizationData(
        **{
            "kind": Organization.Kind.METHODICAL_CENTRE,
            "name": "Муниципальное казённое учреждение «Информационно-методический центр»",
            "short_name": "МКУ ИМЦ",
            "head_position": "Директор МКУ ИМЦ",
            "head_name": "С. И. Клименко",
            **fields,
        }
    )


def school(**fields) -> OrganizationData:
    return OrganizationData(
        **{
            "kind": Organization.Kind.SCHOOL,
            "name": "Муниципальное бюджетное общеобразовательное учреждение СОШ № 7",
            "short_name": "МБОУ СОШ № 7",
            "fis_oko_login": "edu230707",
            "inn": "2314012345",
            **fields,
        }
    )


@pytest.fixture
def admin():
    return user_with_role(RoleKind.REGION_ADMIN, region=REGION)


@pytest.fixture
def municipality():
    return MunicipalityFactory(region=REGION)


@pytest.fixture
def methodist(municipality):
    return user_with_role(RoleKind.METHODIST, municipality=municipality)


def test_it_creates_a_municipality_with_its_issuer_and_invited_methodist(admin):
    municipality = organizations.municipality_create(
        actor=admin,
        name="Муниципальное образование Лабинский район",
        short_name="Лабинский район",
        region=REGION,
        timezone="Europe/Moscow",
        issuer=imc(),
        methodist=PersonData(last_name="Логинова", first_name="Татьяна", email="tl@example.ru"),
    )
    municipality.refresh_from_db()
    assert municipality.issuer.short_name == "МКУ ИМЦ"
    assert municipality.issuer.head_on().name == "С. И. Клименко"
    role = Role.objects.get(kind=RoleKind.METHODIST, municipality=municipality)
    assert role.user.email == "tl@example.ru"
    assert Invitation.objects.get(user=role.user).is_open
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[:2] == ["municipality.create", "organization.create"]


def test_it_keeps_nothing_when_the_methodists_address_is_taken(admin):
    user_with_role(RoleKind.TEACHER, email="tl@example.ru")
    with pytest.raises(DomainError) as refused:
        organizations.municipality_create(
            actor=admin,
            name="Муниципальное образование Лабинский район",
            short_name="Лабинский район",
            region=REGION,
            timezone="Europe/Moscow",
            issuer=imc(),
            methodist=PersonData(last_name="Логинова", first_name="Татьяна", email="tl@example.ru"),
        )
    assert refused.value.field == "email"
    assert not Municipality.objects.filter(short_name="Лабинский район").exists()
    assert not Organization.objects.filter(short_name="МКУ ИМЦ").exists()


def test_it_refuses_a_municipality_of_another_region(admin):
    with pytest.raises(DomainError):
        organizations.municipality_create(
            actor=admin,
            name="Калтанский городской округ",
            short_name="Калтан",
            region="Кемеровская область — Кузбасс",
            timezone="Asia/Novokuznetsk",
        )
    assert not Municipality.objects.filter(short_name="Калтан").exists()


def test_it_refuses_a_methodist_creating_a_municipality(methodist):
    with pytest.raises(DomainError):
        organizations.municipality_create(
            actor=methodist,
            name="Новый",
            short_name="Новый",
            region=REGION,
            timezone="Europe/Moscow",
        )


def test_it_records_a_new_head_from_a_date_and_keeps_the_old_one_before_it(admin, municipality):
    issuer = organizations.organization_create(
        actor=admin,
        municipality=municipality,
        data=imc(head_since=datetime.date(2024, 9, 1)),
        as_issuer=True,
    )
    organizations.organization_update(
        actor=admin,
        organization=issuer,
        data=imc(head_name="А. В. Орлова", head_since=datetime.date(2025, 3, 10)),
    )
    assert issuer.head_on(datetime.date(2025, 3, 9)).name == "С. И. Клименко"
    assert issuer.head_on(datetime.date(2025, 3, 10)).name == "А. В. Орлова"
    assert OrganizationHead.objects.filter(organization=issuer).count() == 2
    entry = AuditEntry.objects.get(action="organization.update")
    assert entry.action_label == "изменены данные организации"
    head = "«Директор МКУ ИМЦ С. И. Клименко» → «Директор МКУ ИМЦ А. В. Орлова»"
    assert ("руководитель", head) in entry.change_items
    assert ("руководитель с даты", "10.03.2025") in entry.change_items


def test_it_refuses_a_new_head_dated_before_the_current_one(admin, municipality):
    issuer = organizations.organization_create(
        actor=admin, municipality=municipality, data=imc(head_since=datetime.date(2025, 1, 1))
    )
    with pytest.raises(DomainError) as refused:
        organizations.organization_update(
            actor=admin,
            organization=issuer,
            data=imc(head_name="А. В. Орлова", head_since=datetime.date(2024, 1, 1)),
        )
    assert refused.value.field == "head_since"
    assert issuer.heads.count() == 1


def test_it_lets_a_methodist_add_a_school_with_one_audit_entry(methodist, municipality):
    created = organizations.organization_create(
        actor=methodist, municipality=municipality, data=school()
    )
    assert created.fis_oko_login == "edu230707"
    entry = AuditEntry.objects.get()
    assert entry.action_label == "добавлена организация"
    assert ("логин ФИС ОКО", "edu230707") in entry.change_items
    assert ("ИНН", "2314012345") in entry.change_items


def test_it_refuses_the_login_of_another_school_naming_it(methodist, municipality):
    OrganizationFactory(short_name="МБОУ СОШ № 3", fis_oko_login="edu230707")
    with pytest.raises(DomainError) as refused:
        organizations.organization_create(actor=methodist, municipality=municipality, data=school())
    assert refused.value.field == "fis_oko_login"
    assert "МБОУ СОШ № 3" in refused.value.message
    assert not Organization.objects.filter(short_name="МБОУ СОШ № 7").exists()


def test_it_refuses_the_inn_of_another_organization_on_edit(methodist, municipality):
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 3", inn="2314012345")
    own = OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 7")
    with pytest.raises(DomainError) as refused:
        organizations.organization_update(
            actor=methodist, organization=own, data=school(fis_oko_login="")
        )
    assert refused.value.field == "inn"
    own.refresh_from_db()
    assert own.inn == "" and own.name != school().name


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"fis_oko_login": "230707"}, "fis_oko_login"),
        ({"inn": "12345"}, "inn"),
        ({"short_name": "  "}, "name"),
        ({"kind": Organization.Kind.METHODICAL_CENTRE}, "fis_oko_login"),
    ],
)
def test_it_refuses_malformed_input(methodist, municipality, fields, field):
    with pytest.raises(DomainError) as refused:
        organizations.organization_create(
            actor=methodist, municipality=municipality, data=school(**fields)
        )
    assert refused.value.field == field
    assert not Organization.objects.exists()


def test_it_refuses_a_methodist_of_another_municipality(municipality):
    stranger = user_with_role(RoleKind.METHODIST)
    with pytest.raises(DomainError):
        organizations.organization_create(actor=stranger, municipality=municipality, data=school())


def test_it_closes_and_reopens_a_school(methodist, municipality):
    target = OrganizationFactory(municipality=municipality)
    organizations.organization_close(
        actor=methodist, organization=target, closed_on=datetime.date(2025, 6, 30)
    )
    assert not Organization.objects.open().filter(pk=target.pk).exists()
    organizations.organization_reopen(actor=methodist, organization=target)
    assert Organization.objects.open().filter(pk=target.pk).exists()
    labels = [e.action_label for e in AuditEntry.objects.order_by("pk")]
    assert labels == ["организация закрыта", "организация снова работает"]


def test_it_refuses_closing_the_issuer(admin, municipality):
    issuer = organizations.organization_create(
        actor=admin, municipality=municipality, data=imc(), as_issuer=True
    )
    with pytest.raises(DomainError):
        organizations.organization_close(
            actor=admin, organization=issuer, closed_on=datetime.date.today()
        )
    issuer.refresh_from_db()
    assert not issuer.is_closed


def test_it_removes_a_school_status_with_an_audit_entry(methodist, municipality):
    status = SchoolStatusFactory(
        organization=OrganizationFactory(municipality=municipality),
        academic_year=AcademicYearFactory(start_year=2025),
    )
    assert school_status_remove(
        actor=methodist,
        organization=status.organization,
        academic_year=status.academic_year,
        kind=status.kind,
    )
    assert not SchoolStatus.objects.exists()
    entry = AuditEntry.objects.get()
    assert entry.action_label == "у школы снят статус ШНОР/ШССУ"
    assert ("год", "2025/26") in entry.change_items


def test_it_changes_a_municipalitys_issuer(admin, municipality):
    department = OrganizationFactory(
        municipality=municipality, kind=Organization.Kind.EDUCATION_DEPARTMENT, short_name="УО"
    )
    organizations.municipality_update(
        actor=admin,
        municipality=municipality,
        name=municipality.name,
        short_name=municipality.short_name,
        region=REGION,
        timezone="Europe/Moscow",
        issuer=department,
    )
    municipality.refresh_from_db()
    assert municipality.issuer == department
    entry = AuditEntry.objects.get(action="municipality.update")
    assert ("организация, издающая документы", "— → «УО»") in entry.change_items


def test_it_names_the_holder_when_the_database_refuses_a_login(methodist, municipality):
    # Two methodists saving the same login at once: the check before saving passes for both,
    # the unique constraint refuses the second.
    OrganizationFactory(short_name="МБОУ СОШ № 3", fis_oko_login="edu230707")
    data = school()
    racing = Organization(
        municipality=municipality, kind=data.kind, name=data.name, short_name=data.short_name
    )
    racing.fis_oko_login = data.fis_oko_login
    with pytest.raises(DomainError) as refused:
        organizations._save_organization(racing, data)
    assert refused.value.field == "fis_oko_login"
    assert "«МБОУ СОШ № 3»" in refused.value.message


def test_it_prints_the_issuer_set_by_the_region_admin(admin, municipality):
    from tutoring.selectors import issuer_name

    OrganizationFactory(
        municipality=municipality, kind=Organization.Kind.METHODICAL_CENTRE, name="Старый ИМЦ"
    )
    organizations.organization_create(
        actor=admin,
        municipality=municipality,
        data=imc(kind=Organization.Kind.EDUCATION_DEPARTMENT, name="Управление образования"),
        as_issuer=True,
    )
    assert issuer_name(municipality.pk) == "Управление образования"
