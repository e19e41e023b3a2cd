"""Who signs a document and how the signature reads.

A signature is «Должность (с организацией) — И. О. Фамилия» (ГОСТ Р 7.0.97-2025, п. 5.23):
the position names the organization exactly as it is registered («Директор МКУ ИМЦ
г. Лабинска», never «мку имц г. лабинска»), the name has the initials before the surname.
Documents approved by a head are signed by the issuing organization's head on the document's
date (`Organization.head_on`), so that a change of head never rewrites what was signed.
"""

from dataclasses import dataclass
from datetime import date

from .models import Municipality, Organization, User
from .words import initials_name


@dataclass(frozen=True)
class Signature:
    position: str
    name: str

    def as_dict(self) -> dict:
        return {"position": self.position, "name": self.name}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Signature":
        data = data or {}
        return cls(position=data.get("position", ""), name=data.get("name", ""))

    def __bool__(self) -> bool:
        return bool(self.position or self.name)


def capitalized(text: str) -> str:
    """The first letter up, the rest as written: «директор МКУ ИМЦ» → «Директор МКУ ИМЦ»."""
    text = text.strip()
    return text[:1].upper() + text[1:]


def position_at(position: str, organization: Organization | None) -> str:
    """The position with the organization's registered short name, unless it already has it
    («Директор» → «Директор МКУ ИМЦ г. Лабинска»)."""
    position = capitalized(position)
    if organization is None:
        return position
    for name in (organization.short_name, organization.name):
        if name and name.casefold() in position.casefold():
            return position
    short = organization.short_name or organization.name
    return f"{position} {short}".strip()


def person_name(user: User) -> str:
    """«А. П. Смирнова»."""
    return initials_name(user.first_name, user.middle_name, user.last_name) or user.username


def head_signature(organization: Organization | None, day: date | None = None) -> Signature:
    """The signature of the organization's head on that day; empty when nobody is recorded
    (the document then asks the methodist to enter the head on the organization's card)."""
    head = organization.head_on(day) if organization is not None else None
    if head is None:
        return Signature(position="", name="")
    return Signature(position=position_at(head.position, organization), name=head.name.strip())


def issuer_signature(municipality: Municipality, day: date | None = None) -> Signature:
    """The head of the organization that issues the municipality's documents."""
    return head_signature(municipality.issuer, day)


def person_signature(user: User, position: str, organization: Organization | None) -> Signature:
    """A person who signs for themself: an expert, a methodist under a report."""
    return Signature(position=position_at(position, organization), name=person_name(user))
