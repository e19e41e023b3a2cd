"""A municipality starts on its own, in a browser, with letters through a real SMTP server:
the region administrator sets it up with its ИМЦ and invites the first methodist; the
methodist sets a password from the letter, loads the schools and their staff (a broken file
first) and invites the staff; a teacher and a school user set their passwords from their
letters, the school user adds a teacher by hand. A forgotten password is restored from the
login page. In the demo municipality the methodist gives a tutor reception hours, and the
schedule then places a request that only that tutor can take."""

import datetime
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.consultations.factories import ConsultationRequestFactory
from tests.e2e.helpers import sign_in
from tests.mailbox import Mailbox
from tests.tutoring.listfiles import schools_file, staff_file

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/onboarding-shots")
SCREENS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "Zvezda-Labinsk-2026"

MUNICIPALITY = ("Муниципальное образование Отрадненский район", "Отрадненский район")
IMC = (
    "Муниципальное казённое учреждение «Информационно-методический центр» Отрадненского района",
    "МКУ ИМЦ Отрадненского района",
    "Директор МКУ ИМЦ Отрадненского района",
    "Л. В. Ковалёва",
)
METHODIST = ("Белова", "Ирина", "Сергеевна", "belova@otradnaya.example.ru")
SCHOOL_ONE = (
    "Муниципальное бюджетное общеобразовательное учреждение средняя общеобразовательная "
    "школа № 1 станицы Отрадной",
    "МБОУ СОШ № 1 ст. Отрадной",
    "школа",
    "edu239101",
    "2345001011",
    "ст. Отрадная, ул. Красная, 1",
    "Директор МБОУ СОШ № 1 ст. Отрадной",
    "Гончаров Пётр Алексеевич",
)
SCHOOL_TWO = (
    "Муниципальное бюджетное общеобразовательное учреждение основная общеобразовательная "
    "школа № 7 хутора Малотенгинского",
    "МБОУ ООШ № 7",
    "школа",
    "edu239107",
    "2345001077",
    "х. Малотенгинский, ул. Садовая, 3",
    "Директор МБОУ ООШ № 7",
    "Рябова Анна Викторовна",
)
# Row by row: a short name that repeats; an unknown kind, a login and an ИНН that are not
# one; a head's position without the head.
BROKEN_SCHOOLS = (
    SCHOOL_ONE,
    ("Школа", SCHOOL_ONE[1], "", "edu239102", "", "", "", ""),
    ("Школа", "СОШ 2", "лицей-интернат", "edu12", "123", "", "Директор", ""),
)
TEACHER = ("edu239101", "Соколова", "Мария", "Ивановна", "учитель математики", "Математика",
           "sokolova@otradnaya.example.ru", "+7 918 000-11-22", "учитель")  # fmt: skip
SCHOOL_ADMIN = ("edu239101", "Жукова", "Ольга", "Петровна", "заместитель директора по УВР", "",
                "zhukova@otradnaya.example.ru", "", "администрация школы")  # fmt: skip
SECOND_TEACHER = ("edu239107", "Лаптев", "Артём", "", "учитель физики", "Физика",
                  "laptev@otradnaya.example.ru", "", "учитель")  # fmt: skip


@pytest.fixture
def inbox(demo_site, smtp_server, settings, monkeypatch):
    """Letters of the live server go through Django's SMTP backend to the test SMTP server,
    with links to the live server; the letter task runs in the server's thread."""
    from tutoring.tasks import send_letter

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.PORTAL_URL = demo_site.url
    monkeypatch.setitem(send_letter.app.conf, "task_always_eager", True)
    box = Mailbox(smtp_server.maildir, capture_on_commit=None)
    box.clear()
    return box


def letter_to(inbox, address):
    """The latest letter to `address`, given a moment to arrive."""
    deadline = time.monotonic() + 10
    while not inbox.to(address) and time.monotonic() < deadline:
        time.sleep(0.1)
    return inbox.last(address)


def field(scope, label):
    """A form field by its label; crispy marks required ones with an asterisk."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def photograph(page, name):
    """The page at a laptop's and at a phone's width, which it must not overflow; back to
    the laptop afterwards."""
    SHOTS.mkdir(exist_ok=True)
    for screen, size in SCREENS.items():
        page.set_viewport_size(size)
        page.screenshot(path=SHOTS / f"{name}-{screen}.png", full_page=True)
        main_fits = page.locator("main").evaluate("main => main.scrollWidth <= main.clientWidth")
        assert main_fits, f"{name} at {screen}: the page scrolls sideways"
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} at {screen}: the navigation bar scrolls sideways"
    page.set_viewport_size(SCREENS["laptop"])


def open_menu(page, section, item):
    """An entry of a dropdown of the navigation bar, as a user reaches it."""
    nav = page.get_by_role("navigation", name="Основная навигация")
    nav.get_by_role("button", name=section).click()
    nav.get_by_role("link", name=item).click()


def sign_out(page):
    page.context.clear_cookies()


def set_password(page, link, first_name):
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Добро пожаловать, {first_name}")
    field(page, "Новый пароль").fill(PASSWORD)
    field(page, "Новый пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name="Задать пароль и войти").click()
    expect(page.get_by_text("Пароль задан. Добро пожаловать на портал!")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")


def test_it_starts_a_municipality_from_the_region_to_its_teachers(page, demo_site, inbox, tmp_path):
    from tutoring.models import Invitation, Municipality, Organization, RoleKind, User

    url = demo_site.url
    page.set_viewport_size(SCREENS["laptop"])

    # 1. The region administrator sets up the municipality with its ИМЦ and first methodist.
    sign_in(page, demo_site, "region_admin")
    page.goto(f"{url}/region/")
    page.get_by_role("link", name="Добавить муниципалитет").click()
    municipality_part = page.get_by_role("group", name="Муниципальное образование")
    field(municipality_part, "Название").fill(MUNICIPALITY[0])
    field(municipality_part, "Краткое название").fill(MUNICIPALITY[1])
    issuer_part = page.get_by_role("group", name="Организация, издающая документы")
    field(issuer_part, "Полное наименование").fill(IMC[0])
    field(issuer_part, "Краткое наименование").fill(IMC[1])
    field(issuer_part, "Должность руководителя").fill(IMC[2])
    field(issuer_part, "Руководитель (И. О. Фамилия)").fill(IMC[3])
    methodist_part = page.get_by_role("group", name="Первый методист")
    field(methodist_part, "Фамилия").fill(METHODIST[0])
    field(methodist_part, "Имя").fill(METHODIST[1])
    field(methodist_part, "Отчество").fill(METHODIST[2])
    field(methodist_part, "Электронная почта").fill(METHODIST[3])
    photograph(page, "municipality-create")
    page.get_by_role("button", name="Создать муниципалитет").click()

    expect(page.get_by_text(f"{MUNICIPALITY[1]}: муниципалитет создан.")).to_be_visible()
    expect(page.get_by_text("Методисту отправлено письмо-приглашение.")).to_be_visible()
    municipality = Municipality.objects.get(name=MUNICIPALITY[0])
    assert municipality.region == "Краснодарский край"
    assert (municipality.issuer.name, municipality.issuer.kind) == (
        IMC[0],
        Organization.Kind.METHODICAL_CENTRE,
    )
    head = municipality.issuer.head_on(timezone.localdate())
    assert (head.position, head.name) == (IMC[2], IMC[3])
    photograph(page, "municipality-detail")

    # 2. The methodist sets a password from the letter and is signed in.
    letter = letter_to(inbox, METHODIST[3])
    assert "Ирина Сергеевна" in letter.body
    assert f"(методист, {MUNICIPALITY[1]})" in letter.body
    sign_out(page)
    page.goto(letter.first_link)
    photograph(page, "invitation-accept")
    set_password(page, letter.first_link, METHODIST[1])
    methodist = User.objects.get(email=METHODIST[3])
    assert methodist.roles.get().kind == RoleKind.METHODIST

    # 3. A school list: a broken file is refused with every problem, then the good one.
    broken = tmp_path / "школы_с_ошибками.xlsx"
    broken.write_bytes(schools_file(*BROKEN_SCHOOLS))
    good = tmp_path / "школы.xlsx"
    good.write_bytes(schools_file(SCHOOL_ONE, SCHOOL_TWO))
    open_menu(page, "Управление", "Загрузка списков")
    page.get_by_role("link", name="Загрузить список школ").click()
    field(page, "Файл xlsx").set_input_files(broken)
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.get_by_text("Файл не принят, в портал ничего не записано.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ошибки (5)")).to_be_visible()
    problems = page.locator("ul.problems")
    for where in (
        "Строка 3, столбец „Краткое наименование“",
        "Строка 4, столбец „Вид“",
        "Строка 4, столбец „Логин ФИС ОКО“",
        "Строка 4, столбец „ИНН“",
        "Строка 4, столбец „Руководитель (И. О. Фамилия)“",
    ):
        expect(problems).to_contain_text(where)
    expect(page.get_by_role("button", name="Подтвердить загрузку")).to_have_count(0)
    photograph(page, "schools-import-errors")
    assert not Organization.objects.filter(
        municipality=municipality, kind=Organization.Kind.SCHOOL
    ).exists()

    page.get_by_role("link", name="← Все загрузки списков").click()
    page.get_by_role("link", name="Загрузить список школ").click()
    field(page, "Файл xlsx").set_input_files(good)
    page.get_by_role("button", name="Проверить файл").click()
    preview = page.get_by_role("table")
    expect(preview).to_contain_text(SCHOOL_ONE[1])
    expect(preview).to_contain_text(SCHOOL_TWO[1])
    expect(preview.get_by_text("добавится")).to_have_count(2)
    photograph(page, "schools-import-preview")
    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(page.get_by_text("Список применён.")).to_be_visible()
    assert set(
        Organization.objects.filter(municipality=municipality).values_list(
            "fis_oko_login", flat=True
        )
    ) == {"", SCHOOL_ONE[3], SCHOOL_TWO[3]}

    # The staff list: two teachers and a school's administrator, then the invitations.
    staff = tmp_path / "сотрудники.xlsx"
    staff.write_bytes(staff_file(TEACHER, SCHOOL_ADMIN, SECOND_TEACHER))
    page.goto(f"{url}/directory-imports/")
    page.get_by_role("link", name="Загрузить список сотрудников").click()
    field(page, "Файл xlsx").set_input_files(staff)
    page.get_by_role("button", name="Проверить файл").click()
    preview = page.get_by_role("table")
    expect(preview.get_by_text("добавится")).to_have_count(3)
    expect(preview).to_contain_text("Соколова Мария Ивановна")
    photograph(page, "staff-import-preview")
    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(page.get_by_text("Список применён.")).to_be_visible()
    page.get_by_role("button", name="Отправить приглашения").click()
    expect(page.get_by_text("Приглашения отправляются (людей: 3)")).to_be_visible()
    for address in (TEACHER[6], SCHOOL_ADMIN[6], SECOND_TEACHER[6]):
        assert letter_to(inbox, address).subject
    assert User.objects.filter(email__endswith="@otradnaya.example.ru").count() == 4
    zhukova = User.objects.get(email=SCHOOL_ADMIN[6]).roles.get()
    assert (zhukova.kind, zhukova.organization.short_name) == (RoleKind.SCHOOL, SCHOOL_ONE[1])

    open_menu(page, "Управление", "Люди")
    expect(page.get_by_role("main")).to_contain_text("Жукова")
    photograph(page, "people-list")
    page.get_by_role("link", name=re.compile("Соколова")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Соколова Мария Ивановна")
    photograph(page, "person-detail")

    # 4. A teacher sets a password from the letter and signs in.
    sign_out(page)
    set_password(page, letter_to(inbox, TEACHER[6]).first_link, TEACHER[2])
    assert not Invitation.objects.filter(user__email=TEACHER[6], accepted_at=None).exists()
    sign_out(page)
    page.goto(f"{url}/login/")
    page.get_by_label("Логин").fill(TEACHER[6])
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте, Мария")

    # 5. The school's administrator, invited the same way, adds a teacher by hand.
    sign_out(page)
    set_password(page, letter_to(inbox, SCHOOL_ADMIN[6]).first_link, SCHOOL_ADMIN[2])
    open_menu(page, "Управление", "Люди")
    page.get_by_role("link", name="Добавить человека").click()
    field(page, "Фамилия").fill("Тарасов")
    field(page, "Имя").fill("Виктор")
    field(page, "Отчество").fill("Андреевич")
    field(page, "Эл. почта").fill("tarasov@otradnaya.example.ru")
    field(page, "Должность").fill("учитель истории")
    # A school user's bar names their school: a long name («МБОУ СОШ № 1 ст. Отрадной») is
    # cut with «…» so that the bar still fits 1366 px.
    photograph(page, "person-create")
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_text("Тарасов Виктор Андреевич добавлен(а) на портал.")).to_be_visible()
    tarasov = User.objects.get(email="tarasov@otradnaya.example.ru")
    role = tarasov.roles.get()
    assert (role.kind, role.organization.fis_oko_login) == (RoleKind.TEACHER, SCHOOL_ONE[3])
    letter = letter_to(inbox, "tarasov@otradnaya.example.ru")
    assert "Жукова Ольга Петровна приглашает вас" in letter.body
    assert "/invitation/" in letter.first_link


def test_it_restores_a_forgotten_password_from_the_login_page(page, demo_site, inbox):
    from tutoring.models import User

    url = demo_site.url
    teacher = User.objects.get(username="teacher")
    page.set_viewport_size(SCREENS["laptop"])
    page.goto(f"{url}/login/")
    page.get_by_role("link", name="Забыли пароль?").click()
    photograph(page, "password-reset")
    field(page, "Адрес электронной почты").fill(teacher.email)
    page.get_by_role("button", name="Прислать ссылку").click()
    expect(page.get_by_role("heading", name="Проверьте почту")).to_be_visible()

    link = letter_to(inbox, teacher.email).first_link
    assert "/password/reset/" in link
    page.goto(link)
    expect(page.get_by_role("heading", name="Задайте новый пароль")).to_be_visible()
    photograph(page, "password-reset-confirm")
    field(page, "Новый пароль").fill(PASSWORD)
    field(page, "Новый пароль ещё раз").fill(PASSWORD)
    page.get_by_role("button", name="Сохранить пароль").click()
    expect(page.get_by_role("heading", name="Пароль изменён")).to_be_visible()

    page.goto(f"{url}/login/")
    page.get_by_label("Логин").fill("teacher")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Здравствуйте")

    sign_out(page)
    page.goto(link)
    expect(page.get_by_role("heading", name="Ссылка больше не действует")).to_be_visible()


def build_schedule(page, site, first_day, last_day):
    """«Построить график» from the consultations page, for the days of the request."""
    page.goto(f"{site.url}/consultations/")
    page.get_by_role("link", name="Построить график").click()
    field(page, "С").fill(first_day.isoformat())
    field(page, "По").fill(last_day.isoformat())
    page.get_by_role("button", name="Построить график").click()
    # A real worker builds it; the page polls its progress and then shows the result.
    expect(page.get_by_role("heading", name=re.compile("Не размещено заявок"))).to_be_visible(
        timeout=60_000
    )


def test_it_places_a_request_once_the_methodist_gives_its_tutor_hours(page, demo_site, worker):
    from consultations.models import (
        AvailabilityException,
        AvailabilitySlot,
        ConsultationRequest,
        Format,
        Session,
    )
    from tutoring.models import Municipality, Role, RoleKind, Subject, User

    site = demo_site
    labinsk = Municipality.objects.get(short_name="Лабинский район")
    tutors = Role.objects.filter(kind=RoleKind.TUTOR, municipality=labinsk)
    role = tutors.select_related("user").order_by("user__last_name", "pk").first()
    tutor = role.user
    # A subject that this tutor alone teaches, and no hours of theirs: the request below
    # waits for exactly the hours the methodist will enter.
    subject, _ = Subject.objects.get_or_create(name="Астрономия")
    role.subjects.add(subject)
    assert not tutors.filter(subjects=subject).exclude(user=tutor).exists()
    AvailabilitySlot.objects.filter(tutor=tutor).delete()
    AvailabilityException.objects.filter(tutor=tutor).delete()
    school_user = User.objects.get(username="school")
    school = school_user.roles.get(kind=RoleKind.SCHOOL).organization
    assert not Role.objects.filter(user=tutor, organization=school).exists()  # no conflict
    first_day = timezone.localdate() + datetime.timedelta(days=14)
    last_day = first_day + datetime.timedelta(days=6)
    request = ConsultationRequestFactory(
        municipality=labinsk,
        organization=school,
        requested_by=school_user,
        subject=subject,
        topic="Наблюдения звёздного неба на уроках физики",
        format=Format.REMOTE,
        status=ConsultationRequest.Status.ACCEPTED,
        windows=[(first_day, last_day)],
    )

    sign_in(page, site, "methodist")
    build_schedule(page, site, first_day, last_day)
    unplaced = page.get_by_role("region", name=re.compile("Не размещено заявок"))
    waiting = unplaced.get_by_role("listitem").filter(has_text=f"№ {request.pk}")
    expect(waiting).to_contain_text("ни у одного тьютора по предмету «Астрономия» нет свободных")
    request.refresh_from_db()
    assert request.status == ConsultationRequest.Status.ACCEPTED

    page.goto(f"{site.url}/consultations/")
    page.get_by_role("link", name="Заполнить время приёма").click()
    field(page, "ФИО тьютора").fill(tutor.last_name)
    page.get_by_role("button", name="Показать").click()
    row = page.get_by_role("row").filter(has_text=tutor.last_name).first
    expect(row).to_contain_text("не указано")
    row.get_by_role("link").click()
    expect(page.get_by_text("Время приёма не указано")).to_be_visible()
    field(page, "День недели").select_option(label="среда")
    field(page, "С").first.fill("10:00")
    field(page, "До").first.fill("14:00")
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_text("Время приёма добавлено: среда 10:00–14:00")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("10:00–14:00")
    photograph(page, "reception-hours")
    assert AvailabilitySlot.objects.filter(tutor=tutor, municipality=labinsk).count() == 1

    build_schedule(page, site, first_day, last_day)
    booked = page.get_by_role("region", name=re.compile("Назначено занятий"))
    placed = booked.get_by_role("row").filter(has_text=f"№ {request.pk}")
    expect(placed).to_contain_text(tutor.full_name)
    expect(placed).to_contain_text("Ср,")
    photograph(page, "schedule-built")
    request.refresh_from_db()
    assert request.status == ConsultationRequest.Status.SCHEDULED
    session = Session.objects.get(request=request)
    local = session.starts_at.astimezone(labinsk.tzinfo)
    assert (session.tutor, local.weekday(), 10 <= local.hour < 14) == (tutor, 2, True)
