"""One-time tokens for create forms.

A create form carries a random token (``{% once_token %}`` next to ``{% csrf_token %}``); the
view, wrapped in ``@once(...)``, claims the token before it does anything. The claim is a row
under a unique constraint, inserted in the same transaction as the view's work: a second
submit of the same token waits on the unique index until the first one ends, then either finds
the first result (and is redirected there) or, if the first one stored nothing (the form came
back with errors), claims the token itself. So five identical submits at once make one object.
"""

import re
import secrets
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from .models import FormSubmission
from .refusals import was_refused

FIELD = "once_token"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
_REDIRECTS = {301, 302, 303}


def new_token() -> str:
    return secrets.token_urlsafe(24)


def form_token(request) -> str:
    """The token the form page carries: the submitted one when the form comes back with
    errors (the corrected submit is the same submit), a new one otherwise."""
    posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
    return posted if _TOKEN.fullmatch(posted) else new_token()


def once(message: str = "Заявка уже подана: вот она."):
    """Decorate a create view that redirects to what it made. A form without a token (an old
    page still open in a browser) is served as before."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            token = request.POST.get(FIELD, "") if request.method == "POST" else ""
            if not _TOKEN.fullmatch(token) or not request.user.is_authenticated:
                return view(request, *args, **kwargs)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        claim = FormSubmission.objects.create(user=request.user, token=token)
                except IntegrityError:
                    first = FormSubmission.objects.get(user=request.user, token=token)
                    messages.info(request, message)
                    return redirect(first.url)
                response = view(request, *args, **kwargs)
                if response.status_code in _REDIRECTS and not was_refused(request):
                    claim.url = response["Location"]
                    claim.save(update_fields=["url"])
                else:
                    # Nothing was made (the form came back with errors, or a rule refused and
                    # the view went back): free the token so that the corrected form, which
                    # carries it again, can be submitted.
                    transaction.set_rollback(True)
                return response

        return wrapped

    return decorate
