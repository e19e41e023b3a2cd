"""The workflow mechanism: moves declared once, run by the services, asked by the pages, and
the notifications each move sends."""

import datetime

import pytest

from community.models import Order
from community.services import orders
from tests.community.test_orders import director_of, methodist_of, order_with_roster
from tests.tutoring.factories import user_with_role
from tutoring import extensions
from tutoring.access import access_for
from tutoring.models import Notification, RoleKind
from tutoring.workflow import WORKFLOWS

# Every workflow on the mechanism and its moves: a move added or removed shows up here.
DECLARED = {
    "community.order": {"send", "return", "approve"},
    "community.nomination": {"accept", "reject"},
    "community.material": {"submit", "publish", "return", "archive"},
    "community.tutor_plan": {"submit", "approve", "return"},
    "community.year_report": {"submit", "accept", "return"},
    "community.plan": {"submit", "approve", "return"},
    "community.roster": {"ready", "unready", "approve"},
    "community.route": {"start", "close"},
    "consultations.request": {
        "withdraw",
        "accept",
        "reject",
        "cancel",
        "schedule",
        "reopen",
        "held",
        "close",
    },
    "consultations.session": {"cancel", "held", "not_held"},
    "consultations.schedule": {"approve"},
    "consultations.event": {"publish", "cancel"},
    "expertise.case": {"assign", "withdraw", "resubmit", "disagree", "conclude", "revise"},
    "monitoring.import": {"confirm", "cancel"},
    "monitoring.risk_profile": {"submit", "agree", "return"},
    "monitoring.programme": {"submit", "agree", "return", "approve"},
    "tutoring.directory_import": {"load", "cancel"},
}


def test_it_lists_every_workflow_and_its_moves():
    import community.services.library
    import community.services.orders
    import community.services.plans
    import community.services.rosters
    import community.services.routes  # noqa: F401
    import consultations.services.events
    import consultations.services.reports
    import consultations.services.schedules  # noqa: F401
    import expertise.services.cases  # noqa: F401
    import monitoring.profiles.services
    import monitoring.programmes.services
    import monitoring.services  # noqa: F401
    import tutoring.imports.services  # noqa: F401

    assert {key: set(w.by_name) for key, w in WORKFLOWS.items()} == DECLARED


@pytest.mark.parametrize("key", sorted(DECLARED))
def test_every_move_reads_in_russian_in_the_journal(key):
    for move in WORKFLOWS[key].moves:
        assert extensions.action_label(move.action) != move.action, move.action


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_an_order_sent_for_signature_tells_the_directors_of_its_municipality(db):
    order, _roster = order_with_roster()
    methodist, director = methodist_of(order), director_of(order)
    elsewhere = user_with_role(RoleKind.DIRECTOR)
    orders.order_send(actor=methodist, order=order)
    assert inbox(director) == ["community.order.sent"]
    note = Notification.objects.get(recipient=director)
    assert "ждёт вашей подписи" in note.text and note.link == order.get_absolute_url()
    assert inbox(methodist) == [] and inbox(elsewhere) == []


def test_a_returned_or_signed_order_tells_the_methodists(db):
    order, _roster = order_with_roster(status=Order.Status.SENT)
    methodist, director = methodist_of(order), director_of(order)
    orders.order_return(actor=director, order=order, comment="Уточните сроки.")
    assert inbox(methodist) == ["community.order.returned"]
    assert "Уточните сроки." in Notification.objects.get(recipient=methodist).text
    orders.order_send(actor=methodist, order=order)
    orders.order_approve(
        actor=director, order=order, number="01-03/24", date=datetime.date(2023, 1, 9)
    )
    assert sorted(inbox(methodist)) == ["community.order.approved", "community.order.returned"]
    assert inbox(director) == ["community.order.sent"]  # never told of their own moves


def test_the_page_shows_only_the_moves_the_user_has(client, db):
    order, _roster = order_with_roster(status=Order.Status.SENT)
    director = director_of(order)
    assert orders.ORDER.available(access_for(director), order) == {"return", "approve"}
    assert orders.ORDER.available(access_for(methodist_of(order)), order) == frozenset()
    client.force_login(director)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Вернуть на доработку" in page and "Отправить на подпись" not in page


def test_a_nomination_tells_the_methodists_and_its_decision_the_school(client, db):
    from community.models import Nomination
    from community.services import rosters
    from tests.community.test_nominations import form_data, school_with_teacher
    from tests.tutoring.factories import AcademicYearFactory

    school, teacher = school_with_teacher()
    school_admin = user_with_role(RoleKind.SCHOOL, organization=school)
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    elsewhere = user_with_role(RoleKind.METHODIST)
    other_school = user_with_role(RoleKind.SCHOOL, municipality=school.municipality)
    client.force_login(school_admin)
    year = AcademicYearFactory.create(start_year=2026)
    client.post("/community/nominations/new/", form_data(teacher, year))
    nomination = Nomination.objects.get()
    assert inbox(methodist) == ["community.nomination.filed"]
    assert inbox(elsewhere) == [] and inbox(school_admin) == []
    rosters.nomination_reject(actor=methodist, nomination=nomination, reason="Стаж меньше года.")
    assert inbox(school_admin) == ["community.nomination.decided"]
    assert "Стаж меньше года." in Notification.objects.get(recipient=school_admin).text
    assert inbox(other_school) == []


def test_a_material_tells_the_moderators_when_submitted_and_its_authors_of_the_outcome(db):
    from community.services import library
    from tests.community.factories import MaterialFactory

    tutor = user_with_role(RoleKind.TUTOR)
    municipality = tutor.roles.get().municipality
    coauthor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    elsewhere = user_with_role(RoleKind.METHODIST)
    material = MaterialFactory(municipality=municipality, authors=[tutor, coauthor])
    library.material_submit(actor=tutor, material=material)
    assert inbox(methodist) == ["community.material.submitted"]
    assert inbox(elsewhere) == [] and inbox(tutor) == [] and inbox(coauthor) == []
    library.material_return(actor=methodist, material=material, comment="Добавьте источники.")
    assert inbox(tutor) == inbox(coauthor) == ["community.material.returned"]
    assert "Добавьте источники." in Notification.objects.filter(recipient=tutor).get().text
    library.material_submit(actor=coauthor, material=material)
    library.material_publish(actor=methodist, material=material)
    assert "community.material.published" in inbox(tutor)
    assert "community.material.published" in inbox(coauthor)


def test_a_tutor_plan_tells_the_methodists_when_sent_and_the_tutor_of_the_outcome(db):
    from community.services import plans
    from tests.community.factories import TutorPlanFactory, TutorPlanItemFactory

    tutor = user_with_role(RoleKind.TUTOR)
    plan = TutorPlanFactory(tutor=tutor, municipality=tutor.roles.get().municipality)
    methodist = user_with_role(RoleKind.METHODIST, municipality=plan.municipality)
    elsewhere = user_with_role(RoleKind.METHODIST)
    TutorPlanItemFactory(plan=plan)
    plans.tutor_plan_submit(actor=tutor, plan=plan)
    assert inbox(methodist) == ["community.tutor_plan.submitted"] and inbox(elsewhere) == []
    plans.tutor_plan_return(actor=methodist, plan=plan, comment="Добавьте сроки.")
    assert inbox(tutor) == ["community.tutor_plan.returned"]
    plans.tutor_plan_submit(actor=tutor, plan=plan)
    plans.tutor_plan_approve(actor=methodist, plan=plan)
    assert sorted(inbox(tutor)) == [
        "community.tutor_plan.approved",
        "community.tutor_plan.returned",
    ]


def community_plan_cast():
    from tests.community.factories import CommunityPlanFactory, PlanItemFactory, municipality_cast

    cast = municipality_cast()
    plan = CommunityPlanFactory(municipality=cast.municipality)
    PlanItemFactory(plan=plan)
    other = municipality_cast()
    return cast, plan, other


def test_a_community_plan_sent_for_approval_tells_the_directors_of_its_municipality(db):
    from community.services import plans

    cast, plan, other = community_plan_cast()
    plans.plan_submit(actor=cast.methodist, plan=plan)
    assert inbox(cast.director) == ["community.plan.submitted"]
    note = Notification.objects.get(recipient=cast.director)
    assert note.text == f"{plan.title} ждёт вашего утверждения."
    assert note.link == plan.get_absolute_url()
    assert inbox(cast.methodist) == [] and inbox(other.director) == []
    assert inbox(cast.regional) == [] and inbox(cast.tutor) == []


def test_a_returned_community_plan_tells_the_methodists_with_the_comment(db):
    from community.services import plans

    cast, plan, other = community_plan_cast()
    colleague = user_with_role(RoleKind.METHODIST, municipality=cast.municipality)
    plans.plan_submit(actor=cast.methodist, plan=plan)
    plans.plan_return(actor=cast.director, plan=plan, comment="Уточните сроки.")
    assert inbox(cast.methodist) == inbox(colleague) == ["community.plan.returned"]
    note = Notification.objects.get(recipient=cast.methodist)
    assert note.text == f"{plan.title} возвращён на доработку: Уточните сроки."
    assert note.link == plan.get_absolute_url()
    assert inbox(cast.director) == ["community.plan.submitted"]  # not of their own return
    assert inbox(other.methodist) == []


def test_an_approved_community_plan_tells_the_methodists(db):
    from community.services import plans

    cast, plan, other = community_plan_cast()
    plans.plan_submit(actor=cast.methodist, plan=plan)
    plans.plan_approve(actor=cast.director, plan=plan)
    assert inbox(cast.methodist) == ["community.plan.approved"]
    assert Notification.objects.get(recipient=cast.methodist).text == f"{plan.title} утверждён."
    assert inbox(cast.director) == ["community.plan.submitted"]
    assert inbox(other.methodist) == [] and inbox(cast.teacher) == []


def test_an_order_outcome_tells_no_methodist_of_another_municipality(db):
    order, _roster = order_with_roster(status=Order.Status.SENT)
    methodist, director = methodist_of(order), director_of(order)
    elsewhere = user_with_role(RoleKind.METHODIST)
    orders.order_return(actor=director, order=order, comment="Уточните сроки.")
    orders.order_send(actor=methodist, order=order)
    orders.order_approve(
        actor=director, order=order, number="01-03/25", date=datetime.date(2023, 1, 9)
    )
    assert inbox(elsewhere) == []
    approved = Notification.objects.get(recipient=methodist, kind="community.order.approved")
    assert approved.link == order.get_absolute_url() and "подписан" in approved.text


def test_an_accepted_nomination_tells_its_school_and_no_other(db):
    from community.services import rosters
    from tests.community.factories import NominationFactory

    nomination = NominationFactory(teacher=user_with_role(RoleKind.TEACHER, last_name="Учителева"))
    school_admin = user_with_role(RoleKind.SCHOOL, organization=nomination.organization)
    other_school = user_with_role(RoleKind.SCHOOL, municipality=nomination.municipality)
    methodist = user_with_role(RoleKind.METHODIST, municipality=nomination.municipality)
    colleague = user_with_role(RoleKind.METHODIST, municipality=nomination.municipality)
    rosters.nomination_accept(actor=methodist, nomination=nomination)
    assert inbox(school_admin) == ["community.nomination.decided"]
    note = Notification.objects.get(recipient=school_admin)
    assert note.text == f"{nomination.teacher.short_name} включён(а) в состав сообщества."
    assert note.link == nomination.get_absolute_url()
    assert inbox(other_school) == [] and inbox(methodist) == [] and inbox(colleague) == []


def test_a_material_outcome_tells_no_one_of_another_municipality_nor_the_moderator(db):
    from community.services import library
    from tests.community.factories import MaterialFactory

    tutor = user_with_role(RoleKind.TUTOR)
    municipality = tutor.roles.get().municipality
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    stranger = user_with_role(RoleKind.TUTOR)
    material = MaterialFactory(municipality=municipality, authors=[tutor])
    library.material_submit(actor=tutor, material=material)
    library.material_publish(actor=methodist, material=material)
    assert inbox(tutor) == ["community.material.published"]
    assert Notification.objects.get(recipient=tutor).link == material.get_absolute_url()
    assert inbox(methodist) == ["community.material.submitted"]  # not of their own publishing
    assert inbox(stranger) == []


def test_a_tutor_plan_outcome_tells_only_its_tutor(db):
    from community.services import plans
    from tests.community.factories import TutorPlanFactory, TutorPlanItemFactory

    tutor = user_with_role(RoleKind.TUTOR)
    municipality = tutor.roles.get().municipality
    plan = TutorPlanFactory(tutor=tutor, municipality=municipality)
    colleague = user_with_role(RoleKind.TUTOR, municipality=municipality)
    stranger = user_with_role(RoleKind.TUTOR)
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    TutorPlanItemFactory(plan=plan)
    plans.tutor_plan_submit(actor=tutor, plan=plan)
    plans.tutor_plan_return(actor=methodist, plan=plan, comment="Добавьте сроки.")
    note = Notification.objects.get(recipient=tutor)
    assert note.text.endswith("возвращён на доработку: Добавьте сроки.")
    assert note.link == plan.get_absolute_url()
    assert inbox(methodist) == ["community.tutor_plan.submitted"]
    assert inbox(colleague) == [] and inbox(stranger) == []
