"""A school's way out of low results in a browser: the methodist gives СОШ № 22 a curator; the
school drafts its risk profile with the portal's evidence offered; the curator returns it
once, then agrees; the school writes an antirisk programme for «высокая доля обучающихся с
рисками учебной неуспешности» with a measure tied to a tutorial series and an indicator on the
share of «2» on a ВПР work; the methodist agrees it; new results are loaded and the indicator
moves on the programme page without anyone entering it; the report upward shows the school."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from consultations.models import Session, SessionSeries
from monitoring import services as results
from tests.consultations.factories import OwnSessionFactory
from tests.e2e.helpers import sign_in
from tests.monitoring import f1files
from tutoring.models import AcademicYear, Organization, Role, RoleKind, SchoolStatus, User

pytestmark = pytest.mark.e2e

LEARNING = "Высокая доля обучающихся с рисками учебной неуспешности"
SCHOOL = ("edu230122", "МОБУ СОШ № 22")


def _cast(year):
    """СОШ № 22 in the programme of the year, its staff account, and two tutorials of the demo
    tutor there as one series."""
    school = Organization.objects.get(short_name=SCHOOL[1])
    SchoolStatus.objects.get_or_create(
        organization=school, academic_year=year, kind=SchoolStatus.Kind.LOW_RESULTS
    )
    staff = User.objects.create_user(
        "school22", password="demo", last_name="Мирошниченко", first_name="Анна"
    )
    Role.objects.create(
        user=staff, kind=RoleKind.SCHOOL, organization=school, municipality=school.municipality
    )
    tutor = User.objects.get(username="tutor")
    series = SessionSeries.objects.create(
        municipality=school.municipality, tutor=tutor, count=2, created_by=tutor
    )
    for weeks in (30, 31):
        starts = datetime.datetime.combine(
            year.starts_on + datetime.timedelta(weeks=weeks), datetime.time(6), datetime.UTC
        )
        OwnSessionFactory(
            municipality=school.municipality,
            organization=school,
            tutor=tutor,
            series=series,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=45),
            topic="Текстовые задачи",
        )
    return school, tutor


def said(page, text):
    """The page's message (an alert with role «status») says `text`."""
    expect(page.get_by_role("status").filter(has_text=text).first).to_be_visible()


def _load_next_spring(year: int):
    """The next spring's ВПР of СОШ № 22 as the methodist loads it: 30 pupils, three «2»."""
    rows = f1files.generated_rows(30, seed=7, school_login=SCHOOL[0], school_name=SCHOOL[1])
    for index, row in enumerate(rows):
        row.mark = 2 if index < 3 else 4
        row.journal_mark = row.mark
    methodist = User.objects.get(username="methodist")
    batch = results.batch_check(
        actor=methodist,
        municipality=methodist.roles.get().municipality,
        uploaded=SimpleUploadedFile("Ф1_СОШ22.xlsx", f1files.f1_file(rows, year=year, grade=5)),
    )
    assert batch.status == batch.Status.READY, batch.errors[:3]
    results.batch_confirm(actor=methodist, batch=batch, queue=False)
    results.batch_load(batch.pk)


def test_a_school_goes_from_its_risk_profile_to_an_antirisk_programme(page, demo_site):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site
    year = AcademicYear.objects.current()
    school, tutor = _cast(year)

    # The methodist gives the school its curator.
    sign_in(page, site, "methodist")
    page.goto(f"{site.url}/monitoring/profiles/?year={year.pk}")
    page.get_by_role("link", name=f"Назначить куратора школы {SCHOOL[1]}").click()
    page.get_by_label("Куратор").select_option(label=tutor.full_name)
    page.get_by_role("button", name="Назначить").click()
    said(page, "— куратор школы на")

    # The school drafts its profile; the portal offers what the risk list says.
    sign_in(page, site, "school22")
    page.goto(f"{site.url}/monitoring/profiles/?year={year.pk}")
    page.get_by_role("button", name="Составить профиль").click()
    said(page, "Профиль создан.")
    learning = page.get_by_role("group", name=re.compile(LEARNING))
    expect(learning).to_contain_text("Данные портала")
    expect(learning).to_contain_text("в «Где нужна помощь»")
    for group in page.get_by_role("group").all():
        group.get_by_label("Уровень риска").select_option(label="низкий")
    learning.get_by_label("Уровень риска").select_option(label="высокий")
    page.get_by_role("button", name="Сохранить").click()
    said(page, "Профиль сохранён.")
    profile_url = page.url
    page.get_by_role("button", name="Отправить на согласование").click()
    said(page, "Профиль отправлен на согласование")

    # The curator returns it once, then agrees.
    sign_in(page, site, "tutor")
    page.goto(profile_url)
    page.get_by_label("Что доработать").fill("Уточните оснащение: сколько кабинетов без ПК.")
    page.get_by_role("button", name="Вернуть на доработку").click()
    said(page, "Профиль возвращён школе")
    sign_in(page, site, "school22")
    page.goto(profile_url)
    expect(page.get_by_role("note")).to_contain_text("Уточните оснащение")
    page.get_by_role("button", name="Отправить на согласование").click()
    sign_in(page, site, "tutor")
    page.goto(profile_url)
    page.get_by_role("button", name="Согласовать профиль").click()
    said(page, "Профиль согласован.")

    # The school writes the antirisk programme of its high direction.
    sign_in(page, site, "school22")
    page.goto(profile_url)
    page.get_by_role("link", name="Программы школы").click()
    page.get_by_role("button", name=f"Антирисковая программа «{LEARNING}»").click()
    said(page, "Программа создана")
    programme_url = page.url
    page.get_by_role("link", name="Изменить текст").click()
    page.get_by_label("Цель").fill("Снизить долю «2» на ВПР по математике в 5 классе.")
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_role("link", name="Добавить мероприятие").click()
    page.get_by_label("Мероприятие", exact=True).fill("Тьюториал по текстовым задачам")
    page.get_by_label("Начало").fill((year.starts_on + datetime.timedelta(weeks=29)).isoformat())
    page.get_by_label("Срок выполнения").fill(
        (year.starts_on + datetime.timedelta(weeks=32)).isoformat()
    )
    page.get_by_label("Ответственный").fill("Заместитель директора по УВР")
    page.get_by_label("Серия занятий").select_option(index=1)
    page.get_by_role("button", name="Сохранить").click()
    said(page, "Мероприятие добавлено.")
    expect(page.get_by_text("Выполняется: Серия из 2 занятий")).to_be_visible()
    page.get_by_role("link", name="Добавить показатель").click()
    page.get_by_label("Показатель", exact=True).fill("Доля «2» по математике, 5 класс")
    page.get_by_label("Откуда значение").select_option(label="доля «2» на ВПР, %")
    page.get_by_label("Предмет работы ВПР").select_option(label="Математика")
    page.get_by_label("Класс работы ВПР").fill("5")
    page.get_by_label("Целевое значение").fill("15")
    page.get_by_role("button", name="Сохранить").click()
    said(page, "Показатель добавлен.")
    indicator = page.get_by_role("row").filter(has_text="Доля «2» по математике, 5 класс")
    expect(indicator).to_contain_text(f"ВПР {year.start_year}")
    page.get_by_role("button", name="Отправить на согласование").click()
    said(page, "Программа отправлена методисту")

    sign_in(page, site, "methodist")
    page.goto(programme_url)
    page.get_by_role("button", name="Согласовать программу").click()
    said(page, "Программа согласована.")

    # Next spring's results come in; nobody touches the programme.
    _load_next_spring(year.start_year + 1)
    sign_in(page, site, "school22")
    page.goto(programme_url)
    indicator = page.get_by_role("row").filter(has_text="Доля «2» по математике, 5 класс")
    expect(indicator).to_contain_text(f"ВПР {year.start_year + 1}")
    expect(indicator).to_contain_text("3 из 30 участников")

    sign_in(page, site, "methodist")
    page.goto(f"{site.url}/monitoring/programmes/report/?year={year.pk}")
    expect(page.get_by_role("table")).to_contain_text(SCHOOL[1])
    assert Session.objects.filter(series__isnull=False, organization=school).count() == 2
