"""The outbox: a task is recorded with the change that needs it, sent after the commit, swept
again when it was not picked up or its worker died, and given up with a reason after its
tries. These tests run against the real Redis with no worker listening: a sent task waits in
the queue, which is what «dispatched» means."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from community.services.orders import ORDER_DOCUMENT
from tests.community.factories import OrderFactory
from tests.tutoring.factories import user_with_role
from tutoring import documents, outbox
from tutoring.models import AuditEntry, Document, QueuedTask, RoleKind
from tutoring.tasks import ping, render_document


def rows():
    return list(QueuedTask.objects.order_by("pk"))


def test_it_records_the_task_with_the_change_and_sends_it_after_the_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(ping, key="test:1")
        assert QueuedTask.objects.get(pk=row.pk).dispatched_at is None
    row.refresh_from_db()
    assert row.task == "tutoring.tasks.ping" and row.args == [] and row.key == "test:1"
    assert row.dispatched_at is not None and row.started_at is None


def test_it_forgets_the_task_of_a_change_that_rolled_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                outbox.enqueue(ping, key="test:1")
                raise RuntimeError("the change fails")
        except RuntimeError:
            pass
    assert rows() == [] and callbacks == []


def test_it_deletes_the_row_once_the_task_has_run(db, monkeypatch):
    monkeypatch.setitem(render_document.app.conf, "task_always_eager", True)
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    with transaction.atomic():
        document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    # Inside the test's transaction on_commit does not fire; run what it would.
    outbox.dispatch(QueuedTask.objects.get(key=document.queue_key))
    document.refresh_from_db()
    assert document.is_ready
    assert rows() == []


def test_the_sweep_sends_what_the_broker_did_not_take(db):
    row = outbox.enqueue(ping, key="test:1")  # never dispatched: no commit in this test
    QueuedTask.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert outbox.state("test:1") == "waiting"
    assert outbox.sweep()["sent"] == 1
    row.refresh_from_db()
    assert row.dispatched_at is not None
    assert outbox.state("test:1") == ""


def test_the_sweep_leaves_a_task_just_recorded_to_its_own_commit(db):
    outbox.enqueue(ping, key="test:1")
    assert outbox.sweep()["sent"] == 0


def test_the_sweep_leaves_a_running_task_within_its_time_limit(db):
    row = outbox.enqueue(ping)
    started = timezone.now() - timedelta(minutes=3)
    QueuedTask.objects.filter(pk=row.pk).update(
        created_at=started, dispatched_at=started, started_at=started, attempts=1
    )
    assert not any(outbox.sweep().values())


def test_the_sweep_sends_again_a_task_whose_worker_died(db):
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    row = QueuedTask.objects.get(key=document.queue_key)
    # A worker took it ten minutes ago and died: the render's hard limit is five minutes.
    started = timezone.now() - timedelta(minutes=10)
    QueuedTask.objects.filter(pk=row.pk).update(
        created_at=started, dispatched_at=started, started_at=started, attempts=1
    )
    assert document.queue_state() == "stuck"
    assert outbox.sweep()["resent"] == 1
    row.refresh_from_db()
    assert row.started_at is None and row.dispatched_at > started and row.attempts == 1
    assert document.queue_state() == ""


def test_the_sweep_gives_up_after_three_deaths_and_the_page_offers_to_repeat(
    client, db, django_capture_on_commit_callbacks
):
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    started = timezone.now() - timedelta(minutes=10)
    QueuedTask.objects.filter(key=document.queue_key).update(
        created_at=started, dispatched_at=started, started_at=started, attempts=3
    )
    assert outbox.sweep()["given_up"] == 1
    document.refresh_from_db()
    assert document.is_failed
    assert "прерывалась 3 раза подряд" in document.error
    client.force_login(director)
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "прерывалась 3 раза подряд" in page and "Повторить" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/documents/{document.pk}/retry/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Не удалось" not in response.content.decode()
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "Документ формируется" in page
    document.refresh_from_db()
    assert document.is_pending and document.error == ""
    (row,) = rows()
    assert row.key == document.queue_key and row.failed_at is None and row.dispatched_at
    assert AuditEntry.objects.filter(action="document.retry", object_id=str(document.pk)).exists()


def test_it_says_a_document_waits_for_the_queue_and_offers_nothing_to_press(client, db):
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    client.force_login(director)
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "как только очередь задач станет доступна" in page
    assert "Повторить" not in page


def test_it_offers_to_repeat_a_document_pending_long_with_no_task_at_all(client, db):
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = Document.objects.create(
        kind=ORDER_DOCUMENT,
        object_id=str(order.pk),
        title="Приказ",
        municipality=order.municipality,
        requested_at=timezone.now() - timedelta(hours=2),
    )
    client.force_login(director)
    page = client.get(f"/documents/{document.pk}/status/").content.decode()
    assert "обработка прервалась" in page and "Повторить" in page


def test_it_lets_nobody_repeat_a_document_they_cannot_see(client, db):
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    client.force_login(user_with_role(RoleKind.DIRECTOR))  # another municipality
    assert client.post(f"/documents/{document.pk}/retry/").status_code == 404
    assert client.get(f"/documents/{document.pk}/retry/").status_code in (404, 405)
    client.logout()
    assert client.post(f"/documents/{document.pk}/retry/").status_code == 302  # to the login


def test_it_leaves_a_ready_document_as_it_is_on_repeat(client, db, monkeypatch):
    monkeypatch.setitem(render_document.app.conf, "task_always_eager", True)
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    outbox.dispatch(QueuedTask.objects.get(key=document.queue_key))
    document.refresh_from_db()
    digest = document.sha256
    documents.document_retry(actor=director, document=document)
    document.refresh_from_db()
    assert document.is_ready and document.sha256 == digest and rows() == []


def test_the_sweep_prunes_given_up_rows_after_a_month(db):
    row = outbox.enqueue(ping)
    QueuedTask.objects.filter(pk=row.pk).update(failed_at=timezone.now() - timedelta(days=31))
    assert outbox.sweep()["pruned"] == 1
    assert rows() == []


def test_the_command_sweeps_for_cron(db, capsys):
    row = outbox.enqueue(ping)
    QueuedTask.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    call_command("sweep_tasks")
    assert "Передано в очередь: 1" in capsys.readouterr().out
    row.refresh_from_db()
    assert row.dispatched_at is not None


@pytest.mark.parametrize(
    "name",
    [
        "tutoring.tasks.render_document",
        "tutoring.tasks.send_letter",
        "tutoring.tasks.send_notification_letters",
        "tutoring.tasks.send_digest_letters",
        "tutoring.imports.tasks.check_directory_import",
        "tutoring.imports.tasks.load_directory_import",
        "tutoring.imports.tasks.send_import_invitations",
        "monitoring.tasks.check_batch",
        "monitoring.tasks.load_batch",
    ],
)
def test_every_task_a_change_depends_on_has_a_time_limit_under_the_visibility_timeout(
    name, settings
):
    task = outbox._task(name)
    limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    assert limit <= settings.LONGEST_TASK_SECONDS
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > limit


def test_the_cron_command_finds_a_task_whose_module_nobody_imported(tmp_path):
    # `manage.py sweep_tasks` in a fresh process: no worker has imported the tasks modules.
    import subprocess
    import sys

    from django.conf import settings

    code = (
        "from tutoring import outbox; "
        "print(outbox._task('tutoring.imports.tasks.send_import_invitations').name)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().endswith("tutoring.imports.tasks.send_import_invitations"), (
        result.stderr
    )
