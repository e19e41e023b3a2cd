"""The whole flow of issue «Community» in a browser: a school nominates a teacher, the
methodist accepts, marks the roster ready, drafts the order and sends it for signature, the
director signs it and downloads the PDF, which a real Celery worker renders; after that
nothing signed can be edited."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tutoring.models import AcademicYear

pytestmark = pytest.mark.e2e


def test_it_takes_a_nomination_to_a_signed_printed_order(page, demo_site, worker):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site

    sign_in(page, site, "school")
    page.goto(f"{site.url}/community/nominations/new/")
    page.get_by_label("Учитель").select_option(label="Ткаченко Дмитрий Олегович")
    page.get_by_label("Должность").fill("учитель истории и обществознания")
    page.get_by_label("История", exact=True).check()
    page.get_by_label("Образование*", exact=True).select_option(label="высшее педагогическое")
    page.get_by_label("Педагогический стаж, лет").fill("11")
    page.get_by_label("Квалификационная категория").select_option(label="высшая")
    page.get_by_label("Профессиональные достижения").fill("Победитель конкурса «Учитель года».")
    page.get_by_label("Обоснование школы").fill("Лучшие результаты ОГЭ по истории в районе.")
    page.get_by_role("button", name="Отправить предложение").click()
    expect(page.get_by_text("Предложение отправлено методисту.")).to_be_visible()

    sign_in(page, site, "methodist")
    page.goto(f"{site.url}/community/nominations/?status=pending")
    page.get_by_role("link", name="Ткаченко Дмитрий Олегович").click()
    page.get_by_role("button", name="Принять в состав").click()
    expect(page.get_by_text("включён(а) в Состав сообщества")).to_be_visible()
    expect(page.get_by_role("cell", name="Ткаченко Дмитрий Олегович")).to_be_visible()
    page.get_by_role("button", name="Готов к приказу").click()
    expect(page.get_by_text("Включите его в приказ: подписанный приказ")).to_be_visible()
    roster_url = page.url

    page.goto(f"{site.url}/community/orders/new/")
    page.get_by_label("Пункты приказа").fill(
        "Утвердить состав муниципального сообщества тьюторов (Приложение 1).\n"
        "Контроль за исполнением приказа оставляю за собой."
    )
    page.get_by_role("button", name="Сохранить проект").click()
    page.get_by_role("link", name="Добавить приложение").click()
    page.get_by_label("Вид").select_option(label="состав сообщества")
    page.get_by_label("Заголовок").fill("Состав муниципального сообщества тьюторов")
    year = AcademicYear.objects.current()
    page.get_by_label("Состав", exact=True).select_option(
        label=f"Состав сообщества тьюторов на {year} учебный год"
    )
    page.get_by_role("button", name="Добавить").click()
    expect(page.get_by_text("Приложение № 1 добавлено.")).to_be_visible()
    page.get_by_role("button", name="Отправить на подпись").click()
    expect(page.get_by_text("Приказ отправлен на подпись руководителю.")).to_be_visible()
    order_url = page.url

    sign_in(page, site, "director")
    page.goto(order_url)
    page.get_by_label("Номер приказа").fill("01-03/99")
    page.get_by_role("button", name="Подписать…").click()
    page.get_by_role("button", name="Подписать приказ").click()
    expect(page.get_by_text("Приказ подписан.")).to_be_visible()
    download_link = page.get_by_role("link", name="Скачать PDF")
    expect(download_link).to_be_visible(timeout=60_000)  # htmx polls until the worker is done
    with page.expect_download() as download:
        download_link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    sign_in(page, site, "methodist")
    page.goto(order_url)
    expect(page.get_by_role("button", name="Подготовить изменяющий приказ")).to_be_visible()
    expect(page.get_by_role("link", name="Изменить проект")).to_have_count(0)
    page.goto(roster_url)
    expect(page.get_by_role("link", name="Добавить тьютора")).to_have_count(0)
    expect(page.get_by_role("button", name="Открыть новую редакцию")).to_be_visible()
