"""A text appendix (a regulation): frozen at signing as written and as rendered, printed as
headings, points, lists and italics, previewed while it is a draft."""

import datetime
import io

import pdfplumber
import pytest

from community.documents import order_context
from community.models import Appendix, Order
from community.services.orders import appendix_snapshot
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.documents import render_pdf
from tutoring.models import RoleKind

from .factories import OrderFactory

REGULATION = (
    "# I. Общие положения\n"
    "1.1. Положение регламентирует работу сообщества.\n"
    "## 1.7. Функции сообщества:\n"
    "- *стратегическая*: содействие развитию;\n"
    "- **ресурсная**: создание базы.\n"
)


def text_appendix(order, text=REGULATION, **fields):
    return Appendix.objects.create(
        order=order, number=1, kind="text", title="ПОЛОЖЕНИЕ о сообществе", text=text, **fields
    )


def signed(order):
    order.status, order.number, order.date = Order.Status.APPROVED, "7", datetime.date(2023, 1, 9)
    order.save()
    return order


def printed(order):
    """The order's PDF, rendered from its template as the task does: its text and its
    characters (each with its font)."""
    _, context = order_context(str(order.pk))
    with pdfplumber.open(io.BytesIO(render_pdf("documents/order.html", context))) as pdf:
        text = " ".join(page.extract_text() for page in pdf.pages)
        return text, [char for page in pdf.pages for char in page.chars]


@pytest.fixture
def order(db):
    return OrderFactory()


def test_it_freezes_the_source_and_its_html(order):
    snapshot = appendix_snapshot(text_appendix(order))
    assert snapshot["source"] == REGULATION
    assert snapshot["html"].startswith("<h3>I. Общие положения</h3>\n<p>1.1. Положение")
    assert "<li><em>стратегическая</em>: содействие развитию;</li>" in snapshot["html"]


def test_it_prints_the_stored_html_not_a_new_rendering(order):
    appendix = text_appendix(order)
    appendix.snapshot = appendix_snapshot(appendix)
    appendix.text = "# Другой текст"  # what the draft said later does not reach the signed PDF
    appendix.save()
    text, _ = printed(signed(order))
    assert "I. Общие положения" in text and "Другой текст" not in text


def test_it_prints_headings_in_bold_italics_as_italics_and_no_asterisks(order):
    appendix = text_appendix(order)
    appendix.snapshot = appendix_snapshot(appendix)
    appendix.save()
    text, chars = printed(signed(order))
    assert "*" not in text
    assert "– стратегическая: содействие развитию;" in text
    bold = "".join(c["text"] for c in chars if "Bold" in c["fontname"])
    italic = "".join(c["text"] for c in chars if "Italic" in c["fontname"])
    assert "I. Общие положения" in bold and "1.7. Функции сообщества:" in bold
    assert "стратегическая" in italic and "ресурсная" in bold


def test_it_still_prints_a_snapshot_made_before_the_markup(order):
    appendix = text_appendix(order)
    appendix.snapshot = {"title": "ПОЛОЖЕНИЕ", "paragraphs": ["1.1. Старый абзац.", "1.2. Ещё."]}
    appendix.save()
    text, _ = printed(signed(order))
    assert "1.1. Старый абзац. 1.2. Ещё." in text.replace("\n", " ")


def test_it_shows_the_text_as_it_will_be_printed_on_the_order_page(client, order):
    text_appendix(order)
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=order.municipality))
    page = client.get(f"/community/orders/{order.pk}/").content.decode()
    assert "<h3>I. Общие положения</h3>" in page
    assert "<em>стратегическая</em>" in page


def test_it_previews_the_text_for_the_methodist_without_saving(client, order):
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=order.municipality))
    url = f"/community/orders/{order.pk}/appendices/preview/"
    data = {"kind": "text", "title": "Положение", "text": REGULATION + "<script>x()</script>"}
    fragment = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "Предпросмотр" in fragment and "<h3>I. Общие положения</h3>" in fragment
    assert "<script>" not in fragment and "<html" not in fragment
    page = client.post(url, data).content.decode()  # without scripts: the whole form page
    assert "Добавить приложение" in page and "<h3>I. Общие положения</h3>" in page
    assert not order.appendices.exists()


def test_it_offers_the_preview_and_the_markup_help_in_the_editor(client, order):
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=order.municipality))
    page = client.get(f"/community/orders/{order.pk}/appendices/new/").content.decode()
    assert ">Предпросмотр</button>" in page
    assert f'hx-post="/community/orders/{order.pk}/appendices/preview/"' in page
    assert "Как оформить текст приложения" in page and "# I. Общие положения" in page


def test_it_previews_only_for_the_municipalitys_methodist(client, order):
    url = f"/community/orders/{order.pk}/appendices/preview/"
    for user, status in [
        (user_with_role(RoleKind.DIRECTOR, municipality=order.municipality), 403),
        (user_with_role(RoleKind.TUTOR, municipality=order.municipality), 403),
        (user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()), 404),
    ]:
        client.force_login(user)
        assert client.post(url, {"text": "# Текст"}).status_code == status
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=order.municipality))
    assert client.get(url).status_code == 405
