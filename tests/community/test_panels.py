"""What the community adds to the home, profile and hub pages of each role."""

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
    assert "Предложений школ ждут решения: 2" in client.get("/").content.decode()


def test_it_tells_the_director_of_orders_awaiting_signature(client, db):
    order = OrderFactory()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=order.municipality))
    assert "Приказов ждут подписи: 1" in client.get("/").content.decode()


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
