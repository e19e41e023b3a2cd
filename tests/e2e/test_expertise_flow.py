"""Expertise in a browser: a teacher submits a work programme, the methodist assigns two
experts (never a tutor of the author's own school), the experts' verdicts differ, the
methodist reconciles them, and the teacher downloads the conclusion PDF, rendered by a real
Celery worker, with every criterion of the rubric and both experts' scores in it."""

import datetime
import re
import time

import pdfplumber
import pytest
from playwright.sync_api import expect

from expertise.models import Conclusion, ExpertiseCase, Verdict
from tests.e2e.helpers import sign_in
from tests.expertise import badfiles
from tests.expertise.factories import tutor_of
from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import Organization, Subject, User

pytestmark = pytest.mark.e2e

TITLE = "Рабочая программа по алгебре для 7–9 классов"
COLLEAGUE = "Коллегова Ирина Сергеевна"
GENEROUS = "Логинова Татьяна Артуровна"  # demo login `tutor`
STRICT = "Колмакова Ольга Александровна"  # demo `tutor02`
REASON = "Замечания второго эксперта существенны, но устранимы: программу следует доработать."


def test_it_takes_a_work_programme_to_a_reconciled_printed_conclusion(
    page, demo_site, worker, tmp_path
):
    page.on("dialog", lambda dialog: dialog.accept())
    site = demo_site
    school = Organization.objects.get(municipality__name=LABINSK, short_name=SHNOR_SCHOOL)
    # The demo has no maths tutor at the teacher's own school: one is the conflict of interest.
    last, first, middle = COLLEAGUE.split()
    tutor_of(
        Subject.objects.get(name="Математика"),
        school.municipality,
        school,
        last_name=last,
        first_name=first,
        middle_name=middle,
    )
    # Only a few demo logins can sign in; the second expert needs one too.
    strict = User.objects.get(username="tutor02")
    strict.set_password("demo")
    strict.save(update_fields=["password"])

    sign_in(page, site, "teacher")
    page.goto(f"{site.url}/expertise/cases/new/")
    page.get_by_label("Что на экспертизе").select_option(label="рабочая программа")
    page.get_by_label("Название документа").fill(TITLE)
    page.get_by_label("Предмет").select_option(label="Математика")
    page.get_by_label("Классы").fill("7–9")
    page.get_by_label("Комментарий для экспертов").fill("Программа составлена по ФОП ООО.")
    page.get_by_label("Файлы").set_input_files(
        badfiles.write(badfiles.good_pdf("programma.pdf"), tmp_path)
    )
    page.get_by_role("button", name="Подать заявку").click()
    expect(page.get_by_text("Методист назначит экспертов")).to_be_visible()
    expect(page.get_by_role("link", name="programma.pdf")).to_be_visible()
    case_url = page.url
    case = ExpertiseCase.objects.get(title=TITLE)

    sign_in(page, site, "methodist")
    page.goto(case_url)
    page.get_by_role("link", name="Назначить экспертов").click()
    expect(page.get_by_role("checkbox", name=re.compile(GENEROUS))).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(STRICT))).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile(COLLEAGUE))).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text=COLLEAGUE)).to_contain_text(
        "работает в той же школе, что и автор"
    )
    page.get_by_role("checkbox", name=re.compile(GENEROUS)).check()
    page.get_by_role("checkbox", name=re.compile(STRICT)).check()
    deadline = datetime.date.today() + datetime.timedelta(days=10)
    page.get_by_label("Срок экспертизы").fill(deadline.isoformat())
    page.get_by_role("button", name="Назначить", exact=True).click()
    expect(page.get_by_text("Эксперты назначены.")).to_be_visible()
    expect(page.get_by_text(deadline.strftime("%d.%m.%Y"), exact=True)).to_be_visible()

    criteria = list(case.rubric.criteria.order_by("number"))
    assert criteria

    sign_in(page, site, "tutor")
    page.goto(f"{site.url}/expertise/cases/?mine=review")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Оценить по критериям").click()
    _score(page, criteria, lambda c: c.max_score, "Выполнено полностью.")
    page.get_by_label("Мотивированное заключение").fill("Программа соответствует ФГОС ООО.")
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_text("Оценка отправлена. Спасибо!")).to_be_visible()

    sign_in(page, site, "tutor02")
    page.goto(case_url)
    page.get_by_role("link", name="Оценить по критериям").click()
    _score(page, criteria, _low, "Раздел неполон, доработать.")
    page.get_by_label("Мотивированное заключение").fill("Программа не соответствует ФГОС ООО.")
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_text("Оценка отправлена. Спасибо!")).to_be_visible()

    sign_in(page, site, "methodist")
    page.goto(case_url)
    expect(page.get_by_role("heading", name="Выводы экспертов разошлись")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile(f"{GENEROUS}.*«соответствует»"))
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile(f"{STRICT}.*«не соответствует»"))
    ).to_be_visible()
    page.get_by_role("radio", name="соответствует при условии доработки").check()
    page.get_by_label("Обоснование").fill(REASON)
    page.get_by_role("button", name="Принять вывод и выдать заключение").click()
    expect(page.get_by_text("Итоговый вывод принят, заключение выдано.")).to_be_visible()

    sign_in(page, site, "teacher")
    page.goto(case_url)
    conclusion = Conclusion.objects.get(case=case)
    entry = page.get_by_role("listitem").filter(has_text=f"№ {conclusion.number}")
    expect(entry).to_contain_text("соответствует при условии доработки")
    expect(entry).to_contain_text("вывод методиста при расхождении экспертов")
    expect(entry).to_contain_text(REASON)
    with page.expect_download() as download:
        _download_link(page).click()
    path = download.value.path()
    assert path.read_bytes().startswith(b"%PDF-")

    header, rows, text = _read_pdf(path)
    # The experts' columns follow the order of their reviews: find each by name.
    generous = _column(header, GENEROUS)
    strict = _column(header, STRICT)
    assert set(rows) == {str(criterion.number) for criterion in criteria}
    for criterion in criteria:
        row = rows[str(criterion.number)]
        top = criterion.max_score
        assert row[1] == criterion.title + (" (обязательный)" if criterion.required else "")
        assert row[generous] == f"{top} из {top}"
        assert row[strict] == f"{_low(criterion)} из {top}"
    assert "Соответствует при условии доработки." in text
    assert REASON in text
    assert conclusion.verdict == Verdict.REVISION and conclusion.reconciled


def _low(criterion) -> int:
    # Half marks at most: under the 60 % of the default rubric, «не соответствует».
    return criterion.max_score // 2


def _score(page, criteria, points, comment):
    for criterion in criteria:
        number = criterion.number
        page.get_by_role("radiogroup", name=f"Балл по критерию {number}", exact=True).get_by_role(
            "radio", name=str(points(criterion)), exact=True
        ).check()
        page.get_by_label(f"Комментарий к критерию {number}", exact=True).fill(comment)


def _download_link(page, timeout=90):
    """The worker renders the PDF in a few seconds; the page is reloaded until it is there."""
    link = page.get_by_role("link", name="Скачать PDF")
    deadline = time.monotonic() + timeout
    while not link.is_visible():
        assert time.monotonic() < deadline, "the conclusion PDF was not rendered in time"
        page.wait_for_timeout(1000)
        page.reload()
    return link


def _column(header, full_name):
    last_name = full_name.split()[0]
    return next(i for i, cell in enumerate(header) if cell.startswith(last_name))


def _read_pdf(path):
    """The header and the rows (by number) of the criteria table, each cell's text on one
    line (long titles wrap inside their cell), and the whole text as one line."""
    header, rows, lines = [], {}, []
    with pdfplumber.open(path) as pdf:
        for pdf_page in pdf.pages:
            lines.append(pdf_page.extract_text() or "")
            for table in pdf_page.extract_tables():
                for row in table:
                    cells = [" ".join((cell or "").split()) for cell in row]
                    if len(cells) == 5 and cells[1] == "Критерий":
                        header = cells
                    elif len(cells) == 5 and cells[0].isdigit():
                        rows[cells[0]] = cells
    # Paragraphs are hyphenated (U+2010 at the end of a line): join the words back.
    text = re.sub(r"\u2010\s+", "", " ".join(lines))
    return header, rows, " ".join(text.split())
