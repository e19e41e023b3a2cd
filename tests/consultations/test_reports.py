import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consultations.models import ConsultationRequest, Session
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

from .factories import ConsultationRequestFactory, SessionFactory

Status = ConsultationRequest.Status


def past_session(**fields):
    request = ConsultationRequestFactory(status=Status.SCHEDULED)
    started = timezone.now() - datetime.timedelta(hours=3)
    return SessionFactory(
        request=request,
        municipality=request.municipality,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=1),
        **fields,
    )


def report_data(**overrides):
    data = {
        "held": "1",
        "pupils_count": 12,
        "duration_minutes": 60,
        "summary": "Разобрали приёмы смыслового чтения на материале параграфа.",
        "recommendations": "Использовать карточки-опоры.",
        "next_step": "Открытый урок через месяц.",
    }
    return data | overrides


def test_it_lets_the_tutor_report_a_held_session_which_closes_the_request(client, db):
    session = past_session()
    teacher = user_with_role(RoleKind.TEACHER, organization=session.request.organization)
    client.force_login(session.tutor)
    data = report_data(teachers_present=[teacher.pk])
    response = client.post(f"/consultations/sessions/{session.pk}/report/", data, follow=True)
    assert "Отчёт о занятии сохранён." in response.content.decode()
    session.refresh_from_db()
    session.request.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert session.request.status == Status.CLOSED
    assert list(session.report.teachers_present.all()) == [teacher]
    assert AuditEntry.objects.filter(action="session.report").exists()


def test_it_returns_the_request_for_rebooking_when_the_session_was_not_held(client, db):
    session = past_session()
    client.force_login(session.tutor)
    data = report_data(held="0", not_held_reason="Школа закрыта на карантин", summary="")
    client.post(f"/consultations/sessions/{session.pk}/report/", data)
    session.request.refresh_from_db()
    assert session.request.status == Status.ACCEPTED


def test_it_refuses_a_report_on_a_future_session(client, db):
    session = SessionFactory(request=ConsultationRequestFactory(status=Status.SCHEDULED))
    client.force_login(session.tutor)
    page = client.post(f"/consultations/sessions/{session.pk}/report/", report_data(), follow=True)
    assert "Отчёт составляется после занятия" in page.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def started_session(minutes_ago=1):
    request = ConsultationRequestFactory(status=Status.SCHEDULED)
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return SessionFactory(
        request=request,
        municipality=request.municipality,
        starts_at=started,
        ends_at=started + datetime.timedelta(hours=1),
    )


def test_it_refuses_a_report_while_the_session_is_still_going(client, db):
    session = started_session()
    client.force_login(session.tutor)
    client.post(f"/consultations/sessions/{session.pk}/report/", report_data())
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
    assert not hasattr(session, "report")


def test_it_says_when_the_report_opens_before_the_form_is_filled(client, db):
    session = started_session()
    client.force_login(session.tutor)
    detail = client.get(f"/consultations/sessions/{session.pk}/").content.decode()
    assert "Составить отчёт о занятии" not in detail
    ends = timezone.localtime(session.ends_at, session.municipality.tzinfo)
    assert f"после окончания, с {ends:%H:%M} {ends:%d.%m.%Y}" in detail
    response = client.get(f"/consultations/sessions/{session.pk}/report/", follow=True)
    assert response.redirect_chain[-1][0] == f"/consultations/sessions/{session.pk}/"
    assert "Отчёт составляется после занятия" in response.content.decode()


def test_it_refuses_a_held_report_without_a_summary_and_files_of_other_types(client, db):
    session = past_session()
    client.force_login(session.tutor)
    url = f"/consultations/sessions/{session.pk}/report/"
    assert "Опишите, что сделано" in client.post(url, report_data(summary="")).content.decode()
    evil = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    page = client.post(url, report_data(materials=evil)).content.decode()
    assert "Файл «run.exe» не является документом" in page
    assert not Session.objects.filter(status=Session.Status.HELD).exists()


def test_it_lets_only_the_sessions_tutor_report(client, db):
    session = past_session()
    for user in [
        user_with_role(RoleKind.TUTOR, municipality=session.municipality),
        user_with_role(RoleKind.METHODIST, municipality=session.municipality),
    ]:
        client.force_login(user)
        assert client.post(f"/consultations/sessions/{session.pk}/report/").status_code in (
            403,
            404,
        )


def test_it_lets_the_requester_rate_a_closed_request_once(client, db):
    request = ConsultationRequestFactory(status=Status.CLOSED)
    client.force_login(request.requested_by)
    url = f"/consultations/requests/{request.pk}/rate/"
    client.post(url, {"rating": "5", "comment": "Очень полезно"})
    response = client.post(url, {"rating": "1"}, follow=True)
    assert "уже оценена" in response.content.decode()
    request.refresh_from_db()
    assert (request.rating, request.rating_comment) == (5, "Очень полезно")


def test_it_shows_a_tutor_only_the_sessions_assigned_to_them(client, db):
    municipality = MunicipalityFactory()
    mine = SessionFactory(municipality=municipality)
    other = SessionFactory(municipality=municipality)
    client.force_login(mine.tutor)
    assert client.get(f"/consultations/sessions/{mine.pk}/").status_code == 200
    assert client.get(f"/consultations/sessions/{other.pk}/").status_code == 404
    page = client.get("/consultations/sessions/").content.decode()
    assert f"/consultations/sessions/{mine.pk}/" in page
    assert f"/consultations/sessions/{other.pk}/" not in page
