"""The HTML of a text appendix in a page or a PDF."""

from django import template
from django.utils.safestring import mark_safe

from community.markup import clean, render_markup

register = template.Library()


@register.filter
def markup_html(html: str) -> str:
    """Stored HTML (a signed appendix's snapshot), cleaned against the allow-list once more
    before it is trusted: a snapshot is data, and data may have been edited."""
    return mark_safe(clean(html or ""))


@register.filter
def markup(text: str) -> str:
    """A text written in the markup, rendered now (a draft's preview)."""
    return mark_safe(render_markup(text or ""))
