"""The reminders' mechanism (tutoring.reminders): each person told of each object once, even
by two workers at the same moment; `manage.py send_reminders`; the queries of a run."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.consultations.test_reminders import session_at
from tutoring import reminders
from tutoring.models import Notification, SentReminder
from tutoring.tasks import send_reminders

NOW = timezone.now()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_moment_tell_each_person_once():
    for hours in (3, 10, 20):
        session_at(NOW + timedelta(hours=hours))
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(reminders.run(NOW)["consultations.session.tomorrow"])
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(results) in ([0, 9], [3, 6], [4, 5], [1, 8], [2, 7])
    assert Notification.objects.filter(kind="consultations.session.tomorrow").count() == 9
    assert SentReminder.objects.count() == 9


def test_the_command_prints_what_it_sent_by_kind(db):
    session_at(NOW + timedelta(hours=20))
    out = StringIO()

    call_command("send_reminders", "--now", NOW.isoformat(), stdout=out)
    call_command("send_reminders", "--now", NOW.isoformat(), stdout=(again := StringIO()))

    assert "Занятие завтра: 3" in out.getvalue()
    assert "Всего отправлено: 3 напоминания." in out.getvalue()
    assert "Всего отправлено: 0 напоминаний." in again.getvalue()


def test_the_command_refuses_a_moment_it_cannot_read(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("send_reminders", "--now", "завтра")


def test_the_beat_task_sends_what_is_due(db):
    session_at(timezone.now() + timedelta(hours=20))

    assert send_reminders()["consultations.session.tomorrow"] == 3
    assert send_reminders()["consultations.session.tomorrow"] == 0


def queries_of_a_run(now) -> int:
    with CaptureQueriesContext(connection) as queries:
        reminders.run(now)
    return len(queries)


def test_a_run_takes_a_fixed_number_of_queries_and_two_more_per_object_told(db):
    session_at(NOW + timedelta(days=3))  # a municipality, nothing due
    idle = queries_of_a_run(NOW)
    for hours in range(1, 4):
        session_at(NOW + timedelta(hours=hours))
    three = queries_of_a_run(NOW)
    for hours in range(4, 10):
        session_at(NOW + timedelta(hours=hours))
    again = queries_of_a_run(NOW)  # the three already told cost nothing more
    six_more = queries_of_a_run(NOW)

    # Per rule: what is due, its people's roles and activity; the insert; per object told
    # the notify() of its people (who is active, the inbox rows).
    assert idle <= 16
    assert three - idle <= 4 + 2 * 3
    assert again - idle <= 4 + 2 * 6
    assert six_more - idle <= 4
