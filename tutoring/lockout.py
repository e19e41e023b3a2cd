"""django-axes with two limits: a login from one address, and the address whatever login.

Locking by login alone let anyone keep a known login (`director`) locked by typing five wrong
passwords for it (issue 15). Axes locks by the pair (login, address) and by the address, but
compares every rule with one AXES_FAILURE_LIMIT; a callable limit cannot tell which rule is
asked about. The handler therefore scales each rule's count to that limit: five failures of a
pair, or twenty from an address over any logins (the whole school behind one address gets that
much more room), lock what they counted.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _by_address(rule) -> bool:
    return rule in ("ip_address", ["ip_address"])


def rule_limits() -> list[int]:
    """The limit of each rule of AXES_LOCKOUT_PARAMETERS, in its order."""
    return [
        settings.LOCKOUT_ADDRESS_FAILURE_LIMIT if _by_address(rule) else settings.AXES_FAILURE_LIMIT
        for rule in settings.AXES_LOCKOUT_PARAMETERS
    ]


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        counts = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # A rule at its own limit reads as AXES_FAILURE_LIMIT, the one number axes compares.
        return max(
            (count * limit // rule for count, rule in zip(counts, rule_limits(), strict=True)),
            default=0,
        )

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A success proves one login's password, not the address's guesses at other logins:
        # axes would forget those too, and one's own account would reset the address's count.
        rules = settings.AXES_LOCKOUT_PARAMETERS
        attempts = self.filter_user_attempts(request, credentials)
        return sum(
            found.delete()[0]
            for found, rule in zip(attempts, rules, strict=True)
            if not _by_address(rule)
        )
