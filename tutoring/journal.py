"""The journal's entries as a methodist reads them: every recorded key by its Russian name,
every value in words — a choice by its label, a date as «01.12.2026», a moment in the
municipality's local time, «да»/«нет» — and an edit as «старое» → «новое». The apps name their
keys and coded values in `tutoring.extensions`; entries written before a key was named still
read in Russian through the fallbacks here."""

import datetime
import re
import zoneinfo

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist

from . import extensions

EMPTY = "—"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# What `str()` of a Python value wrote into older entries.
WORDS = {"True": "да", "False": "нет", "None": EMPTY}
# The words that stay as they are: a key written in Latin letters is a field's code.
LATIN_KEY = re.compile(r"^[a-z0-9_]+$")


def change_items(entry) -> list[tuple[str, str]]:
    """(Russian name, readable value) pairs of an entry's changes, bare ids left out."""
    verb = entry.action.rpartition(".")[2]
    edit = "update" in verb or extensions.is_move_action(entry.action)
    zone = _zone(entry)
    items = []
    for key, value in (entry.changes or {}).items():
        if extensions.is_reference_key(key) and _is_id(value):
            continue
        labels = extensions.value_labels(entry.action, key)
        pair = isinstance(value, list) and len(value) == 2 and (edit or key == "status")
        if pair:
            text = " → ".join(_quoted(readable(item, labels, zone), item, labels) for item in value)
        else:
            text = readable(value, labels, zone)
        items.append((key_label(key, entry.object_type, entry.action), text))
    return items


def key_label(key: str, object_type: str = "", action: str = "") -> str:
    if extensions.has_change_label(key, action):
        return extensions.change_label(key, action)
    # A key nobody named: the audited model's field of that name, if it has one.
    try:
        field = apps.get_model(object_type)._meta.get_field(key)
        return str(getattr(field, "verbose_name", "")) or "прочее"
    except (LookupError, ValueError, FieldDoesNotExist):
        return "прочее" if LATIN_KEY.match(key) else key


def readable(value, labels: dict[str, str] | None = None, zone=None) -> str:
    labels = labels or {}
    if isinstance(value, bool):
        return "да" if value else "нет"
    if value in ("", None, []):
        return EMPTY
    if isinstance(value, list):
        return ", ".join(readable(item, labels, zone) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{key_label(key)}: {readable(item, extensions.value_labels('', key), zone)}"
            for key, item in value.items()
        )
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = str(value)
    if text in labels:
        return labels[text]
    if text in WORDS:
        return WORDS[text]
    if DATE.match(text):
        return datetime.date.fromisoformat(text).strftime("%d.%m.%Y")
    if MOMENT.match(text):
        return _moment(text, zone)
    return text


def _moment(text: str, zone) -> str:
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone or zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return moment.strftime("%d.%m.%Y %H:%M")


def _quoted(text: str, value, labels) -> str:
    """A free text of an edit in «», so that «старое» → «новое» reads as two values."""
    plain = isinstance(value, str) and text == value and value not in labels
    plain = plain and not text.replace(",", "").replace(".", "").lstrip("-").isdigit()
    return f"«{text}»" if plain and text != EMPTY else text


def _is_id(value) -> bool:
    return value is None or isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def _zone(entry):
    # The municipality is joined by the selectors of the journal and the history.
    municipality = entry.municipality if entry.municipality_id else None
    return municipality.tzinfo if municipality is not None else None
