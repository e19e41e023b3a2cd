"""The navigation bar: sections as links, the administration pages in the «Управление» menu."""

import re

from django.urls import reverse

from tutoring import extensions
from tutoring.extensions import ADMINISTRATION, NavItem
from tutoring.models import RoleKind

from .factories import user_with_role


def entries(response):
    """What the bar shows: a section's label, or a menu's label with its items' labels."""
    return [
        (entry.label, tuple(link.label for link in entry.links))
        if hasattr(entry, "links")
        else entry.label
        for entry in response.context["nav_items"]
    ]


def menu(response, label):
    return next(e for e in response.context["nav_items"] if e.label == label)


def test_it_gathers_the_administration_pages_of_a_methodist_in_one_menu(client, db):
    client.force_login(user_with_role(RoleKind.METHODIST))
    shown = entries(client.get("/"))
    assert shown[0] == "Главная"
    assert shown[-1] == (
        ADMINISTRATION,
        (
            "Организации",
            "Люди",
            "Загрузка списков",
            "Предметы",
            "Время приёма тьюторов",
            "Минимальные баллы ГИА",
            "Журнал изменений",
        ),
    )
    assert not {"Организации", "Люди", "Журнал изменений"} & set(shown)


def test_it_marks_the_open_page_and_its_menu_active(client, db):
    client.force_login(user_with_role(RoleKind.DIRECTOR))
    response = client.get(reverse("people_list"))
    page = response.content.decode()
    assert menu(response, ADMINISTRATION).active
    assert re.search(r'class="dropdown-item active" href="/people/" aria-current="page"', page)
    assert re.search(r'class="nav-link dropdown-toggle active"[^>]*>Управление<', page)
    assert page.count('aria-current="page"') == 1


def test_it_leaves_the_menu_inactive_on_a_section_of_its_own(client, db):
    client.force_login(user_with_role(RoleKind.METHODIST))
    response = client.get("/")
    assert not menu(response, ADMINISTRATION).active
    page = response.content.decode()
    assert 'class="nav-link active" href="/" title="Главная" aria-current="page"' in page


def test_it_shows_a_tutor_the_organizations_as_a_section_and_no_menu(client, db):
    client.force_login(user_with_role(RoleKind.TUTOR))
    shown = entries(client.get("/"))
    assert "Организации" in shown
    assert ADMINISTRATION not in [e[0] for e in shown if isinstance(e, tuple)]


def test_it_puts_an_apps_administration_page_into_the_menu(client, db, monkeypatch):
    builder = lambda access: [NavItem("Рубрики", "/rubrics/", group=ADMINISTRATION)]  # noqa: E731
    monkeypatch.setattr(extensions, "_navigation", [*extensions._navigation, builder])
    client.force_login(user_with_role(RoleKind.METHODIST))
    assert [link.label for link in menu(client.get("/"), ADMINISTRATION).links] == [
        "Организации",
        "Люди",
        "Загрузка списков",
        "Предметы",
        "Время приёма тьюторов",
        "Минимальные баллы ГИА",
        "Рубрики",
        "Журнал изменений",
    ]


def test_it_offers_technical_support_the_django_administration_in_the_menu(client, db):
    client.force_login(user_with_role(RoleKind.METHODIST, is_staff=True))
    links = menu(client.get("/"), ADMINISTRATION).links
    assert (links[-1].label, links[-1].url) == ("Администрирование", reverse("admin:index"))


def test_it_keeps_sign_out_and_the_password_in_the_users_menu(client, db):
    client.force_login(user_with_role(RoleKind.TEACHER, last_name="Петрова"))
    page = client.get("/").content.decode()
    user_menu = page[page.index('id="nav-user"') :]
    assert "Петрова" in user_menu
    assert f'href="{reverse("password_change")}"' in user_menu
    assert '<button type="submit" class="dropdown-item">Выйти</button>' in user_menu


def test_it_gives_a_school_its_staff_and_a_region_admin_its_municipalities(client, db):
    client.force_login(user_with_role(RoleKind.SCHOOL))
    assert [link.label for link in menu(client.get("/"), ADMINISTRATION).links] == [
        "Люди",
        "Загрузка списков",
    ]
    client.force_login(user_with_role(RoleKind.REGION_ADMIN))
    assert [link.label for link in menu(client.get("/"), ADMINISTRATION).links] == [
        "Муниципалитеты",
        "Организации",
        "Люди",
        "Загрузка списков",
        "Предметы",
        "Направления рискового профиля",
        "Школы в программе «500+»",
        "Минимальные баллы ГИА",
    ]


def test_it_shows_a_region_admin_no_sections_of_the_community_work(client, db):
    client.force_login(user_with_role(RoleKind.REGION_ADMIN))
    shown = entries(client.get("/"))
    assert not {"Сообщество", "Консультации", "Экспертиза", "Мониторинг"} & set(shown)
