"""A development route in a browser: the demo tutor draws up a route for their tutee (a topic,
a difficulty, two steps) and starts it; the teacher marks a step done with an evidence text and
prints the route, which a real Celery worker renders."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tutoring.models import AcademicYear

pytestmark = pytest.mark.e2e

TOPIC = "Смысловое чтение на уроках математики"


def test_a_tutor_and_a_teacher_build_work_and_print_a_route(page, demo_site, worker):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site
    year = AcademicYear.objects.current()

    sign_in(page, site, "tutor")
    page.goto(f"{site.url}/community/routes/")
    page.get_by_role("link", name="Составить маршрут").click()
    page.get_by_label("С кем составляется маршрут").select_option(
        label=f"Петренко Марина Викторовна — мой тьюторант, {year} учебный год"
    )
    page.get_by_label("Тема маршрута").fill(TOPIC)
    page.get_by_label("Цели").fill("Научить учеников извлекать данные из условия задачи.")
    page.get_by_role("button", name="Создать маршрут").click()
    expect(page.get_by_text("Маршрут создан.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(TOPIC)
    route_url = page.url

    page.get_by_label("Откуда известно").select_option(label="выявлена тьютором")
    page.get_by_label("Затруднение").fill("Ученики не выделяют в условии главное.")
    page.get_by_role("button", name="Добавить затруднение", exact=True).click()
    expect(page.get_by_text("Затруднение добавлено.")).to_be_visible()

    page.get_by_role("link", name="Добавить шаг").click()
    page.get_by_label("Вид").select_option(label="занятие с тьютором")
    page.get_by_label("Что сделать").fill("Тьюториал: приёмы смыслового чтения")
    page.get_by_label("Срок").fill((year.starts_on + timedelta(days=40)).isoformat())
    page.get_by_role("button", name="Сохранить и добавить ещё").click()
    expect(page.get_by_text("Шаг добавлен в маршрут.")).to_be_visible()
    page.get_by_label("Вид").select_option(label="практика: открытый урок, разработка")
    page.get_by_label("Что сделать").fill("Открытый урок с заданиями на смысловое чтение")
    page.get_by_label("Срок").fill((year.starts_on + timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Сохранить шаг").click()
    expect(page.get_by_text("Шаг добавлен в маршрут.")).to_be_visible()
    page.get_by_role("button", name="Начать маршрут").click()
    expect(page.get_by_text("Маршрут начат: отмечайте шаги")).to_be_visible()

    sign_in(page, site, "teacher")
    page.goto(route_url)
    expect(page.get_by_text("Ученики не выделяют в условии главное.", exact=True)).to_be_visible()
    step = page.get_by_role("listitem").filter(has_text="Тьюториал: приёмы смыслового чтения")
    step.get_by_role("link", name="Выполнен").click()
    page.get_by_label("Что сделано").fill("Тьюториал проведён, памятка по приёмам — в папке.")
    page.get_by_role("button", name="Шаг выполнен").click()
    expect(page.get_by_text("отмечен выполненным")).to_be_visible()
    expect(page.get_by_text("1 из 2 шагов (50 %)")).to_be_visible()

    page.get_by_role("button", name="Печать (PDF)").click()
    expect(page.get_by_text("PDF маршрута формируется")).to_be_visible()
    download_link = page.get_by_role("link", name="Скачать PDF")
    expect(download_link).to_be_visible(timeout=60_000)  # htmx polls until the worker is done
    with page.expect_download() as download:
        download_link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")
