import io
import zipfile

import openpyxl
import pypdf
from PIL import Image

from expertise.models import CaseFile, Conclusion, ExpertiseCase, Review, Rubric
from expertise.services.cases import CONCLUSION_DOCUMENT
from tutoring.demo import load_demo
from tutoring.models import Document

Status = ExpertiseCase.Status


def opens_as(content_type: str, content: bytes) -> bool:
    """Whether `content` is what `content_type` says, read by a library that opens it."""
    if content_type == "application/pdf":
        return len(pypdf.PdfReader(io.BytesIO(content)).pages) > 0
    if content_type.endswith("wordprocessingml.document"):
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            return b"<w:body" in docx.read("word/document.xml")
    if content_type.endswith("spreadsheetml.sheet"):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return bool(workbook.sheetnames)
    if content_type.startswith("image/"):
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            return Image.MIME[image.format] == content_type
    raise AssertionError(f"the demo has a file of an unexpected type: {content_type}")


def test_it_gives_the_demo_cases_in_every_state(demo):
    states = set(ExpertiseCase.objects.values_list("status", flat=True))
    expected = {Status.NEW, Status.REVIEW, Status.DISAGREEMENT, Status.REVISION, Status.CONCLUDED}
    assert expected <= states


def test_every_demo_case_has_stored_files_that_open_as_their_type(demo):
    for case in ExpertiseCase.objects.all():
        files = CaseFile.objects.filter(round__case=case)
        assert files, case
        for stored in files:
            assert stored.file.storage.exists(stored.file.name), stored
            with stored.file.open("rb") as f:
                content = f.read()
            assert len(content) == stored.size > 0
            assert opens_as(stored.content_type, content), stored


def test_the_concluded_and_revised_demo_cases_have_their_conclusions_printed(demo):
    for case in ExpertiseCase.objects.filter(status__in=[Status.CONCLUDED, Status.REVISION]):
        conclusions = Conclusion.objects.filter(case=case)
        assert conclusions, case
        for conclusion in conclusions:
            document = Document.objects.get(kind=CONCLUSION_DOCUMENT, object_id=str(conclusion.pk))
            assert document.status == Document.Status.READY
            with document.file.open("rb") as f:
                assert f.read().startswith(b"%PDF")
            assert document.file.size > 0


def test_loading_the_demo_again_adds_no_second_set_of_cases(demo):
    models = [ExpertiseCase, CaseFile, Review, Conclusion, Rubric, Document]
    before = {model: model.objects.count() for model in models}
    assert load_demo().created == 0
    assert {model: model.objects.count() for model in models} == before


def test_the_demo_tutor_reviews_a_blind_case_without_seeing_its_author(demo, sign_in):
    case = ExpertiseCase.objects.get(blind=True)
    assert Review.objects.filter(round__case=case, expert__username="tutor").exists()
    client = sign_in("tutor")
    page = client.get(f"/expertise/cases/{case.pk}/").content.decode()
    assert case.title in page and "скрыт: слепая экспертиза" in page
    assert case.author.full_name not in page and case.author.last_name not in page
    assert case.organization.short_name not in page
