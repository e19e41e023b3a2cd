"""Steps that several browser journeys share."""

from playwright.sync_api import expect


def sign_in(page, site, username):
    """Sign in as a demo user, whoever was signed in before."""
    page.context.clear_cookies()
    page.goto(f"{site.url}/login/")
    page.get_by_label("Логин").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")
