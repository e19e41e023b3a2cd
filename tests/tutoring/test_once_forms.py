"""Every create form carries a one-time token inside the form that posts, and five identical
submits of it at once (threads on the real PostgreSQL) make one object. Each case builds one
small world: who submits, where the form is shown, what it posts and what it makes."""

import re
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db.models import Model
from django.test import Client

from community.models import (
    Appendix,
    Assignment,
    CommunityPlan,
    PlanItem,
    Roster,
    RosterEntry,
    RouteDifficulty,
    RouteStep,
    TutorPlan,
    TutorPlanItem,
)
from community.services import routes as route_services
from consultations.models import (
    AvailabilityException,
    AvailabilitySlot,
    ConsultationPoint,
    EventRegistration,
    Room,
    Schedule,
    Session,
    SessionReport,
)
from expertise.models import CaseKind, Criterion, Rubric
from expertise.services.rubrics import active_rubric, rubric_new_edition
from monitoring.models import MinimumScore
from tests.community.factories import (
    AssignmentFactory,
    CommunityPlanFactory,
    OrderFactory,
    PlanItemFactory,
    RosterFactory,
    TutorPlanFactory,
    municipality_cast,
)
from tests.community.test_plans import item_data as plan_item_data
from tests.community.test_rosters import entry_data
from tests.community.test_tutor_plans import item_data as tutor_plan_item_data
from tests.consultations.factories import ConsultationPointFactory, EventFactory
from tests.consultations.test_booking import booking_world
from tests.consultations.test_booking import form_data as booking_data
from tests.consultations.test_points import point_data
from tests.consultations.test_reports import past_session, report_data
from tests.consultations.test_schedules import week_with_a_session
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    SubjectFactory,
    user_with_role,
)
from tests.tutoring.test_once import submit_at_once
from tests.tutoring.test_region_pages import setup_form
from tutoring.models import (
    FormSubmission,
    Invitation,
    Municipality,
    Organization,
    RiskDirection,
    RoleKind,
    Subject,
    User,
    current_start_year,
)
from tutoring.once import FIELD


@dataclass
class Case:
    user: User
    page: str  # where the form is shown
    url: str  # where it posts
    data: dict
    makes: type[Model]
    form: str = ""  # the form's own action, when a button posts it elsewhere (formaction)


def methodist_of(municipality):
    return user_with_role(RoleKind.METHODIST, municipality=municipality)


def plan():
    methodist = user_with_role(RoleKind.METHODIST)
    data = {"academic_year": AcademicYearFactory().pk}
    return Case(methodist, "/community/plans/new/", "/community/plans/new/", data, CommunityPlan)


def plan_copy():
    methodist = user_with_role(RoleKind.METHODIST)
    municipality = methodist.roles.get().municipality
    last = AcademicYearFactory(start_year=current_start_year() - 1)
    PlanItemFactory(plan=CommunityPlanFactory(municipality=municipality, academic_year=last))
    data = {"academic_year": AcademicYearFactory().pk}
    page = "/community/plans/new/"
    return Case(methodist, page, "/community/plans/copy/", data, CommunityPlan, form=page)


def plan_item():
    draft = CommunityPlanFactory()
    url = f"/community/plans/{draft.pk}/items/new/"
    return Case(methodist_of(draft.municipality), url, url, plan_item_data(), PlanItem)


def tutor_plan():
    tutor = user_with_role(RoleKind.TUTOR)
    data = {"academic_year": AcademicYearFactory().pk}
    url = "/community/tutor-plans/new/"
    return Case(tutor, url, url, data, TutorPlan)


def tutor_plan_item():
    draft = TutorPlanFactory(tutor=user_with_role(RoleKind.TUTOR))
    draft.municipality = draft.tutor.roles.get().municipality
    draft.save()
    url = f"/community/tutor-plans/{draft.pk}/items/new/"
    return Case(draft.tutor, url, url, tutor_plan_item_data(), TutorPlanItem)


def roster():
    data = {"academic_year": AcademicYearFactory().pk}
    url = "/community/rosters/new/"
    return Case(user_with_role(RoleKind.METHODIST), url, url, data, Roster)


def roster_revision():
    approved = RosterFactory(status=Roster.Status.APPROVED)
    page = f"/community/rosters/{approved.pk}/"
    return Case(methodist_of(approved.municipality), page, f"{page}revise/", {}, Roster)


def roster_entry():
    draft = RosterFactory()
    school = OrganizationFactory(municipality=draft.municipality)
    teacher = user_with_role(RoleKind.TEACHER, organization=school)
    url = f"/community/rosters/{draft.pk}/entries/new/"
    return Case(
        methodist_of(draft.municipality), url, url, entry_data(teacher, school), RosterEntry
    )


def appendix():
    order = OrderFactory()
    url = f"/community/orders/{order.pk}/appendices/new/"
    data = {"kind": "text", "title": "Положение", "text": "1. Общие положения"}
    return Case(methodist_of(order.municipality), url, url, data, Appendix)


def assignment():
    cast = municipality_cast()
    data = {
        "academic_year": AcademicYearFactory().pk,
        "tutor": cast.tutor.pk,
        "teacher": cast.teacher.pk,
    }
    url = "/community/assignments/new/"
    return Case(cast.methodist, url, url, data, Assignment)


def _route():
    cast = municipality_cast()
    year = AcademicYearFactory()
    AssignmentFactory(
        municipality=cast.municipality, academic_year=year, tutor=cast.tutor, teacher=cast.teacher
    )
    route = route_services.route_create(
        actor=cast.tutor,
        teacher=cast.teacher,
        tutor=cast.tutor,
        academic_year=year,
        topic="Формирующее оценивание на уроках математики",
        goals="Вводить критерии оценивания до начала работы.",
    )
    return SimpleNamespace(cast=cast, year=year, route=route)


def route_step():
    world = _route()
    url = f"/community/routes/{world.route.pk}/steps/new/"
    deadline = world.year.starts_on + timedelta(days=30)
    data = {"kind": RouteStep.Kind.COURSE, "title": "Курсы ИРО", "deadline": deadline.isoformat()}
    return Case(world.cast.tutor, url, url, data, RouteStep)


def route_difficulty():
    world = _route()
    page = f"/community/routes/{world.route.pk}/"
    data = {"source": "tutor", "text": "Нет обратной связи на уроке"}
    return Case(world.cast.tutor, page, f"{page}difficulties/new/", data, RouteDifficulty)


def session_report():
    session = past_session()
    url = f"/consultations/sessions/{session.pk}/report/"
    return Case(session.tutor, url, url, report_data(), SessionReport)


SLOT = {"weekday": 1, "starts_at": "14:00", "ends_at": "17:00"}
EXCEPTION = {"starts_on": "2030-07-01", "ends_on": "2030-07-28", "reason": "отпуск"}


def booking():
    world = booking_world()
    url = f"/consultations/requests/{world.request.pk}/schedule/"
    return Case(world.methodist, url, url, booking_data(world), Session)


def slot():
    page = "/consultations/availability/"
    return Case(user_with_role(RoleKind.TUTOR), page, f"{page}slots/new/", SLOT, AvailabilitySlot)


def availability_exception():
    page = "/consultations/availability/"
    tutor = user_with_role(RoleKind.TUTOR)
    return Case(tutor, page, f"{page}exceptions/new/", EXCEPTION, AvailabilityException)


def _kept_tutor():
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality)
    role = RoleFactory(kind=RoleKind.TUTOR, municipality=municipality, organization=school)
    return methodist_of(municipality), f"/consultations/availability/kept/{role.pk}/"


def kept_slot():
    methodist, page = _kept_tutor()
    return Case(methodist, page, f"{page}slots/new/", SLOT, AvailabilitySlot)


def kept_exception():
    methodist, page = _kept_tutor()
    return Case(methodist, page, f"{page}exceptions/new/", EXCEPTION, AvailabilityException)


def schedule():
    point, _, day = week_with_a_session()
    data = {"point": point.pk, "starts_on": day.isoformat(), "ends_on": day.isoformat()}
    url = "/consultations/schedules/new/"
    return Case(methodist_of(point.municipality), url, url, data, Schedule)


def point():
    methodist = user_with_role(RoleKind.METHODIST)
    centre = OrganizationFactory(
        municipality=methodist.roles.get().municipality, kind=Organization.Kind.METHODICAL_CENTRE
    )
    url = "/consultations/points/new/"
    return Case(methodist, url, url, point_data(centre), ConsultationPoint)


def room():
    where = ConsultationPointFactory()
    url = f"/consultations/points/{where.pk}/rooms/new/"
    data = {"name": "Кабинет 12", "capacity": 15, "is_active": "on"}
    return Case(methodist_of(where.municipality), url, url, data, Room)


def rubric_edition():
    methodist = user_with_role(RoleKind.METHODIST)
    rubric = active_rubric(methodist.roles.get().municipality, CaseKind.WORK_PROGRAMME)
    page = f"/expertise/rubrics/{rubric.pk}/"
    return Case(methodist, page, f"{page}new-edition/", {}, Rubric)


def criterion():
    methodist = user_with_role(RoleKind.METHODIST)
    rubric = active_rubric(methodist.roles.get().municipality, CaseKind.WORK_PROGRAMME)
    draft = rubric_new_edition(actor=methodist, rubric=rubric)
    url = f"/expertise/rubrics/{draft.pk}/criteria/new/"
    data = {"title": "Учтена программа воспитания", "guidance": "", "max_score": 2}
    return Case(methodist, url, url, data, Criterion)


def subject():
    data = {"name": "Астрономия", "kind": Subject.Kind.SUBJECT}
    return Case(
        user_with_role(RoleKind.REGION_ADMIN), "/subjects/new/", "/subjects/new/", data, Subject
    )


def risk_direction():
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    url = "/region/risk-directions/new/"
    return Case(admin, url, url, {"name": "Низкая доля выпускников СПО"}, RiskDirection)


def municipality():
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    return Case(admin, "/region/new/", "/region/new/", setup_form(), Municipality)


def issuer():
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    url = f"/region/{MunicipalityFactory(region='Краснодарский край').pk}/issuer/"
    data = {
        "kind": "education_department",
        "name": "Управление образования администрации Лабинского района",
        "short_name": "УО",
        "head_position": "Начальник управления образования",
        "head_name": "И. В. Петрова",
        "head_since": "2025-09-01",
    }
    return Case(admin, url, url, data, Organization)


def invitation():
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    page = f"/region/{MunicipalityFactory(region='Краснодарский край').pk}/"
    data = {
        "kind": RoleKind.DIRECTOR,
        "last_name": "Клименко",
        "first_name": "Сергей",
        "email": "klimenko@example.ru",
        "position": "Начальник управления образования",
    }
    return Case(admin, page, f"{page}invite/", data, Invitation)


def minimum():
    data = {"kind": "ege", "year": 2026, "subject": SubjectFactory().pk, "grade": 11, "score": 27}
    url = "/monitoring/minimums/new/"
    return Case(user_with_role(RoleKind.REGION_ADMIN), url, url, data, MinimumScore)


CASES = [
    plan,
    plan_copy,
    plan_item,
    tutor_plan,
    tutor_plan_item,
    roster,
    roster_revision,
    roster_entry,
    appendix,
    assignment,
    route_step,
    route_difficulty,
    session_report,
    booking,
    slot,
    availability_exception,
    kept_slot,
    kept_exception,
    schedule,
    point,
    room,
    rubric_edition,
    criterion,
    subject,
    risk_direction,
    municipality,
    issuer,
    invitation,
    minimum,
]

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
TOKEN = re.compile(rf'name="{FIELD}" value="([^"]+)"')


def tokens_of_forms(page: str, posting_to: str, shown_at: str) -> list[str]:
    """The tokens of the page's forms that post to `posting_to` (a form without an action
    posts to the page itself); None for such a form without one."""
    found = []
    for form in FORM.findall(page):
        action = re.search(r'\baction="([^"]*)"', form.split(">", 1)[0])
        if (action.group(1) if action else shown_at) == posting_to:
            token = TOKEN.search(form)
            found.append(token.group(1) if token else None)
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("build", CASES, ids=[build.__name__ for build in CASES])
def test_five_simultaneous_submits_of_a_create_form_make_one_object(build, client):
    case = build()
    client.force_login(case.user)
    page = client.get(case.page)
    assert page.status_code == 200
    tokens = tokens_of_forms(page.content.decode(), case.form or case.url, case.page)
    assert tokens and None not in tokens, f"no token in the form posting to {case.url}"
    before = case.makes.objects.count()

    data = case.data | {FIELD: tokens[0]}

    answers = submit_at_once(case.user, case.url, lambda: data)

    assert answers == [302] * 5
    assert case.makes.objects.count() == before + 1
    again = client.post(case.url, data, follow=True)
    assert again.redirect_chain[0][0] == FormSubmission.objects.get(token=tokens[0]).url
    assert "уже" in again.content.decode()


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_registrations_for_an_event_make_one():
    """Registration carries no token: the event's row is locked and a unique constraint holds,
    and a second click is told «Вы уже записаны» instead of a 500."""
    event = EventFactory()
    teacher = user_with_role(RoleKind.TEACHER, municipality=event.municipality)
    url = f"/consultations/events/{event.pk}/register/"
    answers = submit_at_once(teacher, url, dict)
    assert answers == [302] * 5
    assert EventRegistration.objects.count() == 1
    client = Client()
    client.force_login(teacher)
    again = client.post(url, follow=True)
    assert "Вы уже записаны на это мероприятие." in again.content.decode()
