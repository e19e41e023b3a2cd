import pytest
from django.urls import reverse

from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.models import (
    AuditEntry,
    Invitation,
    Municipality,
    Organization,
    OrganizationHead,
    Role,
    RoleKind,
)

pytestmark = pytest.mark.django_db

REGION = "Краснодарский край"


@pytest.fixture
def admin():
    return user_with_role(RoleKind.REGION_ADMIN, region=REGION)


@pytest.fixture
def municipality():
    return MunicipalityFactory(region=REGION, short_name="Лабинский район")


def signed_in(client, user):
    client.force_login(user)
    return client


def setup_form(**fields):
    return {
        "municipality-name": "Муниципальное образование Лабинский район",
        "municipality-short_name": "Лабинский район",
        "municipality-region": REGION,
        "municipality-timezone": "Europe/Moscow",
        "issuer-kind": "methodical_centre",
        "issuer-name": "Муниципальное казённое учреждение «Информационно-методический центр»",
        "issuer-short_name": "МКУ ИМЦ",
        "issuer-inn": "",
        "issuer-address": "г. Лабинск, ул. Красная, 1",
        "issuer-head_position": "Директор МКУ ИМЦ",
        "issuer-head_name": "С. И. Клименко",
        "issuer-head_since": "",
        "methodist-last_name": "Логинова",
        "methodist-first_name": "Татьяна",
        "methodist-middle_name": "Александровна",
        "methodist-email": "loginova@example.ru",
        "methodist-phone": "",
        **fields,
    }


def test_it_creates_a_municipality_with_its_imc_and_invites_the_methodist(client, admin):
    response = signed_in(client, admin).post(
        reverse("municipality_create"), setup_form(), follow=True
    )
    text = response.content.decode()
    assert "Лабинский район: муниципалитет создан." in text
    assert "Директор МКУ ИМЦ С. И. Клименко" in text
    assert "Логинова Татьяна Александровна" in text and "приглашение не принято" in text
    municipality = Municipality.objects.get(short_name="Лабинский район")
    assert municipality.issuer.short_name == "МКУ ИМЦ"
    methodist = Role.objects.get(kind=RoleKind.METHODIST, municipality=municipality).user
    assert Invitation.objects.get(user=methodist).email == "loginova@example.ru"


def test_it_shows_every_mistake_of_the_three_parts_and_keeps_nothing(client, admin):
    MunicipalityFactory(name="Муниципальное образование Лабинский район")
    response = signed_in(client, admin).post(
        reverse("municipality_create"),
        setup_form(**{"issuer-head_name": "", "methodist-email": "не адрес"}),
    )
    text = response.content.decode()
    assert "Муниципальное образование «Муниципальное образование Лабинский район» уже есть" in text
    assert "Обязательное поле" in text
    assert "Введите правильный адрес электронной почты" in text
    assert Municipality.objects.count() == 1
    assert not Organization.objects.filter(short_name="МКУ ИМЦ").exists()


def test_it_offers_only_the_admins_own_regions(client, admin):
    response = signed_in(client, admin).post(
        reverse("municipality_create"), setup_form(**{"municipality-region": "Тверская область"})
    )
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Municipality.objects.exists()


def test_it_lists_the_municipalities_of_the_region_only(client, admin, municipality):
    MunicipalityFactory(region="Тверская область", short_name="Кимры")
    text = signed_in(client, admin).get(reverse("municipality_list")).content.decode()
    assert "Лабинский район" in text and "Кимры" not in text


def test_an_admin_of_another_region_gets_404(client, municipality):
    stranger = user_with_role(RoleKind.REGION_ADMIN, region="Тверская область")
    client = signed_in(client, stranger)
    for name in ("municipality_detail", "municipality_update", "municipality_issuer_create"):
        assert client.get(reverse(name, args=[municipality.pk])).status_code == 404


@pytest.mark.parametrize(
    "kind", [RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.SCHOOL]
)
def test_everyone_else_gets_403(client, municipality, kind):
    user = user_with_role(kind, municipality=municipality)
    client = signed_in(client, user)
    assert client.get(reverse("municipality_list")).status_code == 403
    assert client.get(reverse("municipality_create")).status_code == 403
    assert client.get(reverse("municipality_detail", args=[municipality.pk])).status_code == 403
    invite = reverse("municipality_invite", args=[municipality.pk])
    assert client.post(invite, {}).status_code == 403


def test_it_invites_a_director_from_the_municipalitys_page(client, admin, municipality):
    response = signed_in(client, admin).post(
        reverse("municipality_invite", args=[municipality.pk]),
        {
            "kind": RoleKind.DIRECTOR,
            "last_name": "Клименко",
            "first_name": "Сергей",
            "email": "klimenko@example.ru",
            "position": "Начальник управления образования",
        },
        follow=True,
    )
    assert "приглашение отправлено на klimenko@example.ru" in response.content.decode()
    role = Role.objects.get(kind=RoleKind.DIRECTOR, municipality=municipality)
    assert role.position == "Начальник управления образования"
    assert Invitation.objects.filter(user=role.user).exists()


def test_it_refuses_an_invitation_to_a_taken_address(client, admin, municipality):
    user_with_role(RoleKind.TEACHER, email="klimenko@example.ru")
    response = signed_in(client, admin).post(
        reverse("municipality_invite", args=[municipality.pk]),
        {
            "kind": RoleKind.METHODIST,
            "last_name": "Клименко",
            "first_name": "Сергей",
            "email": "klimenko@example.ru",
        },
    )
    assert response.status_code == 400
    assert "уже указан у другого человека" in response.content.decode()
    assert not Role.objects.filter(kind=RoleKind.METHODIST, municipality=municipality).exists()


def test_it_adds_the_issuer_to_an_existing_municipality(client, admin, municipality):
    response = signed_in(client, admin).post(
        reverse("municipality_issuer_create", args=[municipality.pk]),
        {
            "kind": "education_department",
            "name": "Управление образования администрации Лабинского района",
            "short_name": "УО",
            "inn": "",
            "address": "",
            "head_position": "Начальник управления образования",
            "head_name": "И. В. Петрова",
            "head_since": "2025-09-01",
        },
        follow=True,
    )
    assert "Начальник управления образования И. В. Петрова" in response.content.decode()
    municipality.refresh_from_db()
    assert municipality.issuer.short_name == "УО"
    assert OrganizationHead.objects.get().since.isoformat() == "2025-09-01"


def test_it_changes_the_issuer_and_writes_it_to_the_journal(client, admin, municipality):
    department = OrganizationFactory(
        municipality=municipality, kind=Organization.Kind.EDUCATION_DEPARTMENT, short_name="УО"
    )
    OrganizationFactory(municipality=municipality, short_name="МБОУ СОШ № 1")
    client = signed_in(client, admin)
    url = reverse("municipality_update", args=[municipality.pk])
    page = client.get(url).content.decode()
    assert "УО" in page and "МБОУ СОШ № 1" not in page
    client.post(
        url,
        {
            "name": municipality.name,
            "short_name": municipality.short_name,
            "region": REGION,
            "timezone": "Europe/Samara",
            "issuer": department.pk,
        },
    )
    municipality.refresh_from_db()
    assert municipality.issuer == department and municipality.timezone == "Europe/Samara"
    entry = AuditEntry.objects.get(action="municipality.update")
    assert entry.action_label == "изменены данные муниципального образования"
    assert ("часовой пояс", "Москва (UTC+3) → Самара (UTC+4)") in entry.change_items


def test_the_municipality_list_keeps_a_constant_query_count(
    client, admin, django_assert_max_num_queries
):
    for _ in range(12):
        town = MunicipalityFactory(region=REGION)
        OrganizationFactory(municipality=town)
        user_with_role(RoleKind.METHODIST, municipality=town)
    client = signed_in(client, admin)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("municipality_list")).status_code == 200


def test_a_school_cannot_be_the_issuer(client, admin):
    response = signed_in(client, admin).post(
        reverse("municipality_create"), setup_form(**{"issuer-kind": "school"})
    )
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Municipality.objects.exists()


def test_it_keeps_the_locality_where_the_municipalitys_documents_are_drawn_up(
    client, admin, municipality
):
    client = signed_in(client, admin)
    url = reverse("municipality_update", args=[municipality.pk])
    assert "Место составления документов" in client.get(url).content.decode()
    data = {
        "name": municipality.name,
        "short_name": municipality.short_name,
        "region": REGION,
        "locality": " г.  Лабинск ",
        "timezone": "Europe/Moscow",
    }
    client.post(url, data)
    municipality.refresh_from_db()
    assert municipality.locality == "г. Лабинск"
    entry = AuditEntry.objects.get(action="municipality.update")
    assert ("место составления документов", "— → «г. Лабинск»") in entry.change_items


def test_it_takes_the_locality_when_the_municipality_is_created(client, admin):
    form = setup_form(**{"municipality-locality": "г. Лабинск"})
    signed_in(client, admin).post(reverse("municipality_create"), form)
    assert Municipality.objects.get(short_name="Лабинский район").locality == "г. Лабинск"


def test_the_list_counts_schools_and_methodists_each_once(client, admin, municipality):
    for n in range(3):
        OrganizationFactory(municipality=municipality, short_name=f"СОШ № {n}")
    OrganizationFactory(municipality=municipality, short_name="СОШ № 9", closed_on="2025-08-31")
    for _ in range(2):
        user_with_role(RoleKind.METHODIST, municipality=municipality)
    user_with_role(RoleKind.DIRECTOR, municipality=municipality)
    user_with_role(RoleKind.SCHOOL, organization=municipality.organizations.first())

    page = signed_in(client, admin).get(reverse("municipality_list")).context["page"]

    [listed] = page.object_list
    assert (listed.open_schools, listed.methodists) == (3, 2)
