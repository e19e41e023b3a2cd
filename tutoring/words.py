"""How the portal writes numbers and names in Russian: one place, so that «у 61 участника»
and «3 оценки» read right on every page, in every letter and every document."""


def plural_form(number: int, one: str, few: str, many: str) -> str:
    """The word that goes with the number: 1 окно, 3 окна, 5 окон, 11 окон, 21 окно."""
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def plural(number: int, one: str, few: str, many: str) -> str:
    """«1 окно», «3 окна», «5 окон»: the number and its word."""
    return f"{number} {plural_form(number, one, few, many)}"


def initials_name(first_name: str, middle_name: str, last_name: str) -> str:
    """«С. И. Орлов»: initials before the surname, as a signature reads (ГОСТ Р 7.0.97-2025,
    п. 5.23); the «Орлов С. И.» form is for lists and tables."""
    initials = " ".join(f"{part.strip()[0]}." for part in (first_name, middle_name) if part.strip())
    return f"{initials} {last_name.strip()}".strip()


def end_sentence(text: str) -> str:
    """The text with one full stop at its end: «Т. А.» stays «Т. А.», never «Т. А..»."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."


def with_kind(kind: str, title: str, *, separator: str = ": ") -> str:
    """«открытый урок: дроби на координатном луче»: the kind before a title, unless the title
    already begins with it («Открытый урок: …» is not printed as «открытый урок: Открытый
    урок: …»). Without a title, the kind alone."""
    kind, title = kind.strip(), (title or "").strip()
    if not title:
        return kind
    if not kind or title.lower().startswith(kind.lower()):
        return title
    return f"{kind}{separator}{title}"
