"""The small markup of a text appendix (a regulation, a programme): headings, paragraphs,
numbered and bulleted lists, italics and bold — what a signed regulation has, and nothing a
signed document must not have (links, pictures, tables, raw HTML).

The text is Markdown, parsed by markdown-it-py with only those rules switched on, and the HTML
is then cleaned by nh3 against an allow-list: the parser decides the structure, the sanitizer
guarantees that whatever reaches a page or a PDF is one of the few tags below, even if the
parser or its options change one day."""

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"h3", "h4", "h5", "h6", "p", "ol", "ul", "li", "em", "strong", "br"}
ALLOWED_ATTRIBUTES = {"ol": {"start"}}

# A document's own heading is h1 and an appendix's title h2, so the text's «# Раздел» is h3.
HEADING_SHIFT = 2

_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+–—]|\d{1,9}[.)])\s")
# Regulations typed in Word mark list items with a dash; Markdown knows only «-», «*», «+».
_DASH_ITEM = re.compile(r"^(\s{0,3})[–—](\s)", re.MULTILINE)

_parser = MarkdownIt("zero", {"html": False}).enable(
    ["heading", "list", "emphasis", "escape", "entity", "newline"]
)


def _one_block_per_line(text: str) -> str:
    """Each line of its own is a paragraph, as in the text pasted from Word or typed before
    the markup existed: Markdown would run lines without a blank line between them into one
    paragraph, and a line after a list into the list's last item. Consecutive list items stay
    one list; an indented line continues the item above it."""
    lines, previous = [], ""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        in_list = bool(_LIST_ITEM.match(previous))
        continues = in_list and line.startswith(("  ", "\t")) and not _LIST_ITEM.match(line)
        joined = (
            not previous or not line.strip() or continues or (in_list and _LIST_ITEM.match(line))
        )
        if not joined:
            lines.append("")
        lines.append(line)
        if not line.strip():
            previous = ""
        elif not continues:
            previous = line
    return "\n".join(lines)


def render_markup(text: str) -> str:
    """Safe HTML of a text written in the markup; the same text always gives the same HTML
    for the same versions of the two libraries (a signed appendix keeps its HTML, not this
    function's next result)."""
    source = _DASH_ITEM.sub(r"\1-\2", _one_block_per_line(text or ""))
    tokens = _parser.parse(source)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + HEADING_SHIFT)}"
    html = _parser.renderer.render(tokens, _parser.options, {})
    return clean(html)


def clean(html: str) -> str:
    """HTML reduced to the allow-list: what a stored snapshot is passed through again before
    it is marked safe in a template."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None, strip_comments=True
    ).strip()
