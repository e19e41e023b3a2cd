import secrets

from django.db import transaction

from tutoring.models import User
from tutoring.services import audit_record

from ..models import CalendarFeed


def calendar_feed(user: User) -> CalendarFeed:
    """The user's feed, made on first use."""
    feed, _ = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = calendar_feed(actor)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    audit_record(actor=actor, action="calendar.reset", obj=feed)
    return feed


def calendar_feed_rotate(user: User) -> None:
    """A new secret for the user's feed, if there is one: called when the password is changed
    or reset (registered in apps.py), within that change's transaction and audit entry."""
    CalendarFeed.objects.filter(user=user).update(token=secrets.token_urlsafe(32))
