"""What the community adds to the home, profile and hub pages of each role."""

import re

from community.models import Order
from tests.tutoring.factories import user_with_role
from tutoring.models import RoleKind

from .factories import OrderFactory


def test_it_shows_the_assignment_on_both_profiles(client, demo, sign_in):
    sign_in("tutor")
    page = client.get("/profile/").content.decode()
    assert "Мои тьюторанты" in page and "Петренко Марина Викторовна" in page
    sign_in("teacher")
    page = client.get("/profile/").content.decode()
    assert "Мой тьютор" in page and "Логинова Татьяна Артуровна" in page


def test_it_tells_the_methodist_of_pending_nominations_on_the_home_page(client, demo, sign_in):
    sign_in("methodist")
    page = client.get("/").content.decode()
    assert "Предложения школ в состав ждут решения" in page
    assert 'href="/community/nominations/?status=pending"' in page


def test_it_counts_for_the_director_only_the_orders_sent_for_signature(client, db):
    sent = OrderFactory(status=Order.Status.SENT, heading="О составе на подписи")
    OrderFactory(municipality=sent.municipality, heading="Черновик методиста")
    OrderFactory(municipality=sent.municipality, status=Order.Status.RETURNED)
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=sent.municipality))
    page = client.get("/").content.decode()
    assert "Приказы на подпись" in page
    assert "/community/orders/?status=sent" in page
    assert f'href="/community/orders/{sent.pk}/"' in page and "О составе на подписи" in page
    assert "Черновик методиста" not in page


def test_it_shows_nothing_to_sign_when_only_drafts_exist(client, db):
    draft = OrderFactory()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=draft.municipality))
    assert "На подпись" not in client.get("/").content.decode()


def test_it_counts_many_orders_to_sign_in_constant_queries(
    client, db, django_assert_max_num_queries
):
    first = OrderFactory(status=Order.Status.SENT)
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=first.municipality))
    client.get("/")
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    for _ in range(7):
        OrderFactory(municipality=first.municipality, status=Order.Status.SENT)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        page = client.get("/").content.decode()
    assert re.search(r"Приказы на подпись</span></span>\s*<span[^>]*>8</span>", page)


def test_it_shows_the_methodist_a_returned_order_with_the_comment(client, db):
    order = OrderFactory(status=Order.Status.RETURNED, return_comment="Уточните пункт 2.")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=order.municipality))
    page = client.get("/").content.decode()
    assert "возвращён на доработку" in page and "Уточните пункт 2." in page
    assert f'href="/community/orders/{order.pk}/"' in page


def test_it_opens_each_role_only_its_community_sections(client, demo, sign_in):
    sign_in("school")
    hub = client.get("/community/").content.decode()
    assert "Предложения школ" in hub and "Приказы" not in hub
    sign_in("teacher")
    hub = client.get("/community/").content.decode()
    assert "Предложения школ" not in hub and "Тьюторы" in hub
    sign_in("director")
    hub = client.get("/community/").content.decode()
    assert "Приказы" in hub and "Предложения школ" not in hub
