"""Russian numbers in templates: `{% load words %}` then `{{ count|plural:"оценка,оценки,оценок" }}`
gives «3 оценки»; `{{ count|plural_word:"участника,участников,участников" }}` only the word;
`{{ kind|with_kind:title }}` the kind before a title that does not already begin with it."""

import datetime

from django import template

from tutoring.words import plural, plural_form, with_kind

register = template.Library()


def _forms(forms: str) -> tuple[str, str, str]:
    one, few, many = (form.strip() for form in forms.split(","))
    return one, few, many


@register.filter(name="plural")
def plural_filter(number, forms: str) -> str:
    if number in (None, ""):
        return ""
    return plural(number, *_forms(forms))


@register.filter(name="plural_word")
def plural_word_filter(number, forms: str) -> str:
    if number in (None, ""):
        return ""
    return plural_form(number, *_forms(forms))


@register.filter(name="with_kind")
def with_kind_filter(kind, title) -> str:
    """`{{ session.get_kind_display|with_kind:session.request.topic }}`"""
    return with_kind(str(kind or ""), str(title or ""))


@register.filter(name="day")
def day_filter(value) -> str:
    """«15.04.2026» from a date or the ISO text of one kept in JSON (a work's date in an
    import's summary), never «2026-04-15» on a page."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return f"{value:%d.%m.%Y}"
    return "" if value is None else str(value)
