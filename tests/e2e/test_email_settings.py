"""«Уведомления по почте» in a browser: reached from the user menu, readable on a 390 px phone,
set from the keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tutoring import notifications
from tutoring.models import User

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_a_methodist_sets_her_letters_from_the_keyboard_on_a_phone(page, demo_site):
    sign_in(page, demo_site, "methodist")
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Показать меню").click()
    page.get_by_test_id("nav-user").click()
    page.get_by_role("link", name="Уведомления по почте").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Уведомления по почте")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    choice = page.get_by_label("Приказ на подписи")
    choice.focus()
    page.keyboard.press("ArrowDown")  # «сразу» → «раз в день»
    page.keyboard.press("ArrowDown")  # → «не присылать»
    page.get_by_label("Время ежедневной сводки").fill("19:30")
    page.get_by_role("button", name="Сохранить").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Настройки писем сохранены.")).to_be_visible()
    methodist = User.objects.get(username="methodist")
    assert notifications.email_choices(methodist)["community.order.sent"] == "never"
