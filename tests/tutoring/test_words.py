import pytest
from django.template import Context, Template

from tutoring.words import end_sentence, initials_name, plural


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "0 оценок"),
        (1, "1 оценка"),
        (3, "3 оценки"),
        (5, "5 оценок"),
        (11, "11 оценок"),
        (14, "14 оценок"),
        (21, "21 оценка"),
        (61, "61 оценка"),
        (104, "104 оценки"),
        (112, "112 оценок"),
    ],
)
def test_it_chooses_the_russian_plural_form(number, expected):
    assert plural(number, "оценка", "оценки", "оценок") == expected


def test_it_gives_the_plural_in_templates():
    template = Template(
        '{% load words %}у {{ n|plural:"участника,участников,участников" }}, '
        '{{ m|plural_word:"оценка,оценки,оценок" }}'
    )
    assert template.render(Context({"n": 61, "m": 3})) == "у 61 участника, оценки"


def test_it_puts_initials_before_the_surname():
    assert initials_name("Сергей", "Иванович", "Орлов") == "С. И. Орлов"
    assert initials_name("Анна", "", "Смирнова") == "А. Смирнова"


def test_it_ends_a_sentence_with_one_full_stop():
    assert end_sentence("Логинова Т. А.") == "Логинова Т. А."
    assert end_sentence("занятие проведено") == "занятие проведено."
