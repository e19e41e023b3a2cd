"""Reminders: notifications that nobody's move causes, only the clock (a session tomorrow, a
report not filed, a deadline near). Each app declares its rules in its `reminders.py` and
registers them in its AppConfig.ready():

    reminders.register(KINDS, RULES)

A rule is a key, the kind of notification it sends, a queryset of what is due at `now`, the
people to tell of each object, and the text and link of the notification. `run()` (the
Celery beat task `tutoring.tasks.send_reminders`, and `manage.py send_reminders` for cron)
tells each person of each object once: the pair is written to `SentReminder`, under a unique
constraint, in the transaction of the notification, so a second run — or a second worker
running at the same moment — finds it taken and tells nobody again.
"""

import datetime
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import notifications
from .models import Municipality, Role, RoleKind, SentReminder, User
from .notifications import object_key

GROUP = "Напоминания"
# A reminder of something older than this is noise, and on the first run after an upgrade it
# would tell of everything ever left undone.
LOOKBACK = datetime.timedelta(days=30)
# Rows of one INSERT: SQLite (the one-command demo) takes 32,766 parameters a statement.
_CHUNK = 2000


def _link(obj) -> str:
    return obj.get_absolute_url()


def _municipality_id(obj) -> int:
    return obj.municipality_id


@dataclass(frozen=True)
class Rule:
    key: str  # what SentReminder records: one rule tells a person of an object once
    kind: str  # the kind of notification it sends
    due: Callable[[datetime.datetime], QuerySet]  # what is due at `now`, with what text reads
    text: Callable  # text(obj, now): what the person reads
    people: Callable = lambda obj: ()  # people(obj): users or ids told of it
    # Holders of these roles in the object's municipality are told too (the methodists).
    roles: tuple[RoleKind, ...] = field(default=())
    link: Callable = _link
    municipality_id: Callable = _municipality_id


_rules: dict[str, Rule] = {}


def register(kinds: Iterable[tuple[str, str]], rules: Iterable[Rule]) -> None:
    """Register the notification kinds (key, label) of an app's reminders and its rules."""
    for key, label in kinds:
        notifications.register_kind(key, label, group=GROUP)
    for rule in rules:
        _rules[rule.key] = rule


def rules() -> list[Rule]:
    return list(_rules.values())


def run(now: datetime.datetime | None = None) -> dict[str, int]:
    """Send what is due at `now`: {rule key: notifications sent}."""
    now = now or timezone.now()
    return {rule.key: run_rule(rule, now) for rule in _rules.values()}


def run_rule(rule: Rule, now: datetime.datetime) -> int:
    objects = list(rule.due(now))
    if not objects:
        return 0
    wanted = _recipients(rule, objects)
    active = set(
        User.objects.filter(
            pk__in={pk for ids in wanted.values() for pk in ids}, is_active=True
        ).values_list("pk", flat=True)
    )
    by_key = {object_key(obj): obj for obj in objects}
    pairs = sorted(
        (object_key(obj), pk) for obj in objects for pk in wanted[obj.pk] if pk in active
    )
    sent = 0
    with transaction.atomic():
        taken = _take(rule.key, pairs, now)
        recipients = defaultdict(list)
        for key, pk in taken:
            recipients[key].append(pk)
        for key, ids in sorted(recipients.items()):
            obj = by_key[key]
            sent += notifications.notify(
                recipients=ids,
                kind=rule.kind,
                text=rule.text(obj, now),
                link=rule.link(obj),
                obj=obj,
            )
    return sent


def _recipients(rule: Rule, objects: list) -> dict[int, set[int]]:
    wanted = {obj.pk: {getattr(p, "pk", p) for p in rule.people(obj)} - {None} for obj in objects}
    if rule.roles:
        municipalities = {rule.municipality_id(obj) for obj in objects}
        holders = defaultdict(set)
        for municipality_id, user_id in Role.objects.filter(
            kind__in=rule.roles, municipality_id__in=municipalities
        ).values_list("municipality_id", "user_id"):
            holders[municipality_id].add(user_id)
        for obj in objects:
            wanted[obj.pk] |= holders[rule.municipality_id(obj)]
    return wanted


def _take(rule: str, pairs: list[tuple[str, int]], now) -> list[tuple[str, int]]:
    """Write (rule, object, recipient) for each pair not written before, and return those
    written: a pair another worker holds is waited for and then skipped, so each person is
    told once however many runs overlap. Pairs go in sorted order so that two runs lock the
    same rows in the same order and never deadlock."""
    table = connection.ops.quote_name(SentReminder._meta.db_table)
    taken = []
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), _CHUNK):
            chunk = pairs[start : start + _CHUNK]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params = [p for key, pk in chunk for p in (rule, key, pk, now)]
            cursor.execute(
                f"INSERT INTO {table} (rule, object_key, recipient_id, sent_at) VALUES {values} "
                "ON CONFLICT (rule, object_key, recipient_id) DO NOTHING "
                "RETURNING object_key, recipient_id",
                params,
            )
            taken.extend(cursor.fetchall())
    return taken


# Helpers of the rules' texts and queries.


def local(moment: datetime.datetime, municipality: Municipality) -> datetime.datetime:
    return timezone.localtime(moment, municipality.tzinfo)


def when(moment: datetime.datetime, municipality: Municipality, now: datetime.datetime) -> str:
    """«сегодня в 18:00», «завтра в 10:00» or «5 декабря в 10:00», in the municipality's time."""
    moment = local(moment, municipality)
    today = local(now, municipality).date()
    if moment.date() == today:
        day = "сегодня"
    elif moment.date() == today + datetime.timedelta(days=1):
        day = "завтра"
    else:
        day = f"{moment:%d.%m.%Y}"
    return f"{day} в {moment:%H:%M}"


def local_date_window(
    now: datetime.datetime, field_name: str, *, first: int, last: int, tz_field: str
) -> Q:
    """Objects whose date `field_name` lies from `first` to `last` days after today, today
    being the date in each object's municipality (`tz_field` is the path to its time zone):
    one condition per time zone in use, so one query however many municipalities."""
    zones = Municipality.objects.values_list("timezone", flat=True).distinct().order_by()
    condition = Q(pk__in=[])
    for zone in zones:
        today = timezone.localtime(now, zoneinfo.ZoneInfo(zone)).date()
        condition |= Q(
            **{
                tz_field: zone,
                f"{field_name}__gte": today + datetime.timedelta(days=first),
                f"{field_name}__lte": today + datetime.timedelta(days=last),
            }
        )
    return condition


def days_word(days: int) -> str:
    from .words import plural

    if days == 0:
        return "сегодня"
    if days == 1:
        return "завтра"
    return f"через {plural(days, 'день', 'дня', 'дней')}"
