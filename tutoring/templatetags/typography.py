"""`{% load typography %}` then `{{ name|unbroken }}`: no-break spaces inside names and after
«№», «им.», «г.» (tutoring.typography), for the printed documents."""

from django import template

from tutoring.typography import keep_together

register = template.Library()


@register.filter
def unbroken(text):
    return keep_together(text)
