import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tutoring.models import AuditEntry, Organization, RoleKind, SchoolStatus, current_start_year

from .factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    SubjectFactory,
    user_with_role,
)


def current_year():
    return AcademicYearFactory(start_year=current_start_year())


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def populate(municipality, n):
    year = current_year()
    for _ in range(n):
        school = OrganizationFactory(municipality=municipality)
        SchoolStatusFactory(organization=school, academic_year=year)
        teacher = user_with_role(RoleKind.TEACHER, organization=school)
        teacher.roles.get().subjects.add(SubjectFactory())
        user_with_role(RoleKind.TUTOR, municipality=municipality, organization=school)
        AuditEntry.objects.create(action="test", object_type="x", municipality=municipality)


def test_it_keeps_query_counts_flat_as_the_data_grows(client, db):
    municipality = MunicipalityFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    pages = ["/", "/organizations/", "/people/", "/audit/"]
    populate(municipality, 2)
    school = Organization.objects.filter(kind="school").first()
    pages.append(f"/organizations/{school.pk}/")
    small = {url: queries(client, url) for url in pages}
    populate(municipality, 12)
    large = {url: queries(client, url) for url in pages}
    assert large == small
    # The home page carries the methodist's queues (one count a queue: requests to decide and
    # to schedule, nominations, tutor plans, the library, the orders returned, cases, uploads,
    # the tutors' year reports to check), the events, and the programme of the schools with
    # low results (the year, then one count of profiles and programmes waiting).
    assert max(small.values()) <= 24


def test_it_keeps_the_regional_home_page_flat_across_municipalities(client, db):
    client.force_login(user_with_role(RoleKind.REGIONAL))
    populate(MunicipalityFactory(), 1)
    small = queries(client, "/")
    for _ in range(5):
        populate(MunicipalityFactory(), 1)
    assert queries(client, "/") == small


def test_the_regional_overview_links_each_municipality_to_its_organizations(client, db):
    municipality = MunicipalityFactory(name="Тестовский район")
    populate(municipality, 1)
    client.force_login(user_with_role(RoleKind.REGIONAL))

    page = client.get("/").content.decode()

    link = f'<a href="/organizations/?municipality={municipality.pk}">Тестовский район</a>'
    assert link in page


def test_the_regional_overview_is_counted_again_only_when_something_is_added(client, db):
    from django.core.cache import cache

    cache.clear()
    municipality = MunicipalityFactory(name="Тестовский район")
    populate(municipality, 2)
    client.force_login(user_with_role(RoleKind.REGIONAL))

    def row():
        for summary in client.get("/").context["regional"]:
            if summary.municipality == municipality:
                return (summary.schools, summary.tutors, summary.teachers)

    counted = queries(client, "/")
    assert row() == (2, 2, 2)
    assert queries(client, "/") == counted - 4  # schools, roles, statuses, municipalities
    user_with_role(
        RoleKind.TEACHER,
        organization=Organization.objects.filter(municipality=municipality, kind="school").first(),
    )
    assert row() == (2, 2, 3)
    assert "в течение пяти минут" in client.get("/").content.decode()


def test_it_filters_organizations_by_status_in_the_database(client, db):
    municipality = MunicipalityFactory()
    year = current_year()
    SchoolStatusFactory(
        organization=OrganizationFactory(municipality=municipality, short_name="Слабая школа"),
        academic_year=year,
    )
    OrganizationFactory(municipality=municipality, short_name="Сильная школа")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    page = client.get("/organizations/", {"status": SchoolStatus.Kind.LOW_RESULTS}).content.decode()
    assert "Слабая школа" in page
    assert "Сильная школа" not in page


def test_it_paginates_the_organization_list(client, db):
    municipality = MunicipalityFactory()
    for n in range(55):
        OrganizationFactory(municipality=municipality, short_name=f"Школа {n:02d}")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    first = client.get("/organizations/").content.decode()
    second = client.get("/organizations/", {"page": 2}).content.decode()
    assert "Страница 1 из 2" in first
    assert "Школа 54" in second
    assert "Школа 54" not in first


def test_it_says_so_when_a_filter_finds_nothing(client, db):
    client.force_login(user_with_role(RoleKind.METHODIST))
    page = client.get("/organizations/", {"q": "нет такой"}).content.decode()
    assert "Организаций по этим условиям нет" in page


def test_it_filters_people_by_role(client, db):
    municipality = MunicipalityFactory()
    user_with_role(RoleKind.TUTOR, municipality=municipality, last_name="Тьюторова")
    user_with_role(RoleKind.TEACHER, municipality=municipality, last_name="Учителева")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    page = client.get("/people/", {"role": RoleKind.TUTOR}).content.decode()
    assert "Тьюторова" in page
    assert "Учителева" not in page


def test_it_shows_times_in_the_users_municipality_time_zone(client, db):
    kaltan = MunicipalityFactory(timezone="Asia/Novokuznetsk")
    AuditEntry.objects.create(
        action="test.time",
        object_type="x",
        municipality=kaltan,
        at=datetime.datetime(2026, 1, 15, 6, 0, tzinfo=datetime.UTC),
    )
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=kaltan))
    assert "15.01.2026 13:00" in client.get("/audit/").content.decode()


def test_it_shows_each_role_only_its_own_sections(client, db):
    municipality = MunicipalityFactory()
    client.force_login(user_with_role(RoleKind.TEACHER, municipality=municipality))
    page = client.get("/").content.decode()
    assert 'href="/people/"' not in page
    assert 'href="/audit/"' not in page
    assert 'href="/organizations/"' not in page


def test_it_shows_a_school_its_status_on_the_home_page(client, db):
    school = OrganizationFactory()
    SchoolStatusFactory(organization=school, academic_year=current_year())
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    page = client.get("/").content.decode()
    assert "ШНОР" in page
    assert f'href="/organizations/{school.pk}/"' in page


def test_it_answers_an_unknown_address_with_the_russian_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_it_filters_the_audit_log_by_date(client, db):
    municipality = MunicipalityFactory()
    for day, action in [(10, "test.early"), (20, "test.late")]:
        AuditEntry.objects.create(
            action=action,
            object_type="x",
            municipality=municipality,
            at=datetime.datetime(2026, 3, day, 12, 0, tzinfo=datetime.UTC),
        )
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=municipality))
    page = client.get("/audit/", {"since": "2026-03-15"}).content.decode()
    assert "test.late" in page
    assert "test.early" not in page


def test_it_filters_people_by_organization_name(client, db):
    municipality = MunicipalityFactory()
    user_with_role(
        RoleKind.TEACHER,
        organization=OrganizationFactory(municipality=municipality, short_name="Гимназия № 5"),
        last_name="Гимназистова",
    )
    user_with_role(RoleKind.TEACHER, municipality=municipality, last_name="Другая")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    page = client.get("/people/", {"organization": "гимназия"}).content.decode()
    assert "Гимназистова" in page
    assert "Другая" not in page


def test_it_answers_a_forbidden_page_with_the_russian_403_page(client, db):
    client.force_login(user_with_role(RoleKind.TEACHER))
    response = client.get("/people/")
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


def test_it_has_a_russian_500_page():
    from django.template.loader import render_to_string

    assert "Ошибка на сервере" in render_to_string("500.html")


def test_the_audit_log_shows_changes_in_russian_and_updates_as_old_to_new(client, db):
    methodist = user_with_role(RoleKind.METHODIST)
    municipality = methodist.roles.get().municipality
    for action, changes in (
        ("order.update", {"title": ["Проект", "О составе"]}),
        ("case.assign", {"experts": ["Логинова Т. А.", "Колмакова Е. В."], "blind": False}),
    ):
        AuditEntry.objects.create(
            action=action, object_type="x", municipality=municipality, changes=changes
        )
    client.force_login(methodist)
    page = client.get("/audit/").content.decode()
    assert "Название: «Проект» → «О составе»" in page
    assert "Эксперты: Логинова Т. А., Колмакова Е. В." in page
    assert "Скрыть автора: нет" in page
