"""The one place a view turns a rule's refusal into what the user reads.

A view runs a service through `attempt`: the service's `DomainError` becomes the form's error
(next to the field it names, when the form has it) or, without a form, the page's message; a
success message is shown when the service went through. Nothing else in a view catches a
`DomainError`:

    done = attempt(request, services.order_send, order=order, success="Приказ отправлен.")
    return redirect(order)

    done = attempt(request, services.order_update, form=form, order=order, **form.cleaned_data)
    if done:
        return redirect(done.value)

A refused attempt marks the request, so that `@once` frees the form's token even when the view
then redirects: the corrected form may be sent again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages

from .errors import DomainError

REFUSED = "_tutoring_refused"


@dataclass(frozen=True)
class Outcome:
    value: Any = None
    error: DomainError | None = None

    def __bool__(self) -> bool:
        return self.error is None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""


def attempt(
    request,
    service: Callable,
    /,
    *args,
    form=None,
    success: str | Callable[[Any], str] = "",
    actor: bool = True,
    **kwargs,
) -> Outcome:
    """Run `service(*args, actor=request.user, **kwargs)` (without `actor` when `actor` is
    false). `success` is a message, or a function of the service's result giving one."""
    if actor:
        kwargs["actor"] = request.user
    try:
        value = service(*args, **kwargs)
    except DomainError as error:
        refuse(request, error, form=form)
        return Outcome(error=error)
    text = success(value) if callable(success) else success
    if text:
        messages.success(request, text)
    return Outcome(value=value)


def refuse(request, error: DomainError, *, form=None) -> None:
    """Show the refusal: on the form (its field when named), else as the page's message. A
    form whose field is named otherwise than the service's argument maps the one to the other
    in `refusal_fields` ({"roles": "kind"})."""
    setattr(request, REFUSED, True)
    if form is not None:
        names = getattr(form, "refusal_fields", {})
        for name, message in (error.problems or {error.field: error.message}).items():
            field = names.get(name, name)
            form.add_error(field if field in form.fields else None, message)
    else:
        messages.error(request, error.message)


def was_refused(request) -> bool:
    return getattr(request, REFUSED, False)
