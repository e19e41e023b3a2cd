"""First journeys: every demo user signs in, sees their home page and sections, signs out."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# login → the role block on the home page, and the sections the navigation must (not) show,
# in the bar or in its «Управление» menu.
JOURNEYS = {
    "methodist": (
        "Методист — МКУ ИМЦ г. Лабинска",
        ["Организации", "Люди", "Журнал изменений"],
        [],
    ),
    "director": (
        "Руководитель — МКУ ИМЦ г. Лабинска",
        ["Организации", "Люди", "Журнал изменений"],
        [],
    ),
    "school": (
        "Администрация школы — МОБУ СОШ № 20",
        ["МОБУ СОШ № 20", "Люди", "Загрузка списков"],
        ["Организации", "Журнал изменений"],
    ),
    "teacher": ("Учитель — МОБУ СОШ № 20", ["МОБУ СОШ № 20"], ["Люди", "Организации"]),
    "tutor": ("Тьютор — МОБУ СОШ № 10", ["Организации"], ["Люди", "Журнал изменений"]),
    "regional": ("Региональный координатор", ["Организации", "Люди", "Журнал изменений"], []),
    "region_admin": (
        "Администратор региона — Краснодарский край",
        ["Муниципалитеты", "Организации", "Люди", "Предметы"],
        ["Сообщество", "Консультации", "Журнал изменений"],
    ),
}


@pytest.mark.parametrize("username", JOURNEYS)
def test_it_signs_each_demo_user_in_and_out(page, demo_site, username):
    heading, shown, hidden = JOURNEYS[username]
    page.goto(f"{demo_site.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
    expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    nav = page.get_by_role("navigation", name="Основная навигация")
    administration = nav.get_by_role("button", name="Управление")
    if administration.count():
        administration.click()
    for label in shown:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(0)

    nav.get_by_test_id("nav-user").click()
    nav.get_by_role("button", name="Выйти").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("button", name="Войти")).to_be_visible()


def test_it_keeps_the_login_and_explains_a_wrong_password(page, demo_site):
    page.goto(f"{demo_site.url}/login/")
    page.get_by_label("Логин").fill("methodist")
    page.get_by_label("Пароль").fill("не тот")
    page.get_by_label("Пароль").press("Enter")
    expect(page.get_by_text("Неверный логин или пароль")).to_be_visible()
    expect(page.get_by_label("Логин")).to_have_value("methodist")


def test_it_loads_pages_without_content_security_policy_violations(page, demo_site):
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.goto(f"{demo_site.url}/login/")
    page.get_by_label("Логин").fill("methodist")
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{demo_site.url}/organizations/")
    expect(page.get_by_role("heading", name="Организации")).to_be_visible()
    assert page.evaluate("typeof window.htmx") == "object"
    assert violations == []
