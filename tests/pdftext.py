"""Documents rendered through the real pipeline (the render task called directly, as no
worker runs here) and read back as text, the way a director's search would read them."""

import pdfplumber

from tutoring.documents import document_request
from tutoring.models import Document
from tutoring.tasks import render_document


def rendered(kind: str, obj) -> Document:
    document = document_request(kind=kind, obj=obj, actor=None)
    render_document.run(document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    return document


def pages_of(document: Document) -> list[str]:
    """The text of each page, a no-break space read as a space."""
    with document.file.open("rb") as file, pdfplumber.open(file) as pdf:
        return [(page.extract_text() or "").replace("\xa0", " ") for page in pdf.pages]


def pdf_text(kind: str, obj) -> list[str]:
    return pages_of(rendered(kind, obj))


def one_line(pages: list[str]) -> str:
    """All the pages as one line of words."""
    return " ".join(" ".join(pages).split())


def table_cells(document: Document) -> list[str]:
    """The text of every table cell of the document, its lines joined by spaces: a cell's
    words wrap inside a narrow column, and page text interleaves the columns."""
    cells = []
    with document.file.open("rb") as file, pdfplumber.open(file) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    cells.extend(" ".join((cell or "").split()) for cell in row)
    return cells
