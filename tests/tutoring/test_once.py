"""A create form's one-time token: a second submit of the same form shows the first result,
and five identical submits at once (threads on the real PostgreSQL) make one object."""

import threading

import pytest
from django.db import connection
from django.test import Client

from community.models import Nomination, Order
from consultations.models import ConsultationRequest
from expertise.models import ExpertiseCase
from tests.community.factories import OrderFactory
from tests.community.test_nominations import form_data as nomination_data
from tests.community.test_nominations import school_with_teacher
from tests.consultations.test_requests import form_data as request_data
from tests.expertise import badfiles
from tests.expertise.factories import make_world
from tests.expertise.test_submission import form as case_data
from tests.tutoring.factories import AcademicYearFactory, OrganizationFactory, user_with_role
from tutoring.models import FormSubmission, RoleKind, User
from tutoring.once import FIELD

TOKEN = "k" * 32


def submit_at_once(user, url, make_data, times=5):
    """Each thread is a browser of its own sending the same form at the same moment."""
    start = threading.Barrier(times)
    answers = []

    def send():
        client = Client()
        client.force_login(user)
        data = make_data()
        try:
            start.wait()
            answers.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_it_puts_a_token_in_the_create_form_and_keeps_it_when_the_form_comes_back(client, db):
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=OrganizationFactory()))
    page = client.get("/consultations/requests/new/").content.decode()
    assert f'name="{FIELD}"' in page
    again = client.post("/consultations/requests/new/", request_data(subject="") | {FIELD: TOKEN})
    assert f'value="{TOKEN}"' in again.content.decode()
    assert not FormSubmission.objects.exists()


def test_a_second_submit_of_the_same_form_shows_the_first_request(client, db):
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=OrganizationFactory()))
    data = request_data() | {FIELD: TOKEN}
    first = client.post("/consultations/requests/new/", data)
    again = client.post("/consultations/requests/new/", data, follow=True)
    filed = ConsultationRequest.objects.get()
    assert first["Location"] == filed.get_absolute_url()
    assert again.redirect_chain[-1][0] == filed.get_absolute_url()
    assert "Заявка уже подана: вот она." in again.content.decode()


def test_a_corrected_form_is_taken_under_the_token_its_refusal_kept(client, db):
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=OrganizationFactory()))
    client.post("/consultations/requests/new/", request_data(subject="") | {FIELD: TOKEN})
    client.post("/consultations/requests/new/", request_data() | {FIELD: TOKEN})
    assert ConsultationRequest.objects.count() == 1


def test_the_same_token_of_another_user_is_another_form(client, db):
    school = OrganizationFactory()
    for _ in range(2):
        client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
        client.post("/consultations/requests/new/", request_data() | {FIELD: TOKEN})
    assert ConsultationRequest.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_submits_of_a_consultation_request_file_one():
    staff = user_with_role(RoleKind.SCHOOL, organization=OrganizationFactory())
    data = request_data() | {FIELD: TOKEN}
    answers = submit_at_once(staff, "/consultations/requests/new/", lambda: data)
    assert answers == [302] * 5
    assert ConsultationRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_submits_of_an_expertise_case_file_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    data = case_data(world) | {FIELD: TOKEN}
    answers = submit_at_once(
        world.teacher, "/expertise/cases/new/", lambda: data | {"files": [badfiles.good_pdf()]}
    )
    assert answers == [302] * 5
    assert ExpertiseCase.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_simultaneous_submits_of_a_nomination_make_one():
    school, teacher = school_with_teacher()
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    data = nomination_data(teacher, AcademicYearFactory()) | {FIELD: TOKEN}
    answers = submit_at_once(staff, "/community/nominations/new/", lambda: data)
    assert answers == [302] * 5
    assert Nomination.objects.count() == 1


# The create forms that carry a token, each with a demo login that may open it.
CREATE_FORMS = {
    "/consultations/requests/new/": "school",
    "/expertise/cases/new/": "teacher",
    "/community/nominations/new/": "school",
    "/community/orders/new/": "methodist",
    "/consultations/events/new/": "methodist",
    "/community/library/new/": "methodist",
    "/community/routes/new/": "tutor",
    "/people/new/": "methodist",
    "/organizations/new/": "methodist",
}


def test_every_create_form_that_users_double_submit_carries_a_token(client, demo):
    missing = []
    for url, login in CREATE_FORMS.items():
        client.force_login(User.objects.get(username=login))
        page = client.get(url)
        if page.status_code != 200 or f'name="{FIELD}"' not in page.content.decode():
            missing.append(f"{url} ({page.status_code})")
    assert not missing


def test_a_second_submit_of_the_same_order_form_shows_the_first_draft(client, db):
    methodist = user_with_role(RoleKind.METHODIST)
    centre = OrderFactory(municipality=methodist.roles.get().municipality).organization
    client.force_login(methodist)
    data = {
        "organization": centre.pk,
        "academic_year": AcademicYearFactory().pk,
        "place": "г. Лабинск",
        "heading": "Об утверждении положения",
        "points": "Утвердить положение (Приложение 1).",
        "signatory_position": "Директор",
        "signatory_name": "С. И. Орлов",
        FIELD: TOKEN,
    }
    client.post("/community/orders/new/", data)
    again = client.post("/community/orders/new/", data, follow=True)
    order = Order.objects.get(heading="Об утверждении положения")
    assert again.redirect_chain[-1][0] == order.get_absolute_url()
    assert "Проект приказа уже создан: вот он." in again.content.decode()
