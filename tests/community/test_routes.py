"""Development routes (ИОМ): a teacher and their assigned tutor draw the route up, work it
through with evidence and close it; the school and the methodist read it; nobody else sees it."""

from datetime import date, timedelta
from types import SimpleNamespace

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import selectors
from community.models import Assignment, DevelopmentRoute, DomainError, RouteDifficulty, RouteStep
from community.services import routes as services
from tests.expertise import badfiles
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from tutoring import extensions
from tutoring.access import access_for
from tutoring.models import AcademicYear, AuditEntry, Document, RoleKind
from tutoring.tasks import render_document

from .factories import AssignmentFactory, municipality_cast

Kind = RouteStep.Kind
Status = DevelopmentRoute.Status


@pytest.fixture
def cast(db):
    cast = municipality_cast()
    cast.year = AcademicYearFactory()
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    return cast


def new_route(cast, *, actor=None, topic="Формирующее оценивание на уроках математики"):
    return services.route_create(
        actor=actor or cast.tutor,
        teacher=cast.teacher,
        tutor=cast.tutor,
        academic_year=cast.year,
        topic=topic,
        goals="Вводить критерии оценивания до начала работы.",
    )


def in_year(cast, days=30) -> date:
    return cast.year.starts_on + timedelta(days=days)


def add_step(cast, route, title="Курсы ИРО по формирующему оцениванию", days=30):
    return services.step_add(
        actor=cast.tutor, route=route, kind=Kind.COURSE, title=title, deadline=in_year(cast, days)
    )


@pytest.fixture
def route(cast):
    return new_route(cast)


@pytest.fixture
def active(cast, route):
    add_step(cast, route)
    add_step(cast, route, "Открытый урок с листами самооценки", days=120)
    return services.route_start(actor=cast.teacher, route=route)


def actions(route) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(route.pk), object_type="community.DevelopmentRoute")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Creating ------------------------------------------------------------------------------------


def test_it_lets_the_tutor_draw_up_a_route_for_their_tutee(cast):
    route = new_route(cast)

    assert route.status == Status.DRAFT
    assert (route.teacher, route.tutor, route.organization) == (
        cast.teacher,
        cast.tutor,
        cast.school_org,
    )
    assert (route.municipality, route.created_by) == (cast.municipality, cast.tutor)
    assert actions(route) == ["route.create"]


def test_it_lets_the_teacher_draw_up_a_route_with_their_tutor(cast):
    route = new_route(cast, actor=cast.teacher)

    assert route.created_by == cast.teacher


def test_it_refuses_a_route_with_a_tutor_not_assigned_that_year(cast):
    other_tutor = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)

    with pytest.raises(DomainError, match="не закреплён\\(а\\) за учителем"):
        services.route_create(
            actor=other_tutor,
            teacher=cast.teacher,
            tutor=other_tutor,
            academic_year=cast.year,
            topic="Тема",
        )
    assert not DevelopmentRoute.objects.exists()


def test_it_refuses_a_route_drawn_up_by_a_third_person(cast):
    with pytest.raises(DomainError, match="сам учитель и закреплённый за ним тьютор"):
        services.route_create(
            actor=cast.methodist,
            teacher=cast.teacher,
            tutor=cast.tutor,
            academic_year=cast.year,
            topic="Тема",
        )
    assert not DevelopmentRoute.objects.exists()


def test_it_refuses_a_second_route_on_the_same_topic(cast, route):
    with pytest.raises(DomainError, match="уже есть маршрут"):
        new_route(cast, actor=cast.teacher)
    assert DevelopmentRoute.objects.count() == 1


def test_the_form_offers_the_users_assignments_and_creates_the_route(client, cast):
    client.force_login(cast.tutor)
    page = client.get("/community/routes/new/").content.decode()
    assert f"{cast.teacher.full_name} — мой тьюторант, {cast.year} учебный год" in page

    response = client.post(
        "/community/routes/new/",
        {"assignment": Assignment.objects.get().pk, "topic": "Смысловое чтение", "goals": ""},
        follow=True,
    )

    route = DevelopmentRoute.objects.get()
    assert response.redirect_chain[-1][0] == route.get_absolute_url()
    assert "Маршрут создан." in response.content.decode()


def test_the_form_is_closed_to_someone_without_assignments(client, cast):
    client.force_login(cast.methodist)
    assert client.get("/community/routes/new/").status_code == 403


# Drawing up -----------------------------------------------------------------------------------


def test_it_adds_and_removes_a_difficulty(cast, route):
    difficulty = services.difficulty_add(
        actor=cast.teacher, route=route, source="teacher", text="Не успеваю дать обратную связь."
    )
    services.difficulty_remove(actor=cast.tutor, difficulty=difficulty)

    assert not RouteDifficulty.objects.exists()
    assert actions(route)[-2:] == ["route.difficulty_add", "route.difficulty_remove"]


def test_it_updates_the_topic_and_goals(cast, route):
    services.route_update(actor=cast.teacher, route=route, topic="Новая тема", goals="Цель")

    route.refresh_from_db()
    assert (route.topic, route.goals) == ("Новая тема", "Цель")
    entry = AuditEntry.objects.get(action="route.update")
    assert entry.changes["topic"][1] == "Новая тема"


def test_it_adds_updates_and_removes_a_step(cast, route):
    step = add_step(cast, route)
    services.step_update(
        actor=cast.teacher,
        step=step,
        kind=Kind.SELF_STUDY,
        title="Изучить рекомендации ФИОКО",
        deadline=in_year(cast, 60),
    )
    step.refresh_from_db()
    assert (step.kind, step.deadline) == (Kind.SELF_STUDY, in_year(cast, 60))

    services.step_remove(actor=cast.tutor, step=step)

    assert not RouteStep.objects.exists()
    assert actions(route)[-3:] == ["route.step_add", "route.step_update", "route.step_remove"]


def test_it_refuses_a_deadline_outside_the_year(cast, route):
    late = cast.year.ends_on + timedelta(days=1)

    with pytest.raises(DomainError) as error:
        services.step_add(
            actor=cast.tutor, route=route, kind=Kind.COURSE, title="Курсы", deadline=late
        )

    year = cast.year
    assert str(error.value) == (
        f"Срок {late:%d.%m.%Y} — вне учебного года маршрута ({year}): укажите дату "
        f"с 01.09.{year.start_year} по 31.08.{year.start_year + 1}."
    )
    assert not RouteStep.objects.exists()


def test_the_step_form_says_so_and_saves_nothing(client, cast, route):
    client.force_login(cast.teacher)
    response = client.post(
        f"/community/routes/{route.pk}/steps/new/",
        {"kind": Kind.COURSE, "title": "Курсы", "deadline": f"{cast.year.start_year - 1}-10-01"},
    )

    assert response.status_code == 200
    assert "вне учебного года маршрута" in response.content.decode()
    assert not RouteStep.objects.exists()
    assert "route.step_add" not in actions(route)


def test_only_the_teacher_and_the_tutor_change_a_route(cast, route):
    with pytest.raises(DomainError, match="Маршрут ведут учитель и закреплённый за ним тьютор"):
        services.step_add(
            actor=cast.methodist,
            route=route,
            kind=Kind.COURSE,
            title="Курсы",
            deadline=in_year(cast),
        )
    assert not RouteStep.objects.exists()


# Moves ---------------------------------------------------------------------------------------


def test_it_starts_a_route_with_steps(cast, active):
    assert active.status == Status.ACTIVE
    assert actions(active)[-1] == "route.start"
    assert AuditEntry.objects.get(action="route.start").changes == {"steps": 2}


def test_it_does_not_start_a_route_without_steps(cast, route):
    with pytest.raises(DomainError, match="нет ни одного шага"):
        services.route_start(actor=cast.tutor, route=route)
    route.refresh_from_db()
    assert route.status == Status.DRAFT


def test_it_does_not_start_a_route_twice(cast, active):
    with pytest.raises(DomainError, match="начать выполнение можно только"):
        services.route_start(actor=cast.tutor, route=active)


def test_a_step_is_done_with_an_evidence_text(cast, active):
    step = active.steps.first()

    services.step_done(actor=cast.teacher, step=step, evidence="Удостоверение № 1234, 36 ч.")

    step.refresh_from_db()
    assert step.is_done and step.evidence == "Удостоверение № 1234, 36 ч."
    assert actions(active)[-1] == "route.step_done"


def test_a_step_is_done_with_a_file(cast, active):
    step = active.steps.first()

    services.step_done(actor=cast.tutor, step=step, evidence_file=badfiles.good_png())

    step.refresh_from_db()
    assert step.is_done and step.evidence_name == "грамота.png"
    assert step.evidence_file.name.endswith(".png")


def test_a_step_needs_some_evidence(cast, active):
    with pytest.raises(DomainError, match="Подтвердите выполнение"):
        services.step_done(actor=cast.teacher, step=active.steps.first(), evidence="  ")
    assert not RouteStep.objects.filter(done_at__isnull=False).exists()


def test_a_step_of_a_draft_is_not_marked_done(cast, route):
    step = add_step(cast, route)
    with pytest.raises(DomainError, match="после того, как маршрут начат"):
        services.step_done(actor=cast.teacher, step=step, evidence="Сделано")


def test_a_forbidden_file_type_is_refused_and_nothing_saved(cast, active, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    step = active.steps.first()

    with pytest.raises(DomainError, match="не является документом"):
        services.step_done(
            actor=cast.teacher,
            step=step,
            evidence="Сделано",
            evidence_file=badfiles.exe_as_pdf("отчёт.exe"),
        )

    step.refresh_from_db()
    assert not step.is_done and not step.evidence and not step.evidence_file
    assert not any(tmp_path.rglob("*.*"))


def test_the_done_form_names_a_forbidden_file_in_russian(client, cast, active):
    step = active.steps.first()
    client.force_login(cast.teacher)

    response = client.post(
        f"/community/routes/steps/{step.pk}/done/",
        {"evidence": "Отчёт", "evidence_file": badfiles.exe_as_pdf("отчёт.exe")},
    )

    text = response.content.decode()
    assert "Файл «отчёт.exe» не является документом" in text
    step.refresh_from_db()
    assert not step.is_done and not step.evidence


def test_a_done_step_is_reopened_without_its_evidence(cast, active):
    step = active.steps.first()
    services.step_done(actor=cast.teacher, step=step, evidence="Сделано")

    services.step_reopen(actor=cast.tutor, step=step)

    step.refresh_from_db()
    assert not step.is_done and step.evidence == ""
    assert actions(active)[-1] == "route.step_reopen"


def test_a_done_step_is_not_changed_or_removed(cast, active):
    step = active.steps.first()
    services.step_done(actor=cast.teacher, step=step, evidence="Сделано")

    with pytest.raises(DomainError, match="Шаг уже выполнен"):
        services.step_remove(actor=cast.tutor, step=step)


def test_it_closes_a_route_with_a_reflection(cast, active):
    services.route_close(actor=cast.teacher, route=active, reflection="Приёмы освоены.")

    active.refresh_from_db()
    assert active.status == Status.CLOSED and active.closed_at is not None
    assert active.reflection == "Приёмы освоены."
    assert AuditEntry.objects.get(action="route.close").changes["done"] == "0 из 2"


def test_it_does_not_close_without_a_reflection(cast, active):
    with pytest.raises(DomainError, match="Напишите итоговую рефлексию"):
        services.route_close(actor=cast.teacher, route=active, reflection=" ")
    active.refresh_from_db()
    assert active.status == Status.ACTIVE


def test_it_does_not_close_a_draft(cast, route):
    with pytest.raises(DomainError, match="завершить можно только маршрут, который выполняется"):
        services.route_close(actor=cast.teacher, route=route, reflection="Итоги")


def test_a_closed_route_no_longer_changes(cast, active):
    services.route_close(actor=cast.teacher, route=active, reflection="Итоги")

    with pytest.raises(DomainError, match="Маршрут завершён"):
        add_step(cast, active)
    with pytest.raises(DomainError, match="Маршрут завершён"):
        services.step_done(actor=cast.teacher, step=active.steps.first(), evidence="Поздно")


def test_every_move_goes_to_the_audit_log(cast, active):
    step = active.steps.first()
    services.step_done(actor=cast.teacher, step=step, evidence="Сделано")
    services.step_reopen(actor=cast.teacher, step=step)
    services.route_close(actor=cast.tutor, route=active, reflection="Итоги")

    assert actions(active) == [
        "route.create",
        "route.step_add",
        "route.step_add",
        "route.start",
        "route.step_done",
        "route.step_reopen",
        "route.close",
    ]


def test_the_pages_show_each_action_with_a_message(client, cast, route):
    client.force_login(cast.tutor)
    url = f"/community/routes/{route.pk}/"
    steps = f"{url}steps/new/"
    deadline = in_year(cast).isoformat()

    response = client.post(
        f"{url}difficulties/new/", {"source": "tutor", "text": "Нет обратной связи"}, follow=True
    )
    assert "Затруднение добавлено." in response.content.decode()
    response = client.post(
        steps, {"kind": Kind.SESSION, "title": "Тьюториал", "deadline": deadline}, follow=True
    )
    assert "Шаг добавлен в маршрут." in response.content.decode()
    response = client.post(f"{url}start/", follow=True)
    assert "Маршрут начат" in response.content.decode()
    step = RouteStep.objects.get()
    client.force_login(cast.teacher)
    response = client.post(
        f"/community/routes/steps/{step.pk}/done/", {"evidence": "Проведён"}, follow=True
    )
    assert "отмечен выполненным" in response.content.decode()
    response = client.post(f"{url}close/", {"reflection": "Итоги года"}, follow=True)
    assert "Маршрут завершён, рефлексия сохранена." in response.content.decode()


# Access --------------------------------------------------------------------------------------


@pytest.fixture
def outsiders(cast):
    other_school = OrganizationFactory(municipality=cast.municipality)
    return SimpleNamespace(
        other_teacher=user_with_role(RoleKind.TEACHER, organization=cast.school_org),
        other_tutor=user_with_role(RoleKind.TUTOR, municipality=cast.municipality),
        other_school=user_with_role(RoleKind.SCHOOL, organization=other_school),
        stranger=UserFactory(),
    )


def test_a_route_is_seen_only_by_its_teacher_tutor_school_and_methodist(
    client, cast, active, outsiders
):
    step = active.steps.first()
    services.step_done(actor=cast.teacher, step=step, evidence_file=badfiles.good_pdf())
    expected = {
        cast.teacher: 200,
        cast.tutor: 200,
        cast.school: 200,
        cast.methodist: 200,
        outsiders.other_teacher: 404,
        outsiders.other_tutor: 404,
        outsiders.other_school: 404,
        outsiders.stranger: 404,
        cast.director: 404,
        cast.regional: 404,
        cast.other_methodist: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(active.get_absolute_url()).status_code == status, user
        evidence = client.get(f"/community/routes/steps/{step.pk}/evidence/")
        assert evidence.status_code == status, user


def test_the_evidence_file_downloads_under_its_name(client, cast, active):
    step = active.steps.first()
    services.step_done(actor=cast.teacher, step=step, evidence_file=badfiles.good_pdf())
    client.force_login(cast.school)

    response = client.get(f"/community/routes/steps/{step.pk}/evidence/")

    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_readers_may_not_change_a_route(client, cast, active):
    step = active.steps.first()
    for user in (cast.school, cast.methodist):
        client.force_login(user)
        assert client.get(f"/community/routes/{active.pk}/steps/new/").status_code == 403
        assert client.post(f"/community/routes/steps/{step.pk}/done/").status_code == 403
        assert client.post(f"/community/routes/{active.pk}/close/").status_code == 403
    client.force_login(cast.director)
    assert client.post(f"/community/routes/{active.pk}/start/").status_code == 404


def test_the_list_is_open_to_the_roles_that_have_routes(client, cast, route):
    for user, status in (
        (cast.teacher, 200),
        (cast.tutor, 200),
        (cast.school, 200),
        (cast.methodist, 200),
        (cast.director, 403),
        (cast.regional, 403),
    ):
        client.force_login(user)
        assert client.get("/community/routes/").status_code == status, user


def test_the_selector_gives_each_user_their_routes(cast, route, outsiders):
    def seen(user):
        return list(selectors.routes_for(access_for(user)))

    assert seen(cast.teacher) == seen(cast.tutor) == seen(cast.school) == [route]
    assert seen(cast.methodist) == [route]
    assert seen(outsiders.other_tutor) == seen(cast.regional) == seen(cast.director) == []


# The methodist's list --------------------------------------------------------------------------


def routes_of_new_teachers(cast, count, *, steps=4, done=1):
    for n in range(count):
        teacher = user_with_role(RoleKind.TEACHER, organization=cast.school_org, last_name=f"Т{n}")
        AssignmentFactory(
            municipality=cast.municipality,
            academic_year=cast.year,
            tutor=cast.tutor,
            teacher=teacher,
        )
        route = services.route_create(
            actor=cast.tutor,
            teacher=teacher,
            tutor=cast.tutor,
            academic_year=cast.year,
            topic=f"Маршрут {n}",
        )
        made = [add_step(cast, route, f"Шаг {i}", days=10 + i) for i in range(steps)]
        services.route_start(actor=cast.tutor, route=route)
        for step in made[:done]:
            services.step_done(actor=cast.tutor, step=step, evidence="Сделано")


def test_the_list_shows_completion_counted_by_the_database(client, cast):
    routes_of_new_teachers(cast, 1, steps=4, done=1)
    route = selectors.with_progress(DevelopmentRoute.objects.all()).get()
    assert (route.steps_done, route.steps_total, route.percent_done) == (1, 4, 25)

    client.force_login(cast.methodist)
    page = client.get("/community/routes/").content.decode()

    assert "1 из 4 шагов (25 %)" in page
    assert "Маршрут 0" in page


def test_a_route_without_steps_is_at_zero(cast, route):
    route = selectors.with_progress(DevelopmentRoute.objects.all()).get()
    assert (route.steps_total, route.percent_done) == (0, 0)


def test_the_list_filters_by_school_tutor_status_and_year(client, cast, route):
    routes_of_new_teachers(cast, 1)
    client.force_login(cast.methodist)

    drafts = client.get("/community/routes/", {"status": "draft"}).content.decode()
    by_school = client.get("/community/routes/", {"organization": cast.school_org.pk})
    by_tutor = client.get("/community/routes/", {"tutor": "Тьюторова"}).content.decode()
    other_year = client.get(
        "/community/routes/", {"academic_year": AcademicYearFactory(start_year=2020).pk}
    ).content.decode()

    assert route.topic in drafts and "Маршрут 0" not in drafts
    assert "Маршрут 0" in by_school.content.decode()
    assert route.topic in by_tutor
    assert "Маршрутов по этим условиям нет." in other_year


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_methodists_list_keeps_its_query_count(client, cast):
    routes_of_new_teachers(cast, 2)
    client.force_login(cast.methodist)
    small = queries(client, "/community/routes/")

    routes_of_new_teachers(cast, 20)
    large = queries(client, "/community/routes/")

    assert small == large <= 10


def test_the_detail_page_keeps_its_query_count(client, cast, active, django_assert_max_num_queries):
    client.force_login(cast.methodist)
    url = active.get_absolute_url()
    before = queries(client, url)
    for n in range(10):
        add_step(cast, active, f"Ещё шаг {n}")

    with django_assert_max_num_queries(before):
        client.get(url)


# PDF ------------------------------------------------------------------------------------------


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        return " ".join((page.extract_text() or "") for page in pdf.pages)


def test_the_route_prints_as_pdf(client, cast, active):
    client.force_login(cast.teacher)
    response = client.post(f"/community/routes/{active.pk}/print/", follow=True)
    assert "PDF маршрута формируется" in response.content.decode()
    document = Document.objects.get(kind=services.ROUTE_DOCUMENT)

    render_document(document.pk)

    document.refresh_from_db()
    assert document.is_ready
    text = " ".join(pdf_text(document).split())
    assert "Формирующее оценивание на уроках математики" in text
    assert "Курсы ИРО по" in text  # the step's title, wrapped within its cell
    assert cast.teacher.full_name in text


def test_the_route_is_signed_with_initials_first_and_placed(cast, active):
    cast.municipality.locality = "г. Лабинск"
    cast.municipality.save(update_fields=["locality"])
    document = services.route_print(actor=cast.teacher, route=active)
    render_document(document.pk)
    document.refresh_from_db()
    text = " ".join(pdf_text(document).replace("\xa0", " ").split())
    teacher, school = cast.teacher, active.organization.short_name
    initials = f"{teacher.first_name[0]}. {teacher.middle_name[0]}. {teacher.last_name}"
    assert f"Учитель {school} {initials}" in text
    assert "г. Лабинск" in text


def test_printing_again_shows_the_current_state(cast, active):
    document = services.route_print(actor=cast.teacher, route=active)
    render_document(document.pk)
    add_step(cast, active, "Новый шаг")

    document = services.route_print(actor=cast.tutor, route=active)
    assert document.is_pending
    render_document(document.pk)

    document.refresh_from_db()
    assert "Новый шаг" in " ".join(pdf_text(document).split())


def test_the_pdf_is_for_those_who_see_the_route(client, cast, active, outsiders):
    document = services.route_print(actor=cast.teacher, route=active)
    render_document(document.pk)
    for user, status in ((cast.school, 200), (cast.director, 404), (outsiders.other_tutor, 404)):
        client.force_login(user)
        assert client.get(f"/documents/{document.pk}/download/").status_code == status, user


# Suggestions ----------------------------------------------------------------------------------


def test_suggestions_from_registered_sources_are_offered_and_added(client, cast, route):
    def source(teacher, year):
        return [("results", f"Доля «2» высокая ({teacher.last_name}, {year})")]

    extensions.register_difficulty_source(source)
    try:
        client.force_login(cast.tutor)
        page = client.get(route.get_absolute_url()).content.decode()
        text = f"Доля «2» высокая ({cast.teacher.last_name}, {cast.year})"
        assert text in page and "Добавить" in page

        client.post(
            f"/community/routes/{route.pk}/difficulties/new/", {"source": "results", "text": text}
        )
        page = client.get(route.get_absolute_url()).content.decode()
    finally:
        extensions._difficulty_sources.remove(source)
    difficulty = route.difficulties.get()
    assert (difficulty.source, difficulty.text) == ("results", text)
    assert f'name="text" value="{text}"' not in page  # offered no more once added


def test_expertise_suggests_the_criteria_not_scored_in_full(db):
    from expertise.route_sources import expertise_difficulties
    from tests.expertise.factories import assign, make_world, partly, score, submit

    world = make_world()
    case = submit(world)
    assign(world, case)
    score(case, world.expert1, partly, comment="Уточнить планируемые результаты")
    score(case, world.expert2, partly, comment="Уточнить планируемые результаты")

    found = expertise_difficulties(world.teacher, case.academic_year)

    assert found and all(source == "expertise" for source, _text in found)
    assert "Рабочая программа по математике для 5–9 классов" in found[0][1]
    assert "Уточнить планируемые результаты" in found[0][1]


def test_results_suggest_the_reasons_of_the_schools_risk_rows(db):
    from monitoring.route_sources import results_difficulties
    from tests.monitoring.factories import make_world
    from tests.monitoring.test_risks import OTHER, SCHOOL, vpr

    world = make_world()
    vpr(world, 2026, SCHOOL, twos=12)
    vpr(world, 2026, OTHER, twos=2, seed=1)

    found = results_difficulties(world.teacher, AcademicYearFactory(start_year=2026))
    before = results_difficulties(world.teacher, AcademicYearFactory(start_year=2027))

    assert ("results", "Математика, ВПР, 5 класс: доля «2» 60,0 % против 35,0 % по "
            "муниципалитету (участников 20)") in found  # fmt: skip
    assert before == []


# Panels and demo ------------------------------------------------------------------------------


def test_the_home_page_names_steps_due_within_a_week(client, cast, active):
    today = timezone.localdate()
    RouteStep.objects.filter(pk=active.steps.first().pk).update(deadline=today)
    client.force_login(cast.teacher)

    page = client.get("/").content.decode()

    assert "Шаги индивидуальных маршрутов со сроком в ближайшие 7 дней" in page
    assert "/community/routes/?steps=week" in page


def test_the_hub_offers_routes_to_the_roles_that_see_them(client, cast):
    for user, shown in ((cast.teacher, True), (cast.methodist, True), (cast.director, False)):
        client.force_login(user)
        page = client.get("/community/").content.decode()
        assert ("Индивидуальные маршруты" in page) is shown, user


def test_the_demo_has_three_routes_at_three_stages(demo):
    routes = {r.status: r for r in DevelopmentRoute.objects.select_related("academic_year")}

    assert set(routes) == {Status.DRAFT, Status.ACTIVE, Status.CLOSED}
    current = AcademicYear.objects.current()
    assert routes[Status.CLOSED].academic_year.start_year == current.start_year - 1
    assert routes[Status.CLOSED].reflection
    assert routes[Status.ACTIVE].steps.filter(done_at__isnull=False).exclude(evidence="").count()
    assert all(r.tutor.username == "tutor" for r in routes.values())


def test_loading_the_demo_again_adds_no_routes(demo):
    from tutoring.demo import load_demo

    before = (DevelopmentRoute.objects.count(), RouteStep.objects.count())
    load_demo()
    assert (DevelopmentRoute.objects.count(), RouteStep.objects.count()) == before
