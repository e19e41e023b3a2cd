"""The one view helper for refusals: a rule's `DomainError` becomes the form's error or the
page's message, and a refused create lets the same form be sent again."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.shortcuts import redirect
from django.test import RequestFactory

from tests.tutoring.factories import UserFactory
from tutoring.errors import DomainError
from tutoring.models import FormSubmission
from tutoring.once import FIELD, once
from tutoring.refusals import attempt

TOKEN = "r" * 32


class NameForm(forms.Form):
    name = forms.CharField(label="Название")


def post(user, data=None):
    request = RequestFactory().post("/x/", data or {})
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def shown(request) -> list[str]:
    return [str(m) for m in get_messages(request)]


def refusing(*, actor, field=None):
    raise DomainError("Так нельзя: заявка уже закрыта.", field=field)


def test_a_refusal_becomes_the_pages_message_and_nothing_else(db):
    request = post(UserFactory())
    outcome = attempt(request, refusing, success="Готово.")
    assert not outcome and outcome.message == "Так нельзя: заявка уже закрыта."
    assert shown(request) == ["Так нельзя: заявка уже закрыта."]


def test_a_refusal_naming_a_field_stands_next_to_it_and_otherwise_above_the_form(db):
    request = post(UserFactory())
    form = NameForm({"name": "Совет"})
    assert form.is_valid()
    attempt(request, refusing, form=form, field="name")
    assert form.errors == {"name": ["Так нельзя: заявка уже закрыта."]}
    other = NameForm({"name": "Совет"})
    other.is_valid()
    attempt(request, refusing, form=other, field="no_such_field")
    assert other.non_field_errors() == ["Так нельзя: заявка уже закрыта."]
    assert shown(request) == []


def test_a_success_gives_the_result_and_its_message(db):
    user = UserFactory()
    request = post(user)
    outcome = attempt(request, lambda *, actor, n: n * 2, n=21, success=lambda v: f"Вышло {v}.")
    assert outcome and outcome.value == 42
    assert shown(request) == ["Вышло 42."]


@pytest.mark.django_db(transaction=True)
def test_a_refused_create_that_redirects_frees_its_token_for_the_corrected_form():
    user = UserFactory()
    outcomes = iter([refusing, lambda *, actor: None])

    @once()
    def view(request):
        attempt(request, next(outcomes))
        return redirect("/made/")

    view(post(user, {FIELD: TOKEN}))
    assert not FormSubmission.objects.exists()
    view(post(user, {FIELD: TOKEN}))
    assert FormSubmission.objects.get(user=user, token=TOKEN).url == "/made/"
