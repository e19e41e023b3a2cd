"""The check of an uploaded list runs in a Celery task: the upload is stored and waits
«проверяется», the task keeps READY or REJECTED and drops the file, a check that cannot finish
fails with a reason and can be run again («Повторить»)."""

from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tests.tutoring.listfiles import bomb_file, huge_range_file, staff_file, upload
from tutoring import outbox
from tutoring.imports import services
from tutoring.imports.tasks import TOO_LONG, check_directory_import
from tutoring.models import (
    AuditEntry,
    DirectoryImport,
    DirectoryImportRow,
    QueuedTask,
    RoleKind,
    User,
)

pytestmark = pytest.mark.django_db
Status = DirectoryImport.Status
TASK = "tutoring.imports.tasks.check_directory_import"


@pytest.fixture
def school():
    SubjectFactory(name="Математика")
    return OrganizationFactory(short_name="МБОУ СОШ № 10", fis_oko_login="edu230110")


@pytest.fixture
def methodist(school):
    return user_with_role(RoleKind.METHODIST, municipality=school.municipality)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    # A folder of this test's own: what is left in it is what the test stored.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def eager(monkeypatch):
    # No worker in a unit test: the queued check runs in this process, as without a broker.
    monkeypatch.setitem(check_directory_import.app.conf, "task_always_eager", True)


def teacher_row(surname="Гусева", email="n.guseva@example.ru"):
    return ("edu230110", surname, "Нина", "", "учитель", "Математика", email, "", "")


def post_list(client, school, data, name="список.xlsx"):
    return client.post(
        reverse("imports:people_new"),
        {"file": upload(data, name), "municipality": school.municipality.pk},
    )


def stored_files() -> list[str]:
    def walk(folder):
        folders, files = (
            default_storage.listdir(folder) if default_storage.exists(folder) else ((), ())
        )
        for name in files:
            yield f"{folder}/{name}"
        for sub in folders:
            yield from walk(f"{folder}/{sub}")

    return list(walk("imports/lists"))


def uploaded(methodist, school, data=None) -> DirectoryImport:
    """An import stored and waiting for its check (the task not run)."""
    return services.directory_import_upload(
        actor=methodist,
        kind=DirectoryImport.Kind.PEOPLE,
        municipality=school.municipality,
        uploaded=upload(data or staff_file(teacher_row())),
    )


def failed(methodist, school) -> DirectoryImport:
    batch = uploaded(methodist, school)
    return services.directory_import_fail(batch.pk, reason="обработчик задач остановился.")


def test_it_stores_the_upload_and_shows_that_it_is_being_checked(
    client, methodist, school, django_capture_on_commit_callbacks
):
    data = staff_file(teacher_row())
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post_list(client, school, data)
    page = client.get(response.url).content.decode()

    batch = DirectoryImport.objects.get()
    assert batch.status == Status.CHECKING
    assert "проверяется" in page
    assert "Файл проверяется… Страница обновится сама" in page
    assert reverse("imports:progress", args=[batch.pk]) in page
    assert default_storage.open(batch.upload.name).read() == data
    assert len(queued) == 1
    assert not batch.rows.exists()


def test_the_check_ends_ready_with_the_summary_and_drops_the_file(
    client, methodist, school, eager, django_capture_on_commit_callbacks
):
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_list(
            client, school, staff_file(teacher_row(), teacher_row("Орлов", "p.orlov@example.ru"))
        )
    page = client.get(response.url).content.decode()

    batch = DirectoryImport.objects.get()
    assert batch.status == Status.READY
    assert batch.counts["new"] == 2
    assert "Подтвердить загрузку" in page
    assert "Гусева Нина — МБОУ СОШ № 10" in page
    assert not batch.upload
    assert stored_files() == []
    assert not User.objects.filter(last_name="Гусева").exists()


def test_a_rejected_list_keeps_only_its_problems(
    client, methodist, school, eager, django_capture_on_commit_callbacks
):
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_list(client, school, staff_file(teacher_row(email="не-адрес")))
    page = client.get(response.url).content.decode()

    batch = DirectoryImport.objects.get()
    assert batch.status == Status.REJECTED
    assert "Строка 2, столбец „E-mail“: «не-адрес» — не адрес электронной почты." in page
    assert not batch.upload and stored_files() == []
    assert not DirectoryImportRow.objects.exists()


def test_the_sparse_sheet_is_refused_by_the_check_and_nothing_is_kept(
    client, methodist, school, eager, django_capture_on_commit_callbacks
):
    data = huge_range_file()
    assert len(data) < 10_000
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_list(client, school, data)
    page = client.get(response.url).content.decode()

    batch = DirectoryImport.objects.get()
    assert batch.status == Status.REJECTED
    assert "слишком велик" in page
    assert not DirectoryImportRow.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (bomb_file(), "список.xlsx", "архив-бомбу"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(8000), "список.xlsx", "не является"),
    ],
)
def test_a_bomb_or_a_renamed_program_is_refused_before_anything_is_stored(
    client, methodist, school, eager, django_capture_on_commit_callbacks, data, name, message
):
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = post_list(client, school, data, name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DirectoryImport.objects.exists()
    assert stored_files() == []
    assert queued == []


def test_the_progress_block_polls_until_the_check_is_over(client, methodist, school, eager):
    batch = uploaded(methodist, school)
    client.force_login(methodist)
    url = reverse("imports:progress", args=[batch.pk])

    waiting = client.get(url)
    assert "Файл проверяется" in waiting.content.decode()
    assert "HX-Refresh" not in waiting

    check_directory_import.delay(batch.pk)
    assert client.get(url)["HX-Refresh"] == "true"


def test_a_check_past_its_time_limit_fails_with_a_reason(
    client, methodist, school, eager, monkeypatch
):
    batch = uploaded(methodist, school)

    def too_long(uploaded, read):
        # What Celery raises in the task when its soft time limit arrives mid-check.
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "read_file", too_long)
    check_directory_import.delay(batch.pk)

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert batch.failure == TOO_LONG
    client.force_login(methodist)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Проверка не удалась, в портал ничего не записано: проверка шла дольше" in page
    assert "Повторить" in page
    assert default_storage.exists(batch.upload.name)


def died_three_times(key: str) -> None:
    """The task of `key` was taken by a worker that died, for the third time, long ago."""
    started = timezone.now() - timedelta(hours=1)
    QueuedTask.objects.filter(key=key).update(
        created_at=started, dispatched_at=started, started_at=started, attempts=3
    )


def test_the_outbox_gives_up_through_the_registered_handler(methodist, school):
    batch = uploaded(methodist, school)
    died_three_times(services.check_key(batch.pk))

    assert outbox.sweep()["given_up"] == 1

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert "прерывалась 3 раза подряд" in batch.failure
    entry = AuditEntry.objects.get(action="directory_import.fail")
    assert entry.changes["reason"] == batch.failure


def test_a_missing_file_fails_the_check_instead_of_waiting(methodist, school, eager):
    batch = uploaded(methodist, school)
    default_storage.delete(batch.upload.name)

    check_directory_import.delay(batch.pk)

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert "не найден в хранилище" in batch.failure


def test_running_the_check_twice_changes_nothing(methodist, school, eager):
    batch = uploaded(methodist, school)
    check_directory_import.delay(batch.pk)
    check_directory_import.delay(batch.pk)

    assert DirectoryImportRow.objects.filter(directory_import=batch).count() == 1
    assert AuditEntry.objects.filter(action="directory_import.check").count() == 1


def test_repeat_runs_a_failed_check_again(
    client, methodist, school, eager, django_capture_on_commit_callbacks
):
    batch = failed(methodist, school)
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:retry", args=[batch.pk]))
    page = client.get(response.url).content.decode()

    batch.refresh_from_db()
    assert batch.status == Status.READY
    assert "Файл загружен на проверку" in page  # the message was set before the check ran
    assert "Подтвердить загрузку" in page
    entry = AuditEntry.objects.get(action="directory_import.retry")
    assert entry.actor == methodist
    assert stored_files() == []


def test_repeat_is_offered_only_while_it_can_run(client, methodist, school, eager):
    batch = failed(methodist, school)
    client.force_login(methodist)
    assert "Повторить" in client.get(batch.get_absolute_url()).content.decode()

    check = uploaded(methodist, school)
    check_directory_import.delay(check.pk)
    response = client.post(reverse("imports:retry", args=[check.pk]), follow=True)
    assert "Повторить можно только проверку, которая не удалась" in response.content.decode()
    assert "Повторить" not in client.get(check.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        (RoleKind.DIRECTOR, 403),
        (RoleKind.TEACHER, 403),
        (RoleKind.TUTOR, 403),
        (RoleKind.REGION_ADMIN, 403),
    ],
)
def test_repeat_is_refused_to_roles_that_cannot_import(client, methodist, school, kind, status):
    batch = failed(methodist, school)
    client.force_login(user_with_role(kind, municipality=school.municipality))

    assert client.post(reverse("imports:retry", args=[batch.pk])).status_code == status
    batch.refresh_from_db()
    assert batch.status == Status.FAILED


def test_repeat_is_404_for_another_municipality(client, methodist, school):
    batch = failed(methodist, school)
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))

    assert client.post(reverse("imports:retry", args=[batch.pk])).status_code == 404
    assert client.get(reverse("imports:progress", args=[batch.pk])).status_code == 404


def test_repeat_answers_only_a_post(client, methodist, school):
    batch = failed(methodist, school)
    client.force_login(methodist)
    assert client.get(reverse("imports:retry", args=[batch.pk])).status_code == 405


def test_cancelling_a_failed_check_drops_the_file(
    client, methodist, school, django_capture_on_commit_callbacks
):
    batch = failed(methodist, school)
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:cancel", args=[batch.pk]))

    batch.refresh_from_db()
    assert batch.status == Status.CANCELLED
    assert stored_files() == []


def test_the_journal_names_the_upload_and_the_repeat_in_words(client, methodist, school):
    from tutoring.extensions import action_label

    assert action_label("directory_import.upload") == "файл списка загружен на проверку"
    assert action_label("directory_import.retry") == "проверка файла списка запущена снова"
    assert action_label("directory_import.fail") == "проверка файла списка не удалась"


def test_the_same_upload_sent_twice_makes_one_check(client, methodist, school):
    client.force_login(methodist)
    page = client.get(reverse("imports:people_new")).content.decode()
    token = page.split('name="once_token" value="')[1].split('"')[0]
    for _ in range(2):
        client.post(
            reverse("imports:people_new"),
            {
                "file": upload(staff_file(teacher_row())),
                "municipality": school.municipality.pk,
                "once_token": token,
            },
        )
    assert DirectoryImport.objects.count() == 1
    assert len(stored_files()) == 1


# The load of a confirmed list: a task too, with the same progress block.


def checked(methodist, school, *rows) -> DirectoryImport:
    return services.directory_import_check(
        actor=methodist,
        kind=DirectoryImport.Kind.PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(*(rows or [teacher_row()]))),
    )


def test_confirming_queues_the_load_and_shows_its_progress(
    client, methodist, school, django_capture_on_commit_callbacks
):
    batch = checked(methodist, school)
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)

    page = response.content.decode()
    assert "Список применяется… Страница обновится сама" in page
    assert DirectoryImport.objects.get().status == Status.LOADING
    assert len(queued) == 1
    assert not User.objects.filter(last_name="Гусева").exists()
    assert "HX-Refresh" not in client.get(reverse("imports:progress", args=[batch.pk]))


def test_the_load_task_applies_the_list_once(methodist, school, eager):
    from tutoring.imports.tasks import load_directory_import

    batch = checked(methodist, school)
    services.directory_import_queue_load(actor=methodist, batch=batch)
    load_directory_import.delay(batch.pk, methodist.pk)
    load_directory_import.delay(batch.pk, methodist.pk)

    batch.refresh_from_db()
    assert batch.status == Status.LOADED
    assert User.objects.filter(last_name="Гусева").count() == 1
    assert AuditEntry.objects.get(action="directory_import.load").actor == methodist
    assert AuditEntry.objects.get(action="person.import").actor_id == methodist.pk


def test_a_load_refused_by_the_database_goes_back_to_checked_with_the_reason(
    client, methodist, school, eager, django_capture_on_commit_callbacks
):
    batch = checked(methodist, school)
    # Since the check, someone else got the address of the list's new person.
    from tests.tutoring.factories import UserFactory

    UserFactory(email="n.guseva@example.ru", username="n.guseva@example.ru")
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[batch.pk]))
    page = client.get(batch.get_absolute_url()).content.decode()

    batch.refresh_from_db()
    assert batch.status == Status.READY
    assert "Применить список не удалось: С момента проверки данные в портале изменились" in page
    assert ">Повторить</button>" in page
    assert AuditEntry.objects.filter(action="directory_import.load_fail").count() == 1


def test_the_outbox_gives_up_a_load_back_to_checked(methodist, school):
    batch = checked(methodist, school)
    services.directory_import_queue_load(actor=methodist, batch=batch)

    died_three_times(services.load_key(batch.pk))

    assert outbox.sweep()["given_up"] == 1

    batch.refresh_from_db()
    assert batch.status == Status.READY
    assert "прерывалась 3 раза подряд" in batch.failure
    assert not User.objects.filter(last_name="Гусева").exists()


def test_a_stuck_load_offers_repeat(
    client, methodist, school, eager, django_capture_on_commit_callbacks
):
    batch = checked(methodist, school)
    services.directory_import_queue_load(actor=methodist, batch=batch)
    # The load's task was never handed to the broker (no commit here: as if Redis was down).
    assert outbox.state(services.load_key(batch.pk)) == "waiting"
    client.force_login(methodist)
    assert "Загрузка ждёт очереди задач" in client.get(batch.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:retry", args=[batch.pk]))

    batch.refresh_from_db()
    assert batch.status == Status.LOADED
    assert User.objects.filter(last_name="Гусева").exists()
    assert not QueuedTask.objects.filter(key=services.load_key(batch.pk)).exists()


def test_the_progress_block_keeps_its_query_count(
    client, methodist, school, django_assert_max_num_queries
):
    batch = uploaded(methodist, school)
    client.force_login(methodist)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("imports:progress", args=[batch.pk]))
    assert response.status_code == 200
