"""ВПР results in a browser: the methodist uploads a «Ф1» export with a mistake and is shown
where it is, with nothing saved; uploads the corrected file, checks the preview, confirms; a
real Celery worker loads it while the page shows the progress, and the school's figures
appear. No participant's name reaches any page."""

import re

import pytest
from playwright.sync_api import expect

from monitoring.models import Participant
from tests.e2e.helpers import sign_in
from tests.monitoring import f1files

pytestmark = pytest.mark.e2e

SCHOOL = ("edu230120", "МОБУ СОШ № 20")


def test_it_imports_a_school_file_after_a_rejected_one(page, demo_site, worker, tmp_path):
    site = demo_site
    rows = f1files.generated_rows(24, seed=11, school_login=SCHOOL[0], school_name=SCHOOL[1])
    broken = [*rows]
    broken[2] = f1files.Row(**{**broken[2].__dict__, "mark": 6})
    broken_file = tmp_path / "Ф1_СОШ20_с_ошибкой.xlsx"
    broken_file.write_bytes(f1files.f1_file(broken, year=2026, grade=6))
    good_file = tmp_path / "Ф1_СОШ20.xlsx"
    good_file.write_bytes(f1files.f1_file(rows, year=2026, grade=6))
    participants = Participant.objects.count()

    sign_in(page, site, "methodist")
    page.get_by_role("link", name="Мониторинг").first.click()
    page.get_by_role("link", name="Загрузка результатов").click()
    page.get_by_role("link", name="Загрузить файл").click()
    page.get_by_label("Файл результатов (xlsx)").set_input_files(broken_file)
    page.get_by_role("button", name="Проверить файл").click()

    # The worker checks the file; the page reloads itself when the check is over.
    expect(page.get_by_role("alert").first).to_contain_text("Файл не принят", timeout=30_000)
    errors = page.get_by_role("table")
    expect(errors).to_contain_text(str(f1files.data_row(2, 24)))
    expect(errors).to_contain_text("Отметка")
    expect(errors).to_contain_text("вне диапазона 2–5")
    expect(page.get_by_role("button", name="Подтвердить загрузку")).to_have_count(0)
    assert Participant.objects.count() == participants

    page.get_by_role("link", name="← Все загрузки").click()
    page.get_by_role("link", name="Загрузить файл").click()
    page.get_by_label("Файл результатов (xlsx)").set_input_files(good_file)
    page.get_by_role("button", name="Проверить файл").click()

    expect(page.get_by_text("ВПР 2026, Математика, 6 класс")).to_be_visible(timeout=30_000)
    preview = page.get_by_role("table")
    expect(preview).to_contain_text(SCHOOL[1])
    expect(preview).to_contain_text(SCHOOL[0])
    expect(preview).to_contain_text("добавятся")
    page.get_by_role("button", name="Подтвердить загрузку").click()

    # «Загрузка начата» while the status is «загружается»; a worker quicker than the
    # redirect leaves the page at «загружен», and the message says so.
    expect(page.get_by_text(re.compile("Загрузка начата|Файл загружен"))).to_be_visible()
    # The worker loads the file; the progress block reloads the page when it is done.
    expect(page.get_by_role("heading", name="Результаты школ")).to_be_visible(timeout=30_000)
    figures = page.get_by_role("table").last
    expect(figures).to_contain_text(SCHOOL[1])
    expect(figures).to_contain_text("24")
    assert Participant.objects.count() == participants + 24
    content = page.content()
    for row in rows:
        assert row.name not in content

    # The figures are in the results analysis, the school beside its municipality.
    page.get_by_role("link", name="Мониторинг").first.click()
    page.get_by_role("link", name="Результаты оценочных процедур").click()
    page.get_by_label("Год").select_option("2026")
    page.get_by_label("Класс").select_option(label="6 класс")
    page.get_by_role("button", name="Показать").click()
    page.get_by_role("link", name=SCHOOL[1]).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{SCHOOL[1]}: результаты 2026")
    expect(page.get_by_role("heading", name="ВПР 2026, Математика, 6 класс").first).to_be_visible()
    for row in rows:
        assert row.name not in page.content()
