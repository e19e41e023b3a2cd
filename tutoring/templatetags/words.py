"""Russian numbers in templates: `{% load words %}` then `{{ count|plural:"оценка,оценки,оценок" }}`
gives «3 оценки»; `{{ count|plural_word:"участника,участников,участников" }}` only the word."""

from django import template

from tutoring.words import plural, plural_form

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
