"""The home page of each role lists everything that waits for the user: a count and a link to
the list that shows exactly those items, nothing of another municipality or school, in a
number of queries that does not grow with the data."""

import datetime
import html
import re
import secrets
from types import SimpleNamespace

import pytest
from django.utils import timezone

from community.models import (
    CommunityPlan,
    DevelopmentRoute,
    Material,
    Nomination,
    Order,
    RouteStep,
    TutorPlan,
)
from consultations.models import ConsultationRequest, Schedule, Session
from expertise.models import CaseKind, Conclusion, ExpertiseCase, Review, Round, Verdict
from expertise.services.rubrics import active_rubric
from monitoring.models import ImportBatch
from tests.community.factories import (
    MaterialFactory,
    NominationFactory,
    OrderFactory,
    TutorPlanFactory,
)
from tests.consultations.factories import (
    ConsultationPointFactory,
    ConsultationRequestFactory,
    SessionFactory,
)
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import DirectoryImport, RoleKind

LINE = re.compile(
    r'<a class="list-group-item[^"]*" href="(?P<url>[^"]+)">\s*'
    r'<span class="text-break"><span class="link-primary">(?P<label>[^<]+)</span>'
    r"(?:<span[^>]*>(?P<note>[^<]*)</span>)?</span>\s*"
    r'(?:<span class="badge[^"]*">(?P<count>\d+)</span>)?'
)


def queues(page: str) -> dict[str, tuple[int | None, str]]:
    """label → (count, url) of every line of the home page's queues."""
    return {
        html.unescape(m["label"]).strip(): (
            int(m["count"]) if m["count"] else None,
            html.unescape(m["url"]),
        )
        for m in LINE.finditer(page)
    }


def people(municipality, school, name):
    return SimpleNamespace(
        municipality=municipality,
        school_org=school,
        methodist=user_with_role(RoleKind.METHODIST, municipality=municipality),
        director=user_with_role(RoleKind.DIRECTOR, municipality=municipality),
        school=user_with_role(RoleKind.SCHOOL, organization=school),
        teacher=user_with_role(RoleKind.TEACHER, organization=school, last_name=f"Учитель{name}"),
        tutor=user_with_role(
            RoleKind.TUTOR,
            municipality=municipality,
            organization=OrganizationFactory(municipality=municipality),
            last_name=f"Тьютор{name}",
        ),
        name=name,
        point=ConsultationPointFactory(municipality=municipality),
    )


def fill(cast, n=0):
    """One item of every queue of every role in the cast's municipality; `n` tells a second
    batch apart (another year where a record is one per year, later sessions)."""
    municipality, school, name = cast.municipality, cast.school_org, cast.name
    year = AcademicYearFactory(start_year=AcademicYearFactory().start_year - n)
    now = timezone.now()
    # Methodist: a request to accept, a nomination, a material, cases, uploads, a tutor plan.
    ConsultationRequestFactory(
        municipality=municipality,
        organization=school,
        requested_by=cast.school,
        topic=f"Заявка {name} новая {n}",
    )
    ConsultationRequestFactory(
        municipality=municipality,
        organization=school,
        requested_by=cast.school,
        status=ConsultationRequest.Status.ACCEPTED,
        topic=f"Заявка {name} принята {n}",
    )
    NominationFactory(organization=school, academic_year=year)
    MaterialFactory(
        municipality=municipality, status=Material.Status.SUBMITTED, title=f"Материал {name} {n}"
    )
    subject = SubjectFactory()
    for status in (ExpertiseCase.Status.NEW, ExpertiseCase.Status.DISAGREEMENT):
        case(cast, year, subject, status=status, title=f"Программа {name} {status} {n}")
    ImportBatch.objects.create(
        kind="vpr",
        municipality=municipality,
        original_name=f"Ф1 {name} {n}.xlsx",
        size=1,
        sha256="0" * 64,
        token=secrets.token_hex(16),
        status=ImportBatch.Status.READY,
    )
    DirectoryImport.objects.create(
        kind=DirectoryImport.Kind.PEOPLE,
        municipality=municipality,
        original_name=f"Сотрудники {name} {n}.xlsx",
        size=1,
        sha256="0" * 64,
        status=DirectoryImport.Status.READY,
    )
    TutorPlanFactory(
        municipality=municipality,
        academic_year=year,
        tutor=user_with_role(RoleKind.TUTOR, municipality=municipality),
        status=TutorPlan.Status.SUBMITTED,
    )
    # Director: an order sent for signature, a schedule and a community plan to approve.
    OrderFactory(municipality=municipality, status=Order.Status.SENT, heading=f"Приказ {name} {n}")
    Schedule.objects.create(
        municipality=municipality,
        point=cast.point,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=6),
    )
    CommunityPlan.objects.create(
        municipality=municipality,
        academic_year=year,
        title=f"План {name} {n}",
        status=CommunityPlan.Status.SUBMITTED,
    )
    # Tutor: a session this week, one over without its report, a review, a returned plan.
    SessionFactory(
        municipality=municipality,
        tutor=cast.tutor,
        starts_at=now + datetime.timedelta(minutes=1 + 31 * n),
        ends_at=now + datetime.timedelta(minutes=30 + 31 * n),
    )
    SessionFactory(
        municipality=municipality,
        tutor=cast.tutor,
        starts_at=now - datetime.timedelta(days=2, hours=3 + 2 * n),
        ends_at=now - datetime.timedelta(days=2, hours=2 + 2 * n),
    )
    reviewed = case(
        cast, year, subject, status=ExpertiseCase.Status.REVIEW, title=f"На экспертизе {name} {n}"
    )
    Review.objects.create(round=reviewed.rounds.get(), expert=cast.tutor)
    TutorPlanFactory(
        municipality=municipality,
        academic_year=year,
        tutor=cast.tutor,
        status=TutorPlan.Status.RETURNED,
    )
    # Teacher: a session of their request, route steps due, a conclusion issued.
    scheduled = ConsultationRequestFactory(
        municipality=municipality,
        organization=school,
        requested_by=cast.school,
        teacher=cast.teacher,
        status=ConsultationRequest.Status.SCHEDULED,
        topic=f"Заявка {name} назначена {n}",
    )
    SessionFactory(municipality=municipality, request=scheduled)
    route = DevelopmentRoute.objects.create(
        municipality=municipality,
        academic_year=year,
        teacher=cast.teacher,
        organization=school,
        tutor=cast.tutor,
        topic=f"Маршрут {name} {n}",
        status=DevelopmentRoute.Status.ACTIVE,
    )
    for days in (-1, 3, 30):
        RouteStep.objects.create(
            route=route,
            kind=RouteStep.Kind.COURSE,
            title=f"Шаг {days}",
            deadline=timezone.localdate() + datetime.timedelta(days=days),
        )
    concluded = case(
        cast, year, subject, status=ExpertiseCase.Status.CONCLUDED, title=f"Выдано {name} {n}"
    )
    Conclusion.objects.create(
        case=concluded,
        round=concluded.rounds.get(),
        municipality=municipality,
        verdict=Verdict.COMPLIES,
        snapshot={},
    )
    # School: a closed request to rate, a nomination decided this month.
    ConsultationRequestFactory(
        municipality=municipality,
        organization=school,
        requested_by=cast.school,
        status=ConsultationRequest.Status.CLOSED,
        topic=f"Заявка {name} закрыта {n}",
    )
    NominationFactory(
        organization=school,
        academic_year=year,
        status=Nomination.Status.ACCEPTED,
        decided_at=now - datetime.timedelta(days=2),
    )


def case(cast, year, subject, *, status, title):
    created = ExpertiseCase.objects.create(
        municipality=cast.municipality,
        organization=cast.school_org,
        author=cast.teacher,
        submitted_by=cast.teacher,
        kind=CaseKind.WORK_PROGRAMME,
        title=title,
        subject=subject,
        academic_year=year,
        rubric=active_rubric(cast.municipality, CaseKind.WORK_PROGRAMME),
        status=status,
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    Round.objects.create(case=created, number=1, submitted_by=cast.teacher)
    return created


@pytest.fixture
def here(db):
    municipality = MunicipalityFactory()
    return people(municipality, OrganizationFactory(municipality=municipality), "Свой")


@pytest.fixture
def filled(here):
    """Every queue holds one item here, and the same items wait in another municipality."""
    municipality = MunicipalityFactory()
    elsewhere = people(municipality, OrganizationFactory(municipality=municipality), "Чужой")
    fill(here)
    fill(elsewhere)
    return here


EXPECTED = {
    "methodist": {
        "Заявки ждут решения: принять или отклонить": "Заявка Свой новая",
        "Принятые заявки ждут назначения занятия": "Заявка Свой принята",
        "Предложения школ в состав ждут решения": "МБОУ СОШ",
        "Планы тьюторов ждут согласования": "Тьютор",
        "Материалы библиотеки ждут модерации": "Материал Свой",
        "Экспертизы ждут назначения экспертов": "Программа Свой new",
        "Выводы экспертов разошлись: нужно ваше решение": "Программа Свой disagreement",
        "Результаты проверены и ждут подтверждения загрузки": "Ф1 Свой",
        "Списки школ и сотрудников проверены и ждут подтверждения": "Сотрудники Свой",
    },
    "director": {
        "Приказы на подпись": "Приказ Свой",
        "Графики работы пункта ждут утверждения": "График работы пункта",
        "Планы работы сообщества ждут утверждения": "План Свой",
    },
    "tutor": {
        "Занятия на этой неделе": "ТьюторСвой",
        "Занятия прошли, отчёт ещё не составлен": "ТьюторСвой",
        "Вам на экспертизу": "На экспертизе Свой",
        "Ваш план работы возвращён на доработку": "ТьюторСвой",
        "Шаги индивидуальных маршрутов просрочены": "Маршрут Свой",
        "Шаги индивидуальных маршрутов со сроком в ближайшие 7 дней": "Маршрут Свой",
    },
    "teacher": {
        "Предстоящие занятия по вашим заявкам": "Консультационный пункт",
        "Шаги индивидуальных маршрутов просрочены": "Маршрут Свой",
        "Шаги индивидуальных маршрутов со сроком в ближайшие 7 дней": "Маршрут Свой",
        "Выданы заключения за 30 дней": "Выдано Свой",
    },
    "school": {
        "Поданные заявки ждут решения методиста": "Заявка Свой новая",
        "Принятые заявки ждут назначения занятия": "Заявка Свой принята",
        "Заявки с назначенным занятием": "Заявка Свой назначена",
        "Занятия прошли: оцените помощь": "Заявка Свой закрыта",
        "Ваши предложения в состав на рассмотрении": "на рассмотрении",
        "Предложения в состав рассмотрены за 30 дней": "принято",
        "Выданы заключения за 30 дней": "Выдано Свой",
    },
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_it_shows_each_queue_with_its_count_and_a_link_to_exactly_those(client, filled, role):
    client.force_login(getattr(filled, role))

    shown = queues(client.get("/").content.decode())

    for label, marker in EXPECTED[role].items():
        assert label in shown, (label, sorted(shown))
        count, url = shown[label]
        assert count == 1, (label, count)
        listed = client.get(url).content.decode()
        assert marker in listed, (label, url)
        assert "Чужой" not in listed, (label, url)


def test_it_shows_the_nearest_deadline_of_the_reviews_due(client, filled):
    client.force_login(filled.tutor)

    page = client.get("/").content.decode()

    deadline = timezone.localdate() + datetime.timedelta(days=2)
    assert f"ближайший срок — {deadline:%d.%m.%Y}" in page


def test_it_lists_on_the_session_pages_only_what_the_tutor_queues_count(client, filled):
    client.force_login(filled.tutor)
    shown = queues(client.get("/").content.decode())

    due = client.get(shown["Занятия прошли, отчёт ещё не составлен"][1]).content.decode()
    week = client.get(shown["Занятия на этой неделе"][1]).content.decode()

    past = Session.objects.get(tutor=filled.tutor, ends_at__lt=timezone.now())
    coming = Session.objects.get(tutor=filled.tutor, starts_at__gt=timezone.now())
    assert past.get_absolute_url() in due and coming.get_absolute_url() not in due
    assert coming.get_absolute_url() in week and past.get_absolute_url() not in week


def test_it_says_in_one_line_that_nothing_waits(client, here):
    for role in EXPECTED:
        client.force_login(getattr(here, role))
        page = client.get("/").content.decode()
        assert "Сейчас ничего не ждёт ваших действий." in page, role
        assert queues(page) == {}, role


def test_it_does_not_say_nothing_waits_when_something_does(client, filled):
    client.force_login(filled.methodist)
    assert "Сейчас ничего не ждёт ваших действий." not in client.get("/").content.decode()


# The queries of the whole home page, with every queue of the role holding an item (measured:
# the session, the user's roles, the summaries, then one or two per queue; the year reports
# to check or returned add one for the methodist and the tutor; the programme of the schools
# with low results adds the year and one count of what waits: two for the methodist, two for a
# tutor who may curate, three for a school).
QUERIES = {"methodist": 24, "director": 15, "tutor": 21, "teacher": 13, "school": 18}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_it_keeps_the_query_count_when_the_data_doubles(
    client, filled, role, django_assert_max_num_queries
):
    client.force_login(getattr(filled, role))
    client.get("/")
    with django_assert_max_num_queries(QUERIES[role]) as once:
        client.get("/")
    fill(filled, n=1)

    with django_assert_max_num_queries(len(once.captured_queries)):
        shown = queues(client.get("/").content.decode())

    assert {shown[label][0] for label in EXPECTED[role]} == {2}


def test_it_names_no_conclusion_of_a_case_the_user_only_reviewed(client, filled):
    RoleFactory(user=filled.tutor, kind=RoleKind.TEACHER, organization=OrganizationFactory())
    concluded = ExpertiseCase.objects.get(title="Выдано Свой 0")
    Review.objects.create(round=concluded.rounds.get(), expert=filled.tutor)
    client.force_login(filled.tutor)

    shown = queues(client.get("/").content.decode())

    assert "Выданы заключения за 30 дней" not in shown
    listed = client.get("/expertise/cases/?concluded=recent").content.decode()
    assert "Выдано Свой" not in listed


def test_it_leaves_the_school_requests_that_wait_for_nothing_off_the_home_page(client, filled):
    client.force_login(filled.school)

    shown = queues(client.get("/").content.decode())

    assert "Поданные заявки ждут решения методиста" in shown
    assert not any("status=closed" in url for _count, url in shown.values())
