"""The library in a browser: a tutor adds a material with a file and sends it to moderation,
the methodist publishes it, and a teacher finds it by another form of a word of its title
(PostgreSQL's Russian stemming) and downloads the file under its original name."""

import re

import pytest
from playwright.sync_api import expect

from community.models import Material
from tests.e2e.helpers import sign_in
from tests.expertise import badfiles

pytestmark = pytest.mark.e2e

TITLE = "Дроби без страха: типичные ошибки шестиклассников"
FILE_NAME = "Дроби без страха.pdf"


def test_it_takes_a_material_from_a_tutor_to_a_teacher(page, demo_site, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site

    sign_in(page, site, "tutor")
    page.goto(f"{site.url}/community/")
    page.get_by_role("link", name="Библиотека материалов").click()
    page.get_by_role("link", name="Добавить материал").click()
    page.get_by_label("Вид материала").select_option(label="рекомендации по подготовке к ГИА и ВПР")
    page.get_by_label("Название").fill(TITLE)
    page.get_by_label("Описание").fill(
        "Задания ВПР по математике в 6 классе, в которых чаще всего ошибаются, и упражнения, "
        "которые предупреждают эти ошибки."
    )
    page.get_by_role("checkbox", name="Математика", exact=True).check()
    page.get_by_label("С класса").select_option("6")
    page.get_by_label("По класс").select_option("6")
    expect(page.get_by_role("checkbox", name="Логинова Татьяна Артуровна")).to_be_checked()
    page.get_by_label("Файл").set_input_files(
        badfiles.write(badfiles.good_pdf(FILE_NAME), tmp_path)
    )
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.get_by_text("Материал сохранён как черновик")).to_be_visible()
    page.get_by_role("button", name="Отправить на модерацию").click()
    expect(page.get_by_text("Материал отправлен методисту на модерацию")).to_be_visible()
    material_url = page.url

    sign_in(page, site, "methodist")
    # The demo has one material on moderation already; this one is the second.
    page.get_by_role("link", name="Материалы библиотеки ждут модерации").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Логинова Татьяна Артуровна", exact=True)).to_be_visible()
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_text("Материал опубликован: теперь")).to_be_visible()
    assert page.url == material_url

    sign_in(page, site, "teacher")
    page.goto(f"{site.url}/community/library/")
    page.get_by_label("Поиск по названию и описанию").fill("дробям")
    page.get_by_role("button", name="Найти").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Скачать")).click()
    assert download.value.suggested_filename == FILE_NAME
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    published = Material.objects.get(title=TITLE)
    assert (published.status, published.published_by.username) == ("published", "methodist")
