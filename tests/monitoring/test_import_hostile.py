"""Hostile result spreadsheets cannot hurt: refused with a Russian message before calamine
sees them, in the Celery task that checks an upload, with nothing stored; «Повторить» for a
check or a load that failed."""

import gzip
import io
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse

from monitoring import services, tasks
from monitoring.gia import Layout
from monitoring.models import (
    Assessment,
    AssessmentKind,
    AssessmentTask,
    ImportBatch,
    Participant,
    ResultSet,
)
from tests import processes
from tutoring import sheet_bounds
from tutoring.models import AuditEntry

from . import hostile
from .factories import checked, make_world, post_upload, run_checks, school_file, upload

Status = ImportBatch.Status


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture(scope="session")
def bomb_file(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("hostile") / "bomb.xlsx"
    hostile.bomb(path)
    return path.read_bytes()


def signed_in(client, user):
    client.force_login(user)
    return client


def uploaded_batch(world, data: bytes, name="Ф1.xlsx", layout=Layout.VPR) -> ImportBatch:
    return services.batch_upload(
        actor=world.methodist,
        municipality=world.municipality,
        uploaded=upload(data, name),
        layout=layout,
        queue=False,
    )


def refused(world, data: bytes, layout=Layout.VPR) -> str:
    """The one problem of a file the check refused; nothing of it is stored."""
    batch = uploaded_batch(world, data, layout=layout)
    raw = batch.upload.name
    assert default_storage.exists(raw)

    assert tasks.check_batch(batch.pk) is True

    batch.refresh_from_db()
    assert batch.status == Status.REJECTED
    assert not batch.upload and not batch.staging
    assert not default_storage.exists(raw)
    assert not ResultSet.objects.exists() and not Assessment.objects.exists()
    [problem] = batch.errors
    return problem["message"]


def test_a_5_kb_sheet_with_one_cell_at_the_last_one_is_refused(world):
    data = hostile.sparse()
    assert len(data) < 5 * 1024

    message = refused(world, data)

    assert message.startswith("В листе „Ф1 Индивидуальные результаты“ заполнена ячейка XFD1048576")
    assert "не бывает больше 300 000 строк и 500 столбцов" in message


def test_a_sheet_that_unpacks_to_250_mb_is_refused_with_its_size(world, bomb_file):
    assert len(bomb_file) < 1024 * 1024

    message = refused(world, bomb_file)

    assert message.startswith("Файл «Ф1.xlsx» распаковывается в 251 МБ, больше допустимых 200 МБ")


def test_a_dimension_that_claims_the_whole_sheet_is_refused_alone(world):
    data = hostile.workbook('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:XFD1048576")

    message = refused(world, data)

    assert "объявляет, что занимает диапазон A1:XFD1048576" in message


def test_a_sheet_long_and_wide_at_once_is_refused_by_its_cells(world):
    cells = (
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="299999"><c r="AX299999"><v>1</v></c></row>'
    )

    message = refused(world, hostile.workbook(cells))

    assert (
        "заполнена ячейка AX299999: вместе с ячейкой A1 таблица занимает 299 999 строк" in message
    )
    assert "больше 12 000 000 ячеек" in message


def test_cells_without_a_reference_are_counted_where_they_fall(world):
    row = '<row r="1">' + "<c><v>1</v></c>" * 501 + "</row>"

    message = refused(world, hostile.workbook(row))

    assert "заполнена ячейка SG1" in message  # the 501st column


def test_an_entity_declaration_is_refused_as_a_damaged_file(world):
    head = '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet>'

    message = refused(world, hostile.workbook("<row><c><v>&a;</v></c></row>", head=head))

    assert "не книга Excel или она повреждена" in message


def test_what_the_directory_hides_is_counted_as_it_unpacks(world, monkeypatch):
    # The directory passes the upload checks (200 MB); the stream is counted against a cap
    # lowered here to 1 MB.
    monkeypatch.setattr(sheet_bounds, "MAX_ZIP_TOTAL", 1024 * 1024)

    message = refused(world, school_file(3000))

    assert message.startswith("Файл «Ф1.xlsx» распаковывается больше чем в 1 МБ")


def test_the_gia_and_diagnostic_templates_are_bounded_too(world):
    for layout in (Layout.GIA, Layout.DIAGNOSTIC):
        assert "заполнена ячейка XFD1048576" in refused(world, hostile.sparse(), layout=layout)


def test_import_vpr_refuses_the_sparse_sheet(world, tmp_path):
    path = tmp_path / "Ф1.xlsx"
    path.write_bytes(hostile.sparse())
    errors = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_vpr", str(path), stderr=errors)

    assert "заполнена ячейка XFD1048576" in errors.getvalue()
    assert not ResultSet.objects.exists()
    assert not ImportBatch.objects.get().upload


# The upload form stores the file and queues the check


def test_the_upload_answers_at_once_and_the_page_polls_while_the_check_runs(client, world):
    client = signed_in(client, world.methodist)
    response = client.post(reverse("monitoring:import_create"), {"file": upload(hostile.sparse())})

    batch = ImportBatch.objects.get()
    assert batch.status == Status.CHECKING
    assert default_storage.exists(batch.upload.name)
    assert "Ф1" not in batch.upload.name  # stored under a generated name
    page = client.get(response.url).content.decode()
    assert "Файл получен и проверяется" in page
    assert "Файл проверяется…" in page
    assert reverse("monitoring:import_progress", args=[batch.pk]) in page
    progress = client.get(reverse("monitoring:import_progress", args=[batch.pk]))
    assert "HX-Refresh" not in progress


def test_a_sparse_sheet_sent_through_the_form_is_rejected_with_its_message(client, world):
    page = post_upload(signed_in(client, world.methodist), {"file": upload(hostile.sparse())})

    text = page.content.decode()
    assert "Файл не принят" in text
    assert "заполнена ячейка XFD1048576" in text
    assert not ImportBatch.objects.get().upload


def test_a_normal_f1_still_checks_and_loads(client, world):
    client = signed_in(client, world.methodist)
    post_upload(client, {"file": upload(school_file(25))})
    batch = ImportBatch.objects.get()
    assert batch.status == Status.READY and not batch.upload

    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    assert tasks.load_batch(batch.pk) is True

    assert Participant.objects.count() == 25
    batch.refresh_from_db()
    assert batch.status == Status.LOADED


# «Повторить»


def _failed_load(world) -> ImportBatch:
    """A load that failed: the work was loaded meanwhile with other tasks."""
    batch = checked(world, school_file(5))
    summary = batch.summary
    conflicting = Assessment.objects.create(
        kind=AssessmentKind.VPR,
        year=summary["year"],
        subject_id=summary["subject_id"],
        grade=summary["grade"],
        max_primary=1,
    )
    AssessmentTask.objects.create(assessment=conflicting, position=1, number="1", max_score=1)
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    assert tasks.load_batch(batch.pk) is False
    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    conflicting.tasks.all().delete()  # the cause mended
    return batch


def test_a_failed_load_keeps_its_staging_file_and_loads_once_on_retry(
    client, world, django_capture_on_commit_callbacks
):
    batch = _failed_load(world)
    assert default_storage.exists(batch.staging.name)
    client = signed_in(client, world.methodist)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Загрузка не удалась" in page and "Повторить" in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("monitoring:import_retry", args=[batch.pk]))

    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert batch.status == Status.LOADING
    assert tasks.load_batch(batch.pk) is True
    assert tasks.load_batch(batch.pk) is False  # a second run of the same task
    assert Participant.objects.count() == 5
    assert ResultSet.objects.count() == 1
    retry = AuditEntry.objects.get(action="import.retry")
    assert (retry.actor, retry.changes) == (world.methodist, {"stage": "загрузка"})


def test_a_check_given_up_by_the_outbox_keeps_its_file_and_checks_on_retry(client, world):
    batch = uploaded_batch(world, school_file(5))
    tasks.give_up(batch.pk, reason="обработка прерывалась 3 раза подряд.")
    batch.refresh_from_db()
    assert batch.status == Status.FAILED and batch.upload
    client = signed_in(client, world.methodist)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "Проверка файла не удалась" in page and "прерывалась 3 раза" in page

    client.post(reverse("monitoring:import_retry", args=[batch.pk]))
    run_checks()

    batch.refresh_from_db()
    assert batch.status == Status.READY and not batch.upload
    with gzip.open(batch.staging.open("rb")) as staging:
        assert len(staging.read().splitlines()) == 5


def test_retry_is_refused_to_roles_that_may_not_import_and_for_batches_that_did_not_fail(
    client, world
):
    batch = _failed_load(world)
    url = reverse("monitoring:import_retry", args=[batch.pk])

    for user in (world.director, world.regional, world.teacher, world.tutor):
        assert signed_in(client, user).post(url).status_code == 403
    assert signed_in(client, world.other_school_admin).post(url).status_code == 404
    page = signed_in(client, world.director).get(batch.get_absolute_url()).content.decode()
    assert "Повторить" not in page
    ready = checked(world, school_file(5, seed=2))
    response = signed_in(client, world.methodist).post(
        reverse("monitoring:import_retry", args=[ready.pk]), follow=True
    )
    assert "Повторить можно только" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.FAILED


# With the real servers: gunicorn answers, a real Celery worker checks, memory stays bounded


def _signed_in_session(user, settings) -> requests.Session:
    # Signed as the servers sign: with their secret key.
    settings.SECRET_KEY = processes.production_env()["SECRET_KEY"]
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "tutoring.backends.LoginOrEmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key)
    return session


def _upload_through(session: requests.Session, base: str, name: str, data: bytes) -> str:
    form = session.get(f"{base}{reverse('monitoring:import_create')}", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base}{reverse('monitoring:import_create')}",
        data={"csrfmiddlewaretoken": token, "layout": "vpr"},
        files={"file": (name, data, "application/octet-stream")},
        headers={"Referer": f"{base}/"},
        timeout=30,
    )
    assert response.status_code == 200, response.status_code
    assert re.search(r"/imports/\d+/$", response.url), response.url
    return response.text


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def _gunicorn_pids(base: str) -> list[int]:
    """The master and its workers: every process whose command line binds the test's port."""
    bind = base.removeprefix("http://")
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"gunicorn" in b" ".join(command) and bind.encode() in command:
                pids.append(int(entry.name))
    return pids


@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_the_real_servers_refuse_the_sparse_sheet_and_the_bomb_in_bounded_memory(
    bomb_file, settings
):
    world = make_world()
    uploads = Path(settings.MEDIA_ROOT) / "monitoring" / "uploads"
    before = set(uploads.rglob("*.xlsx"))
    with processes.gunicorn() as base, processes.celery_worker() as worker:
        session = _signed_in_session(world.methodist, settings)
        for name, data in (("sparse.xlsx", hostile.sparse()), ("bomb.xlsx", bomb_file)):
            # The worker may be done before the page is asked for: either way it answers.
            page = _upload_through(session, base, name, data)
            assert "Файл получен и проверяется" in page or "Файл не принят" in page
        deadline = time.monotonic() + 120
        while ImportBatch.objects.filter(status=Status.CHECKING).exists():
            assert time.monotonic() < deadline, "the worker did not check the files"
            time.sleep(0.5)
        pages = {
            batch.original_name: session.get(f"{base}{batch.get_absolute_url()}", timeout=30).text
            for batch in ImportBatch.objects.all()
        }
        web = {pid: _peak_rss_mb(pid) for pid in _gunicorn_pids(base)}
        celery = _peak_rss_mb(worker.pid)

    print(f"peak RSS, MB: gunicorn {web}, celery worker {celery:.0f}")
    assert "заполнена ячейка XFD1048576" in pages["sparse.xlsx"]
    assert "распаковывается в 251 МБ" in pages["bomb.xlsx"]
    assert {b.status for b in ImportBatch.objects.all()} == {Status.REJECTED}
    assert not ResultSet.objects.exists()
    assert set(uploads.rglob("*.xlsx")) == before  # no upload left behind
    assert len(web) >= 3  # the master and its two workers
    assert max(web.values()) < 300 and celery < 300


@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_a_check_past_its_soft_time_limit_fails_with_a_reason_and_can_be_repeated():
    """With a prefork worker, as in production (the solo pool of the other tests has no time
    limits): the check of a 20,000-row file is given a tenth of a second."""
    world = make_world()
    batch = uploaded_batch(world, school_file(20_000))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tutoring", "worker", "--pool=prefork",
         "--concurrency=1", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=WARNING"],
        env=processes.production_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        tasks.check_batch.apply_async(args=[batch.pk], soft_time_limit=0.1, time_limit=60)
        deadline = time.monotonic() + 90
        while ImportBatch.objects.filter(pk=batch.pk, status=Status.CHECKING).exists():
            assert time.monotonic() < deadline, "the worker did not end the check"
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert batch.failure.startswith("проверка файла не уложилась в 10 минут")
    assert default_storage.exists(batch.upload.name)
    assert services.batch_retry_stage(batch) == "check"
