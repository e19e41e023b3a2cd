"""Figures of the results pages as text: a tenth with a decimal comma, a dash for none."""

from django import template

from ..charts import number

register = template.Library()


@register.filter
def figure(value, digits=1):
    return number(value, int(digits))
