from django import template
from django.utils.html import format_html

from tutoring.once import FIELD, form_token

register = template.Library()


@register.simple_tag(takes_context=True)
def once_token(context):
    """The hidden one-time token of a create form (see tutoring/once.py)."""
    token = form_token(context.request)
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
