from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    UserFactory,
    user_with_role,
)
from tutoring import notifications
from tutoring.demo import DEMO_LOGINS
from tutoring.models import Notification, QueuedTask, RoleKind, User

READY = "tutoring.document.ready"
FAILED = "tutoring.document.failed"


def note(user, *, kind=READY, text="Документ сформирован.", link="/", read=False, **fields):
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        text=text,
        link=link,
        read_at=timezone.now() if read else None,
        **fields,
    )


# The API


def test_it_notifies_each_recipient_once_and_never_the_actor(db):
    actor, first, second = UserFactory(), UserFactory(), UserFactory()
    created = notifications.notify(
        recipients=[first, second, first, actor.pk],
        kind=READY,
        text="Приказ № 5 сформирован.",
        link="/documents/5/download/",
        actor=actor,
    )
    assert created == 2
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == sorted(
        [first.username, second.username]
    )


def test_it_skips_a_recipient_not_set(db):
    user = UserFactory()
    assert notifications.notify(recipients=[None, user], kind=READY, text="Готово.") == 1


def test_it_skips_inactive_users(db):
    gone = UserFactory(is_active=False)
    assert notifications.notify(recipients=[gone], kind=READY, text="Готово.") == 0
    assert not Notification.objects.exists()


def test_it_records_what_object_it_is_about(db):
    user = UserFactory()
    school = OrganizationFactory()
    notifications.notify(recipients=[user], kind=READY, text="Готово.", obj=school)
    assert Notification.objects.get().object_key == f"tutoring.organization:{school.pk}"


def test_it_writes_all_recipients_in_one_insert(db, django_assert_num_queries):
    users = [UserFactory() for _ in range(20)]
    # The active recipients, then one INSERT.
    with django_assert_num_queries(2):
        assert notifications.notify(recipients=users, kind=READY, text="Готово.") == 20


def test_it_queues_one_letter_task_for_all_who_want_letters_at_once(db, django_assert_num_queries):
    users = [UserFactory(email=f"u{n}@example.ru") for n in range(20)]
    # The active recipients with their choices, one INSERT, one outbox row.
    with django_assert_num_queries(3):
        notifications.notify(recipients=users, kind=FAILED, text="Не сформирован.")
    [task] = QueuedTask.objects.all()
    assert task.task == "tutoring.tasks.send_notification_letters"
    assert sorted(task.args[0]) == sorted(Notification.objects.values_list("pk", flat=True))


def test_it_refuses_an_unregistered_kind(db):
    with pytest.raises(ValueError):
        notifications.notify(recipients=[UserFactory()], kind="nobody.knows", text="?")


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/x", "documents/1/", "/\\evil.example"]
)
def test_it_refuses_a_link_outside_the_portal(db, link):
    with pytest.raises(ValueError):
        notifications.notify(recipients=[UserFactory()], kind=READY, text="?", link=link)
    assert not Notification.objects.exists()


def test_it_labels_kinds_in_russian():
    assert notifications.kind_label(READY) == "Документ сформирован"
    assert notifications.kind_label("gone.kind") == "Уведомление"


def test_it_refuses_a_kind_registered_twice_with_other_words():
    notifications.register_kind(FAILED, "Документ не сформирован", group="Документы")
    with pytest.raises(Exception, match="registered twice"):
        notifications.register_kind(FAILED, "Что-то другое")


def test_it_counts_and_marks_only_the_users_own(db):
    user, other = UserFactory(), UserFactory()
    mine = [note(user), note(user), note(user, read=True)]
    theirs = note(other)
    assert notifications.unread_count(user) == 2
    assert notifications.mark_read(user, [mine[0].pk, theirs.pk]) == 1
    assert notifications.unread_count(user) == 1
    assert notifications.unread_count(other) == 1
    assert notifications.mark_all_read(user) == 1
    assert notifications.unread_count(user) == 0
    assert notifications.unread_count(other) == 1


# The bell


def test_it_shows_the_unread_count_in_the_navigation(client, db):
    user = UserFactory()
    for _ in range(3):
        note(user)
    note(user, read=True)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'data-testid="nav-bell-count">3<' in page
    assert "Уведомления: 3 непрочитанных" in page
    assert 'hx-get="/notifications/bell/" hx-trigger="every 60s"' in page


def test_it_shows_no_count_when_all_are_read(client, db):
    user = UserFactory()
    note(user, read=True)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'data-testid="nav-bell"' in page
    assert "nav-bell-count" not in page
    assert "непрочитанных нет" in page


def test_it_refreshes_the_badge_alone(client, db):
    user = UserFactory()
    note(user)
    client.force_login(user)
    response = client.get("/notifications/bell/")
    assert response.status_code == 200
    assert 'data-testid="nav-bell-count">1<' in response.content.decode()
    assert "<nav" not in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_it_counts_the_bell_in_one_query(client, db, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    client.get("/notifications/bell/")
    # The session, the user with the count, their roles (for the time zone).
    with django_assert_max_num_queries(3):
        client.get("/notifications/bell/")


def test_it_counts_in_the_query_that_loads_the_user(client, db):
    user = user_with_role(RoleKind.TEACHER)
    note(user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as page:
        body = client.get("/profile/").content.decode()
    assert 'data-testid="nav-bell-count">1<' in body
    counted = [q["sql"] for q in page.captured_queries if "tutoring_notification" in q["sql"]]
    assert len(counted) == 1
    assert counted[0].startswith('SELECT "tutoring_user"."id"')


def test_it_shows_the_bell_to_every_role(client, db):
    for kind in RoleKind.values:
        user = user_with_role(kind)
        client.force_login(user)
        assert 'data-testid="nav-bell"' in client.get("/").content.decode(), kind


def test_it_stops_polling_the_bell_once_signed_out(client, db):
    response = client.get("/notifications/bell/")
    assert response.status_code == 286
    assert response.content == b""


# The inbox


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    for url in ["/notifications/", "/notifications/1/open/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_it_lists_unread_ones_first_and_all_on_the_other_tab(client, db):
    user = UserFactory()
    note(user, text="Новое уведомление")
    note(user, text="Прочитанное уведомление", read=True)
    note(UserFactory(), text="Чужое уведомление")
    client.force_login(user)
    unread = client.get("/notifications/").content.decode()
    assert "Новое уведомление" in unread
    assert "Прочитанное уведомление" not in unread
    everything = client.get("/notifications/?show=all").content.decode()
    assert "Новое уведомление" in everything and "Прочитанное уведомление" in everything
    assert "Чужое уведомление" not in everything


def test_it_filters_by_kind_with_russian_labels(client, db):
    user = UserFactory()
    note(user, kind=READY, text="Приказ сформирован")
    note(user, kind=FAILED, text="Приказ не сформирован")
    client.force_login(user)
    page = client.get(f"/notifications/?show=all&kind={FAILED}").content.decode()
    assert "Приказ не сформирован" in page
    assert "Приказ сформирован<" not in page
    assert "Документ не сформирован" in page  # the filter's option and the item's kind


def test_it_marks_one_read_by_htmx_and_updates_the_bell(client, db):
    user = UserFactory()
    item, other = note(user), note(user)
    client.force_login(user)
    response = client.post(f"/notifications/{item.pk}/read/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert f'id="notification-{item.pk}"' in body
    assert "Отметить прочитанным" not in body
    assert 'hx-swap-oob="true"' in body and 'data-testid="nav-bell-count">1<' in body
    # The tab's count follows the bell.
    assert '<span id="inbox-unread-count" hx-swap-oob="true">' in body
    assert 'data-testid="inbox-unread-count">1<' in body
    item.refresh_from_db(), other.refresh_from_db()
    assert item.is_read and not other.is_read


def test_it_marks_one_read_without_htmx_and_returns_to_the_list(client, db):
    user = UserFactory()
    item = note(user)
    client.force_login(user)
    response = client.post(f"/notifications/{item.pk}/read/", {"next": "/notifications/?show=all"})
    assert response["Location"] == "/notifications/?show=all"
    item.refresh_from_db()
    assert item.is_read


def test_it_never_redirects_elsewhere_after_marking(client, db):
    user = UserFactory()
    item = note(user)
    client.force_login(user)
    response = client.post(f"/notifications/{item.pk}/read/", {"next": "https://evil.example/"})
    assert response["Location"] == "/notifications/"


def test_it_marks_all_read(client, db):
    user, other = UserFactory(), UserFactory()
    for _ in range(3):
        note(user)
    theirs = note(other)
    client.force_login(user)
    response = client.post("/notifications/read-all/", follow=True)
    assert "3 уведомления отмечены прочитанными." in response.content.decode()
    assert notifications.unread_count(user) == 0
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_it_refuses_to_mark_by_get(client, db):
    user = UserFactory()
    item = note(user)
    client.force_login(user)
    assert client.get(f"/notifications/{item.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405


def test_it_opens_the_link_and_marks_it_read(client, db):
    user = UserFactory()
    item = note(user, link="/profile/")
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert f'href="/notifications/{item.pk}/open/"' in page
    response = client.get(f"/notifications/{item.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    item.refresh_from_db()
    assert item.is_read


def test_it_opens_the_inbox_for_an_item_without_a_link(client, db):
    user = UserFactory()
    item = note(user, link="")
    client.force_login(user)
    assert client.get(f"/notifications/{item.pk}/open/")["Location"] == "/notifications/"


def test_it_hides_another_users_item(client, db):
    owner, other = UserFactory(), UserFactory()
    item = note(owner, link="/profile/")
    client.force_login(other)
    assert client.get(f"/notifications/{item.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{item.pk}/read/").status_code == 404
    item.refresh_from_db()
    assert not item.is_read


def test_it_shows_times_in_the_municipality_zone(client, db):
    kaltan = user_with_role(
        RoleKind.TEACHER, municipality=MunicipalityFactory(timezone="Asia/Novokuznetsk")
    )
    at = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
    note(kaltan, created_at=at)
    client.force_login(kaltan)
    assert "02.03.2026 12:30" in client.get("/notifications/").content.decode()


def bulk_notes(user, count):
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=user,
            kind=READY if i % 2 else FAILED,
            text=f"Уведомление № {i}",
            link=f"/documents/{i}/download/",
            created_at=now - timedelta(minutes=i),
            read_at=now if i % 3 == 0 else None,
        )
        for i in range(count)
    )


def test_it_keeps_the_inbox_queries_constant_with_10000_notifications(
    client, db, django_assert_max_num_queries
):
    user = user_with_role(RoleKind.METHODIST)
    client.force_login(user)
    bulk_notes(user, 10)
    client.get("/notifications/")
    with django_assert_max_num_queries(5) as few:
        assert client.get("/notifications/?show=all").status_code == 200
    bulk_notes(user, 10_000)
    # The session, the user with the unread count, their roles, the page's count and rows.
    with django_assert_max_num_queries(5) as many:
        response = client.get(f"/notifications/?show=all&kind={READY}&page=3")
    assert response.status_code == 200
    assert "Страница 3 из 101" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


# The demo


def test_it_loads_the_demo_notifications_once(demo):
    from tutoring.demo import load_demo

    before = Notification.objects.count()
    load_demo()
    assert Notification.objects.count() == before


def test_it_gives_every_demo_login_read_and_unread_notifications(demo, client):
    for user in User.objects.filter(username__in=DEMO_LOGINS):
        inbox = Notification.objects.filter(recipient=user)
        assert inbox.filter(read_at__isnull=True).exists(), user.username
        assert inbox.filter(read_at__isnull=False).exists(), user.username


def test_it_links_the_demo_notifications_to_pages_that_open(demo, client):
    for user in User.objects.filter(username__in=DEMO_LOGINS):
        client.force_login(user)
        for item in Notification.objects.filter(recipient=user):
            response = client.get(f"/notifications/{item.pk}/open/", follow=True)
            assert response.status_code == 200, (user.username, item.link)
