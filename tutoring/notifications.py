"""Notifications in the portal: the inbox of each user and the bell of the navigation bar.

A kind of notification is registered once, in its app's `AppConfig.ready()`, with the Russian
label the inbox filters by:

    notifications.register_kind("community.order.sent", "Приказ на подписи", group="Приказы")

and a move that puts work in someone's queue, or tells them of an outcome, calls, inside its
own transaction (so that a rolled-back move notifies nobody):

    notifications.notify(
        recipients=[order.signatory],
        kind="community.order.sent",
        text=f"Приказ № {order.number} ждёт вашей подписи.",
        link=order.get_absolute_url(),
        obj=order,
        actor=actor,
    )

Each recipient also gets it by e-mail as they chose for the kind (`tutoring.letters`): those who
chose «сразу» through one letter task that `notify` queues in the same transaction, those who
chose «раз в день» in the daily digest; the kind's `email=` is the choice of those who made none.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import EmailPreference, Notification, User

# How a kind's notifications reach a person's e-mail unless they chose otherwise: each at once,
# gathered in one letter a day, or not at all.
EMAIL_NOW, EMAIL_DAILY, EMAIL_NEVER = "now", "daily", "never"


@dataclass(frozen=True)
class NotificationKind:
    key: str
    label: str
    group: str = ""
    email: str = EMAIL_NOW  # the default e-mail preference of the kind


_kinds: dict[str, NotificationKind] = {}
# Files a letter of a kind carries (a session's .ics), by the kind or a prefix of kinds ending
# in ".": a function of the notification returning [(filename, bytes, mimetype)].
_attachments: dict[str, Callable] = {}


def register_kind(
    key: str, label: str, *, group: str = "", email: str = EMAIL_NOW
) -> NotificationKind:
    """Make `key` a kind that `notify` accepts; `label` names it in the inbox's filter, and
    kinds of one `group` stand together there; `email` is how its letters go by default."""
    if email not in (EMAIL_NOW, EMAIL_DAILY, EMAIL_NEVER):
        raise ImproperlyConfigured(f"Notification kind {key!r}: unknown e-mail default {email!r}.")
    kind = NotificationKind(key, label, group, email)
    # Registering the same kind twice is harmless (ready() may run again in tests); two apps
    # claiming one key with different words would mislabel each other's notifications.
    if _kinds.get(key, kind) != kind:
        raise ImproperlyConfigured(f"Notification kind {key!r} is registered twice.")
    _kinds[key] = kind
    return kind


def register_attachments(kinds: str, build: Callable) -> None:
    """Attach `build(notification)`'s files — [(filename, bytes, mimetype)] — to the letters
    of the kind `kinds`, or of every kind it is a prefix of when it ends in "."."""
    _attachments[kinds] = build


def attachments_for(notification: Notification) -> list[tuple[str, bytes, str]]:
    kind = notification.kind
    build = _attachments.get(kind) or next(
        (
            b
            for prefix, b in _attachments.items()
            if prefix.endswith(".") and kind.startswith(prefix)
        ),
        None,
    )
    return list(build(notification)) if build else []


def kind_email_default(key: str) -> str:
    kind = _kinds.get(key)
    return kind.email if kind else EMAIL_NEVER


def registered_kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda k: (k.group, k.label))


def email_choice_of(kind: str, user_ref: str = "pk"):
    """An expression: the e-mail choice for `kind` of the user that `user_ref` points to
    (their own row, or the kind's default)."""
    own = EmailPreference.objects.filter(user=OuterRef(user_ref), kind=kind).values("choice")[:1]
    return Coalesce(Subquery(own), Value(kind_email_default(kind)), output_field=CharField())


def email_choice_of_row(user_ref: str = "recipient", kind_ref: str = "kind"):
    """An expression for a queryset of notifications: the recipient's e-mail choice for the
    notification's own kind, the kind's default when they made none."""
    own = EmailPreference.objects.filter(user=OuterRef(user_ref), kind=OuterRef(kind_ref)).values(
        "choice"
    )[:1]
    defaults = Case(
        *(When(**{kind_ref: k.key}, then=Value(k.email)) for k in _kinds.values()),
        default=Value(EMAIL_NEVER),
        output_field=CharField(),
    )
    return Coalesce(Subquery(own), defaults, output_field=CharField())


def email_choices(user) -> dict[str, str]:
    """Every registered kind's e-mail choice for the user: {kind: "now" | "daily" | "never"}."""
    own = dict(EmailPreference.objects.filter(user=user).values_list("kind", "choice"))
    return {key: own.get(key, kind.email) for key, kind in _kinds.items()}


def is_registered(key: str) -> bool:
    return key in _kinds


def kind_label(key: str) -> str:
    """The Russian name of a kind; a kind no longer registered reads as «Уведомление»."""
    kind = _kinds.get(key)
    return kind.label if kind else "Уведомление"


def kind_choices() -> list:
    """The registered kinds as form choices: ungrouped ones first, then one option group per
    `group`, each sorted by label."""
    plain, groups = [], {}
    for kind in sorted(_kinds.values(), key=lambda k: k.label):
        if kind.group:
            groups.setdefault(kind.group, []).append((kind.key, kind.label))
        else:
            plain.append((kind.key, kind.label))
    return plain + sorted(groups.items())


def object_key(obj) -> str:
    """«app.model:pk», e.g. community.order:5: which object a notification is about."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def is_local_path(link: str) -> bool:
    # "//host/..." is a path to a browser but an address on another site.
    return link.startswith("/") and not link.startswith("//") and "\\" not in link


def notify(
    *,
    recipients: Iterable,
    kind: str,
    text: str,
    link: str = "",
    obj=None,
    actor: User | None = None,
) -> int:
    """Put a notification in the inbox of each of `recipients` (users or their ids) and return
    how many were written, and queue one letter task for those of them with an address who
    chose «сразу» for the kind. The actor is not told of their own move; inactive users and
    repeated recipients are skipped. Call it inside the move's transaction."""
    if kind not in _kinds:
        raise ValueError(f"Notification kind {kind!r} is not registered: register_kind() it.")
    if link and not is_local_path(link):
        raise ValueError(f"A notification links to a page of the portal, not to {link!r}.")
    ids = {getattr(r, "pk", r) for r in recipients}
    ids.discard(None)  # an optional recipient not set (an order with no signatory yet)
    if actor is not None:
        ids.discard(actor.pk)
    if not ids:
        return 0
    # Who gets a letter at once comes with the same query: their address and choice.
    active = list(
        User.objects.filter(pk__in=ids, is_active=True)
        .annotate(email_choice=email_choice_of(kind))
        .order_by("pk")
        .values_list("pk", "email", "email_choice")
    )
    now = timezone.now()
    key = object_key(obj) if obj is not None else ""
    created = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            text=text,
            link=link,
            object_key=key,
            created_at=now,
        )
        for pk, _email, _choice in active
    )
    letters = [
        n.pk
        for n, (_pk, email, choice) in zip(created, active, strict=True)
        if email and choice == EMAIL_NOW
    ]
    if letters:
        # In the move's transaction: a rolled-back move sends nothing.
        from . import outbox
        from .tasks import send_notification_letters

        outbox.enqueue(send_notification_letters, letters)
    return len(created)


def notify_many(*, kind: str, items: Iterable[tuple], actor: User | None = None) -> int:
    """`notify` for many objects of one kind at once, as a schedule built for a month tells
    each request's people of its session: `items` are (recipients, text, link, obj); three
    queries and one letter task whatever their number. Returns how many were written."""
    if kind not in _kinds:
        raise ValueError(f"Notification kind {kind!r} is not registered: register_kind() it.")
    wanted = []
    for recipients, text, link, obj in items:
        if link and not is_local_path(link):
            raise ValueError(f"A notification links to a page of the portal, not to {link!r}.")
        ids = {getattr(r, "pk", r) for r in recipients} - {None}
        if actor is not None:
            ids.discard(actor.pk)
        wanted.append((ids, text, link, object_key(obj) if obj is not None else ""))
    everyone = set().union(*(ids for ids, *_ in wanted)) if wanted else set()
    if not everyone:
        return 0
    people = {
        pk: (email, choice)
        for pk, email, choice in User.objects.filter(pk__in=everyone, is_active=True)
        .annotate(email_choice=email_choice_of(kind))
        .values_list("pk", "email", "email_choice")
    }
    now = timezone.now()
    rows = [
        Notification(
            recipient_id=pk, kind=kind, text=text, link=link, object_key=key, created_at=now
        )
        for ids, text, link, key in wanted
        for pk in sorted(ids)
        if pk in people
    ]
    created = Notification.objects.bulk_create(rows)
    letters = [
        n.pk
        for n in created
        if people[n.recipient_id][0] and people[n.recipient_id][1] == EMAIL_NOW
    ]
    if letters:
        from . import outbox
        from .tasks import send_notification_letters

        outbox.enqueue(send_notification_letters, letters)
    return len(created)


def inbox(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody reads another's inbox."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def with_unread_count(users: QuerySet[User]) -> QuerySet[User]:
    """The users, each with `unread_notifications`: how many of theirs are unread."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return users.annotate(
        unread_notifications=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))
    )


def bell_count(user) -> int:
    """The unread count as the request's user was loaded with it (see `with_unread_count`),
    or counted now for a user loaded otherwise."""
    count = getattr(user, "unread_notifications", None)
    return unread_count(user) if count is None else count


def mark_read(user, ids: Iterable[int]) -> int:
    """Mark the user's notifications among `ids` read; another user's ids change nothing."""
    return inbox(user).filter(pk__in=list(ids), read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return inbox(user).filter(read_at__isnull=True).update(read_at=timezone.now())
