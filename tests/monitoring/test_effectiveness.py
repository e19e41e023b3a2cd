"""The community's effectiveness for a year and teachers' development, against a year built by
hand: 2025/26 in one municipality, with requests, sessions, reports, ratings, expertise and
ВПР results before and after."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest, RequestKind, Session, SessionReport
from expertise.models import CaseKind, ExpertiseCase, Rubric, Verdict
from expertise.services.rubrics import rubrics_install_defaults
from monitoring import effectiveness
from tests.community.factories import AssignmentFactory
from tests.consultations.factories import ConsultationRequestFactory, SessionFactory
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    user_with_role,
)
from tutoring.models import AcademicYear, RoleKind, SchoolStatus, current_start_year

from . import f1files
from .factories import loaded, make_world

Status = ConsultationRequest.Status


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(
        tzinfo=timezone.get_current_timezone()
    )


def vpr(world, year, login, name, twos, total=20, seed=0):
    rows = f1files.generated_rows(total, seed=seed, school_login=login, school_name=name)
    for index, row in enumerate(rows):
        row.mark = 2 if index < twos else 4
    loaded(world, f1files.f1_file(rows, year=year))


class Year:
    """2025/26 in the world's municipality: `school` is ШНОР and got two sessions, `third`
    one, `other_school` none."""

    def __init__(self, world):
        self.world = world
        self.year = AcademicYearFactory(start_year=2025)
        municipality = world.municipality
        SchoolStatusFactory(
            organization=world.school, academic_year=self.year, kind=SchoolStatus.Kind.LOW_RESULTS
        )
        self.third = OrganizationFactory(municipality=municipality, short_name="МОБУ СОШ № 30")
        self.teacher2 = user_with_role(
            RoleKind.TEACHER, organization=self.third, last_name="Второва"
        )
        tutor = world.tutor

        def request(org, status, created, rating=None, **kw):
            return ConsultationRequestFactory(
                municipality=municipality,
                organization=org,
                status=status,
                created_at=at(created),
                rating=rating,
                **kw,
            )

        def held(req, day, kind, teachers):
            session = SessionFactory(
                municipality=municipality,
                request=req,
                tutor=tutor,
                kind=kind,
                status=Session.Status.HELD,
                starts_at=at(day),
                ends_at=at(day, 11),
            )
            report = SessionReport.objects.create(session=session, held=True)
            report.teachers_present.set(teachers)
            return session

        r1 = request(world.school, Status.CLOSED, "2025-10-01", rating=5, priority=True)
        r2 = request(world.school, Status.HELD, "2025-11-01", rating=4, priority=True)
        r3 = request(self.third, Status.HELD, "2025-12-01")
        request(world.school, Status.SUBMITTED, "2026-03-01")
        request(self.third, Status.REJECTED, "2026-04-01")
        request(self.third, Status.CLOSED, "2024-10-01", rating=1)  # the year before
        held(r1, "2025-10-05", RequestKind.INDIVIDUAL, [world.teacher])
        held(r2, "2025-11-11", RequestKind.SUPERVISION, [world.teacher])
        held(r3, "2025-12-03", RequestKind.SUPERVISION, [self.teacher2])
        SessionFactory(municipality=municipality, tutor=tutor, starts_at=at("2026-02-02"))
        SessionFactory(status=Session.Status.HELD, starts_at=at("2025-10-05"))  # elsewhere
        AssignmentFactory(
            municipality=municipality, academic_year=self.year, tutor=tutor, teacher=world.teacher
        )
        rubrics_install_defaults(actor=None, municipality=municipality)
        rubric = Rubric.objects.filter(
            municipality=municipality, kind=CaseKind.WORK_PROGRAMME, status="active"
        ).first()
        for title, status, verdict in [
            ("Рабочая программа 5 класс", "concluded", Verdict.COMPLIES),
            ("Рабочая программа 6 класс", "concluded", Verdict.REVISION),
            ("Рабочая программа 7 класс", "review", ""),
        ]:
            ExpertiseCase.objects.create(
                municipality=municipality,
                organization=world.school,
                author=world.teacher,
                submitted_by=world.teacher,
                kind=CaseKind.WORK_PROGRAMME,
                title=title,
                subject=world.subject,
                grades="5",
                academic_year=self.year,
                rubric=rubric,
                status=status,
                verdict=verdict,
            )


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def year(world):
    return Year(world)


def test_it_counts_the_requests_of_the_year(world, year):
    report = effectiveness.community_effectiveness(world.municipality, year.year)

    assert report.requests == {
        "received": 5,
        "fulfilled": 3,
        "open": 1,
        "rejected": 1,
        "withdrawn": 0,
        "cancelled": 0,
        "priority": 2,
    }


def test_it_gives_the_median_days_from_request_to_session(world, year):
    report = effectiveness.community_effectiveness(world.municipality, year.year)

    # 4, 10 and 2 days
    assert (report.median_days, report.timed_requests) == (4.0, 3)


def test_it_counts_held_sessions_by_kind(world, year):
    report = effectiveness.community_effectiveness(world.municipality, year.year)

    assert report.sessions_held == 3
    assert report.sessions_by_kind == [("индивидуальная консультация", 1), ("супервизия", 2)]


def test_it_counts_the_teachers_and_shnor_schools_reached(world, year):
    report = effectiveness.community_effectiveness(world.municipality, year.year)

    assert (report.teachers_reached, report.shnor_teachers_reached) == (2, 1)
    assert (report.shnor_schools_reached, report.shnor_schools) == (1, 1)


def test_it_summarises_the_ratings_and_expertise(world, year):
    report = effectiveness.community_effectiveness(world.municipality, year.year)

    assert report.ratings == [(5, 1), (4, 1), (3, 0), (2, 0), (1, 0)]
    assert report.rating_mean == 4.5
    assert report.expertise == [("на экспертизе", 1), ("заключение выдано", 2)]
    assert report.verdicts == [("соответствует", 1), ("соответствует при условии доработки", 1)]


def test_it_compares_the_supported_schools_results_with_the_others(world, year):
    vpr(world, 2025, "edu230123", "МОБУ СОШ № 10", twos=8)
    vpr(world, 2026, "edu230123", "МОБУ СОШ № 10", twos=4, seed=1)
    vpr(world, 2025, "edu230120", "МОБУ СОШ № 20", twos=5, seed=2)
    vpr(world, 2026, "edu230120", "МОБУ СОШ № 20", twos=6, seed=3)

    dynamics = effectiveness.community_effectiveness(world.municipality, year.year).dynamics

    assert (dynamics.before_year, dynamics.after_year) == (2025, 2026)
    assert (dynamics.supported_schools, dynamics.other_schools) == (1, 1)
    assert [s.percent for s in dynamics.supported] == [40.0, 20.0]
    assert dynamics.supported_change == -20.0
    assert [s.percent for s in dynamics.others] == [25.0, 30.0]
    assert dynamics.others_change == 5.0
    assert not dynamics.supported[0].unreliable


def test_the_report_page_shows_the_figures_and_the_caveat(client, world, year):
    client.force_login(world.methodist)

    text = client.get(reverse("monitoring:effectiveness"), {"year": year.year.pk}).content.decode()

    assert "2025/26 учебный год" in text
    assert "супервизия" in text
    assert "1 из 1" in text
    assert "не доказывает" in text
    assert "не используются для оценки работы учителей" in text


@pytest.mark.parametrize("role", ["school_admin", "teacher", "tutor"])
def test_the_report_is_refused_outside_the_methodical_centre(client, world, role):
    client.force_login(getattr(world, role))

    assert client.get(reverse("monitoring:effectiveness")).status_code == 403


def test_a_regional_coordinator_chooses_the_municipality(client, world, year):
    client.force_login(world.regional)

    page = client.get(
        reverse("monitoring:effectiveness"),
        {"year": year.year.pk, "municipality": world.municipality.pk},
    )

    assert page.status_code == 200
    assert world.municipality.name in page.content.decode()


def test_a_methodist_cannot_ask_for_another_municipality(client, world, year):
    client.force_login(world.methodist)

    page = client.get(
        reverse("monitoring:effectiveness"),
        {"year": year.year.pk, "municipality": world.foreign_school.municipality.pk},
    )

    assert world.foreign_school.municipality.name not in page.content.decode()
    assert "Выберите" in page.content.decode()


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_report_keeps_its_query_count(client, world, year):
    client.force_login(world.methodist)
    url = reverse("monitoring:effectiveness")
    client.get(url, {"year": year.year.pk})
    before = queries(client, url, {"year": year.year.pk})
    for day in range(1, 20):
        ConsultationRequestFactory(
            municipality=world.municipality,
            organization=world.school,
            status=Status.CLOSED,
            created_at=at(f"2026-01-{day:02d}"),
            rating=3,
        )
        SessionFactory(
            municipality=world.municipality,
            tutor=world.tutor,
            status=Session.Status.HELD,
            starts_at=at(f"2026-02-{day:02d}", 14),
            ends_at=at(f"2026-02-{day:02d}", 15),
        )

    assert (
        queries(client, url, {"year": year.year.pk}) == before <= 28
    )  # 6 of them: the tutors' totals


def test_it_lists_what_each_teacher_got_in_the_year(world, year):
    teachers = effectiveness.teachers_for(_access(world.methodist))

    rows = {t.last_name: t for t in effectiveness.development_rows(teachers, year.year)}

    first = rows[world.teacher.last_name]
    assert (first.sessions, first.cases, first.tutors) == (2, 3, 1)
    assert first.last_verdict in (Verdict.COMPLIES, Verdict.REVISION)
    second = rows["Второва"]
    assert (second.sessions, second.cases, second.tutors) == (1, 0, 0)


def test_it_gives_a_teachers_years(world, year):
    years = effectiveness.development_of(world.teacher)

    assert [y.year.start_year for y in years] == [2025]
    assert len(years[0].sessions) == 2
    assert len(years[0].cases) == 3
    assert [a.tutor for a in years[0].assignments] == [world.tutor]


def _access(user):
    from tutoring.access import access_for

    return access_for(user)


def test_who_sees_whose_development(client, world, year):
    own = reverse("monitoring:development_detail", args=[world.teacher.pk])
    other = reverse("monitoring:development_detail", args=[year.teacher2.pk])
    cases = [
        (world.methodist, own, 200),
        (world.methodist, other, 200),
        (world.regional, other, 200),
        (world.school_admin, own, 200),
        (world.school_admin, other, 404),
        (world.tutor, own, 200),  # the tutor's tutee
        (world.tutor, other, 404),
        (world.teacher, own, 200),
        (world.teacher, other, 404),
        (user_with_role(RoleKind.METHODIST), own, 404),
    ]
    for user, url, status in cases:
        client.force_login(user)
        assert client.get(url).status_code == status, (user, url)


def test_a_teacher_goes_straight_to_their_own_page(client, world, year):
    client.force_login(world.teacher)

    response = client.get(reverse("monitoring:development_list"))

    assert response["Location"] == reverse("monitoring:development_detail", args=[world.teacher.pk])


def test_the_list_shows_the_teachers_and_filters_by_school(client, world, year):
    client.force_login(world.methodist)
    url = reverse("monitoring:development_list")

    assert "Второва" in client.get(url, {"year": year.year.pk}).content.decode()
    text = client.get(url, {"year": year.year.pk, "school": world.school.pk}).content.decode()
    assert "Второва" not in text
    assert world.teacher.last_name in text
    assert "Это не рейтинг учителей" in text


def test_the_teachers_page_shows_the_year(client, world, year):
    client.force_login(world.methodist)

    text = client.get(
        reverse("monitoring:development_detail", args=[world.teacher.pk])
    ).content.decode()

    assert "2025/26 учебный год" in text
    assert "супервизия" in text
    assert "Рабочая программа 6 класс" in text
    assert "соответствует при условии доработки" in text
    assert world.tutor.full_name in text


def test_the_list_keeps_its_query_count(client, world, year):
    client.force_login(world.methodist)
    url = reverse("monitoring:development_list")
    client.get(url)
    before = queries(client, url, {"year": year.year.pk})
    for n in range(30):
        user_with_role(RoleKind.TEACHER, organization=world.school, last_name=f"Учитель{n}")

    assert queries(client, url, {"year": year.year.pk}) == before <= 12


def test_the_demo_shows_last_years_work_by_default(client, demo, sign_in):
    sign_in("methodist")

    text = client.get(reverse("monitoring:effectiveness")).content.decode()

    last = AcademicYear.objects.get(start_year=current_start_year() - 1)
    assert f"{last} учебный год" in text
    assert "супервизия" in text
    assert "1 из 1" in text  # СОШ № 20, the demo's ШНОР school
    assert "Получившие помощь тьюторов" in text
