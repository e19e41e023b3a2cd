"""Notifications by e-mail through a real SMTP server: «сразу», «раз в день», «не присылать»,
the signed unsubscribe link and the settings page."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.tutoring.factories import MunicipalityFactory, UserFactory, user_with_role
from tutoring import letters, notifications, tasks
from tutoring.models import (
    AuditEntry,
    EmailDigest,
    EmailPreference,
    EmailSettings,
    Notification,
    QueuedTask,
    RoleKind,
)

pytestmark = pytest.mark.django_db

SENT = "community.order.sent"  # «сразу» by default
READY = "tutoring.document.ready"  # «раз в день» by default
FAILED = "tutoring.document.failed"
PORTAL = settings.PORTAL_URL.rstrip("/")


def person(email="m.ivanova@example.ru", *, zone="Europe/Moscow", **fields):
    municipality = MunicipalityFactory(timezone=zone)
    return user_with_role(RoleKind.METHODIST, municipality=municipality, email=email, **fields)


def tell(user, *, kind=SENT, text="Приказ № 5 ждёт вашей подписи.", link="/orders/5/", **kw):
    return notifications.notify(recipients=[user], kind=kind, text=text, link=link, **kw)


def path_of(url: str) -> str:
    return url.removeprefix(PORTAL)


# «сразу»


def test_it_mails_a_notification_at_once_with_its_link_and_unsubscribe_link(mailbox):
    user = person()
    with mailbox.sending():
        tell(user)
    letter = mailbox.last("m.ivanova@example.ru")
    assert letter.subject == "Приказ на подписи"
    assert letter.body.startswith("Здравствуйте, Мария Петровна!")
    assert "Приказ № 5 ждёт вашей подписи." in letter.body
    assert f"{PORTAL}/orders/5/" in letter.links
    unsubscribe = next(link for link in letter.links if "/unsubscribe/" in link)
    assert letter.headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert letter.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"{PORTAL}/notifications/email/" in letter.links
    assert Notification.objects.get().emailed_at is not None


def test_it_does_not_mail_the_actor_nor_a_user_without_an_address(mailbox):
    actor, silent = person("actor@example.ru"), person(email="")
    with mailbox.sending():
        notifications.notify(recipients=[actor, silent], kind=SENT, text="Приказ.", actor=actor)
    assert mailbox.letters == []
    assert Notification.objects.get().recipient == silent  # still in the inbox
    assert not QueuedTask.objects.exists()


def test_it_mails_nothing_when_the_move_rolls_back(mailbox):
    user = person()
    with mailbox.sending(), pytest.raises(RuntimeError), transaction.atomic():
        tell(user)
        raise RuntimeError("the move failed")
    assert mailbox.letters == []
    assert not Notification.objects.exists()


def test_a_task_run_again_does_not_send_twice(mailbox):
    user = person()
    with mailbox.sending():
        tell(user)
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert tasks.send_notification_letters(ids) == 0  # a retry, or the sweep, sends it again
    assert len(mailbox.to("m.ivanova@example.ru")) == 1


def test_a_letter_carries_the_files_of_its_kind(mailbox, monkeypatch):
    monkeypatch.setattr(notifications, "_attachments", {})
    notifications.register_attachments(
        "community.order.",
        lambda n: [("order.pdf", b"%PDF-1.7 " + bytes(range(256)), "application/pdf")],
    )
    user = person()
    with mailbox.sending():
        tell(user)
    assert mailbox.last().attachments == [
        ("order.pdf", "application/pdf", b"%PDF-1.7 " + bytes(range(256)))
    ]


# «не присылать»


def test_never_sends_no_letter_and_keeps_the_notification(mailbox):
    user = person()
    EmailPreference.objects.create(user=user, kind=SENT, choice="never")
    with mailbox.sending():
        tell(user)
    assert mailbox.letters == []
    assert Notification.objects.filter(recipient=user).count() == 1
    assert letters.claim_digests(now=datetime(2030, 1, 1, 12, tzinfo=UTC)) == []


# «раз в день»


def yekaterinburg(hour, minute=0, day=10):
    """A moment of the Yekaterinburg day (UTC+5), as UTC."""
    return datetime(2026, 12, day, hour - 5, minute, tzinfo=UTC)


@pytest.fixture
def daily_user(db):
    user = person(zone="Asia/Yekaterinburg")
    EmailPreference.objects.create(user=user, kind=FAILED, choice="daily")
    return user


def note(user, kind, text, at, link="/documents/1/"):
    return Notification.objects.create(
        recipient=user, kind=kind, text=text, link=link, created_at=at
    )


def test_daily_sends_nothing_at_once_nor_before_the_digest_time(mailbox, daily_user):
    with mailbox.sending():
        tell(daily_user, kind=READY, text="Приказ № 5 сформирован.", link="/documents/5/")
        # 07:50 in Yekaterinburg, the digest is at 08:00
        assert letters.claim_digests(now=yekaterinburg(7, 50, day=3)) == []
    assert mailbox.letters == []


def test_daily_gives_one_digest_with_every_item_grouped_by_kind(mailbox, daily_user):
    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0), "/documents/5/")
    note(daily_user, READY, "План на год сформирован.", yekaterinburg(7, 10), "/documents/6/")
    note(daily_user, FAILED, "Отчёт не сформирован.", yekaterinburg(7, 20), "/documents/7/")
    with mailbox.sending():
        letters.claim_digests(now=yekaterinburg(8, 5))
        letters.claim_digests(now=yekaterinburg(8, 20))  # the next run of the day
    [letter] = mailbox.to("m.ivanova@example.ru")
    assert letter.subject == "3 новых уведомления"
    assert "За день на портале для вас 3 новых уведомления." in letter.body
    for text in ("Приказ № 5 сформирован.", "План на год сформирован.", "Отчёт не сформирован."):
        assert text in letter.body
    assert letter.body.index("Документ не сформирован") < letter.body.index("Отчёт не")
    assert letter.body.index("Документ сформирован\n") < letter.body.index("Приказ № 5")
    assert f"{PORTAL}/documents/6/" in letter.links
    assert "в 08:00" in letter.body
    assert letter.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_digest_follows_the_chosen_time(mailbox, daily_user):
    EmailSettings.objects.create(user=daily_user, digest_time=time(18, 30))
    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0))
    with mailbox.sending():
        assert letters.claim_digests(now=yekaterinburg(8, 5)) == []
        assert len(letters.claim_digests(now=yekaterinburg(18, 40))) == 1
    assert mailbox.last().subject == "1 новое уведомление"
    assert "в 18:30" in mailbox.last().body


def test_what_comes_after_the_digest_waits_for_the_next_day(mailbox, daily_user):
    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0))
    with mailbox.sending():
        letters.claim_digests(now=yekaterinburg(8, 5))
    note(daily_user, READY, "Приказ № 6 сформирован.", yekaterinburg(9, 0))
    with mailbox.sending():
        assert letters.claim_digests(now=yekaterinburg(12, 0)) == []
        assert len(letters.claim_digests(now=yekaterinburg(8, 5, day=11))) == 1
    first, second = mailbox.to("m.ivanova@example.ru")
    assert "Приказ № 6" not in first.body
    assert "Приказ № 6" in second.body and "Приказ № 5" not in second.body


def test_a_digest_task_run_again_does_not_send_twice(mailbox, daily_user):
    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0))
    with mailbox.sending():
        ids = letters.claim_digests(now=yekaterinburg(8, 5))
    assert tasks.send_digest_letters(ids) == 0
    assert len(mailbox.letters) == 1
    assert EmailDigest.objects.get().sent_at is not None


def test_what_was_read_on_the_portal_stays_out_of_the_digest(mailbox, daily_user):
    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0))
    read = note(daily_user, READY, "План на год сформирован.", yekaterinburg(7, 10))
    notifications.mark_read(daily_user, [read.pk])
    with mailbox.sending():
        letters.claim_digests(now=yekaterinburg(8, 5))
    assert mailbox.last().subject == "1 новое уведомление"
    assert "План на год" not in mailbox.last().body


def test_a_digest_claimed_and_not_yet_sent_is_not_claimed_again(daily_user):
    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0))
    assert len(letters.claim_digests(now=yekaterinburg(8, 5))) == 1  # its letter not yet sent
    assert letters.claim_digests(now=yekaterinburg(8, 20)) == []
    assert letters.claim_digests(now=yekaterinburg(8, 5, day=11)) == []
    assert EmailDigest.objects.count() == 1


def test_a_second_run_at_the_same_time_waits_for_the_first(daily_user):
    import psycopg

    note(daily_user, READY, "Приказ № 5 сформирован.", yekaterinburg(7, 0))
    params = connection.settings_dict
    other = psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"],
        host=params["HOST"],
        port=params["PORT"],
    )
    with other, other.cursor() as cursor:  # another worker's run, under way
        cursor.execute("SELECT pg_advisory_lock(%s)", [letters.DIGEST_LOCK])
        assert letters.claim_digests(now=yekaterinburg(8, 5)) == []
        cursor.execute("SELECT pg_advisory_unlock(%s)", [letters.DIGEST_LOCK])
    assert len(letters.claim_digests(now=yekaterinburg(8, 20))) == 1


def test_digest_subjects_read_in_russian():
    assert letters.digest_subject(1) == "1 новое уведомление"
    assert letters.digest_subject(3) == "3 новых уведомления"
    assert letters.digest_subject(5) == "5 новых уведомлений"
    assert letters.digest_subject(21) == "21 новое уведомление"


def test_the_digest_run_takes_the_same_queries_for_more_people(db):
    def run(count, day):
        for n in range(count):
            user = person(f"p{day}-{n}@example.ru", zone="Asia/Yekaterinburg")
            note(user, READY, "Приказ сформирован.", yekaterinburg(7, 0, day=day))
            note(user, READY, "План сформирован.", yekaterinburg(7, 5, day=day))
        with CaptureQueriesContext(connection) as queries:
            assert len(letters.claim_digests(now=yekaterinburg(8, 5, day=day))) == count
        return len(queries)

    assert run(2, day=10) == run(7, day=11)


def test_send_digests_runs_from_cron_and_beat(db, daily_user, capsys):
    note(daily_user, READY, "Приказ № 5 сформирован.", datetime.now(UTC) - timedelta(hours=1))
    EmailSettings.objects.create(user=daily_user, digest_time=time(0, 0))
    call_command("send_digests")
    assert "Поставлено в очередь: 1 сводка." in capsys.readouterr().out
    call_command("send_digests")
    assert "Сводок к отправке нет." in capsys.readouterr().out
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(entry["task"] == "tutoring.tasks.send_digests" for entry in schedule.values())


# The unsubscribe link


def unsubscribe_link(mailbox, address="m.ivanova@example.ru") -> str:
    letter = mailbox.last(address)
    return path_of(next(link for link in letter.links if "/unsubscribe/" in link))


def test_the_unsubscribe_link_works_without_signing_in_and_only_for_its_kind(mailbox):
    user = person()
    with mailbox.sending():
        tell(user)
    link = unsubscribe_link(mailbox)
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(link)
    assert page.status_code == 200
    assert "«Приказ на подписи»" in page.content.decode()
    assert not EmailPreference.objects.exists()  # opening the link only asks
    done = anonymous.post(link)
    assert done.status_code == 200
    assert "больше не придут" in done.content.decode()
    assert notifications.email_choices(user)[SENT] == "never"
    assert notifications.email_choices(user)[FAILED] == "now"
    entry = AuditEntry.objects.get(action="email.unsubscribe")
    assert entry.changes == {"kinds": ["«Приказ на подписи»: сразу → не присылать"]}
    mailbox.clear()
    with mailbox.sending():
        tell(user)
        tell(user, kind=FAILED, text="Приказ № 5 не сформирован.")
    assert [letter.subject for letter in mailbox.letters] == ["Документ не сформирован"]


def test_a_mail_client_unsubscribes_with_one_click(mailbox):
    user = person()
    with mailbox.sending():
        tell(user)
    response = Client(enforce_csrf_checks=True).post(
        unsubscribe_link(mailbox), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert notifications.email_choices(user)[SENT] == "never"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_is_refused(mailbox, method):
    user = person()
    with mailbox.sending():
        tell(user)
    link = unsubscribe_link(mailbox)
    forged = letters.unsubscribe_token(user.pk, [SENT]).replace(":", ":x", 1)
    for bad in (link[:-3] + "xx/", f"/notifications/email/unsubscribe/{forged}/"):
        assert getattr(Client(), method)(bad).status_code == 400
    assert not EmailPreference.objects.exists()


def test_a_link_signed_for_another_purpose_is_refused(db):
    from django.core import signing

    user = person()
    token = signing.dumps({"u": user.pk, "k": [SENT]}, salt="another.purpose")
    assert Client().post(f"/notifications/email/unsubscribe/{token}/").status_code == 400
    assert not EmailPreference.objects.exists()


# The settings page


def test_the_settings_page_lists_every_kind_by_group(client):
    user = person()
    client.force_login(user)
    page = client.get("/notifications/email/").content.decode()
    assert "Уведомления по почте" in page
    assert '<legend class="h6">Приказы</legend>' in page
    assert "Приказ на подписи" in page and "Документ сформирован" in page
    assert 'type="time"' in page and 'value="08:00"' in page
    assert 'href="/notifications/email/"' in client.get("/notifications/").content.decode()


def test_the_settings_page_stores_choices_and_the_digest_time(client):
    user = person()
    client.force_login(user)
    data = {**notifications.email_choices(user), SENT: "daily", "digest_time": "19:15"}
    response = client.post("/notifications/email/", data)
    assert response.status_code == 302
    assert notifications.email_choices(user)[SENT] == "daily"
    assert letters.digest_time_of(user) == time(19, 15)
    # Only a choice that differs from the kind's default is kept.
    assert list(EmailPreference.objects.values_list("kind", flat=True)) == [SENT]
    entry = AuditEntry.objects.get(action="email.settings")
    assert entry.changes == {
        "kinds": ["«Приказ на подписи»: сразу → раз в день"],
        "digest_time": "08:00 → 19:15",
    }
    assert entry.change_items == [
        ("письма по видам уведомлений", "«Приказ на подписи»: сразу → раз в день"),
        ("время сводки", "08:00 → 19:15"),
    ]


def test_the_settings_page_names_the_zone_by_its_city(client):
    client.force_login(person(zone="Asia/Yekaterinburg"))
    page = client.get("/notifications/email/").content.decode()
    assert "Часовой пояс: Екатеринбург (UTC+5)." in page
    assert "Asia/Yekaterinburg" not in page


def test_the_settings_page_needs_a_signed_in_user(client):
    response = client.get("/notifications/email/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_user_without_roles_reads_the_portal_zone(db):
    assert letters.user_zone(UserFactory()).key == settings.TIME_ZONE
    assert letters.user_zone(person(zone="Asia/Yekaterinburg")).key == "Asia/Yekaterinburg"
