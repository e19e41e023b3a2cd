"""The demo order's appendices 2 and 3 as seed 002 has them: the regulation with its section
headings and not one markup character, the plan-schedule in the seed's order numbered 1–15."""

import re
from pathlib import Path

import pdfplumber
import pytest

from community.models import Order
from community.services.orders import ORDER_DOCUMENT
from tutoring.models import Document

SEED = next((Path(__file__).parents[3] / "shared" / "seeds").glob("002_*.txt"), None)
DATA = Path(__file__).parent / "data"
SECTIONS = [
    "I. ОБЩИЕ ПОЛОЖЕНИЯ",
    "II. ПОНЯТИЙНЫЙ АППАРАТ",
    "III. СУБЪЕКТЫ МУНИЦИПАЛЬНОГО СООБЩЕСТВА ТЬЮТОРОВ",
    "IV. ПОРЯДОК СОЗДАНИЯ МУНИЦИПАЛЬНОГО СООБЩЕСТВА ТЬЮТОРОВ",
    "V. СОДЕРЖАНИЕ РАБОТЫ МУНИЦИПАЛЬНОГО СООБЩЕСТВА ТЬЮТОРОВ",
    "VIII. РЕЗУЛЬТАТЫ ФУНКЦИОНИРОВАНИЯ МУНИЦИПАЛЬНОГО СООБЩЕСТВА ТЬЮТОРОВ",
]


def squash(text):
    # A cell's line break after a hyphen («август-» / «сентябрь») is no space in the text.
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text or "")).strip()


def bold_text(pdf):
    return squash(
        "".join(
            char["text"] for page in pdf.pages for char in page.chars if "Bold" in char["fontname"]
        )
    )


@pytest.fixture
def demo_pdf(demo):
    order = Order.objects.get(number="01-03/24")
    document = Document.objects.get(kind=ORDER_DOCUMENT, object_id=str(order.pk))
    assert document.status == Document.Status.READY
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        yield pdf


def table_rows(pdf):
    rows = []
    for page in pdf.pages:
        for table in page.extract_tables():
            rows += [
                [squash(cell) for cell in row]
                for row in table
                if row and squash(row[0]).rstrip(".").isdigit() and len(row) == 4
            ]
    return rows


def seed_plan():
    """Seed 002's appendix 3 as (number, content, timing): its rows start «N.<tab>»."""
    text = (
        SEED.read_text(encoding="utf-8")
        if SEED
        else (DATA / "seed002_plan.tsv").read_text(encoding="utf-8")
    )
    plan = text[text.index("План-график работы тьюторского сообщества") :]
    return [
        (number, squash(content), squash(timing))
        for number, content, timing in re.findall(r"^(\d+)\.\t([^\t]+)\t([^\t]+)\t", plan, re.M)
    ]


def test_it_prints_the_regulation_with_headings_and_italics_and_no_asterisk(demo_pdf):
    text = squash(" ".join(page.extract_text() or "" for page in demo_pdf.pages))
    assert "*" not in text
    assert "– стратегическая: содействие перспективному развитию" in text
    bold = bold_text(demo_pdf).replace(" ", "")  # a wrapped heading has no space at its break
    for heading in SECTIONS:
        assert heading.replace(" ", "") in bold, heading
    italic = "".join(
        char["text"]
        for page in demo_pdf.pages
        for char in page.chars
        if "Italic" in char["fontname"]
    )
    for term in ("стратегическая", "Аналитическаядеятельность", "Тьюторскоесопровождение"):
        assert term in italic.replace(" ", ""), term


def test_it_prints_the_plan_in_the_seeds_order_numbered_1_to_15_without_groups(demo_pdf):
    rows = table_rows(demo_pdf)
    plan = rows[21:]  # the roster's 21 rows come first
    expected = seed_plan()
    assert len(expected) == 15
    assert [(row[0].rstrip("."), row[1], row[2]) for row in plan] == expected
    assert [row[0].rstrip(".") for row in plan] == [str(n) for n in range(1, 16)]
    text = squash(" ".join(page.extract_text() or "" for page in demo_pdf.pages))
    schedule = text[text.index("Приложение № 3 к приказу") :]
    for activity in ("Информационная", "Обучающая", "Экспертная", "Мониторинговая"):
        assert f"{activity} деятельность" not in schedule


def test_it_still_prints_all_21_rows_of_the_roster(demo_pdf):
    expected = [line.split("\t") for line in (DATA / "seed002_roster.tsv").read_text().splitlines()]
    assert table_rows(demo_pdf)[:21] == [[squash(cell) for cell in row] for row in expected]
