import datetime

import pytest

from community.models import Appendix, DomainError, Order, Roster
from community.services import orders as services
from community.services.orders import ORDER_DOCUMENT, subjects_title
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Document, OrganizationHead, Role, RoleKind
from tutoring.tasks import render_document

from .factories import (
    CommunityPlanFactory,
    OrderFactory,
    RosterEntryFactory,
    RosterFactory,
)


def director_of(order):
    return user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)


def methodist_of(order):
    return user_with_role(RoleKind.METHODIST, municipality=order.municipality)


def order_with_roster(n=2, status=Order.Status.DRAFT, roster_status=Roster.Status.READY):
    order = OrderFactory(status=status)
    roster = RosterFactory(
        municipality=order.municipality, academic_year=order.academic_year, status=roster_status
    )
    for _ in range(n):
        RosterEntryFactory(roster=roster).subjects.add(SubjectFactory())
    Appendix.objects.create(
        order=order, number=1, kind="roster", title="Состав сообщества", roster=roster
    )
    return order, roster


def sent_order_with_roster(n=2):
    return order_with_roster(n, status=Order.Status.SENT)


def sign(client, order, number="01-03/24", date="2023-01-09"):
    return client.post(
        f"/community/orders/{order.pk}/approve/", {"number": number, "date": date}, follow=True
    )


def other_year():
    return AcademicYearFactory(start_year=2022)


# Drafting.


def test_it_lets_a_methodist_draft_an_order_with_appendices(client, db):
    methodist = user_with_role(RoleKind.METHODIST)
    municipality = methodist.roles.get().municipality
    centre = OrderFactory(municipality=municipality).organization
    year = AcademicYearFactory()
    client.force_login(methodist)
    data = {
        "organization": centre.pk,
        "academic_year": year.pk,
        "place": "г. Лабинск",
        "heading": "Об утверждении положения",
        "points": "Утвердить положение (Приложение 1).",
        "signatory_position": "Директор",
        "signatory_name": "С. И. Орлов",
    }
    response = client.post("/community/orders/new/", data, follow=True)
    order = Order.objects.get(heading="Об утверждении положения")
    page = response.content.decode()
    assert "отправьте его на подпись" in page and "передайте на подпись" not in page
    assert order.academic_year == year
    client.post(
        f"/community/orders/{order.pk}/appendices/new/",
        {"kind": "text", "title": "Положение", "text": "1. Общие положения"},
    )
    assert order.appendices.get().number == 1


def test_it_prefills_the_signatory_from_the_issuers_head_now(client, db):
    old = OrderFactory(status=Order.Status.APPROVED, number="1", date=datetime.date(2023, 1, 9))
    municipality = old.municipality
    municipality.issuer = old.organization
    municipality.save()
    OrganizationHead.objects.create(
        organization=old.organization,
        position="Директор",
        name="С. И. Орлов",
        since=datetime.date(2024, 9, 1),
    )
    client.force_login(methodist_of(old))
    form = client.get("/community/orders/new/").context["form"]
    assert form.initial["signatory_name"] == "С. И. Орлов"  # not the old order's «С.И. Клименко»
    assert form.initial["signatory_position"] == f"Директор {old.organization.short_name}"
    assert form.initial["academic_year"] == AcademicYearFactory().pk


def test_it_says_when_the_issuer_has_no_head_and_links_to_its_card(client, db):
    order = OrderFactory()
    order.municipality.issuer = order.organization
    order.municipality.save()
    client.force_login(methodist_of(order))
    page = client.get("/community/orders/new/").content.decode()
    assert "не указан руководитель" in page
    assert f'href="/organizations/{order.organization.pk}/"' in page


def test_it_refuses_a_roster_of_another_year_as_an_appendix(client, db):
    order = OrderFactory()
    roster = RosterFactory(
        municipality=order.municipality, academic_year=other_year(), status=Roster.Status.READY
    )
    client.force_login(methodist_of(order))
    data = {"kind": "roster", "title": "Состав", "roster": roster.pk}
    page = client.post(f"/community/orders/{order.pk}/appendices/new/", data).content.decode()
    assert (
        f"Состав сообщества на 2022/23 учебный год не может быть приложением к приказу "
        f"на {order.academic_year} учебный год" in page
    )
    assert not order.appendices.exists()


def test_it_refuses_a_plan_of_another_year_as_an_appendix(db):
    order = OrderFactory()
    plan = CommunityPlanFactory(
        municipality=order.municipality, academic_year=other_year(), status="approved"
    )
    with pytest.raises(DomainError, match="План работы сообщества на 2022/23 учебный год"):
        services.appendix_add(
            actor=methodist_of(order), order=order, kind="plan", title="План", plan=plan
        )


def test_it_accepts_a_ready_roster_but_not_a_draft(client, db):
    order = OrderFactory()
    draft = RosterFactory(municipality=order.municipality, academic_year=order.academic_year)
    client.force_login(methodist_of(order))
    data = {"kind": "roster", "title": "Состав", "roster": draft.pk}
    response = client.post(f"/community/orders/{order.pk}/appendices/new/", data)
    assert "Выберите корректный вариант" in response.content.decode()
    draft.status = Roster.Status.READY
    draft.save()
    client.post(f"/community/orders/{order.pk}/appendices/new/", data)
    assert order.appendices.get().roster == draft


def test_it_names_a_missing_roster_in_words_not_by_a_constraint(client, db):
    order = OrderFactory()
    client.force_login(methodist_of(order))
    data = {"kind": "roster", "title": "Состав", "text": "что-то"}
    page = client.post(f"/community/orders/{order.pk}/appendices/new/", data).content.decode()
    assert "Выберите состав сообщества, который утверждает приказ." in page
    assert "appendix_kind_matches_source" not in page and "ограничение" not in page
    assert not order.appendices.exists()


def test_it_keeps_only_the_source_of_the_chosen_kind(client, db):
    order, roster = order_with_roster()
    client.force_login(methodist_of(order))
    data = {"kind": "text", "title": "Положение", "text": "1. Общее", "roster": roster.pk}
    page = client.post(f"/community/orders/{order.pk}/appendices/new/", data, follow=True)
    assert "Приложение № 2 добавлено" in page.content.decode()
    assert order.appendices.get(number=2).roster is None


# Sending, returning, signing.


def test_it_sends_a_draft_for_signature_once(client, db):
    order, _ = order_with_roster()
    client.force_login(methodist_of(order))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "Отправить на подпись" in page and "передайте на подпись" not in page
    assert "2 тьютора" in page
    response = client.post(f"/community/orders/{order.pk}/send/", follow=True)
    assert "Приказ отправлен на подпись руководителю." in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SENT and order.sent_at is not None
    response = client.post(f"/community/orders/{order.pk}/send/", follow=True)
    assert "Приказ уже на подписи." in response.content.decode()
    assert AuditEntry.objects.filter(action="order.send").count() == 1


def test_it_locks_an_order_on_signature(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(methodist_of(order))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "Изменить проект" not in page and "Добавить приложение" not in page
    response = client.post(f"/community/orders/{order.pk}/edit/", follow=True)
    assert "Приказ на подписи и не меняется" in response.content.decode()


def test_it_refuses_to_send_an_order_whose_roster_went_back_to_draft(db):
    order, _ = order_with_roster(roster_status=Roster.Status.DRAFT)
    with pytest.raises(DomainError, match=r"Приложение № 1: .* ещё черновик"):
        services.order_send(actor=methodist_of(order), order=order)
    order.refresh_from_db()
    assert order.status == Order.Status.DRAFT


def test_it_checks_the_year_again_at_sending(db):
    order, _ = order_with_roster()
    order.academic_year = other_year()
    order.save()
    with pytest.raises(DomainError, match="не может быть приложением к приказу на 2022/23"):
        services.order_send(actor=methodist_of(order), order=order)


def test_it_checks_the_year_again_at_signing(db):
    order, roster = sent_order_with_roster()
    Roster.objects.filter(pk=roster.pk).update(academic_year=other_year())
    with pytest.raises(DomainError, match="Состав сообщества на 2022/23 учебный год"):
        services.order_approve(
            actor=director_of(order), order=order, number="1", date=datetime.date(2026, 9, 1)
        )
    roster.refresh_from_db()
    assert roster.status == Roster.Status.READY


def test_it_refuses_to_send_without_a_signatory(db):
    order = OrderFactory(signatory_name="")
    with pytest.raises(DomainError, match="кто подписывает приказ"):
        services.order_send(actor=methodist_of(order), order=order)


@pytest.mark.parametrize(
    ("move", "kind"),
    [("send", RoleKind.DIRECTOR), ("return", RoleKind.METHODIST), ("approve", RoleKind.METHODIST)],
)
def test_it_lets_each_move_only_to_its_role(db, move, kind):
    status = Order.Status.DRAFT if move == "send" else Order.Status.SENT
    order, _ = order_with_roster(status=status)
    actor = user_with_role(kind, municipality=order.municipality)
    arguments = {
        "send": {},
        "return": {"comment": "Исправьте"},
        "approve": {"number": "1", "date": datetime.date(2026, 9, 1)},
    }[move]
    with pytest.raises(DomainError, match=r"руководитель|методист"):
        getattr(services, f"order_{move}")(actor=actor, order=order, **arguments)
    order.refresh_from_db()
    assert order.status == status


def test_it_lets_no_director_of_another_municipality_sign(db):
    order, _ = sent_order_with_roster()
    stranger = user_with_role(RoleKind.DIRECTOR, municipality=MunicipalityFactory())
    with pytest.raises(DomainError):
        services.order_approve(
            actor=stranger, order=order, number="1", date=datetime.date(2026, 9, 1)
        )


def test_it_returns_an_order_with_a_comment_the_methodist_reads(client, db):
    order, _ = sent_order_with_roster()
    director = director_of(order)
    client.force_login(director)
    response = client.post(f"/community/orders/{order.pk}/return/", {"comment": ""})
    assert response.status_code == 400
    assert "Напишите, что исправить" in response.content.decode()
    client.post(f"/community/orders/{order.pk}/return/", {"comment": "Уточните пункт 2."})
    order.refresh_from_db()
    assert (order.status, order.return_comment) == (Order.Status.RETURNED, "Уточните пункт 2.")
    client.force_login(methodist_of(order))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "Руководитель вернул приказ на доработку" in page and "Уточните пункт 2." in page
    assert "Изменить проект" in page and "Отправить на подпись" in page
    assert "приказ возвращён на доработку" in page  # the history


def test_it_sends_a_returned_order_again_and_clears_the_comment(db):
    order, _ = order_with_roster(status=Order.Status.RETURNED)
    order.return_comment = "Уточните пункт 2."
    order.save()
    services.order_send(actor=methodist_of(order), order=order)
    order.refresh_from_db()
    assert (order.status, order.return_comment) == (Order.Status.SENT, "")


def test_it_refuses_to_sign_a_draft_or_a_returned_order(db):
    for status in (Order.Status.DRAFT, Order.Status.RETURNED):
        order, _ = order_with_roster(status=status)
        with pytest.raises(DomainError, match="Подписать можно только приказ, отправленный"):
            services.order_approve(
                actor=director_of(order), order=order, number="1", date=datetime.date(2026, 9, 1)
            )


def test_it_shows_what_is_signed_before_signing(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "Подписать…" in page and "Вернуть на доработку" in page
    url = f"/community/orders/{order.pk}/sign/?number=01-03/24&date=2023-01-09"
    page = client.get(url).content.decode()
    assert "Подписать приказ?" in page
    assert "09.01.2023" in page and "№ 01-03/24" in page and order.heading in page
    assert "Состав сообщества" in page and "2 тьютора" in page
    assert 'name="number" value="01-03/24"' in page and 'name="date" value="2023-01-09"' in page
    order.refresh_from_db()
    assert order.status == Order.Status.SENT  # looking is not signing


def test_it_asks_for_the_number_before_the_confirmation(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    response = client.get(f"/community/orders/{order.pk}/sign/?number=&date=2023-01-09")
    assert response.status_code == 400
    assert "Обязательное поле." in response.content.decode()


def test_it_signs_and_approves_the_ready_roster_by_the_order(client, db):
    order, roster = sent_order_with_roster(n=2)
    director = director_of(order)
    client.force_login(director)
    response = sign(client, order)
    assert "Приказ подписан" in response.content.decode()
    order.refresh_from_db()
    roster.refresh_from_db()
    assert (order.number, order.date) == ("01-03/24", datetime.date(2023, 1, 9))
    assert roster.status == Roster.Status.APPROVED
    assert (roster.approved_by, roster.approved_order) == (director, order)
    assert Role.objects.filter(kind=RoleKind.TUTOR, user__roster_entries__roster=roster).count()
    page = client.get(f"/community/rosters/{roster.pk}/").content.decode()
    assert "Утверждён приказом" in page and "Приказ от 09.01.2023 № 01-03/24" in page


def test_it_refuses_a_double_signature_cleanly(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    sign(client, order)
    response = sign(client, order, number="02")
    assert response.status_code == 200
    assert "Приказ уже подписан." in response.content.decode()
    order.refresh_from_db()
    assert order.number == "01-03/24"
    assert AuditEntry.objects.filter(action="order.approve").count() == 1


def test_it_refuses_a_number_already_taken(client, db):
    order, _ = sent_order_with_roster()
    OrderFactory(
        organization=order.organization,
        municipality=order.municipality,
        status=Order.Status.APPROVED,
        number="01-03/24",
        date=datetime.date(2023, 1, 9),
    )
    client.force_login(director_of(order))
    response = sign(client, order)
    assert "уже есть у этой организации" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SENT


def test_it_lets_only_a_director_sign(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(methodist_of(order))
    assert sign(client, order).status_code == 403
    assert client.get(f"/community/orders/{order.pk}/sign/").status_code == 403
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=MunicipalityFactory()))
    assert sign(client, order).status_code == 404
    assert client.post(f"/community/orders/{order.pk}/return/").status_code == 404
    client.force_login(director_of(order))
    assert client.post(f"/community/orders/{order.pk}/send/").status_code == 403
    order.refresh_from_db()
    assert order.status == Order.Status.SENT


def test_it_refuses_signing_without_a_number(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    response = sign(client, order, number="")
    assert response.status_code == 400
    assert "Обязательное поле." in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.SENT and order.number == ""


def test_it_freezes_the_order_and_its_appendices_at_signing(client, db):
    order, roster = sent_order_with_roster(n=2)
    client.force_login(director_of(order))
    sign(client, order)
    snapshot = order.appendices.get().snapshot
    assert len(snapshot["rows"]) == 2
    roster.entries.all().delete()  # what happens to the roster later does not reach the order
    assert len(order.appendices.get().snapshot["rows"]) == 2
    assert AuditEntry.objects.filter(action="order.approve", object_id=str(order.pk)).exists()


def test_it_offers_an_amending_order_signed_by_the_head_now(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    sign(client, order)
    order.municipality.issuer = order.organization
    order.municipality.save()
    OrganizationHead.objects.create(
        organization=order.organization, position="Директор", name="Е. В. Новикова"
    )
    client.force_login(methodist_of(order))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "Подготовить изменяющий приказ" in page
    assert "Изменить проект" not in page
    response = client.post(f"/community/orders/{order.pk}/edit/", follow=True)
    assert "Приказ подписан и больше не меняется" in response.content.decode()
    client.post(f"/community/orders/{order.pk}/amend/")
    draft = Order.objects.get(amends=order)
    assert draft.status == Order.Status.DRAFT
    assert "О внесении изменений в приказ от 09.01.2023 № 01-03/24" in draft.heading
    assert draft.signatory_name == "Е. В. Новикова"  # not the old order's «С.И. Клименко»
    assert draft.academic_year == order.academic_year


def test_it_renders_the_signed_order_to_a_pdf_once(client, db, django_capture_on_commit_callbacks):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign(client, order)
    assert len(callbacks) == 1  # the rendering is queued, not done on the request
    document = Document.objects.get(kind=ORDER_DOCUMENT, object_id=str(order.pk))
    render_document(document.pk)
    document.refresh_from_db()
    first = document.sha256
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == "ready" and document.sha256 == first


# Reading.


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


def test_it_filters_the_list_by_status_in_constant_queries(
    client, db, django_assert_max_num_queries
):
    order, _ = sent_order_with_roster()
    OrderFactory(municipality=order.municipality, heading="Черновик другого приказа")
    client.force_login(director_of(order))
    with django_assert_max_num_queries(12):
        page = client.get("/community/orders/?status=sent").content.decode()
    assert order.heading in page and "Черновик другого приказа" not in page
    for _ in range(5):
        OrderFactory(municipality=order.municipality, status=Order.Status.SENT)
    with django_assert_max_num_queries(12):
        client.get("/community/orders/?status=sent")


def test_it_reads_an_order_page_in_constant_queries(client, db, django_assert_max_num_queries):
    order, _ = sent_order_with_roster(n=3)
    for number in (2, 3, 4):
        Appendix.objects.create(order=order, number=number, kind="text", title="Т", text="т")
    client.force_login(director_of(order))
    with django_assert_max_num_queries(20):
        assert client.get(f"/community/orders/{order.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        url = f"/community/orders/{order.pk}/sign/?number=1&date=2026-09-01"
        assert client.get(url).status_code == 200


def test_it_names_two_subjects_as_an_order_does(db):
    russian = SubjectFactory(name="Русский язык")
    literature = SubjectFactory(name="Литература")
    assert subjects_title([literature, russian]) == "Русский язык и литература"
    assert subjects_title([russian]) == "Русский язык"


def test_it_shows_the_history_of_a_signed_order_including_its_printing(client, db):
    order, _ = sent_order_with_roster()
    client.force_login(director_of(order))
    sign(client, order)
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "История" in page
    assert "приказ подписан" in page and "запрошен PDF документа" in page
