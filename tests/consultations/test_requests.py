import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import ConsultationRequest, Session
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, RoleKind

from .factories import ConsultationRequestFactory, SessionFactory

Status = ConsultationRequest.Status


def form_data(**overrides):
    soon = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "kind": "supervision",
        "subject": SubjectFactory().pk,
        "topic": "Смысловое чтение на уроках истории",
        "difficulty": "Ученики не понимают текст параграфа.",
        "participants": "учителя истории",
        "participants_count": 3,
        "format": "in_person",
        "windows-TOTAL_FORMS": 3,
        "windows-INITIAL_FORMS": 0,
        "windows-MIN_NUM_FORMS": 1,
        "windows-MAX_NUM_FORMS": 5,
        "windows-0-starts_on": soon.isoformat(),
        "windows-0-ends_on": (soon + datetime.timedelta(days=7)).isoformat(),
    }
    return data | overrides


def test_it_lets_a_school_file_a_request_marked_priority_for_a_low_results_school(client, db):
    school = OrganizationFactory()
    SchoolStatusFactory(organization=school)
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    response = client.post("/consultations/requests/new/", form_data(), follow=True)
    assert "подана. Методист рассмотрит её." in response.content.decode()
    filed = ConsultationRequest.objects.get()
    assert filed.priority and filed.organization == school and filed.teacher is None
    assert filed.windows.count() == 1
    assert AuditEntry.objects.filter(action="request.create").exists()


def test_it_files_a_teachers_request_for_the_teacher(client, db):
    teacher = user_with_role(RoleKind.TEACHER)
    client.force_login(teacher)
    client.post("/consultations/requests/new/", form_data())
    filed = ConsultationRequest.objects.get()
    assert (filed.teacher, filed.requested_by, filed.priority) == (teacher, teacher, False)


def test_it_refuses_a_request_without_a_subject_or_with_a_window_in_the_past(client, db):
    client.force_login(user_with_role(RoleKind.SCHOOL))
    page = client.post("/consultations/requests/new/", form_data(subject="")).content.decode()
    assert "Обязательное поле." in page
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = form_data(**{"windows-0-starts_on": past})
    page = client.post("/consultations/requests/new/", data).content.decode()
    assert "Дата не может быть в прошлом." in page
    data = form_data(**{"windows-0-starts_on": "", "windows-0-ends_on": ""})
    page = client.post("/consultations/requests/new/", data).content.decode()
    assert "Укажите хотя бы один период" in page
    assert not ConsultationRequest.objects.exists()


def test_it_lets_the_requester_edit_until_accepted(client, db):
    filed = ConsultationRequestFactory()
    client.force_login(filed.requested_by)
    client.post(f"/consultations/requests/{filed.pk}/edit/", form_data(topic="Новая тема"))
    filed.refresh_from_db()
    assert filed.topic == "Новая тема"
    ConsultationRequest.objects.filter(pk=filed.pk).update(status=Status.ACCEPTED)
    response = client.post(
        f"/consultations/requests/{filed.pk}/edit/", form_data(topic="Ещё тема"), follow=True
    )
    assert "пока её не приняли" in response.content.decode()
    filed.refresh_from_db()
    assert filed.topic == "Новая тема"


def test_it_lets_the_requester_withdraw(client, db):
    filed = ConsultationRequestFactory()
    client.force_login(filed.requested_by)
    client.post(f"/consultations/requests/{filed.pk}/withdraw/", {"reason": "Справились сами"})
    filed.refresh_from_db()
    assert (filed.status, filed.status_reason) == (Status.WITHDRAWN, "Справились сами")


def test_it_lets_the_methodist_accept_or_reject_with_a_reason(client, db):
    accepted, rejected = ConsultationRequestFactory(), ConsultationRequestFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=accepted.municipality))
    client.post(f"/consultations/requests/{accepted.pk}/accept/")
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=rejected.municipality))
    response = client.post(f"/consultations/requests/{rejected.pk}/reject/", {}, follow=True)
    assert "Укажите причину" in response.content.decode()
    client.post(f"/consultations/requests/{rejected.pk}/reject/", {"reason": "Не по профилю"})
    rejected.refresh_from_db()
    assert (rejected.status, rejected.status_reason) == (Status.REJECTED, "Не по профилю")


def test_it_refuses_an_illegal_move_with_a_message(client, db):
    filed = ConsultationRequestFactory(status=Status.CLOSED)
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=filed.municipality))
    response = client.post(f"/consultations/requests/{filed.pk}/accept/", follow=True)
    assert "нельзя перевести в статус «принята»" in response.content.decode()


def test_it_cancels_a_scheduled_request_with_its_sessions(client, db):
    session = SessionFactory(request=ConsultationRequestFactory(status=Status.SCHEDULED))
    filed = session.request
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=filed.municipality))
    client.post(f"/consultations/requests/{filed.pk}/cancel/", {"reason": "Карантин в школе"})
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancel_reason == "Карантин в школе"


def test_it_shows_a_school_only_its_own_requests_and_a_teacher_only_theirs(client, db):
    municipality = MunicipalityFactory()
    own = ConsultationRequestFactory(municipality=municipality, topic="Своя заявка")
    ConsultationRequestFactory(municipality=municipality, topic="Чужая заявка")
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=own.organization))
    page = client.get("/consultations/requests/").content.decode()
    assert "Своя заявка" in page and "Чужая заявка" not in page
    teacher = user_with_role(RoleKind.TEACHER, organization=own.organization)
    client.force_login(teacher)
    assert "Своя заявка" not in client.get("/consultations/requests/").content.decode()


def test_it_answers_each_role_on_a_request_page(client, db):
    filed = ConsultationRequestFactory()
    municipality, school = filed.municipality, filed.organization
    tutor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    for user, status in [
        (user_with_role(RoleKind.METHODIST, municipality=municipality), 200),
        (user_with_role(RoleKind.DIRECTOR, municipality=municipality), 200),
        (filed.requested_by, 200),
        (user_with_role(RoleKind.REGIONAL), 200),
        (tutor, 404),
        (user_with_role(RoleKind.TEACHER, organization=school), 404),
        (user_with_role(RoleKind.SCHOOL, organization=OrganizationFactory()), 404),
        (user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()), 404),
    ]:
        client.force_login(user)
        assert client.get(f"/consultations/requests/{filed.pk}/").status_code == status
    SessionFactory(request=filed, municipality=municipality, tutor=tutor)
    client.force_login(tutor)
    assert client.get(f"/consultations/requests/{filed.pk}/").status_code == 200


def test_it_lets_only_the_municipalitys_methodist_decide(client, db):
    filed = ConsultationRequestFactory()
    for user in [
        user_with_role(RoleKind.DIRECTOR, municipality=filed.municipality),
        filed.requested_by,
    ]:
        client.force_login(user)
        assert client.post(f"/consultations/requests/{filed.pk}/accept/").status_code == 403
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED


def test_it_keeps_the_request_list_query_count_flat(client, db):
    municipality = MunicipalityFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    ConsultationRequestFactory.create_batch(3, municipality=municipality)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/consultations/requests/").status_code == 200
        return len(queries)

    before = count()
    ConsultationRequestFactory.create_batch(30, municipality=municipality)
    assert count() == before


def test_it_asks_why_a_request_is_withdrawn(client, db):
    filed = ConsultationRequestFactory()
    client.force_login(filed.requested_by)
    response = client.post(f"/consultations/requests/{filed.pk}/withdraw/", {}, follow=True)
    assert "почему заявка больше не нужна" in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.SUBMITTED
