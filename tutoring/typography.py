"""Spaces that a printed document must not break at.

A director reads «им. И. Ф. / Константинова» or «С. И. / Орлов» split across two lines as a
typing error: ГОСТ Р 7.0.97-2025 keeps initials with the surname, and the usual office
practice keeps «№», «им.», «г.» with the word they introduce. The text stays as written
(«И.Ф.» is not respaced: an organization's name is printed as registered); only the spaces
that join such parts become no-break spaces.
"""

import re

from django.utils.safestring import SafeData, mark_safe

NBSP = "\u00a0"

# «И. О. Фамилия», «И.О. Фамилия», «И. Фамилия».
_INITIALS_BEFORE = re.compile(r"\b([А-ЯЁ]\.)(?:[ \t]*([А-ЯЁ]\.))?[ \t]+(?=[А-ЯЁ][а-яё])")
# «Фамилия И. О.», as in lists and in the text of an order («Кирилловой Т. М.»).
_INITIALS_AFTER = re.compile(r"(?<=[а-яё])[ \t]+([А-ЯЁ]\.)(?:[ \t]*([А-ЯЁ]\.))?(?![А-ЯЁа-яё])")
# Short words that belong to the next one: «№ 9», «им. Героя», «г. Лабинска», «ст. Каладжинской».
_LEADING_WORDS = re.compile(r"(?<![А-ЯЁа-яё])(№|им\.|имени|г\.|ст\.|пос\.|пгт|с\.|х\.)[ \t]+")


def _joined(match: re.Match) -> str:
    """The initials of the match with a no-break space where a space was between them."""
    first, second = match.group(1), match.group(2)
    if second is None:
        return first
    between = match.string[match.end(1) : match.start(2)]
    return first + (NBSP if between else "") + second


def keep_together(text) -> str:
    """The text with no-break spaces inside names and after «№», «им.», «г.» and the like."""
    if not isinstance(text, str) or not text:
        return text
    if isinstance(text, SafeData):
        # Markup stays markup: the patterns touch only spaces between words. `str()` of a
        # SafeString is the SafeString itself, so the plain text is taken by `str.__str__`.
        return mark_safe(keep_together(str.__str__(text)))
    text = _INITIALS_BEFORE.sub(lambda m: _joined(m) + NBSP, text)
    text = _INITIALS_AFTER.sub(lambda m: NBSP + _joined(m), text)
    return _LEADING_WORDS.sub(lambda m: m.group(1) + NBSP, text)


def keep_together_all(value):
    """`keep_together` through the strings of a snapshot (lists and dicts of them)."""
    if isinstance(value, str):
        return keep_together(value)
    if isinstance(value, list):
        return [keep_together_all(item) for item in value]
    if isinstance(value, dict):
        return {key: keep_together_all(item) for key, item in value.items()}
    return value
