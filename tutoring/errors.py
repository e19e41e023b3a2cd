"""The refusal of a domain rule, shown to the user as a message (or next to a form field)."""


class DomainError(Exception):
    """A rule refused the change; nothing was saved. `field` names the form field the message
    belongs to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # Every problem of a form at once, by field: what `of_fields` was given.
        self.problems: dict[str, str] = {}

    @classmethod
    def of_fields(cls, problems: dict[str, str]) -> "DomainError":
        """A refusal of several fields at once: each message shows at its field, so that the
        user corrects everything in one go."""
        error = cls(" ".join(problems.values()), field=next(iter(problems), None))
        error.problems = dict(problems)
        return error

    def __str__(self):
        return self.message
