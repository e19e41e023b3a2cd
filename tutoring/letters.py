"""Notifications by e-mail, as each person chose for each kind (`EmailPreference`; without a
choice, the kind's default from `register_kind(..., email=...)`):

- «сразу»: `notify` queues `send_notification_letters` in the move's transaction; each letter
  is marked `emailed_at` when sent, so a task run twice sends it once;
- «раз в день»: `claim_digests` (Celery beat every 15 minutes, `manage.py send_digests` from
  cron) gathers, for each person whose digest time has come today in their municipality's
  zone, what came since their last digest into one `EmailDigest` row per person and day (the
  unique day keeps a second run, or a second worker, from gathering again), and queues
  `send_digest_letters` for them;
- «не присылать»: the notification stays in the inbox only.

Every letter carries a signed link that switches its kind (a digest: its kinds) to «не
присылать» without signing in, and the RFC 8058 headers that let a mail client do the same
with one click.
"""

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import CharField, DateTimeField, OuterRef, Subquery, TimeField, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import notifications
from .mail import portal_url
from .models import (
    DEFAULT_DIGEST_TIME,
    EmailChoice,
    EmailDigest,
    EmailSettings,
    Notification,
    Role,
    User,
)
from .notifications import EMAIL_DAILY
from .words import plural

UNSUBSCRIBE_SALT = "tutoring.letters.unsubscribe"
# Two runs of the digest at once (beat and cron, two beat processes) take turns: the second
# finds the first's digests already claimed.
DIGEST_LOCK = 160_160
DIGEST_WINDOW = timedelta(days=2)
LATE_COMMIT = timedelta(minutes=10)


# The signed unsubscribe link


def unsubscribe_token(user_id: int, kinds) -> str:
    """A link's token naming the person and the kinds it switches off. It does not expire: a
    letter read a year later still unsubscribes, and it can do nothing else."""
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT)


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kinds: list[str]

    @property
    def labels(self) -> list[str]:
        return [notifications.kind_label(k) for k in self.kinds]


def unsubscribe_target(token: str) -> Unsubscribe | None:
    """Whom and which kinds the token names; None for a token not signed here."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, kinds = int(data["u"]), [str(k) for k in data["k"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    kinds = [k for k in kinds if notifications.is_registered(k)]
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not kinds:
        return None
    return Unsubscribe(user, kinds)


def unsubscribe_url(user_id: int, kinds) -> str:
    return portal_url(reverse("email_unsubscribe", args=[unsubscribe_token(user_id, kinds)]))


# Where a person is


def zone_names(user_ids) -> dict[int, str]:
    """The time zone of each user: that of the municipality of their first role bound to one,
    in the order the pages take it (`MunicipalityTimezoneMiddleware`: by kind, then pk); the
    portal's own zone for those with none (a regional coordinator)."""
    zones = {}
    roles = (
        Role.objects.filter(user_id__in=list(user_ids), municipality__isnull=False)
        .order_by("user_id", "kind", "pk")
        .values_list("user_id", "municipality__timezone")
    )
    for user_id, name in roles:
        zones.setdefault(user_id, name)
    return zones


def user_zone(user) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_names([user.pk]).get(user.pk) or settings.TIME_ZONE)


def first_zone_of(user_ref: str):
    """An expression: the zone name of `zone_names`, for a queryset."""
    first = (
        Role.objects.filter(user=OuterRef(user_ref), municipality__isnull=False)
        .order_by("kind", "pk")
        .values("municipality__timezone")[:1]
    )
    return Coalesce(Subquery(first), Value(settings.TIME_ZONE), output_field=CharField())


# The letters


def greeting(user: User) -> str:
    name = " ".join(p for p in (user.first_name, user.middle_name) if p)
    return f"Здравствуйте, {name}!" if name else "Здравствуйте!"


def _letter(user: User, subject: str, body: str, unsubscribe: str) -> EmailMessage:
    return EmailMessage(
        subject,
        body,
        to=[user.email],
        headers={
            # RFC 8058: a mail client's «Отписаться» posts to the link, no page in between.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def notification_letter(notification: Notification) -> EmailMessage:
    user = notification.recipient
    unsubscribe = unsubscribe_url(user.pk, [notification.kind])
    body = render_to_string(
        "notifications/email/notification.txt",
        {
            "greeting": greeting(user),
            "notification": notification,
            "label": notifications.kind_label(notification.kind),
            "link": portal_url(notification.link or reverse("notification_list")),
            "unsubscribe": unsubscribe,
            "settings_url": portal_url(reverse("email_settings")),
            "portal_url": portal_url("/"),
        },
    )
    letter = _letter(user, notifications.kind_label(notification.kind), body, unsubscribe)
    for filename, content, mimetype in notifications.attachments_for(notification):
        letter.attach(filename, content, mimetype)
    return letter


@dataclass
class DigestGroup:
    label: str
    items: list
    unsubscribe: str


def digest_subject(count: int) -> str:
    return plural(count, "новое уведомление", "новых уведомления", "новых уведомлений")


def digest_letter(digest: EmailDigest, items: list[Notification], digest_time) -> EmailMessage:
    user = digest.user
    by_kind = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    groups = [
        DigestGroup(
            notifications.kind_label(kind),
            [(item, portal_url(item.link or reverse("notification_list"))) for item in rows],
            unsubscribe_url(user.pk, [kind]),
        )
        for kind, rows in sorted(by_kind.items(), key=lambda kv: notifications.kind_label(kv[0]))
    ]
    body = render_to_string(
        "notifications/email/digest.txt",
        {
            "greeting": greeting(user),
            "count": digest_subject(len(items)),
            "groups": groups,
            "digest_time": digest_time,
            "inbox_url": portal_url(reverse("notification_list")),
            "settings_url": portal_url(reverse("email_settings")),
            "portal_url": portal_url("/"),
        },
    )
    return _letter(user, digest_subject(len(items)), body, unsubscribe_url(user.pk, by_kind))


# Sending (the tasks' bodies)


def send_notifications(ids: list[int]) -> int:
    """Send the letter of each notification not yet e-mailed; returns how many were sent. A
    letter is sent under its row's lock and marked in the same transaction, so two workers,
    or a retry after a relay error, never send it twice."""
    sent = 0
    mail = get_connection()
    for pk in ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None or not notification.recipient.email:
                continue
            letter = notification_letter(notification)
            letter.connection = mail
            letter.send()
            Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


def send_digests(ids: list[int]) -> int:
    """Send each claimed digest not yet sent: one letter listing its notifications."""
    sent = 0
    mail = get_connection()
    times = dict(
        EmailSettings.objects.filter(user__email_digests__pk__in=ids).values_list(
            "user_id", "digest_time"
        )
    )
    for pk in ids:
        with transaction.atomic():
            digest = (
                EmailDigest.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("user")
                .filter(pk=pk, sent_at__isnull=True)
                .first()
            )
            if digest is None:
                continue
            items = list(
                digest.notifications.filter(emailed_at__isnull=True).order_by("created_at", "pk")
            )
            now = timezone.now()
            if items and digest.user.email:
                letter = digest_letter(
                    digest, items, times.get(digest.user_id, DEFAULT_DIGEST_TIME)
                )
                letter.connection = mail
                letter.send()
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=now)
                sent += 1
            EmailDigest.objects.filter(pk=pk).update(sent_at=now)
    return sent


# The daily run


def claim_digests(*, now: datetime | None = None) -> list[int]:
    """Gather the digests due now and queue their letters; returns the digests' ids. A
    constant number of queries whatever the number of people: the due notifications with
    their recipient's zone, digest time and last digest come in one query."""
    from . import outbox
    from .tasks import send_digest_letters

    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [DIGEST_LOCK])
                if not cursor.fetchone()[0]:
                    return []
        last = (
            EmailDigest.objects.filter(user=OuterRef("recipient"))
            .order_by("-created_at")
            .values("created_at")[:1]
        )
        digest_time = EmailSettings.objects.filter(user=OuterRef("recipient")).values(
            "digest_time"
        )[:1]
        # A person who has never had a digest gets what came in the last day: switching a
        # kind from «не присылать» to «раз в день» does not mail its whole history.
        first_since = now - timedelta(days=1)
        rows = (
            Notification.objects.filter(
                emailed_at__isnull=True,
                digest__isnull=True,
                # What was read on the portal needs no letter.
                read_at__isnull=True,
                recipient__is_active=True,
                # Never more than the last days (beat may have been down): the «не присылать»
                # ones, never e-mailed, pile up and are not read again and again.
                created_at__gt=now - DIGEST_WINDOW,
                created_at__lte=now,
            )
            .exclude(recipient__email="")
            .annotate(
                email_choice=notifications.email_choice_of_row(),
                since=Coalesce(Subquery(last), Value(first_since), output_field=DateTimeField()),
                zone=first_zone_of("recipient"),
                digest_time=Coalesce(
                    Subquery(digest_time),
                    Value(DEFAULT_DIGEST_TIME),
                    output_field=TimeField(),
                ),
            )
            .filter(email_choice=EMAIL_DAILY)
            .values_list("pk", "recipient_id", "created_at", "since", "zone", "digest_time")
        )
        due: dict[int, list[int]] = defaultdict(list)
        days = {}
        for pk, user_id, created_at, since, zone, at in rows:
            # A move that committed just after the last digest was gathered may have been
            # stamped just before it: those of the margin not in that digest come now.
            if created_at <= since - LATE_COMMIT:
                continue
            local = now.astimezone(zoneinfo.ZoneInfo(zone))
            if local.time() < at:
                continue
            due[user_id].append(pk)
            days[user_id] = local.date()
        if not due:
            return []
        done = set(
            EmailDigest.objects.filter(
                user_id__in=list(due), day__in=set(days.values())
            ).values_list("user_id", "day")
        )
        claimed = [
            EmailDigest(user_id=user_id, day=days[user_id], created_at=now)
            for user_id in due
            if (user_id, days[user_id]) not in done
        ]
        if not claimed:
            return []
        EmailDigest.objects.bulk_create(claimed)
        ids = [d.pk for d in claimed]
        Notification.objects.filter(pk__in=[pk for d in claimed for pk in due[d.user_id]]).update(
            digest=Subquery(
                EmailDigest.objects.filter(pk__in=ids, user=OuterRef("recipient")).values("pk")[:1]
            )
        )
        outbox.enqueue(send_digest_letters, ids)
    return ids


# Choices


@transaction.atomic
def email_unsubscribe(*, target: Unsubscribe) -> list[str]:
    """Switch the target's kinds to «не присылать»; returns the labels of those that were
    not already off."""
    from .services import audit_record

    current = notifications.email_choices(target.user)
    changed = [k for k in target.kinds if current.get(k) != EmailChoice.NEVER]
    for kind in changed:
        target.user.email_preferences.update_or_create(
            kind=kind, defaults={"choice": EmailChoice.NEVER}
        )
    if changed:
        audit_record(
            actor=target.user,
            action="email.unsubscribe",
            obj=target.user,
            changes={"kinds": [_choice_change(k, current[k], EmailChoice.NEVER) for k in changed]},
        )
    return [notifications.kind_label(k) for k in changed]


@transaction.atomic
def email_settings_update(*, actor: User, choices: dict[str, str], digest_time) -> int:
    """Store the person's choice for each kind and their digest time; returns how many things
    changed. A choice equal to the kind's default keeps no row, so that a default changed
    later reaches those who never chose."""
    from .services import audit_record

    current = notifications.email_choices(actor)
    changes, kinds = {}, []
    for kind, choice in choices.items():
        if not notifications.is_registered(kind) or current.get(kind) == choice:
            continue
        kinds.append(_choice_change(kind, current[kind], choice))
        if choice == notifications.kind_email_default(kind):
            actor.email_preferences.filter(kind=kind).delete()
        else:
            actor.email_preferences.update_or_create(kind=kind, defaults={"choice": choice})
    old_time = (
        EmailSettings.objects.filter(user=actor).values_list("digest_time", flat=True).first()
        or DEFAULT_DIGEST_TIME
    )
    if digest_time != old_time:
        EmailSettings.objects.update_or_create(user=actor, defaults={"digest_time": digest_time})
        changes["digest_time"] = f"{old_time:%H:%M} → {digest_time:%H:%M}"
    if kinds:
        changes = {"kinds": kinds, **changes}
    if changes:
        audit_record(actor=actor, action="email.settings", obj=actor, changes=changes)
    return len(changes)


def _choice_change(kind: str, old: str, new: str) -> str:
    """«Приказ на подписи»: сразу → раз в день — what the journal shows."""
    label = notifications.kind_label(kind)
    return f"«{label}»: {EmailChoice(old).label} → {EmailChoice(new).label}"


def digest_time_of(user) -> time:
    return (
        EmailSettings.objects.filter(user=user).values_list("digest_time", flat=True).first()
        or DEFAULT_DIGEST_TIME
    )
