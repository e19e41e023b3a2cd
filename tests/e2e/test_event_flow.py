"""Events in a browser: the demo teacher finds an event of the community's term, registers for
it, and finds it in the calendar feed whose address their calendar page shows; a full event
says so in Russian and offers no registration."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from consultations.models import EventRegistration
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e

TITLE = "Итоговое сочинение: критерии оценивания"


def test_a_teacher_registers_and_finds_the_event_in_their_calendar_feed(page, demo_site):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site

    sign_in(page, site, "teacher")
    panel = page.get_by_role("region", name="Ближайшие мероприятия")
    expect(panel.get_by_text("вы записаны").first).to_be_visible()
    page.goto(f"{site.url}/consultations/")
    page.get_by_role("link", name="Мероприятия", exact=True).click()
    expect(page.get_by_role("heading", name="Мероприятия сообщества")).to_be_visible()

    page.get_by_role("link", name="Практические работы по биологии в ВПР").click()
    expect(page.get_by_text("Мест больше нет.")).to_be_visible()
    expect(page.get_by_role("button", name="Записаться")).to_have_count(0)
    page.go_back()

    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Записаться").click()
    expect(page.get_by_text("Вы записаны.")).to_be_visible()
    expect(page.get_by_text("вы записаны", exact=True)).to_be_visible()
    assert EventRegistration.objects.filter(
        event__title=TITLE, participant__username="teacher"
    ).exists()

    page.get_by_role("link", name="Все мероприятия").click()
    page.get_by_role("link", name="вашем календаре (.ics)").click()
    feed = page.request.get(page.get_by_label("Адрес календаря").input_value())
    assert feed.headers["content-type"].startswith("text/calendar")
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")]
    assert f"Групповой тьюториал: {TITLE}" in summaries
