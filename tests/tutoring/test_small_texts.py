"""The small texts users saw: a kind not repeated before a title that has it, a draft order
not called «проект» twice, dates as «15.04.2026», and the portal's icon."""

from django.contrib.staticfiles import finders
from django.template import Context, Template

from consultations.models import Event
from tests.community.factories import OrderFactory
from tests.tutoring.factories import RoleKind, user_with_role
from tutoring.words import with_kind


def test_it_puts_the_kind_before_a_title_only_once():
    assert with_kind("открытый урок", "Открытый урок: дроби на координатном луче") == (
        "Открытый урок: дроби на координатном луче"
    )
    assert with_kind("Открытый урок", "дроби на координатном луче") == (
        "Открытый урок: дроби на координатном луче"
    )
    assert with_kind("супервизия", "") == "супервизия"


def test_it_puts_the_kind_before_a_title_in_templates():
    template = Template("{% load words %}{{ kind|with_kind:topic }}")
    context = {"kind": "открытый урок", "topic": "Открытый урок: дроби"}
    assert template.render(Context(context)) == "Открытый урок: дроби"


def test_it_names_an_event_without_repeating_its_kind():
    event = Event(kind=Event.Kind.OPEN_LESSON, title="Открытый урок «Дроби»")
    assert str(event) == "Открытый урок «Дроби»"
    assert str(Event(kind=Event.Kind.SEMINAR, title="Дроби")) == "Семинар «Дроби»"


def test_it_shows_a_date_kept_as_iso_text_in_russian():
    template = Template("{% load words %}{{ held_on|day }}")
    assert template.render(Context({"held_on": "2026-04-15"})) == "15.04.2026"


def test_it_calls_a_draft_order_a_draft_once(client, db):
    order = OrderFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=order.municipality))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    header = page.split('<p class="text-body-secondary mb-2">')[1].split("</p>")[0]
    assert header.count("проект") == 1


def test_it_has_an_icon_on_every_page_and_under_favicon_ico(client, db):
    assert finders.find("favicon.svg")
    assert 'rel="icon"' in client.get("/login/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert 'rel="icon"' in client.get("/no-such-page/").content.decode()
