"""The navigation bar fits the screen of every demo user, on a laptop and on a phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tutoring.demo import DEMO_LOGINS

pytestmark = pytest.mark.e2e

# A 1366 px laptop, the commonest screen of a school's office, the narrowest screen that shows
# the bar expanded (1200 px, where a school's bar once ran past the edge), and a phone.
SCREENS = {
    "laptop": {"width": 1366, "height": 768},
    "narrow": {"width": 1200, "height": 800},
    "phone": {"width": 390, "height": 844},
}
SHOTS = Path("/tmp/nav-shots")
PHOTOGRAPHED = {"methodist", "director"}


def _page_fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _bar_fits(nav):
    """The bar's entries keep inside its container."""
    return nav.locator(":scope > div").evaluate("bar => bar.scrollWidth <= bar.clientWidth")


def _rows(nav):
    """How many rows the shown top-level entries of an expanded bar take: one, not two."""
    return nav.locator(".navbar-nav > .nav-item").evaluate_all(
        "items => new Set(items.filter(i => i.getClientRects().length)"
        "  .map(i => Math.round(i.getBoundingClientRect().top))).size"
    )


def _open_burger(nav):
    """On a narrow screen the sections hide behind the burger: open it, as a user would."""
    burger = nav.get_by_role("button", name="Показать меню")
    if not burger.is_visible():
        return False
    burger.click()
    expect(nav.locator("#nav-main.show")).to_be_visible()  # the slide has ended
    return True


def _open_menu(toggle):
    """Opens a dropdown of the bar; returns the addresses of its links, each one visible."""
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    links = toggle.locator("xpath=following-sibling::ul").get_by_role("link")
    assert links.count() > 0
    for link in links.all():
        expect(link).to_be_visible()
    return {link.get_attribute("href") for link in links.all()}


def _photograph(page, username, name):
    if username in PHOTOGRAPHED:
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / f"{username}-{name}.png")


@pytest.mark.parametrize("username", sorted(DEMO_LOGINS))
def test_it_fits_the_navigation_on_a_laptop_and_a_phone(page, demo_site, username):
    sign_in(page, demo_site, username)
    nav = page.get_by_role("navigation", name="Основная навигация")
    urls = set()
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        page.goto(f"{demo_site.url}/")
        _photograph(page, username, screen)
        assert _page_fits(page), f"{username} at {screen}: the page scrolls sideways"
        assert _bar_fits(nav), f"{username} at {screen}: the bar sticks out of the page"
        if _open_burger(nav):
            _photograph(page, username, f"{screen}-burger")
        else:
            assert _rows(nav) == 1, f"{username} at {screen}: the bar wraps onto two lines"

        for number, toggle in enumerate(nav.locator("[data-bs-toggle='dropdown']").all(), 1):
            urls |= _open_menu(toggle)
            assert _page_fits(page), f"{username} at {screen}: an open menu scrolls sideways"
            _photograph(page, username, f"{screen}-menu-{number}")
            toggle.press("Escape")
            expect(toggle).to_have_attribute("aria-expanded", "false")

        nav.get_by_test_id("nav-user").click()
        expect(nav.get_by_role("button", name="Выйти")).to_be_visible()

    for url in sorted(urls):
        response = page.request.get(f"{demo_site.url}{url}", max_redirects=0)
        assert response.status == 200, f"{username}: {url} answers {response.status}"


def test_it_opens_the_administration_menu_from_the_keyboard(page, demo_site):
    sign_in(page, demo_site, "methodist")
    page.set_viewport_size(SCREENS["laptop"])
    nav = page.get_by_role("navigation", name="Основная навигация")
    administration = nav.get_by_role("button", name="Управление")
    administration.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    expect(nav.get_by_role("link", name="Организации")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Люди", level=1)).to_be_visible()
    expect(administration).to_have_class(re.compile(r"\bactive\b"))
    administration.click()
    expect(nav.get_by_role("link", name="Люди")).to_have_attribute("aria-current", "page")
