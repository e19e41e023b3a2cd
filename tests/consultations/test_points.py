from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.models import ConsultationPoint, Room
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.models import AuditEntry, Organization, RoleKind

from .factories import ConsultationPointFactory, RoomFactory, SessionFactory


def methodist_of(point):
    return user_with_role(RoleKind.METHODIST, municipality=point.municipality)


def point_data(organization, **overrides):
    data = {
        "organization": organization.pk,
        "name": "Муниципальный тьюторский консультационный пункт",
        "address": "г. Лабинск, ул. Константинова, 2",
        "working_hours": "вт, чт 14:00–17:00",
        "remote_link": "https://sferum.ru/?call_link=abc",
        "is_active": "on",
    }
    return data | overrides


def everyone_of(municipality):
    """The people of a municipality, one per role, and the regional coordinator."""
    school = OrganizationFactory(municipality=municipality)
    return {
        kind: user_with_role(kind, municipality=municipality, organization=school)
        if kind in (RoleKind.SCHOOL, RoleKind.TEACHER)
        else user_with_role(kind, municipality=None if kind == RoleKind.REGIONAL else municipality)
        for kind in RoleKind.values
    }


def test_it_lets_a_methodist_create_a_point_at_an_organization_of_the_municipality(client, db):
    methodist = user_with_role(RoleKind.METHODIST)
    centre = OrganizationFactory(
        municipality=methodist.roles.get().municipality, kind=Organization.Kind.METHODICAL_CENTRE
    )
    client.force_login(methodist)
    response = client.post("/consultations/points/new/", point_data(centre), follow=True)
    assert "создан" in response.content.decode()
    point = ConsultationPoint.objects.get()
    assert (point.municipality, point.organization) == (centre.municipality, centre)
    assert AuditEntry.objects.get(action="point.create").actor == methodist


def test_it_refuses_a_host_from_another_municipality(client, db):
    client.force_login(user_with_role(RoleKind.METHODIST))
    response = client.post("/consultations/points/new/", point_data(OrganizationFactory()))
    assert "Выберите корректный вариант" in response.content.decode()
    assert not ConsultationPoint.objects.exists()


def test_it_edits_a_point_and_records_what_changed(client, db):
    point = ConsultationPointFactory()
    client.force_login(methodist_of(point))
    data = point_data(point.organization, working_hours="пн–пт 15:00–18:00")
    response = client.post(f"/consultations/points/{point.pk}/edit/", data, follow=True)
    assert "пн–пт 15:00–18:00" in response.content.decode()
    entry = AuditEntry.objects.get(action="point.update")
    assert entry.changes["working_hours"] == ["пн–пт 14:00–18:00", "пн–пт 15:00–18:00"]


def test_it_shows_a_point_to_everyone_in_its_municipality_and_to_the_region(client, db):
    point = ConsultationPointFactory(remote_link="https://sferum.ru/?call_link=xyz")
    RoomFactory(point=point, name="Кабинет 12", capacity=15)
    # The permanent link joins the point's remote sessions: its coordinators and tutors see
    # it here; the others as participants, on the session's own page.
    keepers = {RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.TUTOR}
    for kind, user in everyone_of(point.municipality).items():
        client.force_login(user)
        page = client.get(f"/consultations/points/{point.pk}/").content.decode()
        assert point.address in page and "Кабинет 12" in page
        assert ("call_link=xyz" in page) is (kind in keepers), kind
        if kind not in keepers:
            assert "участник занятия видит её на странице занятия" in page
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.get(f"/consultations/points/{point.pk}/").status_code == 404


def test_it_lets_only_a_methodist_of_the_municipality_change_a_point(client, db):
    point = ConsultationPointFactory()
    url = f"/consultations/points/{point.pk}/edit/"
    for kind, user in everyone_of(point.municipality).items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if kind == RoleKind.METHODIST else 403)
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.get(url).status_code == 404
    assert client.get(f"/consultations/points/{point.pk}/rooms/new/").status_code == 404


def test_it_lists_working_points_of_the_municipality_only(client, db):
    point = ConsultationPointFactory(name="Пункт при ИМЦ")
    ConsultationPointFactory(name="Пункт закрыт", municipality=point.municipality, is_active=False)
    ConsultationPointFactory(name="Пункт соседей")
    client.force_login(user_with_role(RoleKind.TEACHER, municipality=point.municipality))
    page = client.get("/consultations/points/").content.decode()
    assert "Пункт при ИМЦ" in page
    assert "Пункт закрыт" not in page and "Пункт соседей" not in page
    client.force_login(methodist_of(point))
    assert "Пункт закрыт" in client.get("/consultations/points/").content.decode()


def test_it_says_so_when_there_are_no_points(client, db):
    client.force_login(user_with_role(RoleKind.SCHOOL))
    page = client.get("/consultations/points/").content.decode()
    assert "Консультационных пунктов пока нет" in page


def test_it_adds_a_room_to_a_point(client, db):
    point = ConsultationPointFactory()
    client.force_login(methodist_of(point))
    data = {"name": "Кабинет 12", "capacity": 15, "is_active": "on"}
    client.post(f"/consultations/points/{point.pk}/rooms/new/", data)
    assert point.rooms.get().capacity == 15
    assert AuditEntry.objects.get(action="room.create").municipality == point.municipality


def test_it_refuses_a_room_for_nobody(client, db):
    point = ConsultationPointFactory()
    client.force_login(methodist_of(point))
    data = {"name": "Кабинет 12", "capacity": 0, "is_active": "on"}
    response = client.post(f"/consultations/points/{point.pk}/rooms/new/", data)
    assert "Вместимость помещения — от 1 до 500 человек" in response.content.decode()
    assert not Room.objects.exists() and not AuditEntry.objects.exists()


def test_it_refuses_two_rooms_of_one_name(client, db):
    room = RoomFactory(name="Актовый зал")
    client.force_login(methodist_of(room.point))
    data = {"name": "актовый зал", "capacity": 80, "is_active": "on"}
    response = client.post(f"/consultations/points/{room.point.pk}/rooms/new/", data)
    assert "уже есть помещение" in response.content.decode()
    assert Room.objects.count() == 1


def test_it_deactivates_a_room_which_then_disappears_for_schools(client, db):
    room = RoomFactory(name="Кабинет 7")
    client.force_login(methodist_of(room.point))
    client.post(f"/consultations/rooms/{room.pk}/edit/", {"name": "Кабинет 7", "capacity": 20})
    room.refresh_from_db()
    assert not room.is_active
    assert AuditEntry.objects.get(action="room.update").changes == {"is_active": ["True", "False"]}
    client.force_login(user_with_role(RoleKind.SCHOOL, municipality=room.point.municipality))
    assert "Кабинет 7" not in client.get(room.point.get_absolute_url()).content.decode()


def test_it_deletes_an_unused_room_after_asking(client, db):
    room = RoomFactory()
    client.force_login(methodist_of(room.point))
    page = client.get(room.point.get_absolute_url()).content.decode()
    assert f'data-confirm="Удалить помещение «{room.name}»?"' in page
    response = client.post(f"/consultations/rooms/{room.pk}/delete/", follow=True)
    assert "удалено" in response.content.decode()
    assert not Room.objects.exists()
    assert AuditEntry.objects.filter(action="room.delete").exists()


def test_it_keeps_a_room_that_has_sessions(client, db):
    session = SessionFactory()
    client.force_login(methodist_of(session.point))
    page = client.get(session.point.get_absolute_url()).content.decode()
    assert f"/consultations/rooms/{session.room.pk}/delete/" not in page
    response = client.post(f"/consultations/rooms/{session.room.pk}/delete/", follow=True)
    assert "нельзя удалить" in response.content.decode()
    assert Room.objects.filter(pk=session.room.pk).exists()


def test_it_lets_nobody_else_delete_a_room(client, db):
    room = RoomFactory()
    for kind, user in everyone_of(room.point.municipality).items():
        if kind != RoleKind.METHODIST:
            client.force_login(user)
            assert client.post(f"/consultations/rooms/{room.pk}/delete/").status_code == 403
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.post(f"/consultations/rooms/{room.pk}/delete/").status_code == 404
    assert Room.objects.exists()


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_it_keeps_point_pages_queries_flat(client, db):
    small = ConsultationPointFactory()
    large = ConsultationPointFactory(municipality=small.municipality)
    RoomFactory.create_batch(3, point=small)
    RoomFactory.create_batch(30, point=large)
    SessionFactory(point=large, municipality=large.municipality, room=large.rooms.first())
    client.force_login(methodist_of(small))
    assert queries(client, small.get_absolute_url()) == queries(client, large.get_absolute_url())
    client.force_login(user_with_role(RoleKind.REGIONAL))
    before = queries(client, "/consultations/points/")
    ConsultationPointFactory.create_batch(27)
    assert queries(client, "/consultations/points/") == before
