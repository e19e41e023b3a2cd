"""The risk list and a school's results in a browser, on a laptop and on a phone: nothing
scrolls the page sideways, the ШНОР/ШССУ select shows its options whole, the small school's
reasons carry «ненадёжно», and every task-success chart is drawn at one scale."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import sign_in
from tutoring.demo import SHNOR_SCHOOL
from tutoring.models import Organization

pytestmark = pytest.mark.e2e

SCREENS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
SHOTS = Path(os.environ.get("RISKS_SHOTS", "/tmp/risks-shots"))

# The widest option of a select against the room its box leaves for text (the arrow's
# padding taken off): a cut «ШНОР» reads «ШНС».
SELECT_FITS = """select => {
  const style = getComputedStyle(select);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return widest <= room;
}"""


def photograph(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{screen}.png", full_page=True)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} at {screen}: the page scrolls sideways"
        yield screen
    page.set_viewport_size(SCREENS["laptop"])


def test_the_risk_list_reads_on_a_laptop_and_a_phone(page, demo_site):
    sign_in(page, demo_site, "methodist")
    page.goto(f"{demo_site.url}/monitoring/risks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Где нужна помощь")
    expect(page.get_by_text("По каким правилам школа попадает в список")).to_be_visible()

    for _screen in photograph(page, "risks"):
        selects = page.locator("select[name=kind]")
        assert selects.count() > 0
        assert all(selects.nth(n).evaluate(SELECT_FITS) for n in range(selects.count()))


def test_a_schools_results_draw_task_success_at_one_scale(page, demo_site):
    school = Organization.objects.get(short_name=SHNOR_SCHOOL)
    sign_in(page, demo_site, "methodist")
    page.goto(f"{demo_site.url}/monitoring/results/schools/{school.pk}/")
    expect(page.get_by_role("heading", name="Выполнение заданий").first).to_be_visible()

    for screen in photograph(page, "school-results"):
        charts = page.locator("svg.chart-fixed").all()
        assert len(charts) >= 2  # mathematics (11 tasks) and Russian (10)
        scales = {
            round(
                chart.evaluate("svg => svg.getBoundingClientRect().width")
                / float(chart.get_attribute("width")),
                3,
            )
            for chart in charts
        }
        assert scales == ({1.4} if screen == "laptop" else {1.0})
