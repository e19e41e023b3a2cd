"""The refusal of a domain rule, shown to the user as a message (or next to a form field)."""


class DomainError(Exception):
    """A rule refused the change; nothing was saved. `field` names the form field the message
    belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self):
        return self.message
