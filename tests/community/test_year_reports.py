"""The tutor's report for the year: the plan beside what was done, the tutor submits, the
methodist returns or accepts, and the accepted figures are frozen."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import Achievement, DomainError, Material, TutorYearReport
from community.services import year_reports as services
from community.year_report import year_report_figures
from consultations.models import RequestKind, Session
from tests.consultations.factories import OwnSessionFactory
from tests.tutoring.factories import AcademicYearFactory, OrganizationFactory, user_with_role
from tutoring.models import AuditEntry, Notification, RoleKind, SchoolStatus

from .factories import MaterialFactory, TutorPlanFactory, TutorPlanItemFactory, municipality_cast


@pytest.fixture
def cast(db):
    cast = municipality_cast()
    cast.year = AcademicYearFactory()
    return cast


def held(cast, *, days_ago=10, **fields):
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    fields.setdefault("organization", cast.school_org)
    return OwnSessionFactory(
        municipality=cast.municipality,
        tutor=cast.tutor,
        status=Session.Status.HELD,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        **fields,
    )


def figures(cast):
    return year_report_figures(
        tutor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )


def report_of(cast, **fields):
    return TutorYearReport.objects.create(
        municipality=cast.municipality, academic_year=cast.year, tutor=cast.tutor, **fields
    )


def inbox(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_it_puts_the_sessions_tied_to_a_plan_item_beside_it(cast):
    plan = TutorPlanFactory(
        tutor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )
    item = TutorPlanItemFactory(plan=plan, content="Посещение уроков ежемесячно")
    held(cast, tutor_plan_item=item, topic="Урок математики в 7 «А»")
    held(cast, days_ago=20, topic="Вне плана")
    got = figures(cast)
    assert [line.content for line in got.plan] == ["Посещение уроков ежемесячно"]
    assert "Урок математики в 7 «А»" in got.plan[0].done[0].text
    assert [done.text.split(": ")[1].split(" (")[0] for done in got.rest] == ["Вне плана"]


def test_it_counts_held_sessions_by_form_and_leaves_out_planned_ones(cast):
    held(cast, kind=RequestKind.SUPERVISION)
    held(cast, days_ago=12, kind=RequestKind.SUPERVISION)
    held(cast, days_ago=14, kind=RequestKind.LESSON_VISIT)
    OwnSessionFactory(municipality=cast.municipality, tutor=cast.tutor)
    got = figures(cast)
    assert got.held == 3
    assert [(row.form, row.count) for row in got.by_form] == [
        (RequestKind.SUPERVISION.label, 2),
        (RequestKind.LESSON_VISIT.label, 1),
    ]


def test_it_marks_the_schools_and_teachers_of_a_shnor_school(cast):
    SchoolStatus.objects.create(
        organization=cast.school_org, academic_year=cast.year, kind=SchoolStatus.Kind.LOW_RESULTS
    )
    other = OrganizationFactory(municipality=cast.municipality)
    held(cast, teachers=[cast.teacher])
    held(cast, days_ago=12, organization=other)
    got = figures(cast)
    marks = {row.name: row.marks for row in got.schools}
    assert marks == {cast.school_org.short_name: "ШНОР", other.short_name: ""}
    assert [(row.name, row.marks) for row in got.teachers] == [(cast.teacher.full_name, "ШНОР")]


def test_it_lists_materials_published_this_year_and_achievements(cast):
    MaterialFactory(
        municipality=cast.municipality,
        authors=[cast.tutor],
        title="Кейс по функциональной грамотности",
        status=Material.Status.PUBLISHED,
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    MaterialFactory(municipality=cast.municipality, authors=[cast.tutor], title="Черновик")
    Achievement.objects.create(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        kind=Achievement.Kind.TALK,
        date=timezone.localdate(),
        title="Доклад на августовском совещании",
        level="municipal",
        evidence_link="https://example.org/talk",
    )
    got = figures(cast)
    assert [line.text for line in got.materials] == ["Кейс по функциональной грамотности"]
    assert "Доклад на августовском совещании" in got.achievements[0].text


def builder_queries(cast) -> int:
    with CaptureQueriesContext(connection) as context:
        figures(cast)
    return len(context)


def test_it_builds_the_figures_in_the_same_number_of_queries_for_5_or_50_sessions(cast):
    plan = TutorPlanFactory(
        tutor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )
    item = TutorPlanItemFactory(plan=plan)
    for day in range(5):
        held(cast, days_ago=5 + day, tutor_plan_item=item, teachers=[cast.teacher])
    few = builder_queries(cast)
    for day in range(45):
        held(
            cast,
            days_ago=10 + day,
            organization=OrganizationFactory(municipality=cast.municipality),
        )
    assert builder_queries(cast) == few <= 10


def test_it_opens_one_report_per_year_for_the_tutor(cast):
    first = services.year_report_open(
        actor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )
    again = services.year_report_open(
        actor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )
    assert first == again and first.status == TutorYearReport.Status.DRAFT


def test_it_refuses_a_report_to_someone_not_a_tutor_of_the_municipality(cast):
    with pytest.raises(DomainError):
        services.year_report_open(
            actor=cast.teacher, municipality=cast.municipality, academic_year=cast.year
        )


def test_it_refuses_to_submit_without_a_conclusion(cast):
    report = report_of(cast)
    with pytest.raises(DomainError, match="выводы"):
        services.year_report_submit(actor=cast.tutor, report=report)
    assert TutorYearReport.objects.get().status == TutorYearReport.Status.DRAFT


def test_it_refuses_a_return_without_a_comment(cast):
    report = report_of(cast, conclusion="Год прошёл.", status=TutorYearReport.Status.SUBMITTED)
    with pytest.raises(DomainError, match="доработать"):
        services.year_report_return(actor=cast.methodist, report=report, comment=" ")


def test_it_lets_only_the_municipalitys_methodist_accept(cast):
    report = report_of(cast, conclusion="Год прошёл.", status=TutorYearReport.Status.SUBMITTED)
    for someone in (cast.tutor, cast.other_methodist, cast.director):
        with pytest.raises(DomainError):
            services.year_report_accept(actor=someone, report=report)
    assert TutorYearReport.objects.get().status == TutorYearReport.Status.SUBMITTED


def test_it_goes_back_and_forth_and_tells_the_right_people(cast):
    report = report_of(cast)
    services.year_report_write(actor=cast.tutor, report=report, conclusion="План выполнен.")
    services.year_report_submit(actor=cast.tutor, report=report)
    assert inbox(cast.methodist) == ["community.year_report.submitted"]
    assert inbox(cast.other_methodist) == [] and inbox(cast.tutor) == []
    services.year_report_return(actor=cast.methodist, report=report, comment="Добавьте выводы.")
    assert inbox(cast.tutor) == ["community.year_report.returned"]
    assert "Добавьте выводы." in Notification.objects.get(recipient=cast.tutor).text
    services.year_report_write(actor=cast.tutor, report=report, conclusion="План выполнен, и…")
    services.year_report_submit(actor=cast.tutor, report=report)
    services.year_report_accept(actor=cast.methodist, report=report)
    report.refresh_from_db()
    assert report.status == TutorYearReport.Status.ACCEPTED
    assert report.accepted_by == cast.methodist and report.snapshot["tutor"]
    assert "community.year_report.accepted" in inbox(cast.tutor)
    assert inbox(cast.director) == [] and inbox(cast.other_methodist) == []
    actions = AuditEntry.objects.filter(action__startswith="year_report.").values_list(
        "action", flat=True
    )
    assert "year_report.accept" in set(actions)


def test_it_freezes_the_figures_at_acceptance(cast):
    report = report_of(cast, conclusion="Год прошёл.", status=TutorYearReport.Status.SUBMITTED)
    held(cast)
    services.year_report_accept(actor=cast.methodist, report=report)
    held(cast, days_ago=11)
    report.refresh_from_db()
    assert report.snapshot["held"] == 1


def test_it_refuses_to_change_an_accepted_report(cast):
    report = report_of(cast, conclusion="Год прошёл.", status=TutorYearReport.Status.ACCEPTED)
    with pytest.raises(DomainError, match="принят"):
        services.year_report_write(actor=cast.tutor, report=report, conclusion="Иначе.")


# Pages ----------------------------------------------------------------------------------------

ROLES = ["director", "school", "teacher", "regional", "other_methodist", "tutor", "methodist"]


def statuses(client, cast, url, *, post=False, data=None):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = (client.post(url, data or {}) if post else client.get(url)).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def test_it_shows_the_report_to_its_tutor_and_the_municipalitys_overseers(client, cast):
    report = report_of(cast)
    got = statuses(client, cast, report.get_absolute_url())
    assert got == expect(200, 404, 404, 200, 404, 200, 200)


def test_it_keeps_another_tutors_report_from_a_tutor(client, cast):
    other = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)
    report = TutorYearReport.objects.create(
        municipality=cast.municipality, academic_year=cast.year, tutor=other
    )
    client.force_login(cast.tutor)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.post(f"/community/year-reports/{report.pk}/submit/").status_code == 404


def test_it_lets_only_the_tutor_write_and_submit(client, cast):
    report = report_of(cast)
    url = f"/community/year-reports/{report.pk}/conclusion/"
    got = statuses(client, cast, url, post=True, data={"conclusion": "Год прошёл хорошо."})
    assert got == expect(403, 404, 404, 403, 404, 302, 403)
    assert TutorYearReport.objects.get().conclusion == "Год прошёл хорошо."


def test_it_lets_only_the_municipalitys_methodist_accept_on_the_page(client, cast):
    report = report_of(cast, conclusion="Итог.", status=TutorYearReport.Status.SUBMITTED)
    got = statuses(client, cast, f"/community/year-reports/{report.pk}/accept/", post=True)
    assert got == expect(403, 404, 404, 403, 404, 403, 302)
    assert TutorYearReport.objects.get().status == TutorYearReport.Status.ACCEPTED


def test_it_shows_the_tutors_live_figures_before_the_report_is_begun(client, cast):
    plan = TutorPlanFactory(
        tutor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )
    TutorPlanItemFactory(plan=plan, content="Посещение уроков в СОШ")
    client.force_login(cast.tutor)
    page = client.get("/community/year-reports/mine/").content.decode()
    assert "Посещение уроков в СОШ" in page and "Начать отчёт" in page


def test_it_opens_the_tutors_page_only_for_tutors(client, cast):
    got = statuses(client, cast, "/community/year-reports/mine/")
    assert got == expect(403, 403, 403, 403, 403, 200, 403)


def test_it_begins_the_report_and_leads_to_it(client, cast):
    client.force_login(cast.tutor)
    response = client.post(f"/community/year-reports/begin/{cast.year.pk}/")
    report = TutorYearReport.objects.get()
    assert response.url == report.get_absolute_url()
    assert client.get("/community/year-reports/mine/").url == report.get_absolute_url()


def test_it_lists_every_tutor_with_the_state_of_their_report(client, cast):
    other = user_with_role(RoleKind.TUTOR, municipality=cast.municipality, last_name="Второва")
    report_of(cast, status=TutorYearReport.Status.SUBMITTED, conclusion="Итог.")
    client.force_login(cast.methodist)
    page = client.get(f"/community/year-reports/?year={cast.year.pk}").content.decode()
    assert "на проверке" in page and "не начат" in page and "Второва" in page
    assert other.full_name in page


def test_it_opens_the_overview_for_methodists_and_directors_only(client, cast):
    got = statuses(client, cast, "/community/year-reports/")
    assert got == expect(200, 403, 403, 403, 200, 403, 200)


def test_it_keeps_the_overviews_queries_constant(client, cast, django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            tutor = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)
            TutorYearReport.objects.create(
                municipality=cast.municipality, academic_year=cast.year, tutor=tutor
            )

    client.force_login(cast.methodist)
    url = f"/community/year-reports/?year={cast.year.pk}"
    add(2)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    add(60)  # past a page of 50
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Дальше" in page  # paginated


def test_it_shows_the_reviewers_comment_on_a_returned_report(client, cast):
    report = report_of(
        cast, status=TutorYearReport.Status.RETURNED, reviewer_comment="Добавьте цифры."
    )
    client.force_login(cast.tutor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Добавьте цифры." in page and "Отправить на проверку" in page


def test_it_links_the_reports_from_the_community_hub(client, cast):
    client.force_login(cast.tutor)
    assert "/community/year-reports/mine/" in client.get("/community/").content.decode()
    client.force_login(cast.methodist)
    assert "/community/year-reports/" in client.get("/community/").content.decode()


def test_it_tells_the_methodist_on_the_home_page_of_reports_to_check(client, cast):
    report_of(cast, status=TutorYearReport.Status.SUBMITTED, conclusion="Итог.")
    line = f"Отчёты тьюторов за {cast.year} учебный год ждут проверки"
    client.force_login(cast.methodist)
    page = client.get("/").content.decode()
    assert line in page
    # The line leads to that year's reports sent for checking.
    link = f"/community/year-reports/?year={cast.year.pk}&amp;status=submitted"
    assert link in page
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert cast.tutor.full_name in listed
    client.force_login(cast.other_methodist)
    assert line not in client.get("/").content.decode()


def test_it_says_a_line_a_year_when_reports_of_two_years_wait(client, cast):
    report_of(cast, status=TutorYearReport.Status.SUBMITTED, conclusion="Итог.")
    earlier = AcademicYearFactory(start_year=cast.year.start_year - 1)
    TutorYearReport.objects.create(
        municipality=cast.municipality,
        academic_year=earlier,
        tutor=user_with_role(RoleKind.TUTOR, municipality=cast.municipality),
        status=TutorYearReport.Status.SUBMITTED,
    )
    client.force_login(cast.methodist)
    page = client.get("/").content.decode()
    assert f"Отчёты тьюторов за {earlier} учебный год ждут проверки" in page
    assert f"Отчёты тьюторов за {cast.year} учебный год ждут проверки" in page


@pytest.mark.parametrize(
    "status, listed",
    [("submitted", ["Первова"]), ("none", ["Третьева"]), ("accepted", ["Второва"]), ("", None)],
)
def test_it_filters_the_overview_by_the_reports_state(client, cast, status, listed):
    names = {}
    for last_name, state in [
        ("Первова", TutorYearReport.Status.SUBMITTED),
        ("Второва", TutorYearReport.Status.ACCEPTED),
        ("Третьева", None),
    ]:
        tutor = user_with_role(RoleKind.TUTOR, municipality=cast.municipality, last_name=last_name)
        names[last_name] = tutor.full_name
        if state:
            TutorYearReport.objects.create(
                municipality=cast.municipality, academic_year=cast.year, tutor=tutor, status=state
            )
    client.force_login(cast.methodist)
    page = client.get(
        f"/community/year-reports/?year={cast.year.pk}&status={status}"
    ).content.decode()
    for last_name, full_name in names.items():
        assert (full_name in page) is (listed is None or last_name in listed), last_name


def test_it_tells_the_tutor_on_the_home_page_of_a_returned_report(client, cast):
    report_of(cast, status=TutorYearReport.Status.RETURNED, reviewer_comment="Добавьте цифры.")
    client.force_login(cast.tutor)
    page = client.get("/").content.decode()
    assert "возвращён на доработку" in page and "Добавьте цифры." in page


def test_it_averages_the_ratings_of_the_requests_whose_sessions_the_tutor_held(cast):
    from tests.consultations.factories import ConsultationRequestFactory, SessionFactory

    starts = timezone.now() - datetime.timedelta(days=9)
    for rating in (5, 4):
        request = ConsultationRequestFactory(
            municipality=cast.municipality, organization=cast.school_org, rating=rating
        )
        SessionFactory(
            municipality=cast.municipality,
            request=request,
            tutor=cast.tutor,
            status=Session.Status.HELD,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
        )
        starts -= datetime.timedelta(days=1)
    ConsultationRequestFactory(municipality=cast.municipality, rating=1)
    got = figures(cast).ratings
    assert (got.count, got.average) == (2, 4.5)


def test_it_puts_the_tutors_events_beside_the_community_plan_item(cast):
    from tests.community.factories import CommunityPlanFactory, PlanItemFactory
    from tests.consultations.factories import EventFactory

    plan = CommunityPlanFactory(municipality=cast.municipality, academic_year=cast.year)
    item = PlanItemFactory(plan=plan, content="Методический семинар для учителей")
    starts = timezone.now() - datetime.timedelta(days=4)
    EventFactory(
        municipality=cast.municipality,
        organizer=cast.tutor,
        plan_item=item,
        title="Семинар о формирующем оценивании",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
    )
    got = figures(cast).community
    assert [line.content for line in got] == ["Методический семинар для учителей"]
    assert "Семинар о формирующем оценивании" in got[0].done[0].text
