"""The risk directions of a region in the browser: seeded with the eleven of «500+», listed,
added, renamed, retired and restored by the region's administrator, and nobody else."""

import importlib
import re

import pytest
from django.apps import apps
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse

from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.models import RISK_DIRECTIONS, AuditEntry, RiskDirection, Role, RoleKind
from tutoring.services import risk_direction_rename, risk_direction_set_active
from tutoring.services.organizations import municipality_create

SEED = importlib.import_module("tutoring.migrations.0013_risk_directions")

pytestmark = pytest.mark.django_db

REGION = "Краснодарский край"
OTHER = "Тверская область"
NAMES = [name for name, _evidence in RISK_DIRECTIONS]
MOTIVATION = "Низкая учебная мотивация обучающихся"


@pytest.fixture
def admin():
    user = user_with_role(RoleKind.REGION_ADMIN, region=REGION)
    municipality_set_up(user, "Лабинский район")
    return user


def municipality_set_up(actor, short_name, region=REGION):
    return municipality_create(
        actor=actor,
        name=f"Муниципальное образование {short_name}",
        short_name=short_name,
        region=region,
        timezone="Europe/Moscow",
    )


def also_admin_of(user, region):
    Role.objects.create(user=user, kind=RoleKind.REGION_ADMIN, region=region)
    municipality_set_up(None, "Кимры", region=region)


def names(region=REGION):
    return list(RiskDirection.objects.filter(region=region).values_list("name", flat=True))


def direction(name, region=REGION):
    return RiskDirection.objects.get(region=region, name=name)


def signed_in(client, user):
    client.force_login(user)
    return client


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_it_seeds_the_eleven_directions_of_500_plus_for_a_regions_first_municipality(admin):
    assert names() == NAMES
    assert len(NAMES) == 11
    positions = RiskDirection.objects.filter(region=REGION).values_list("position", flat=True)
    assert list(positions) == list(range(1, 12))
    assert direction(NAMES[5]).evidence == RiskDirection.Evidence.LEARNING_FAILURE


def test_it_seeds_the_regions_the_installation_already_had(db):
    MunicipalityFactory(region=REGION)
    user_with_role(RoleKind.REGION_ADMIN, region=OTHER)
    SEED.seed(apps, None)
    assert names(REGION) == NAMES
    assert names(OTHER) == NAMES


def test_it_does_not_seed_again_for_a_second_municipality_of_the_region(admin):
    municipality_set_up(admin, "Геленджик")
    assert names() == NAMES


def test_it_keeps_the_regions_own_directions_when_another_municipality_is_created(admin):
    risk_direction_rename(actor=admin, direction=direction(MOTIVATION), name="Мотивация учеников")
    risk_direction_set_active(actor=admin, direction=direction(NAMES[0]), active=False)
    municipality_set_up(admin, "Геленджик")
    assert names() == [*NAMES[:-1], "Мотивация учеников"]
    assert not direction(NAMES[0]).is_active


def test_it_lists_only_the_directions_of_the_admins_region_in_order(client, admin):
    stranger = user_with_role(RoleKind.REGION_ADMIN, region=OTHER)
    municipality_set_up(stranger, "Кимры", region=OTHER)
    RiskDirection.objects.filter(region=OTHER).update(name=Concat(Value("Тверь: "), F("name")))
    response = signed_in(client, admin).get(reverse("risk_direction_list"))
    assert [d.name for d in response.context["directions"]] == NAMES
    text = page_text(response)
    assert "Тверь" not in text and OTHER not in text
    assert text.index(NAMES[0]) < text.index(NAMES[10])


def test_it_labels_the_directions_by_region_for_an_admin_of_several(client, admin):
    also_admin_of(admin, OTHER)
    text = page_text(signed_in(client, admin).get(reverse("risk_direction_list")))
    assert f"{OTHER} № Направление" in text
    assert f"{REGION} № Направление" in text
    assert text.count(f"1 {NAMES[0]}") == 2


def test_it_says_what_the_portal_offers_for_a_direction_only_where_it_offers_it(client, admin):
    text = page_text(signed_in(client, admin).get(reverse("risk_direction_list")))
    assert text.count("Портал подскажет:") == 3
    assert f"{NAMES[5]} Портал подскажет: причины из «Где нужна помощь»" in text
    assert f"{NAMES[0]} используется" in text


def test_it_adds_a_direction_at_the_end_and_its_page_says_so_in_russian(client, admin):
    response = signed_in(client, admin).post(
        reverse("risk_direction_create"), {"name": "  Низкая   доля выпускников СПО "}, follow=True
    )
    assert "Направление «Низкая доля выпускников СПО» добавлено." in page_text(response)
    added = direction("Низкая доля выпускников СПО")
    assert (added.position, added.is_active, added.evidence) == (12, True, "")
    entry = AuditEntry.objects.get(action="risk_direction.create")
    assert (entry.actor, entry.object_repr) == (admin, "Низкая доля выпускников СПО")
    page = page_text(client.get(reverse("risk_direction_update", args=[added.pk])))
    assert "История" in page and "добавлено направление рискового профиля" in page


@pytest.mark.parametrize("name", [MOTIVATION.lower(), "  НИЗКАЯ   учебная  МОТИВАЦИЯ обучающихся "])
def test_it_refuses_a_name_the_region_has_whatever_the_spelling(client, admin, name):
    response = signed_in(client, admin).post(reverse("risk_direction_create"), {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        f"Направление «{MOTIVATION}» уже есть в справочнике региона."
    ]
    assert f"Направление «{MOTIVATION}» уже есть" in page_text(response)
    assert RiskDirection.objects.filter(region=REGION).count() == 11
    assert not AuditEntry.objects.filter(action="risk_direction.create").exists()


def test_it_takes_e_for_yo_in_a_name_the_region_has(client, admin):
    response = signed_in(client, admin).post(
        reverse("risk_direction_create"), {"name": "Низкий уровень вовлеченности родителей"}
    )
    assert "«Низкий уровень вовлечённости родителей» уже есть" in page_text(response)
    assert RiskDirection.objects.filter(region=REGION).count() == 11


def test_it_says_how_to_bring_back_a_retired_direction_of_that_name(client, admin):
    risk_direction_set_active(actor=admin, direction=direction(MOTIVATION), active=False)
    response = signed_in(client, admin).post(reverse("risk_direction_create"), {"name": MOTIVATION})
    assert "верните его" in response.context["form"].errors["name"][0]
    assert RiskDirection.objects.filter(region=REGION).count() == 11


def test_it_refuses_an_empty_name(client, admin):
    response = signed_in(client, admin).post(reverse("risk_direction_create"), {"name": "   "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert RiskDirection.objects.filter(region=REGION).count() == 11


def test_it_renames_a_direction_and_its_history_reads_in_russian(client, admin):
    renamed = direction(MOTIVATION)
    url = reverse("risk_direction_update", args=[renamed.pk])
    response = signed_in(client, admin).post(url, {"name": "Низкая мотивация к учёбе"})
    assert response.status_code == 302
    renamed.refresh_from_db()
    assert (renamed.name, renamed.position) == ("Низкая мотивация к учёбе", 11)
    page = page_text(client.get(url))
    assert "направление рискового профиля переименовано" in page
    assert f"Название: «{MOTIVATION}» → «Низкая мотивация к учёбе»" in page


def test_it_refuses_to_rename_a_direction_to_the_name_of_another(client, admin):
    url = reverse("risk_direction_update", args=[direction(MOTIVATION).pk])
    response = signed_in(client, admin).post(url, {"name": NAMES[0].lower()})
    assert f"Направление «{NAMES[0]}» уже есть" in response.context["form"].errors["name"][0]
    assert direction(MOTIVATION).name == MOTIVATION
    assert not AuditEntry.objects.filter(action="risk_direction.rename").exists()


def test_it_retires_and_restores_a_direction_with_its_history_in_russian(client, admin):
    retired = direction(MOTIVATION)
    signed_in(client, admin)
    response = client.post(reverse("risk_direction_retire", args=[retired.pk]), follow=True)
    assert "выведено из употребления: оно остаётся в профилях" in page_text(response)
    assert f"{MOTIVATION} выведено из употребления" in page_text(response)
    assert f'aria-label="Вернуть направление «{MOTIVATION}»"' in response.content.decode()
    assert not RiskDirection.objects.get(pk=retired.pk).is_active
    client.post(reverse("risk_direction_restore", args=[retired.pk]))
    assert RiskDirection.objects.get(pk=retired.pk).is_active
    page = page_text(client.get(reverse("risk_direction_update", args=[retired.pk])))
    assert "направление рискового профиля выведено из употребления" in page
    assert "направление рискового профиля возвращено в употребление" in page


def test_it_says_so_when_a_direction_is_retired_twice(client, admin):
    retired = direction(MOTIVATION)
    risk_direction_set_active(actor=admin, direction=retired, active=False)
    response = signed_in(client, admin).post(
        reverse("risk_direction_retire", args=[retired.pk]), follow=True
    )
    assert f"Направление «{MOTIVATION}» уже выведено из употребления." in page_text(response)
    assert AuditEntry.objects.filter(action="risk_direction.retire").count() == 1


def test_an_admin_of_another_region_gets_404(client, admin):
    stranger = user_with_role(RoleKind.REGION_ADMIN, region=OTHER)
    theirs = direction(MOTIVATION)
    signed_in(client, stranger)
    assert client.get(reverse("risk_direction_update", args=[theirs.pk])).status_code == 404
    edit = client.post(reverse("risk_direction_update", args=[theirs.pk]), {"name": "Чужое"})
    assert edit.status_code == 404
    for name in ("risk_direction_retire", "risk_direction_restore"):
        assert client.post(reverse(name, args=[theirs.pk])).status_code == 404
    assert direction(MOTIVATION).is_active


@pytest.mark.parametrize(
    "kind",
    [
        RoleKind.METHODIST,
        RoleKind.DIRECTOR,
        RoleKind.TUTOR,
        RoleKind.SCHOOL,
        RoleKind.TEACHER,
        RoleKind.REGIONAL,
    ],
)
def test_everyone_else_gets_403(client, admin, kind):
    user = user_with_role(kind, organization=OrganizationFactory())
    pk = direction(MOTIVATION).pk
    signed_in(client, user)
    assert client.get(reverse("risk_direction_list")).status_code == 403
    assert client.get(reverse("risk_direction_create")).status_code == 403
    assert client.post(reverse("risk_direction_create"), {"name": "Новое"}).status_code == 403
    assert client.get(reverse("risk_direction_update", args=[pk])).status_code == 403
    assert client.post(reverse("risk_direction_retire", args=[pk])).status_code == 403
    assert client.post(reverse("risk_direction_restore", args=[pk])).status_code == 403
    assert names() == NAMES and direction(MOTIVATION).is_active


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, admin):
    pk = direction(MOTIVATION).pk
    for url in (reverse("risk_direction_list"), reverse("risk_direction_update", args=[pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


def test_a_double_submit_of_the_new_direction_adds_one(client, admin):
    form = signed_in(client, admin).get(reverse("risk_direction_create")).content.decode()
    token = re.search(r'name="once_token" value="([^"]+)"', form).group(1)
    data = {"name": "Низкая доля выпускников СПО", "once_token": token}
    assert client.post(reverse("risk_direction_create"), data).status_code == 302
    again = client.post(reverse("risk_direction_create"), data, follow=True)
    assert "Направление уже добавлено." in page_text(again)
    assert names().count("Низкая доля выпускников СПО") == 1
    assert AuditEntry.objects.filter(action="risk_direction.create").count() == 1


def test_it_asks_for_the_region_only_an_admin_of_several_regions(client, admin):
    signed_in(client, admin)
    assert "region" not in client.get(reverse("risk_direction_create")).context["form"].fields
    also_admin_of(admin, OTHER)
    data = {"name": "Низкая доля выпускников СПО", "region": OTHER}
    assert client.post(reverse("risk_direction_create"), data).status_code == 302
    assert names(OTHER)[-1] == "Низкая доля выпускников СПО"
    assert "Низкая доля выпускников СПО" not in names(REGION)


def test_it_leads_to_the_page_from_the_menu_and_the_municipalities(client, admin):
    signed_in(client, admin)
    page = client.get(reverse("municipality_list"))
    link = f'href="{reverse("risk_direction_list")}"'
    assert page.content.decode().count(link) == 2  # the «Управление» menu and the page
    menu = next(e for e in page.context["nav_items"] if e.label == "Управление")
    assert "Направления рискового профиля" in [item.label for item in menu.links]


def test_it_shows_the_list_in_a_constant_number_of_queries(
    client, admin, django_assert_max_num_queries
):
    for number in range(30):
        RiskDirection.objects.create(region=REGION, name=f"Своё направление {number}")
    signed_in(client, admin).get(reverse("risk_direction_list"))
    # The session, the user, their roles and the directions: no query per direction.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("risk_direction_list"))
    assert len(response.context["directions"]) == 41
