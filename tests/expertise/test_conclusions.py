"""The expert conclusion: its PDF, frozen at issue, who may download it, and the deficits it
points at, one step away from a consultation request."""

import re
from urllib.parse import parse_qs, urlsplit

import pdfplumber
import pytest

from expertise.models import CaseKind, Conclusion
from expertise.services import cases as services
from tests.tutoring.factories import issuer_with_head
from tutoring.models import Document, Role
from tutoring.tasks import render_document

from .factories import assign, full, make_world, partly, score, submit


@pytest.fixture
def world(db):
    return make_world()


def concluded(world, *, blind=False, experts=None, points=(full, full), **fields):
    case = assign(world, submit(world, **fields), *(experts or ()), blind=blind)
    for expert, given in zip((world.expert1, world.expert2), points, strict=False):
        if case.rounds.get(number=case.round_number).reviews.filter(expert=expert).exists():
            score(case, expert, given, comment=f"Комментарий {expert.last_name}")
    case.refresh_from_db()
    return case


def rendered(conclusion) -> Document:
    document = Document.objects.get(kind="expertise.conclusion", object_id=str(conclusion.pk))
    render_document(document.pk)
    document.refresh_from_db()
    return document


def pdf_text(document) -> str:
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    return re.sub(r"\s+", " ", text.replace("\u2010\n", "").replace("-\n", ""))


def test_the_pdf_holds_every_criterion_with_its_scores_the_verdict_and_signatures(world):
    case = concluded(world, points=(full, partly))
    services.case_reconcile(
        actor=world.methodist, case=case, verdict="complies", reason="Замечания несущественны."
    )
    document = rendered(Conclusion.objects.get(case=case))
    assert document.status == "ready"
    text = pdf_text(document)
    assert "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ" in text
    assert case.title in text and "Петренко Марина" in text
    for criterion in case.rubric.criteria.all():
        # Long titles wrap inside the table cell: their first words are enough to find them.
        assert " ".join(criterion.title.split()[:2]) in text, criterion.title
        partial = criterion.max_score - 1 if criterion.number % 2 else criterion.max_score
        row = re.search(
            rf"\b{criterion.number} {re.escape(criterion.title.split()[0])}.*?"
            rf"{criterion.max_score} из {criterion.max_score} {partial} из {criterion.max_score}",
            text,
        )
        assert row, criterion.title
    assert "Замечания несущественны." in text
    assert "Логинова" in text and "Колмакова" in text  # the experts
    assert "методист" in text.lower()


def test_an_issued_blind_conclusion_names_the_author_and_the_school(world):
    case = concluded(world, blind=True, kind=CaseKind.PORTFOLIO, title="Портфолио педагога")
    text = pdf_text(rendered(Conclusion.objects.get(case=case)))
    assert "Петренко Марина" in text and world.school.name in text
    assert "не зная имени автора и школы" in text


def test_the_experts_of_a_blind_case_do_not_get_its_conclusion(client, world):
    case = concluded(world, blind=True)
    document = rendered(Conclusion.objects.get(case=case))
    url = f"/documents/{document.pk}/download/"
    client.force_login(world.expert1)
    page = client.get(case.get_absolute_url()).content.decode()
    assert url not in page and "Петренко" not in page
    assert client.get(url).status_code in (403, 404)
    client.force_login(world.methodist)
    assert client.get(url).status_code == 200


def test_it_signs_with_initials_first_and_names_the_place(world):
    issuer_with_head(world.municipality)
    Role.objects.filter(user=world.methodist).update(position="методист")
    case = concluded(world, points=(full, partly))
    services.case_reconcile(actor=world.methodist, case=case, verdict="complies", reason="Да.")
    text = pdf_text(rendered(Conclusion.objects.get(case=case)))
    methodist = world.methodist
    name = f"{methodist.first_name[0]}. {methodist.middle_name[0]}. {methodist.last_name}"
    assert f"Методист МКУ ИМЦ г. Лабинска {name}" in text
    expert = world.expert1
    assert f"Эксперт {expert.first_name[0]}. {expert.middle_name[0]}. {expert.last_name}" in text
    assert "г. Лабинск" in text


def test_its_heading_names_the_kind_once(world):
    case = concluded(world)
    text = pdf_text(rendered(Conclusion.objects.get(case=case)))
    assert "Рабочая программа по математике для 5–9 классов" in text
    assert "Рабочая программа «Рабочая программа" not in text


def test_the_conclusion_is_frozen_once_issued(world):
    case = concluded(world)
    conclusion = Conclusion.objects.get(case=case)
    document = rendered(conclusion)
    first = document.sha256
    criterion = case.rubric.criteria.first()
    old_title = criterion.title
    # Later edits of the names, the school and the rubric change nothing issued.
    world.teacher.last_name = "Иванова"
    world.teacher.save()
    world.school.short_name = "МБОУ Переименованная"
    world.school.save()
    type(criterion).objects.filter(pk=criterion.pk).update(title="Новый заголовок")
    render_document(document.pk)
    document.refresh_from_db()
    conclusion.refresh_from_db()
    assert document.sha256 == first
    assert conclusion.snapshot["criteria"][0]["title"] == old_title
    assert "Петренко" in pdf_text(document)


def test_the_conclusion_downloads_for_the_author_and_not_for_another_teacher(client, world):
    case = concluded(world)
    document = rendered(Conclusion.objects.get(case=case))
    client.force_login(world.teacher)
    page = client.get(case.get_absolute_url()).content.decode()
    url = f"/documents/{document.pk}/download/"
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"
    client.force_login(make_world().teacher)
    assert client.get(url).status_code in (403, 404)


def test_the_case_page_offers_a_consultation_request_on_the_deficits(client, world):
    case = concluded(world, points=(partly, partly))
    assert case.status == "revision"
    client.force_login(world.teacher)
    response = client.get(case.get_absolute_url())
    link = re.search(r'href="(/consultations/requests/new/\?[^"]+)"', response.content.decode())
    assert link, "no consultation link on the case page"
    query = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)
    odd = [c for c in case.rubric.criteria.all() if c.number % 2]
    assert all(c.title in query["difficulty"][0] for c in odd)
    assert "Комментарий Логинова" in query["difficulty"][0]
    form = client.get(link.group(1).replace("&amp;", "&")).context["form"]
    assert form["subject"].value() == str(world.subject.pk)
    assert form["kind"].value() == "individual"
    assert form["topic"].value().startswith("Доработка:")


def test_an_expert_gets_no_consultation_link(client, world):
    case = concluded(world, points=(partly, partly))
    client.force_login(world.expert1)
    assert (
        "/consultations/requests/new/" not in client.get(case.get_absolute_url()).content.decode()
    )


def test_the_deficits_page_lists_the_criteria_not_met_per_school(client, world):
    case = concluded(world, points=(partly, partly))
    client.force_login(world.methodist)
    page = client.get("/expertise/deficits/").content.decode()
    for criterion in case.rubric.criteria.filter(number__in=[1, 3]):
        assert criterion.title in page
    assert world.school.short_name in page
    full_marks = case.rubric.criteria.get(number=2)
    assert full_marks.title not in page
    client.force_login(make_world().methodist)
    assert world.school.short_name not in client.get("/expertise/deficits/").content.decode()


def test_it_says_the_kind_of_the_work_once_in_the_heading():
    from expertise.services.conclusions import conclusion_heading

    assert conclusion_heading("Рабочая программа", "Рабочая программа по биологии") == (
        "Рабочая программа по биологии"
    )
    assert conclusion_heading("Портфолио педагога", "Портфолио учителя математики") == (
        "Портфолио учителя математики"
    )
    assert conclusion_heading("Рабочая программа", "Биология, 5–9 классы") == (
        "Рабочая программа «Биология, 5–9 классы»"
    )
