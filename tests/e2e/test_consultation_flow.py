"""The consultation point in a browser: the school files a request, the methodist books it
with a ranked tutor, the director approves the week and downloads its PDF (rendered by a real
Celery worker), the tutor reports the session from the agenda, and the school rates it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import ConsultationRequest, Session
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e


def test_it_takes_a_request_to_a_rated_session(page, demo_site, worker):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    sign_in(page, site, "school")
    page.goto(f"{site.url}/consultations/requests/new/")
    page.get_by_label("Форма работы").select_option(label="супервизия")
    page.get_by_label("Предмет").select_option(label="Математика")
    page.get_by_label("Тема").fill("Геометрия в ОГЭ: доказательные задачи")
    page.get_by_label("Затруднение").fill("Ученики не берутся за задачи на доказательство.")
    page.get_by_label("Участники").fill("учителя математики")
    page.get_by_label("Число участников").fill("3")
    page.get_by_label("Формат").select_option(label="очно")
    page.locator("#id_windows-0-starts_on").fill(tomorrow.isoformat())
    page.locator("#id_windows-0-ends_on").fill((tomorrow + datetime.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Подать заявку").click()
    expect(page.get_by_text("Методист рассмотрит её.")).to_be_visible()
    request_url = page.url

    sign_in(page, site, "methodist")
    page.goto(request_url)
    page.get_by_role("button", name="Принять заявку").click()
    page.get_by_role("link", name="Назначить занятие").click()
    candidate = page.locator("article").filter(has_text="Логинова Татьяна Артуровна")
    candidate.get_by_role("link").first.click()
    page.get_by_label("Помещение").select_option(index=1)
    page.get_by_role("button", name="Назначить занятие").click()
    expect(page.get_by_text("назначено занятие", exact=False).first).to_be_visible()
    session = Session.objects.get(request__topic__startswith="Геометрия в ОГЭ")
    local = session.starts_at.astimezone(session.municipality.tzinfo).date()
    monday = local - datetime.timedelta(days=local.weekday())

    page.goto(f"{site.url}/consultations/schedules/new/")
    page.locator("#id_starts_on").fill(monday.isoformat())
    page.locator("#id_ends_on").fill((monday + datetime.timedelta(days=6)).isoformat())
    page.get_by_role("button", name="Составить").click()
    expect(page.get_by_text("Геометрия в ОГЭ: доказательные задачи")).to_be_visible()
    schedule_url = page.url

    sign_in(page, site, "director")
    page.goto(schedule_url)
    page.get_by_role("button", name="Утвердить график").click()
    download_link = page.get_by_role("link", name="Скачать PDF")
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    # Time passes: the session is over.
    past = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(hours=2)
    Session.objects.filter(pk=session.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=1)
    )
    sign_in(page, site, "tutor")
    page.goto(f"{site.url}/consultations/sessions/?since={past.date().isoformat()}")
    page.get_by_role(
        "link", name=f"{past.astimezone(session.municipality.tzinfo):%d.%m.%Y %H:%M}"
    ).click()
    page.get_by_role("link", name="Составить отчёт о занятии").click()
    page.get_by_role("radio", name="да").check()
    page.get_by_label("Что сделано").fill("Разобрали три типа доказательных задач.")
    page.get_by_role("button", name="Сохранить отчёт").click()
    expect(page.get_by_text("Отчёт о занятии сохранён.")).to_be_visible()
    page.goto(f"{site.url}/consultations/calendar/")
    feed = page.request.get(page.get_by_label("Адрес календаря").input_value()).text()
    local = past.astimezone(session.municipality.tzinfo)
    assert f"DTSTART;TZID={session.municipality.timezone}:{local:%Y%m%dT%H%M}00" in feed

    sign_in(page, site, "school")
    page.goto(request_url)
    page.get_by_role("radio", name="5").check()
    page.get_by_role("button", name="Оценить").click()
    expect(page.get_by_text("Спасибо за оценку")).to_be_visible()
    assert ConsultationRequest.objects.get(pk=session.request_id).rating == 5
