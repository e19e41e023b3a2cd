from tutoring.typography import keep_together

NBSP = "\u00a0"


def test_it_keeps_initials_with_the_surname():
    assert keep_together("С. И. Орлов") == f"С.{NBSP}И.{NBSP}Орлов"
    assert keep_together("методиста Кирилловой Т. М. разместить") == (
        f"методиста Кирилловой{NBSP}Т.{NBSP}М. разместить"
    )


def test_it_keeps_a_schools_name_together_as_registered():
    text = keep_together("МОБУ СОШ № 9 им. И.Ф. Константинова г. Лабинска")
    assert text == f"МОБУ СОШ №{NBSP}9 им.{NBSP}И.Ф.{NBSP}Константинова г.{NBSP}Лабинска"


def test_it_leaves_ordinary_words_alone():
    assert keep_together("Утвердить состав сообщества.") == "Утвердить состав сообщества."


def test_it_keeps_marked_safe_text_safe():
    from django.utils.safestring import SafeString, mark_safe

    # A template's literal («|default:"—"») comes in marked safe.
    kept = keep_together(mark_safe("МОБУ СОШ № 20"))
    assert isinstance(kept, SafeString) and kept == "МОБУ СОШ №\u00a020"
