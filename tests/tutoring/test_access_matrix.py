"""For each demo role, the pages it may open answer 200 and the others 403 or 404."""

import pytest

from community.models import DevelopmentRoute, Material, Nomination, Order
from expertise.models import ExpertiseCase, Review
from monitoring.models import ImportBatch
from tutoring.demo import KALTAN, SHNOR_SCHOOL
from tutoring.models import Organization, Role, User

ROLES = ["methodist", "director", "school", "teacher", "tutor", "regional"]

# page → the status each role gets, in the order of ROLES.
MATRIX = {
    "home": [200, 200, 200, 200, 200, 200],
    "profile": [200, 200, 200, 200, 200, 200],
    "password": [200, 200, 200, 200, 200, 200],
    "organizations": [200, 200, 403, 403, 200, 200],
    "own_school": [200, 200, 200, 200, 200, 200],
    "other_school": [200, 200, 404, 404, 200, 200],
    "other_municipality": [404, 404, 404, 404, 404, 200],
    "people": [200, 200, 200, 403, 403, 200],  # a school: its own staff
    "people_new": [200, 403, 200, 403, 403, 403],
    "invitations": [200, 200, 200, 403, 403, 200],
    "audit": [200, 200, 403, 403, 403, 200],
    "subjects": [200, 403, 403, 403, 403, 403],
    "subject_new": [200, 403, 403, 403, 403, 403],
    "community": [200, 200, 200, 200, 200, 200],
    "nominations": [200, 403, 200, 403, 403, 403],
    "pending_nomination": [200, 403, 200, 403, 403, 403],
    "rosters": [200, 200, 403, 403, 403, 200],
    "orders": [200, 200, 403, 403, 403, 200],
    "demo_order": [200, 200, 403, 403, 403, 200],
    "directory": [200, 200, 200, 200, 200, 200],
    "plans": [200, 200, 200, 200, 200, 200],
    "tutor_plans": [200, 200, 403, 403, 200, 200],
    "assignments": [200, 200, 200, 200, 200, 200],
    "routes": [200, 403, 200, 200, 200, 403],
    # the demo teacher's active route, guided by the demo tutor, at the demo school
    "demo_route": [200, 404, 200, 200, 200, 404],
    "library": [200, 200, 200, 200, 200, 200],
    "library_new": [200, 403, 403, 403, 200, 403],
    "demo_material": [200, 200, 200, 200, 200, 200],  # published
    "demo_material_draft": [200, 404, 404, 404, 200, 404],  # a draft of `tutor`
    "consultations": [200, 200, 200, 200, 200, 200],
    "requests": [200, 200, 200, 200, 200, 200],
    # the demo tutor also teaches; a methodist files only for a school named in the link
    "request_new": [404, 403, 200, 200, 200, 403],
    "sessions": [200, 200, 200, 200, 200, 200],
    "points": [200, 200, 200, 200, 200, 200],
    "availability_overview": [200, 200, 403, 403, 403, 200],
    "hours_tutors": [200, 403, 403, 403, 403, 403],
    "hours_tutor": [200, 403, 403, 403, 403, 403],  # the demo `tutor`'s hours
    "schedules": [200, 200, 403, 403, 403, 200],
    "schedule_build": [200, 403, 403, 403, 403, 403],
    "events": [200, 200, 200, 200, 200, 200],
    "events_calendar": [200, 200, 200, 200, 200, 200],
    "event_new": [200, 403, 403, 403, 403, 403],
    "expertise": [200, 200, 200, 200, 200, 200],
    "expertise_cases": [200, 200, 200, 200, 200, 200],
    "expertise_new": [403, 403, 200, 200, 200, 403],
    "expertise_deficits": [200, 200, 200, 403, 403, 200],
    "rubrics": [200, 200, 403, 403, 403, 200],
    "reviewed_case": [200, 200, 200, 200, 200, 200],  # the teacher's, reviewed by the tutor
    "blind_case": [200, 200, 200, 200, 200, 200],  # the teacher's, reviewed blind by the tutor
    "other_teachers_case": [200, 200, 200, 404, 404, 200],
    "new_case": [200, 200, 200, 404, 404, 200],
    "case_assign": [200, 403, 403, 403, 403, 403],
    "tutor_review": [403, 403, 403, 403, 200, 403],
    "vpr_imports": [200, 200, 200, 403, 403, 200],
    "vpr_import_new": [200, 403, 200, 403, 403, 403],
    "vpr_import": [200, 200, 404, 403, 403, 200],  # the methodist's municipal upload
    "import_template": [200, 200, 200, 403, 403, 200],
    "monitoring": [200, 200, 200, 200, 200, 200],
    "results": [200, 200, 200, 403, 200, 200],
    "own_results": [200, 200, 200, 403, 200, 200],
    "other_results": [200, 200, 404, 403, 200, 200],
    "effect": [200, 200, 403, 403, 403, 200],
    "effectiveness": [200, 200, 403, 403, 403, 200],
    "risks": [200, 200, 200, 403, 200, 200],
    "reports": [200, 200, 403, 403, 403, 200],
    "report_analytical": [200, 200, 403, 403, 403, 403],
    "development": [200, 200, 200, 302, 200, 200],  # a teacher is sent to their own page
    "teacher_development": [200, 200, 200, 200, 200, 200],  # `tutor` is assigned to `teacher`
    "tutor_development": [200, 200, 404, 404, 200, 200],  # a tutor teaching at СОШ № 10
}


def urls():
    shnor = Organization.objects.get(short_name=SHNOR_SCHOOL)
    other = Organization.objects.get(short_name="МОБУ СОШ № 10")
    kaltan = Organization.objects.get(municipality__name=KALTAN)
    cases = ExpertiseCase.objects
    reviewed = cases.get(status="concluded", blind=False, author__username="teacher")
    blind = cases.get(status="concluded", blind=True)
    other_teachers = cases.get(status="disagreement")
    new = cases.get(status="new")
    review = Review.objects.get(expert__username="tutor", status="pending")
    users = User.objects
    published = Material.objects.filter(status="published").first()
    draft = Material.objects.get(status="draft", authors__username="tutor")
    tutor_role = Role.objects.filter(kind="tutor", user__username="tutor").order_by("pk").first()
    return {
        "home": "/",
        "profile": "/profile/",
        "password": "/profile/password/",
        "organizations": "/organizations/",
        "own_school": f"/organizations/{shnor.pk}/",
        "other_school": f"/organizations/{other.pk}/",
        "other_municipality": f"/organizations/{kaltan.pk}/",
        "people": "/people/",
        "people_new": "/people/new/",
        "invitations": "/people/invitations/",
        "audit": "/audit/",
        "subjects": "/subjects/",
        "subject_new": "/subjects/new/",
        "community": "/community/",
        "nominations": "/community/nominations/",
        "pending_nomination": f"/community/nominations/{Nomination.objects.first().pk}/",
        "rosters": "/community/rosters/",
        "orders": "/community/orders/",
        "demo_order": f"/community/orders/{Order.objects.get(number='01-03/24').pk}/",
        "directory": "/community/tutors/",
        "plans": "/community/plans/",
        "tutor_plans": "/community/tutor-plans/",
        "assignments": "/community/assignments/",
        "routes": "/community/routes/",
        "demo_route": DevelopmentRoute.objects.get(status="active").get_absolute_url(),
        "library": "/community/library/",
        "library_new": "/community/library/new/",
        "demo_material": f"/community/library/{published.pk}/",
        "demo_material_draft": f"/community/library/{draft.pk}/",
        "consultations": "/consultations/",
        "requests": "/consultations/requests/",
        "request_new": "/consultations/requests/new/",
        "sessions": "/consultations/sessions/",
        "points": "/consultations/points/",
        "availability_overview": "/consultations/availability/tutors/",
        "hours_tutors": "/consultations/availability/kept/",
        "hours_tutor": f"/consultations/availability/kept/{tutor_role.pk}/",
        "schedules": "/consultations/schedules/",
        "schedule_build": "/consultations/schedules/build/",
        "events": "/consultations/events/",
        "events_calendar": "/consultations/events/calendar/",
        "event_new": "/consultations/events/new/",
        "expertise": "/expertise/",
        "expertise_cases": "/expertise/cases/",
        "expertise_new": "/expertise/cases/new/",
        "expertise_deficits": "/expertise/deficits/",
        "rubrics": "/expertise/rubrics/",
        "reviewed_case": f"/expertise/cases/{reviewed.pk}/",
        "blind_case": f"/expertise/cases/{blind.pk}/",
        "other_teachers_case": f"/expertise/cases/{other_teachers.pk}/",
        "new_case": f"/expertise/cases/{new.pk}/",
        "case_assign": f"/expertise/cases/{new.pk}/assign/",
        "tutor_review": f"/expertise/reviews/{review.pk}/",
        "vpr_imports": "/monitoring/imports/",
        "vpr_import_new": "/monitoring/imports/new/",
        "vpr_import": f"/monitoring/imports/{ImportBatch.objects.first().pk}/",
        "import_template": "/monitoring/imports/templates/gia.xlsx",
        "monitoring": "/monitoring/",
        "results": "/monitoring/results/",
        "own_results": f"/monitoring/results/schools/{shnor.pk}/",
        "other_results": f"/monitoring/results/schools/{other.pk}/",
        "effect": "/monitoring/effect/",
        "effectiveness": "/monitoring/effectiveness/",
        "risks": "/monitoring/risks/",
        "reports": "/monitoring/reports/",
        "report_analytical": "/monitoring/reports/analytical/",
        "development": "/monitoring/development/",
        "teacher_development": f"/monitoring/development/{users.get(username='teacher').pk}/",
        "tutor_development": f"/monitoring/development/{users.get(username='tutor').pk}/",
    }


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_role_as_the_matrix_says(client, demo, sign_in, role):
    sign_in(role)
    got = {page: client.get(url).status_code for page, url in urls().items()}
    expected = {page: statuses[ROLES.index(role)] for page, statuses in MATRIX.items()}
    assert got == expected


def test_it_sends_anonymous_visitors_to_the_login_page(client, demo):
    for url in urls().values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("role", ROLES)
def test_it_keeps_the_admin_site_closed_to_every_role(client, demo, sign_in, role):
    sign_in(role)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
