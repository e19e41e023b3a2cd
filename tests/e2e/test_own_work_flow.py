"""A tutor's own work in a browser, from the first lesson visit to the year's report.

The demo tutor logs a held lesson visit at СОШ № 20 with its observation note and a file,
tied to an item of their plan for the year; plans a weekly tutorial series of 8 for their two
tutees, one occurrence clashing (listed, nothing booked), fixes the time and books all 8;
cancels one occurrence. The tutees find the series in their calendar feed with the meeting
link, the cancelled one gone. The tutor files the year's report; the methodist returns it
once and then accepts it, and the PDF (rendered by a real Celery worker) shows the plan
beside what was done.
"""

import datetime
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import Activity, TutorPlan
from consultations.models import Session
from tests.consultations.factories import OwnSessionFactory
from tests.e2e.helpers import sign_in
from tests.expertise import badfiles
from tutoring.models import AcademicYear, Municipality, Organization, User

pytestmark = pytest.mark.e2e

LINK = "https://sferum.ru/?call_link=tutorial-vpr"
VISIT = "Посещение урока математики, 7 Б"
PLAN_ITEM = "Посещение уроков наставляемых, анализ и рекомендации (ежемесячно)"


def _world():
    """What the journey starts from besides the demo: the tutor's approved plan for this year,
    and a session of theirs on the third Tuesday ahead at 19:00, which the series first hits."""
    tutor = User.objects.get(username="tutor")
    # The second tutee signs in too (the demo gives a password to one teacher only).
    second = User.objects.get(username="teacher02")
    second.set_password("demo")
    second.save(update_fields=["password"])
    school = Organization.objects.get(short_name="МОБУ СОШ № 20")
    municipality = Municipality.objects.get(pk=school.municipality_id)
    year = AcademicYear.objects.current()
    plan = TutorPlan.objects.create(
        municipality=municipality,
        academic_year=year,
        tutor=tutor,
        status=TutorPlan.Status.APPROVED,
        approved_at=timezone.now(),
    )
    plan.items.create(
        activity=Activity.EDUCATIONAL, position=1, content=PLAN_ITEM, timing="ежемесячно"
    )
    plan.items.create(
        activity=Activity.EDUCATIONAL,
        position=2,
        content="Тьюториал «Подготовка к ВПР» для наставляемых",
        timing="декабрь — февраль",
    )
    zone = municipality.tzinfo
    today = timezone.localdate(timezone=zone)
    tuesday = today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)
    third = datetime.datetime.combine(
        tuesday + datetime.timedelta(weeks=2), datetime.time(19), tzinfo=zone
    )
    OwnSessionFactory(
        municipality=municipality,
        tutor=tutor,
        organization=school,
        topic="Супервизия молодого учителя",
        starts_at=third,
        ends_at=third + datetime.timedelta(hours=1),
    )
    return tuesday, year, municipality.timezone


def test_a_tutors_own_work_from_a_lesson_visit_to_the_accepted_report(
    page, demo_site, worker, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site
    tuesday, year, tuesday_zone = _world()
    visited_on = timezone.localdate() - datetime.timedelta(days=1)

    # The lesson visit, held yesterday, with its observation note and the lesson's plan.
    sign_in(page, site, "tutor")
    page.goto(f"{site.url}/consultations/sessions/")
    page.get_by_role("link", name="Записать занятие").click()
    page.get_by_label("уже проведено").check()
    page.get_by_label("Форма работы").select_option(label="посещение урока")
    page.get_by_label("Дата").fill(visited_on.isoformat())
    page.get_by_label("Начало").fill("10:00")
    page.get_by_label("Школа").select_option(label="МОБУ СОШ № 20")
    page.get_by_label("Место проведения").fill("каб. 14")
    page.get_by_label("Учителя", exact=True).select_option(
        label="Петренко Марина Викторовна — ваш тьюторант"
    )
    page.get_by_label("Тема*", exact=True).fill(VISIT)
    page.get_by_label("Класс").fill("7 Б")
    page.get_by_label("Тема урока").fill("Решение текстовых задач")
    page.get_by_label("Что увидел тьютор").fill("Ученики не дочитывают условие задачи.")
    page.get_by_label("Рекомендации учителю по уроку").fill("Приём «перескажи условие».")
    page.get_by_label("Обучающихся").fill("24")
    page.get_by_label("Что сделано", exact=True).fill("Посетила урок, разобрали его с учителем.")
    page.get_by_label("Материалы").set_input_files(
        badfiles.write(badfiles.good_pdf("конспект урока.pdf"), tmp_path)
    )
    page.get_by_label("Пункт моего плана").select_option(label=PLAN_ITEM)
    page.get_by_role("button", name="Записать").click()
    expect(page.get_by_text("Занятие записано.")).to_be_visible()
    expect(page.get_by_role("heading", name="Лист наблюдения урока")).to_be_visible()
    expect(page.get_by_role("link", name="Скачать файл")).to_be_visible()

    # A weekly tutorial series of 8 for both tutees: the third occurrence clashes.
    page.goto(f"{site.url}/consultations/sessions/own/new/")
    page.get_by_label("Форма работы").select_option(label="тьюториал")
    page.get_by_label("Дата").fill(tuesday.isoformat())
    page.get_by_label("Начало").fill("19:15")
    page.get_by_label("дистанционно").check()
    page.get_by_label("Ссылка для подключения").fill(LINK)
    page.get_by_label("Учителя", exact=True).select_option(
        label=[
            "Петренко Марина Викторовна — ваш тьюторант",
            "Сидоренко Алексей Павлович — ваш тьюторант",
        ]
    )
    page.get_by_label("Тема*", exact=True).fill("Тьюториал «Подготовка к ВПР»")
    page.get_by_label("Повторять").select_option(label="еженедельно")
    page.get_by_label("Сколько раз").fill("8")
    page.get_by_role("button", name="Записать").click()
    refusal = page.get_by_text("Серия не записана: 1 занятие из 8 пересекается")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("Занятие 3 (")
    assert not Session.objects.filter(series__isnull=False, topic__contains="ВПР").exists()

    page.get_by_label("Начало").fill("20:15")
    page.get_by_role("button", name="Записать").click()
    expect(page.get_by_text("Серия запланирована: 8 занятий.")).to_be_visible()
    expect(page.get_by_text("Занятие 1 из 8")).to_be_visible()

    # The series' page lists the eight; the fifth is cancelled alone.
    page.get_by_role("link", name="Серия из 8 занятий (еженедельно)").click()
    expect(page.get_by_role("cell", name="Занятие 8 из 8")).to_be_visible()
    page.get_by_role("row").filter(has_text="Занятие 5 из 8").get_by_role("link").first.click()
    cancelled_on = f"DTSTART;TZID={tuesday_zone}:{tuesday + datetime.timedelta(weeks=4):%Y%m%d}"
    page.get_by_label("Причина отмены").fill("Методический день в школах")
    page.get_by_role("button", name="Отменить занятие").click()
    expect(page.get_by_text("Занятие отменено.")).to_be_visible()
    page.screenshot(path=tmp_path / "cancelled.png")

    # Each tutee's calendar feed has the series with the link, the fifth cancelled.
    for username in ("teacher", "teacher02"):
        sign_in(page, site, username)
        page.goto(f"{site.url}/consultations/calendar/")
        feed = page.get_by_label("Адрес календаря").input_value()
        calendar = page.request.get(feed).text().replace("\r\n ", "")
        events = [part for part in calendar.split("BEGIN:VEVENT")[1:] if "ВПР" in part]
        # The cancelled one leaves the feed, and subscribed calendars drop it.
        assert len(events) == 7, username
        assert all(f"URL:{LINK}" in event for event in events)
        assert all(LINK in event.split("LOCATION:")[1].split("\r\n")[0] for event in events)
        assert cancelled_on not in calendar

    # The year's report: filed, returned once, filed again and accepted.
    sign_in(page, site, "tutor")
    page.goto(f"{site.url}/community/year-reports/mine/?year={year.pk}")
    expect(page.get_by_role("cell", name=PLAN_ITEM)).to_be_visible()
    page.get_by_role("button", name="Начать отчёт").click()
    expect(page.get_by_text("Отчёт начат.")).to_be_visible()
    page.get_by_label("Выводы о работе за год").fill("План по посещению уроков выполняется.")
    page.get_by_role("button", name="Сохранить выводы").click()
    page.get_by_role("button", name="Отправить на проверку").click()
    report_url = page.url

    sign_in(page, site, "methodist")
    page.goto(report_url)
    page.get_by_label("Что доработать").fill("Добавьте итоги тьюториалов по ВПР.")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(page.get_by_text("Отчёт возвращён тьютору на доработку")).to_be_visible()

    sign_in(page, site, "tutor")
    page.goto(report_url)
    expect(page.get_by_text("Добавьте итоги тьюториалов по ВПР.")).to_be_visible()
    page.get_by_label("Выводы о работе за год").fill(
        "План по посещению уроков выполняется; тьюториалы по ВПР идут по графику."
    )
    page.get_by_role("button", name="Сохранить выводы").click()
    page.get_by_role("button", name="Отправить на проверку").click()

    sign_in(page, site, "methodist")
    page.goto(report_url)
    page.get_by_role("button", name="Принять отчёт").click()
    download_link = page.get_by_role("link", name="Скачать PDF")
    expect(download_link).to_be_visible(timeout=60_000)  # htmx polls until the worker is done
    with page.expect_download() as download:
        download_link.click()
    pdf = download.value.path()

    def text_of(*options):
        return subprocess.run(
            ["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout

    flat = " ".join(text_of().split())
    assert "План — что сделано" in flat
    assert "Посещение уроков наставляемых" in flat and VISIT in flat
    assert "тьюториалы по ВПР идут по графику" in flat
    # Beside each other: a plan item's row carries what was done for it, or says nothing was.
    rows = text_of("-layout").splitlines()
    assert any("1 Посещение уроков" in row and "посещение урока:" in row for row in rows)
    assert any("2 Тьюториал «Подготовка к" in row and "не отмечено" in row for row in rows)
