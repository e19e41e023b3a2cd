"""The print of an approved programme: built from what was kept at approval."""

import datetime

from tutoring.access import Access
from tutoring.documents import DocumentError
from tutoring.models import Document

from ..models import SchoolProgramme
from . import selectors

TEMPLATE = "documents/monitoring/programme.html"
DOCUMENT_TYPES = {
    SchoolProgramme.Kind.CONCEPT: "Концепция развития",
    SchoolProgramme.Kind.MEDIUM_TERM: "Среднесрочная программа развития",
    SchoolProgramme.Kind.ANTIRISK: "Антирисковая программа",
}


def sections(text: str) -> list[dict]:
    """The programme's text in its sections: a line «# Заголовок» opens one."""
    found = [{"title": "", "paragraphs": []}]
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            found.append({"title": line.lstrip("#").strip(), "paragraphs": []})
        elif line:
            found[-1]["paragraphs"].append(line)
    return [section for section in found if section["title"] or section["paragraphs"]]


def programme_context(object_id: str):
    programme = SchoolProgramme.objects.select_related(
        "organization", "municipality", "academic_year"
    ).get(pk=object_id)
    kept = programme.snapshot
    if not kept:
        raise DocumentError("Печатается только утверждённая программа.")
    day = datetime.date.fromisoformat(kept["approved_on"])
    agreed = kept["agreed"].get("on")
    heading = f"на {kept['year']} учебный год"
    if kept["direction"]:
        heading = f"по направлению «{kept['direction']}» {heading}"
    if kept["version"] > 1:
        heading = f"{heading} (редакция {kept['version']})"
    return programme, {
        "programme": kept,
        "sections": sections(kept["text"]),
        "approval": {**kept["head"], "date": day},
        "organization": kept["school"],
        "organization_note": programme.municipality.name,
        "document_type": DOCUMENT_TYPES[programme.kind],
        "date": day,
        "agreed_on": datetime.date.fromisoformat(agreed) if agreed else None,
        "place": programme.municipality.locality,
        "heading": heading,
    }


def programme_title(programme: SchoolProgramme) -> str:
    return str(programme)


def programme_visible(access: Access, document: Document) -> bool:
    return selectors.programmes_for(access).filter(pk=document.object_id).exists()
