"""The order's path to signature in a browser (issue 14): the methodist marks the roster
«готов к приказу», drafts the order with it and sends it for signature; the director finds it
in the home queue and returns it with a comment; the methodist reads the comment and sends it
again; the director signs it after the confirmation; the roster is then approved by the order
and locked."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from community.models import Order, Roster
from tests.e2e.helpers import sign_in
from tutoring.models import AcademicYear

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots/orders")
SCREENS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
COMMENT = "Добавьте в пункт 2 срок исполнения."


def photograph(page, name):
    """The page at a laptop's and at a phone's width, which it must not overflow."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{screen}.png", full_page=True)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} at {screen}: the page scrolls sideways"
    page.set_viewport_size(SCREENS["laptop"])


def test_it_takes_an_order_through_return_to_signature(page, demo_site):
    site = demo_site
    page.set_viewport_size(SCREENS["laptop"])
    page.on("dialog", lambda dialog: dialog.accept())
    year = AcademicYear.objects.current()

    sign_in(page, site, "methodist")
    page.goto(f"{site.url}/community/nominations/?status=pending")
    page.locator("main table").get_by_role("link").first.click()
    page.get_by_role("button", name="Принять в состав").click()
    expect(page.get_by_text("включён(а) в Состав сообщества")).to_be_visible()
    page.get_by_role("button", name="Готов к приказу").click()
    expect(page.get_by_text("Включите его в приказ: подписанный приказ")).to_be_visible()
    roster_url = page.url

    page.goto(f"{site.url}/community/orders/new/")
    expect(page.get_by_label("Учебный год")).to_have_value(str(year.pk))
    expect(page.get_by_label("Подписывающий (И.О. Фамилия)")).to_have_value("С. И. Орлов")
    page.get_by_label("Пункты приказа").fill(
        "Утвердить состав муниципального сообщества тьюторов (Приложение 1).\n"
        "Контроль за исполнением приказа оставляю за собой."
    )
    page.get_by_role("button", name="Сохранить проект").click()
    page.get_by_role("link", name="Добавить приложение").click()
    page.get_by_label("Вид").select_option(label="состав сообщества")
    page.get_by_label("Заголовок").fill("Состав муниципального сообщества тьюторов")
    page.get_by_label("Состав", exact=True).select_option(
        label=f"Состав сообщества тьюторов на {year} учебный год"
    )
    page.get_by_role("button", name="Добавить").click()
    expect(page.get_by_text("Приложение № 1 добавлено.")).to_be_visible()
    page.get_by_role("button", name="Отправить на подпись").click()
    expect(page.get_by_text("Приказ отправлен на подпись руководителю.")).to_be_visible()
    expect(page.get_by_role("link", name="Изменить проект")).to_have_count(0)
    order_url = page.url

    sign_in(page, site, "director")
    page.get_by_role("link", name="Приказы на подпись").click()
    page.get_by_role("link", name="Об утверждении состава муниципального сообщества").click()
    expect(page).to_have_url(order_url)
    photograph(page, "order-on-signature")
    page.get_by_label("Что исправить").fill(COMMENT)
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("методист увидит комментарий")).to_be_visible()

    sign_in(page, site, "methodist")
    expect(page.get_by_role("link", name=re.compile(re.escape(COMMENT)))).to_be_visible()
    page.get_by_role("link", name=re.compile(re.escape(COMMENT))).click()
    expect(page.get_by_role("status").filter(has_text=COMMENT)).to_be_visible()
    photograph(page, "order-returned")
    page.get_by_role("button", name="Отправить на подпись").click()
    expect(page.get_by_text("Приказ отправлен на подпись руководителю.")).to_be_visible()

    sign_in(page, site, "director")
    page.goto(order_url)
    page.get_by_label("Номер приказа").fill("01-03/77")
    page.get_by_role("button", name="Подписать…").click()
    expect(page.get_by_role("heading", name="Подписать приказ?")).to_be_visible()
    expect(page.get_by_text("№ 01-03/77")).to_be_visible()
    photograph(page, "sign-confirmation")
    page.get_by_role("button", name="Подписать приказ").click()
    expect(page.get_by_text("Приказ подписан.")).to_be_visible()

    order = Order.objects.get(number="01-03/77")
    roster = Roster.objects.get(academic_year=year, municipality=order.municipality)
    assert order.status == Order.Status.APPROVED
    assert (roster.status, roster.approved_order) == (Roster.Status.APPROVED, order)

    sign_in(page, site, "methodist")
    page.goto(roster_url)
    expect(page.get_by_text("Утверждён приказом: Приказ от")).to_be_visible()
    for action in ("Добавить тьютора", "Изменить", "Исключить"):
        expect(page.get_by_role("link", name=action, exact=True)).to_have_count(0)
    for action in ("Готов к приказу", "Вернуть в черновик", "Исключить"):
        expect(page.get_by_role("button", name=action, exact=True)).to_have_count(0)
    photograph(page, "roster-approved")
