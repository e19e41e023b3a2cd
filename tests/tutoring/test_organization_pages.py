import datetime

import pytest
from django.urls import reverse

from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Organization, RoleKind, SchoolStatus, current_start_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return MunicipalityFactory(region="Краснодарский край")


@pytest.fixture
def school(municipality):
    return OrganizationFactory(
        municipality=municipality, short_name="МБОУ СОШ № 3", fis_oko_login="edu230303"
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def card(**fields):
    return {
        "kind": "school",
        "name": "Муниципальное бюджетное общеобразовательное учреждение СОШ № 7",
        "short_name": "МБОУ СОШ № 7",
        "fis_oko_login": "edu230707",
        "inn": "2314012345",
        "address": "г. Лабинск, ул. Мира, 7",
        "head_position": "Директор",
        "head_name": "Н. П. Гусева",
        "head_since": "",
        **fields,
    }


def test_it_lets_the_methodist_add_a_school(client, municipality):
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    response = signed_in(client, methodist).post(
        reverse("organization_create"), {"municipality": municipality.pk, **card()}, follow=True
    )
    assert "МБОУ СОШ № 7: организация добавлена." in response.content.decode()
    created = Organization.objects.get(short_name="МБОУ СОШ № 7")
    assert created.municipality == municipality
    assert created.head_on().name == "Н. П. Гусева"


def test_it_lists_every_problem_of_the_card_at_once_and_saves_nothing(client, municipality, school):
    OrganizationFactory(inn="2314012345", short_name="МБОУ СОШ № 9")
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    response = signed_in(client, methodist).post(
        reverse("organization_create"),
        {"municipality": municipality.pk, **card(fis_oko_login="edu230303", name="")},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Логин ФИС ОКО edu230303 уже указан у «МБОУ СОШ № 3»" in text
    assert "ИНН 2314012345 уже указан у «МБОУ СОШ № 9»" in text
    assert "Обязательное поле" in text
    assert not Organization.objects.filter(short_name="МБОУ СОШ № 7").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"fis_oko_login": "230707"}, "Логин ФИС ОКО имеет вид eduNNNNNN"),
        ({"inn": "12ab"}, "ИНН состоит из 10 или 12 цифр"),
        ({"head_name": ""}, "Укажите и должность, и имя руководителя"),
    ],
)
def test_it_refuses_malformed_fields_in_russian(client, municipality, fields, message):
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    response = signed_in(client, methodist).post(
        reverse("organization_create"), {"municipality": municipality.pk, **card(**fields)}
    )
    assert message in response.content.decode()
    assert not Organization.objects.filter(short_name="МБОУ СОШ № 7").exists()


def test_it_edits_a_card_and_shows_the_change_in_the_history(client, municipality, school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    client = signed_in(client, methodist)
    url = reverse("organization_update", args=[school.pk])
    assert "edu230303" in client.get(url).content.decode()
    response = client.post(
        url, card(short_name="МБОУ СОШ № 3", fis_oko_login="edu230333", inn=""), follow=True
    )
    text = response.content.decode()
    assert "Карточка организации сохранена." in text
    assert "изменены данные организации" in text
    assert "Логин ФИС ОКО: «edu230303» → «edu230333»" in text
    school.refresh_from_db()
    assert school.fis_oko_login == "edu230333"


@pytest.mark.parametrize("kind", [RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.TUTOR])
def test_readers_see_the_card_but_may_not_edit_it(client, municipality, school, kind):
    reader = user_with_role(kind, municipality=municipality)
    client = signed_in(client, reader)
    page = client.get(reverse("organization_detail", args=[school.pk])).content.decode()
    assert "МБОУ СОШ № 3" in page and "Изменить карточку" not in page
    assert client.get(reverse("organization_update", args=[school.pk])).status_code == 403
    assert client.get(reverse("organization_create")).status_code == 403
    close = reverse("organization_close", args=[school.pk])
    assert client.post(close, {"closed_on": "2025-06-30"}).status_code == 403


@pytest.mark.parametrize("kind", [RoleKind.SCHOOL, RoleKind.TEACHER])
def test_school_staff_see_only_their_own_card(client, municipality, school, kind):
    user = user_with_role(kind, organization=school)
    neighbour = OrganizationFactory(municipality=municipality)
    client = signed_in(client, user)
    assert client.get(reverse("organization_detail", args=[school.pk])).status_code == 200
    assert client.get(reverse("organization_detail", args=[neighbour.pk])).status_code == 404
    assert client.get(reverse("organization_update", args=[school.pk])).status_code == 403
    assert client.get(reverse("organization_list")).status_code == 403


def test_another_municipalitys_methodist_gets_404(client, school):
    stranger = user_with_role(RoleKind.METHODIST)
    client = signed_in(client, stranger)
    for name in ("organization_detail", "organization_update", "organization_close"):
        assert client.get(reverse(name, args=[school.pk])).status_code == 404
    assert client.post(reverse("organization_reopen", args=[school.pk])).status_code == 404


def test_the_region_admin_edits_organizations_of_their_region_only(client, school):
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    foreign = OrganizationFactory(municipality=MunicipalityFactory(region="Тверская область"))
    client = signed_in(client, admin)
    listing = client.get(reverse("organization_list")).content.decode()
    assert "МБОУ СОШ № 3" in listing and foreign.short_name not in listing
    assert client.get(reverse("organization_update", args=[school.pk])).status_code == 200
    assert client.get(reverse("organization_update", args=[foreign.pk])).status_code == 404


def test_it_closes_a_school_which_then_shows_as_closed(client, municipality, school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    client = signed_in(client, methodist)
    response = client.post(
        reverse("organization_close", args=[school.pk]), {"closed_on": "2025-06-30"}, follow=True
    )
    text = response.content.decode()
    assert "закрыта с 30.06.2025" in text
    assert "Организация снова работает" in text
    listing = client.get(reverse("organization_list") + "?closed=closed").content.decode()
    assert "МБОУ СОШ № 3" in listing
    listing = client.get(reverse("organization_list") + "?closed=open").content.decode()
    assert "МБОУ СОШ № 3" not in listing


def test_it_refuses_a_closing_date_in_the_future(client, municipality, school):
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = signed_in(client, methodist).post(
        reverse("organization_close", args=[school.pk]), {"closed_on": tomorrow.isoformat()}
    )
    assert "Дата закрытия не может быть в будущем." in response.content.decode()
    school.refresh_from_db()
    assert not school.is_closed


def test_it_sets_and_removes_a_school_status(client, municipality, school):
    year = AcademicYearFactory(start_year=current_start_year())
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    client = signed_in(client, methodist)
    response = client.post(
        reverse("organization_status_set", args=[school.pk]),
        {"academic_year": year.pk, "kind": SchoolStatus.Kind.HARD_CONDITIONS},
        follow=True,
    )
    assert f"Статус ШССУ на {year} год присвоен." in response.content.decode()
    status = SchoolStatus.objects.get(organization=school)
    response = client.post(
        reverse("organization_status_remove", args=[school.pk, status.pk]), follow=True
    )
    assert "снят" in response.content.decode()
    assert not SchoolStatus.objects.exists()
    assert AuditEntry.objects.filter(action="school_status.remove").count() == 1


def test_a_director_may_not_remove_a_status(client, municipality, school):
    status = SchoolStatusFactory(organization=school)
    director = user_with_role(RoleKind.DIRECTOR, municipality=municipality)
    url = reverse("organization_status_remove", args=[school.pk, status.pk])
    assert signed_in(client, director).post(url).status_code == 403
    assert SchoolStatus.objects.filter(pk=status.pk).exists()


def test_the_list_keeps_a_constant_query_count(client, municipality, django_assert_max_num_queries):
    year = AcademicYearFactory(start_year=current_start_year())
    for _ in range(30):
        SchoolStatusFactory(
            organization=OrganizationFactory(municipality=municipality), academic_year=year
        )
    for user in (
        user_with_role(RoleKind.METHODIST, municipality=municipality),
        user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край"),
    ):
        client = signed_in(client, user)
        with django_assert_max_num_queries(9):
            assert client.get(reverse("organization_list")).status_code == 200


def test_it_refuses_a_login_of_a_methodical_centre_once(client, municipality):
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    response = signed_in(client, methodist).post(
        reverse("organization_create"),
        {"municipality": municipality.pk, **card(kind="methodical_centre")},
    )
    assert response.content.decode().count("Логин ФИС ОКО бывает только у школ.") == 1
    assert not Organization.objects.exists()
