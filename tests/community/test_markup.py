"""The markup of a text appendix: what a regulation needs, and nothing a signed document must
not carry."""

from community.markup import render_markup


def test_it_renders_headings_below_the_documents_own():
    html = render_markup("# I. Общие положения\n## 1.6. Задачи сообщества:")
    assert html == "<h3>I. Общие положения</h3>\n<h4>1.6. Задачи сообщества:</h4>"


def test_it_keeps_numbered_points_as_paragraphs_one_per_line():
    html = render_markup("1.1. Первый пункт.\n1.2. Второй пункт.")
    assert html == "<p>1.1. Первый пункт.</p>\n<p>1.2. Второй пункт.</p>"


def test_it_makes_lists_of_dashes_hyphens_and_numbers():
    html = render_markup("Функции:\n– первая;\n- вторая.\n\n3. третий\n4. четвёртый")
    assert "<p>Функции:</p>" in html
    assert "<ul>\n<li>первая;</li>\n<li>вторая.</li>\n</ul>" in html
    assert '<ol start="3">\n<li>третий</li>\n<li>четвёртый</li>\n</ol>' in html


def test_it_ends_a_list_at_the_next_unindented_line():
    html = render_markup("- пункт списка\n1.7. Следующий абзац")
    assert html.endswith("</ul>\n<p>1.7. Следующий абзац</p>")


def test_it_renders_italics_and_bold():
    html = render_markup("*стратегическая*: содействие; **III. СУБЪЕКТЫ**")
    assert html == "<p><em>стратегическая</em>: содействие; <strong>III. СУБЪЕКТЫ</strong></p>"


def test_it_prints_an_escaped_asterisk_as_itself():
    assert render_markup(r"оценка \*") == "<p>оценка *</p>"


def test_it_never_lets_raw_html_or_scripts_through():
    html = render_markup('<script>alert(1)</script>\n<b onclick="x()">жирный</b>\n<img src=x>')
    assert "<script" not in html and "<b" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is


def test_it_prints_no_links_images_or_tables():
    html = render_markup(
        "[сайт](http://example.org) ![герб](gerb.png) <http://example.org>\n| a | b |\n|---|---|"
    )
    assert "<a" not in html and "<img" not in html and "<table" not in html
    assert "href" not in html and "src=" not in html


def test_it_keeps_an_indented_line_as_text_not_code():
    html = render_markup("    1.1. Абзац с отступом из Word")
    assert html == "<p>1.1. Абзац с отступом из Word</p>"
