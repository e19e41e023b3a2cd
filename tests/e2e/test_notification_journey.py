"""Nobody misses their turn, in a browser, with a real SMTP server process and a real Celery
worker sending the letters: a school files a request and the methodist's bell shows it; she
schedules it and the school and the tutor each get a notification and a letter with an
invitation (SEQUENCE 0); she moves it and a new letter comes (SEQUENCE 1); the day before,
`send_reminders` reminds once, and a second run reminds nobody; after the session the
tutor's home shows the report due, and once it is filed the school rates the help."""

import datetime
import re
import time
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import ConsultationRequest, Session
from tests import processes
from tests.e2e.helpers import sign_in
from tests.mailbox import Mailbox
from tutoring.models import Notification, User

pytestmark = pytest.mark.e2e

SCHOOL, TUTOR = "school@example.ru", "tutor@example.ru"
TOPIC = "Текстовые задачи в ОГЭ: с чего начать"


def letters_about(box, address, subject, about, count=1, timeout=60):
    """The letters to `address` whose subject starts with `subject` and whose text mentions
    `about`, once `count` of them arrived."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            letter
            for letter in box.to(address)
            if letter.subject.startswith(subject) and about in letter.body
        ]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) == count, f"{address}: {[x.subject for x in box.to(address)]}"
            return found
        time.sleep(0.3)


def invitation(letter) -> icalendar.Event:
    files = [content for name, kind, content in letter.attachments if name.endswith(".ics")]
    assert len(files) == 1, letter.attachments
    calendar = icalendar.Calendar.from_ical(files[0])
    assert str(calendar["method"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    return event


def bell(page) -> int:
    badge = page.get_by_test_id("nav-bell-count")
    return int(badge.inner_text()) if badge.count() else 0


def test_a_request_reaches_everyone_by_bell_letter_and_reminder(page, demo_site, smtp_server):
    site = demo_site
    page.on("dialog", lambda dialog: dialog.accept())
    box = Mailbox(smtp_server.maildir, None)
    box.clear()
    mail = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "PORTAL_URL": site.url,
    }
    with processes.celery_worker(env=mail):
        sign_in(page, site, "methodist")
        before = bell(page)

        # The school files a request.
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        sign_in(page, site, "school")
        page.goto(f"{site.url}/consultations/requests/new/")
        page.get_by_label("Форма работы").select_option(label="супервизия")
        page.get_by_label("Предмет").select_option(label="Математика")
        page.get_by_label("Тема").fill(TOPIC)
        page.get_by_label("Затруднение").fill("Ученики не понимают условие задачи.")
        page.get_by_label("Участники").fill("учителя математики")
        page.get_by_label("Число участников").fill("2")
        page.get_by_label("Формат").select_option(label="очно")
        page.locator("#id_windows-0-starts_on").fill(tomorrow.isoformat())
        page.locator("#id_windows-0-ends_on").fill(
            (tomorrow + datetime.timedelta(days=14)).isoformat()
        )
        page.get_by_role("button", name="Подать заявку").click()
        expect(page.get_by_text("Методист рассмотрит её.")).to_be_visible()
        request_url = page.url

        # The methodist's bell shows it; the inbox leads to the request.
        sign_in(page, site, "methodist")
        assert bell(page) == before + 1
        page.get_by_test_id("nav-bell").click()
        page.locator("main a", has_text=TOPIC).first.click()
        expect(page).to_have_url(request_url)
        page.get_by_role("button", name="Принять заявку").click()
        page.get_by_role("link", name="Назначить занятие").click()
        candidate = page.locator("article").filter(has_text="Логинова Татьяна Артуровна")
        candidate.get_by_role("link").first.click()
        page.get_by_label("Помещение").select_option(index=1)
        page.get_by_role("button", name="Назначить занятие").click()
        expect(page.get_by_text("назначено занятие", exact=False).first).to_be_visible()
        session = Session.objects.get(request__topic=TOPIC)
        named = f"Заявка № {session.request_id} "

        # The school and the tutor: a notification each, and a letter with the invitation.
        for address in (SCHOOL, TUTOR):
            user = User.objects.get(email=address)
            assert Notification.objects.filter(
                recipient=user, kind="consultations.request.scheduled"
            ).exists()
            (letter,) = letters_about(box, address, "Назначено занятие", named)
            event = invitation(letter)
            assert event.decoded("sequence") == 0
            assert str(event["uid"]) == f"session-{session.pk}@tutoring-portal"
            assert request_url.removeprefix(site.url) in letter.body

        # She moves it to another free time: a new letter, SEQUENCE 1, the same UID.
        page.goto(f"{site.url}/consultations/sessions/{session.pk}/reschedule/")
        # Another day of the tutor's free time, inside the request's dates: not today (before
        # them) and not the session's own day (its own time is free to move within).
        booked_on = session.starts_at.astimezone(session.municipality.tzinfo)
        page.locator("a[href^='?start=']").filter(has_not_text=f"{booked_on:%d.%m}").filter(
            has_not_text=f"{timezone.localdate():%d.%m}"
        ).first.click()
        page.get_by_role("button", name="Перенести занятие").click()
        expect(page.get_by_text("Занятие перенесено на", exact=False)).to_be_visible()
        session.refresh_from_db()
        for address in (SCHOOL, TUTOR):
            (letter,) = letters_about(box, address, "Занятие перенесено", named)
            event = invitation(letter)
            assert event.decoded("sequence") == 1
            assert str(event["uid"]) == f"session-{session.pk}@tutoring-portal"

        # The day before: one reminder each, and a second run reminds nobody.
        eve = (session.starts_at - datetime.timedelta(hours=20)).isoformat()
        call_command("send_reminders", "--now", eve, stdout=StringIO())
        again = StringIO()
        call_command("send_reminders", "--now", eve, stdout=again)
        reminded = Notification.objects.filter(
            kind="consultations.session.tomorrow", object_key=f"consultations.session:{session.pk}"
        )
        assert sorted(reminded.values_list("recipient__email", flat=True)) == [SCHOOL, TUTOR]
        assert "Всего отправлено: 0 напоминаний." in again.getvalue()
        for address in (SCHOOL, TUTOR):
            (letter,) = letters_about(box, address, "Занятие завтра", TOPIC)
            assert invitation(letter).decoded("sequence") == 1

    # The session is over: the tutor's home shows the report due; she files it.
    past = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    Session.objects.filter(pk=session.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    sign_in(page, site, "tutor")
    due = page.get_by_role("link", name=re.compile("Занятия прошли, отчёт ещё не составлен"))
    expect(due).to_be_visible()
    due.click()
    held_at = past.astimezone(session.municipality.tzinfo)
    page.get_by_role("link", name=f"{held_at:%d.%m.%Y %H:%M}").click()
    page.get_by_role("link", name="Составить отчёт о занятии").click()
    page.get_by_role("radio", name="да").check()
    page.get_by_label("Что сделано").fill("Разобрали, как читать условие задачи.")
    page.get_by_role("button", name="Сохранить отчёт").click()
    expect(page.get_by_text("Отчёт о занятии сохранён.")).to_be_visible()

    # The school rates the help.
    sign_in(page, site, "school")
    page.goto(request_url)
    page.get_by_role("radio", name="5").check()
    page.get_by_role("button", name="Оценить").click()
    expect(page.get_by_text("Спасибо за оценку")).to_be_visible()
    assert ConsultationRequest.objects.get(pk=session.request_id).rating == 5
