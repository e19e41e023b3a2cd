"""A «Ф1» file with many problems of every kind, uploaded in a browser: the page lists them all
at once by row and column, and the list fits a laptop and a phone without spilling sideways."""

import dataclasses
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from monitoring.models import Participant
from tests.e2e.helpers import sign_in
from tests.monitoring import f1files

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots/import")
SCREENS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHOOLS = [
    ("edu230120", "МОБУ СОШ № 20"),
    ("edu000777", "МОБУ ООШ № 99 им. Героя Советского Союза Н. Ф. Ватутина"),  # unknown
]


def _broken_file(path: Path) -> Path:
    rows = f1files.generated_rows(60, seed=12, logins=SCHOOLS, grade=6)
    for index, row in enumerate(rows):
        if index % 5 == 1:
            rows[index] = dataclasses.replace(row, mark=7)
        elif index % 5 == 2:
            scores = list(row.scores)
            scores[2] = 5  # task 3 is worth 2
            rows[index] = dataclasses.replace(row, scores=scores)
        elif index % 5 == 3:
            scores = list(row.scores)
            scores[6] = "два с половиной"
            rows[index] = dataclasses.replace(row, scores=scores)
        elif index % 10 == 4:
            rows[index] = dataclasses.replace(row, code="")
    path.write_bytes(f1files.f1_file(rows, year=2026, grade=6, municipal=True))
    return path


def test_it_lists_every_problem_at_once_on_a_laptop_and_a_phone(page, demo_site, worker, tmp_path):
    participants = Participant.objects.count()
    sign_in(page, demo_site, "methodist")
    page.goto(demo_site.url + reverse("monitoring:import_create"))
    page.get_by_label("Файл результатов (xlsx)").set_input_files(
        _broken_file(tmp_path / "Ф1_с_ошибками.xlsx")
    )
    page.get_by_role("button", name="Проверить файл").click()

    # A real worker checks the file; the page reloads itself when the check is over.
    expect(page.get_by_role("alert").first).to_contain_text("Файл не принят", timeout=30_000)
    heading = page.get_by_role("heading", name="Найдено")
    expect(heading).to_contain_text("ошиб")
    table = page.get_by_role("table")
    expect(table).to_contain_text("вне диапазона 2–5")
    expect(table).to_contain_text("больше максимума задания 3")
    expect(table).to_contain_text("«два с половиной» — не целое число")
    expect(table).to_contain_text("Нет кода участника")
    expect(table).to_contain_text("edu000777")
    expect(table).to_contain_text("T · Отметка")
    assert Participant.objects.count() == participants

    SHOTS.mkdir(parents=True, exist_ok=True)
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"problems-{screen}.png", full_page=True)
        page.screenshot(path=SHOTS / f"problems-{screen}-top.png")
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"the problems page at {screen} scrolls sideways"
        table_fits = page.locator(".table-responsive").first.evaluate(
            "box => box.scrollWidth <= box.clientWidth"
        )
        assert table_fits, f"the problems table at {screen} scrolls sideways"
