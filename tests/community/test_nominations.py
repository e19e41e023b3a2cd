from community.models import Nomination, Roster
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, RoleKind

from .factories import NominationFactory


def form_data(teacher, year, **overrides):
    data = {
        "academic_year": year.pk,
        "teacher": teacher.pk,
        "position": "учитель математики",
        "subjects": [SubjectFactory().pk],
        "level": "municipal",
        "education": "higher_pedagogical",
        "experience_years": 10,
        "qualification_category": "highest",
        "achievements": "Победитель конкурса «Учитель года».",
        "justification": "Сильный учитель.",
    }
    data.update(overrides)
    return data


def school_with_teacher():
    school = OrganizationFactory()
    teacher = user_with_role(RoleKind.TEACHER, organization=school, last_name="Учителева")
    return school, teacher


def test_it_lets_a_school_nominate_its_teacher(client, db):
    school, teacher = school_with_teacher()
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    year = AcademicYearFactory.create(start_year=2026)
    response = client.post("/community/nominations/new/", form_data(teacher, year), follow=True)
    assert "Предложение отправлено методисту." in response.content.decode()
    nomination = Nomination.objects.get()
    assert (nomination.teacher, nomination.organization) == (teacher, school)
    assert AuditEntry.objects.filter(action="nomination.create").count() == 1


def test_it_warns_without_blocking_when_eligibility_rules_are_not_met(client, db):
    school, teacher = school_with_teacher()
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    data = form_data(
        teacher, AcademicYearFactory(), education="secondary_professional", experience_years=2
    )
    page = client.post("/community/nominations/new/", data, follow=True).content.decode()
    assert "Нет высшего педагогического образования." in page
    assert "Педагогический стаж меньше 3 лет." in page
    assert Nomination.objects.count() == 1


def test_it_saves_nothing_and_explains_when_fields_are_missing(client, db):
    school, teacher = school_with_teacher()
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    data = form_data(teacher, AcademicYearFactory(), justification="", subjects=[])
    page = client.post("/community/nominations/new/", data).content.decode()
    assert page.count("Обязательное поле.") == 2
    assert not Nomination.objects.exists()


def test_it_offers_a_school_only_its_own_teachers(client, db):
    school, _ = school_with_teacher()
    _, stranger = school_with_teacher()
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    response = client.post(
        "/community/nominations/new/", form_data(stranger, AcademicYearFactory())
    )
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Nomination.objects.exists()


def test_it_refuses_a_second_pending_nomination_of_the_same_teacher(client, db):
    school, teacher = school_with_teacher()
    year = AcademicYearFactory()
    NominationFactory(organization=school, teacher=teacher, academic_year=year)
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    page = client.post("/community/nominations/new/", form_data(teacher, year)).content.decode()
    assert "уже подано и ждёт решения" in page
    assert Nomination.objects.count() == 1


def test_it_accepts_a_nomination_into_the_draft_roster(client, db):
    nomination = NominationFactory()
    methodist = user_with_role(RoleKind.METHODIST, municipality=nomination.municipality)
    client.force_login(methodist)
    response = client.post(f"/community/nominations/{nomination.pk}/accept/", follow=True)
    assert "включён(а) в Состав сообщества" in response.content.decode()
    roster = Roster.objects.get()
    assert roster.is_draft
    assert list(roster.entries.values_list("person", flat=True)) == [nomination.teacher_id]
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decided_by) == ("accepted", methodist)


def test_it_rejects_only_with_a_reason_that_the_school_then_sees(client, db):
    nomination = NominationFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=nomination.municipality))
    url = f"/community/nominations/{nomination.pk}/reject/"
    assert "Обязательное поле." in client.post(url, {"reason": ""}).content.decode()
    client.post(url, {"reason": "Недостаточный стаж."})
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=nomination.organization))
    page = client.get(f"/community/nominations/{nomination.pk}/").content.decode()
    assert "Причина: Недостаточный стаж." in page


def test_it_refuses_to_decide_twice(client, db):
    nomination = NominationFactory(status=Nomination.Status.REJECTED)
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=nomination.municipality))
    response = client.post(f"/community/nominations/{nomination.pk}/accept/", follow=True)
    assert "решение уже принято" in response.content.decode()
    assert not Roster.objects.exists()


def test_it_shows_a_nomination_only_to_its_school_and_the_municipalitys_methodists(client, db):
    nomination = NominationFactory()
    municipality, school = nomination.municipality, nomination.organization
    url = f"/community/nominations/{nomination.pk}/"
    expected = [
        (user_with_role(RoleKind.METHODIST, municipality=municipality), 200),
        (user_with_role(RoleKind.SCHOOL, organization=school), 200),
        (user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()), 404),
        (
            user_with_role(
                RoleKind.SCHOOL, organization=OrganizationFactory(municipality=municipality)
            ),
            404,
        ),
        (user_with_role(RoleKind.DIRECTOR, municipality=municipality), 403),
        (user_with_role(RoleKind.TUTOR, municipality=municipality), 403),
        (user_with_role(RoleKind.TEACHER, organization=school), 403),
        (user_with_role(RoleKind.REGIONAL), 403),
    ]
    for user, status in expected:
        client.force_login(user)
        assert client.get(url).status_code == status, user.roles.get().kind


def test_it_lets_only_the_municipalitys_methodist_decide(client, db):
    nomination = NominationFactory()
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=nomination.organization))
    assert client.post(f"/community/nominations/{nomination.pk}/accept/").status_code == 403
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.post(f"/community/nominations/{nomination.pk}/accept/").status_code == 404
    nomination.refresh_from_db()
    assert nomination.status == "pending"
