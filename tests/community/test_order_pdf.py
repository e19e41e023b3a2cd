"""The printed order as a director reads it: the demo's order of seed 002 (three appendices:
the roster, the regulation, the plan), rendered through the real pipeline and read as text."""

import pytest

from community import demo
from community.models import Appendix, Order
from community.services.orders import ORDER_DOCUMENT, PLAN_COLUMNS, ROSTER_COLUMNS
from tests.pdftext import pdf_text

from .factories import OrderFactory

SIGNED = Order.Status.APPROVED
SCHOOL_9 = "МОБУ СОШ № 9 им. И.Ф. Константинова г. Лабинска"


def demo_like_order() -> Order:
    order = OrderFactory(
        heading=demo.HEADING,
        preamble=demo.PREAMBLE,
        points="\n".join(demo.POINTS),
        signatory_position="Директор МКУ ИМЦ г. Лабинска",
        signatory_name="С. И. Орлов",
        status=SIGNED,
        number=demo.ORDER_NUMBER,
        date=demo.ORDER_DATE,
    )
    roster = [
        [str(n), "Информатика", "Воронова Людмила Александровна", f"учитель информатики {SCHOOL_9}"]
        for n in range(1, 22)
    ]
    regulation = [line for line in demo.REGULATION.read_text().splitlines() if line.strip()]
    plan = [
        [str(n), content, timing, demo.RESPONSIBLE]
        for n, (_activity, content, timing) in enumerate(demo.PLAN_ITEMS, start=1)
    ]
    snapshots = [
        {"title": "СОСТАВ сообщества тьюторов", "columns": ROSTER_COLUMNS, "rows": roster},
        {"title": "ПОЛОЖЕНИЕ о тьюторском сообществе", "paragraphs": regulation[:12]},
        {"title": "План-график работы", "columns": PLAN_COLUMNS, "rows": plan},
    ]
    for number, snapshot in enumerate(snapshots, start=1):
        Appendix.objects.create(
            order=order, number=number, kind="text", title=snapshot["title"], snapshot=snapshot
        )
    return order


@pytest.fixture
def pages(db):
    return pdf_text(ORDER_DOCUMENT, demo_like_order())


def test_it_prints_the_document_type_and_the_command_as_words(pages):
    first = pages[0].splitlines()
    assert "ПРИКАЗ" in first
    assert "ПРИКАЗЫВАЮ:" in first
    assert "П Р И" not in pages[0]


def test_it_numbers_the_pages_at_the_top_from_the_second(pages):
    assert pages[1].splitlines()[0] == "2"
    assert pages[-1].splitlines()[0] == str(len(pages))
    assert not pages[0].splitlines()[0].isdigit()
    assert all(not page.splitlines()[-1].strip().isdigit() for page in pages)


def test_it_signs_the_order_and_each_appendix(pages):
    text = "\n".join(pages)
    assert text.count("Директор МКУ ИМЦ г. Лабинска С. И. Орлов") == 4
    for number in (1, 2, 3):
        appendix = text.split(f"Приложение № {number}")[1].split("Приложение № ")[0]
        lines = [line for line in appendix.splitlines() if not line.strip().isdigit()]
        assert lines[-1] == "Директор МКУ ИМЦ г. Лабинска С. И. Орлов"


def test_it_breaks_no_word_at_a_line_end(pages):
    lines = [line for page in pages for line in page.splitlines()]
    ends = [line.split()[-1] for line in lines if line.rstrip().endswith("-")]
    # A line may end at a hyphen the word has («личностно-ориентированный»), never inside it.
    source = demo.REGULATION.read_text()
    assert all(end in source for end in ends)


def test_it_keeps_the_number_column_header_and_names_on_one_line(pages):
    lines = [line for page in pages for line in page.splitlines()]
    assert any(line.startswith("№ п/п") for line in lines)
    assert not [line for line in lines if line.rstrip().endswith(("И.Ф.", "им.", "№"))]
