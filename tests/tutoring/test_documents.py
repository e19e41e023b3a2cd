"""The document (PDF) pipeline: requesting, rendering in the task, progress and download.

Tasks go to a broker with no worker here, so the render task is called directly."""

import hashlib
from datetime import date

import pdfplumber
import pytest
from django.core.exceptions import ImproperlyConfigured

from tutoring import documents
from tutoring.models import AuditEntry, Document, Organization, RoleKind
from tutoring.tasks import render_document

from .factories import OrganizationFactory, user_with_role

KIND = "tests.order"
HEADING = "Об утверждении состава муниципального сообщества тьюторов"


def order_context(object_id, *, rows=21):
    """An order with one appendix table of `rows` tutors, laid out by documents/base.html."""
    organization = Organization.objects.get(pk=object_id)
    return organization, {
        "organization": "Муниципальное казённое учреждение «Информационно-методический центр»",
        "organization_short": "МКУ ИМЦ города Лабинска",
        "date": date(2025, 9, 1),
        "number": "01-03/24",
        "place": "г. Лабинск",
        "heading": HEADING,
        "paragraphs": ["В целях методического сопровождения школ п р и к а з ы в а ю:"],
        "signatory_position": "Директор МКУ ИМЦ города Лабинска",
        "signatory_name": "С. И. Клименко",
        "appendices": [
            {
                "title": "Состав муниципального сообщества тьюторов",
                "columns": ["№", "Фамилия, имя, отчество", "Место работы"],
                "rows": [[n, "Алифанова Ирина Александровна", "МБОУ СОШ № 1"] for n in range(rows)],
            }
        ],
    }


def order_title(organization):
    return f"Приказ о составе сообщества тьюторов ({organization.short_name})"


@pytest.fixture
def order_kind():
    documents.register(
        KIND, template="documents/base.html", build_context=order_context, title=order_title
    )
    yield KIND
    documents.unregister(KIND)


@pytest.fixture
def document(db, order_kind):
    organization = OrganizationFactory()
    return Document.objects.create(
        kind=order_kind,
        object_id=str(organization.pk),
        municipality=organization.municipality,
        title=order_title(organization),
    )


def rendered(document):
    render_document.run(document.pk)
    document.refresh_from_db()
    return document


def pdf_pages(document) -> list[str]:
    with document.file.open("rb") as file, pdfplumber.open(file) as pdf:
        # A no-break space joins «№» to its number; search text with ordinary spaces.
        return [(page.extract_text() or "").replace("\xa0", " ") for page in pdf.pages]


def test_it_renders_a_pdf_with_the_cyrillic_text_and_the_appendix(document):
    pages = pdf_pages(rendered(document))
    assert document.status == Document.Status.READY
    assert HEADING in " ".join(pages[0].split())
    assert "ПРИКАЗ" in pages[0].splitlines()
    assert "Приложение № 1" in pages[1]


def test_it_sets_every_letter_in_the_fonts_shipped_with_the_project(document):
    with rendered(document).file.open("rb") as file, pdfplumber.open(file) as pdf:
        fonts = {char["fontname"].split("+")[-1] for page in pdf.pages for char in page.chars}
    assert fonts == {"Document-Serif", "Document-Serif-Bold"}


def test_it_numbers_the_pages_at_the_top_after_the_first(document):
    pages = pdf_pages(rendered(document))
    assert pages[1].splitlines()[0] == "2"
    assert not pages[0].splitlines()[0].isdigit()


def test_it_stores_the_sha256_of_the_file(document):
    document = rendered(document)
    with document.file.open("rb") as file:
        assert hashlib.sha256(file.read()).hexdigest() == document.sha256
    assert document.rendered_at is not None


def test_it_renders_an_approved_document_once(document):
    first = rendered(document)
    second = rendered(document)
    assert (second.file.name, second.sha256) == (first.file.name, first.sha256)
    assert second.rendered_at == first.rendered_at


def test_it_marks_the_document_failed_when_its_data_cannot_be_built(document):
    Organization.objects.filter(pk=document.object_id).delete()
    document = rendered(document)
    assert document.status == Document.Status.FAILED
    assert document.error.startswith("Не удалось сформировать документ: запись")
    assert not document.file


def test_it_shows_the_reason_a_build_gives(document):
    def refuse(object_id):
        raise documents.DocumentError("у приказа нет номера.")

    documents.unregister(KIND)
    documents.register(KIND, template="documents/base.html", build_context=refuse, title=str)
    assert rendered(document).error == "Не удалось сформировать документ: у приказа нет номера."


def test_it_retries_storage_errors_a_few_times_then_gives_up(document, monkeypatch):
    attempts = []

    def unreachable(template, context):
        attempts.append(template)
        raise OSError("No space left on device")

    monkeypatch.setattr(documents, "render_pdf", unreachable)
    # Eagerly, Celery runs the retries at once; it must not raise between them.
    monkeypatch.setitem(render_document.app.conf, "task_eager_propagates", False)
    render_document.apply(args=[document.pk])
    document.refresh_from_db()
    assert len(attempts) == 1 + render_document.max_retries
    assert document.status == Document.Status.FAILED


def test_it_queues_the_render_once_the_request_commits(
    db, order_kind, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()
    methodist = user_with_role(RoleKind.METHODIST, municipality=organization.municipality)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = documents.document_request(kind=KIND, obj=organization, actor=methodist)
    assert len(callbacks) == 1
    assert (document.status, document.title) == (Document.Status.PENDING, order_title(organization))
    assert document.municipality == organization.municipality
    assert AuditEntry.objects.get(action="document.request").actor == methodist


def test_it_returns_a_ready_document_unchanged(document, django_capture_on_commit_callbacks):
    document = rendered(document)
    organization = Organization.objects.get(pk=document.object_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = documents.document_request(kind=KIND, obj=organization, actor=None)
    assert (again.pk, again.sha256, again.status) == (document.pk, document.sha256, "ready")
    assert callbacks == []


def test_it_tries_a_failed_document_again(document, django_capture_on_commit_callbacks):
    Document.objects.filter(pk=document.pk).update(status="failed", error="Не удалось…")
    organization = Organization.objects.get(pk=document.object_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = documents.document_request(kind=KIND, obj=organization, actor=None)
    assert (again.pk, again.status, again.error) == (document.pk, "pending", "")
    assert len(callbacks) == 1


def test_it_refuses_an_unregistered_kind(db):
    with pytest.raises(ImproperlyConfigured):
        documents.document_request(kind="nobody.nothing", obj=OrganizationFactory(), actor=None)


def test_it_refuses_one_kind_registered_by_two_apps(order_kind):
    with pytest.raises(ImproperlyConfigured):
        documents.register(
            KIND, template="documents/other.html", build_context=order_context, title=str
        )


def test_it_lets_a_document_load_only_the_projects_static_files():
    fetcher = documents.StaticFilesOnly()
    stylesheet = fetcher.fetch(documents.STYLESHEET.as_uri())
    assert stylesheet.read().startswith(b"/*")
    stylesheet.close()
    for url in ("file:///etc/passwd", "http://169.254.169.254/", "ftp://example.ru/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_it_names_the_download_after_the_title():
    document = Document(title="Приказ от 01.09.2025 № 01-03/24 «О составе»")
    assert document.download_name == "Приказ от 01.09.2025 № 01-03_24 «О составе».pdf"


# Pages


def methodist_of(document):
    return user_with_role(RoleKind.METHODIST, municipality=document.municipality)


def test_it_polls_while_the_document_is_being_rendered(client, document):
    client.force_login(methodist_of(document))
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "Документ формируется" in page
    assert f'hx-get="/documents/{document.pk}/status/"' in page
    assert 'hx-trigger="every 2s"' in page


def test_it_offers_the_file_once_it_is_ready(client, document):
    client.force_login(methodist_of(document))
    document = rendered(document)
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "Скачать PDF" in page
    assert document.sha256 in page
    assert "hx-trigger" not in page


def test_it_shows_why_a_document_failed(client, document):
    Document.objects.filter(pk=document.pk).update(
        status="failed", error="Не удалось сформировать документ: у приказа нет номера."
    )
    client.force_login(methodist_of(document))
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "у приказа нет номера" in page
    assert 'role="alert"' in page


def test_it_downloads_the_pdf(client, document):
    client.force_login(methodist_of(document))
    response = client.get(f"/documents/{rendered(document).pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_hides_a_document_from_another_municipality(client, document):
    client.force_login(user_with_role(RoleKind.METHODIST))
    document = rendered(document)
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404
    assert client.get(f"/documents/{document.pk}/status/").status_code == 404


def test_it_lets_a_regional_coordinator_read_every_document(client, document):
    client.force_login(user_with_role(RoleKind.REGIONAL))
    assert client.get(f"/documents/{rendered(document).pk}/download/").status_code == 200


def test_it_has_nothing_to_download_before_the_file_is_ready(client, document):
    client.force_login(methodist_of(document))
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404


def test_it_asks_to_sign_in(client, document):
    response = client.get(f"/documents/{document.pk}/status/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
