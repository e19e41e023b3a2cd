import datetime

from community.models import Appendix, Order, Roster
from community.services.orders import ORDER_DOCUMENT, subjects_title
from tests.tutoring.factories import MunicipalityFactory, SubjectFactory, user_with_role
from tutoring.models import AuditEntry, Document, RoleKind
from tutoring.tasks import render_document

from .factories import OrderFactory, RosterEntryFactory, RosterFactory


def director_of(order):
    return user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)


def methodist_of(order):
    return user_with_role(RoleKind.METHODIST, municipality=order.municipality)


def order_with_roster(n=2):
    order = OrderFactory()
    roster = RosterFactory(municipality=order.municipality, status=Roster.Status.APPROVED)
    for _ in range(n):
        RosterEntryFactory(roster=roster).subjects.add(SubjectFactory())
    Appendix.objects.create(
        order=order, number=1, kind="roster", title="Состав сообщества", roster=roster
    )
    return order, roster


def approve(client, order, number="01-03/24", date="2023-01-09"):
    return client.post(
        f"/community/orders/{order.pk}/approve/", {"number": number, "date": date}, follow=True
    )


def test_it_lets_a_methodist_draft_an_order_with_appendices(client, db):
    methodist = user_with_role(RoleKind.METHODIST)
    municipality = methodist.roles.get().municipality
    centre = OrderFactory(municipality=municipality).organization
    client.force_login(methodist)
    data = {
        "organization": centre.pk,
        "place": "г. Лабинск",
        "heading": "Об утверждении положения",
        "points": "Утвердить положение (Приложение 1).",
        "signatory_position": "Директор",
        "signatory_name": "С.И. Клименко",
    }
    response = client.post("/community/orders/new/", data, follow=True)
    order = Order.objects.get(heading="Об утверждении положения")
    assert "Проект приказа создан" in response.content.decode()
    client.post(
        f"/community/orders/{order.pk}/appendices/new/",
        {"kind": "text", "title": "Положение", "text": "1. Общие положения"},
    )
    assert order.appendices.get().number == 1


def test_it_lets_only_a_director_approve(client, db):
    order, _ = order_with_roster()
    client.force_login(methodist_of(order))
    assert approve(client, order).status_code == 403
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=MunicipalityFactory()))
    assert approve(client, order).status_code == 404
    order.refresh_from_db()
    assert order.is_draft


def test_it_refuses_approval_without_a_number(client, db):
    order, _ = order_with_roster()
    client.force_login(director_of(order))
    response = approve(client, order, number="")
    assert response.status_code == 400
    assert "Обязательное поле." in response.content.decode()
    order.refresh_from_db()
    assert order.is_draft and order.number == ""


def test_it_freezes_the_order_and_its_appendices_at_approval(client, db):
    order, roster = order_with_roster(n=2)
    client.force_login(director_of(order))
    response = approve(client, order)
    assert "Приказ подписан" in response.content.decode()
    order.refresh_from_db()
    assert (order.number, order.date) == ("01-03/24", datetime.date(2023, 1, 9))
    snapshot = order.appendices.get().snapshot
    assert len(snapshot["rows"]) == 2
    roster.entries.all().delete()  # what happens to the roster later does not reach the order
    assert len(order.appendices.get().snapshot["rows"]) == 2
    assert AuditEntry.objects.filter(action="order.approve", object_id=str(order.pk)).exists()


def test_it_offers_an_amending_order_instead_of_editing_a_signed_one(client, db):
    order, _ = order_with_roster()
    client.force_login(director_of(order))
    approve(client, order)
    client.force_login(methodist_of(order))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "Подготовить изменяющий приказ" in page
    assert "Изменить проект" not in page
    response = client.post(f"/community/orders/{order.pk}/edit/", follow=True)
    assert "Подписанный приказ не меняется" in response.content.decode()
    client.post(f"/community/orders/{order.pk}/amend/")
    draft = Order.objects.get(amends=order)
    assert (
        draft.is_draft and "О внесении изменений в приказ от 09.01.2023 № 01-03/24" in draft.heading
    )


def test_it_accepts_only_an_approved_roster_as_an_appendix(client, db):
    order = OrderFactory()
    draft = RosterFactory(municipality=order.municipality)
    client.force_login(methodist_of(order))
    data = {"kind": "roster", "title": "Состав", "roster": draft.pk}
    response = client.post(f"/community/orders/{order.pk}/appendices/new/", data)
    assert "Выберите корректный вариант" in response.content.decode()
    assert not order.appendices.exists()


def test_it_renders_the_signed_order_to_a_pdf_once(client, db, django_capture_on_commit_callbacks):
    order, _ = order_with_roster()
    client.force_login(director_of(order))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approve(client, order)
    assert len(callbacks) == 1  # the rendering is queued, not done on the request
    document = Document.objects.get(kind=ORDER_DOCUMENT, object_id=str(order.pk))
    render_document(document.pk)
    document.refresh_from_db()
    first = document.sha256
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == "ready" and document.sha256 == first


def test_it_shows_orders_to_methodists_directors_and_regional_only(client, db):
    order = OrderFactory()
    for user, status in [
        (methodist_of(order), 200),
        (director_of(order), 200),
        (user_with_role(RoleKind.REGIONAL), 200),
        (user_with_role(RoleKind.TUTOR, municipality=order.municipality), 403),
        (user_with_role(RoleKind.SCHOOL, municipality=order.municipality), 403),
        (user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()), 404),
    ]:
        client.force_login(user)
        assert client.get(f"/community/orders/{order.pk}/").status_code == status


def test_it_names_two_subjects_as_an_order_does(db):
    russian = SubjectFactory(name="Русский язык")
    literature = SubjectFactory(name="Литература")
    assert subjects_title([literature, russian]) == "Русский язык и литература"
    assert subjects_title([russian]) == "Русский язык"


def test_it_shows_the_history_of_a_signed_order_including_its_printing(client, db):
    order, _ = order_with_roster()
    client.force_login(director_of(order))
    approve(client, order)
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "История" in page
    assert "приказ подписан" in page and "запрошен PDF документа" in page
