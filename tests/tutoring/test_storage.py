"""Stored files through Django's storage API, on the local disk and in an S3-compatible store
(a real S3 server process, moto's, as a municipality runs MinIO): every kind of file the
portal keeps is written, served through its access-checked view and deleted on replace the
same way on both."""

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage

from community.models import Material
from community.services import library, routes
from community.services.orders import ORDER_DOCUMENT
from consultations.models import SessionReport
from expertise.models import CaseFile
from monitoring import services as imports
from monitoring.models import Participant
from tests import processes
from tests.community.factories import AssignmentFactory, municipality_cast
from tests.community.test_library import form_data
from tests.community.test_order_pdf import demo_like_order
from tests.community.test_routes import add_step, new_route
from tests.consultations.test_reports import past_session, report_data
from tests.expertise import badfiles
from tests.expertise.factories import checked as checked_upload
from tests.expertise.factories import make_world as expertise_world
from tests.expertise.factories import submit
from tests.monitoring.factories import checked as checked_import
from tests.monitoring.factories import make_world as monitoring_world
from tests.monitoring.factories import school_file
from tests.pdftext import rendered
from tests.services import free_port
from tutoring.documents import document_request
from tutoring.models import Document, RoleKind
from tutoring.settings import file_storage
from tutoring.tasks import render_document
from tutoring.uploads import written_files

from .factories import AcademicYearFactory, MunicipalityFactory, user_with_role
from .test_settings import manage


class Disk:
    name = "disk"

    def __init__(self, root: Path):
        self.root = root

    def names(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}

    def read(self, name: str) -> bytes:
        return (self.root / name).read_bytes()


class Bucket:
    name = "s3"

    def __init__(self, server, env: dict):
        self.server, self.bucket, self.prefix = server, env["S3_BUCKET"], env["S3_PREFIX"]

    def names(self) -> set[str]:
        # Storage names are relative to the prefix the installation keeps its files under.
        keys = self.server.keys(self.bucket)
        assert all(key.startswith(f"{self.prefix}/") for key in keys)
        return {key.removeprefix(f"{self.prefix}/") for key in keys}

    def read(self, name: str) -> bytes:
        got = self.server.client().get_object(Bucket=self.bucket, Key=f"{self.prefix}/{name}")
        return got["Body"].read()


@pytest.fixture(params=["disk", "s3"])
def store(request, settings, tmp_path):
    if request.param == "s3":
        store = Bucket(request.getfixturevalue("s3_server"), request.getfixturevalue("s3_storage"))
    else:
        settings.MEDIA_ROOT = tmp_path
        settings.STORAGES = {**settings.STORAGES, "default": file_storage({})}
        store = Disk(tmp_path)
    assert store.names() == set()
    return store


def content_of(upload) -> bytes:
    content = badfiles.raw(upload)[1]
    upload.seek(0)
    return content


def draft_with(cast, upload) -> Material:
    return library.material_create(
        actor=cast.tutor,
        municipality=cast.municipality,
        kind=Material.Kind.CASE,
        title="Кейс «Учебная неуспешность в 7 классе»",
        description="",
        file=upload,
    )


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_it_writes_through_the_backend_the_settings_name(store):
    # Django drops its default storage when STORAGES changes, and the model fields hold the
    # default storage itself (a lazy object), so each writes where the settings now say.
    backend = "S3Storage" if store.name == "s3" else "FileSystemStorage"
    assert Material._meta.get_field("file").storage is default_storage
    assert default_storage.__class__.__name__ == backend


def test_it_stores_a_library_material_under_a_generated_name_and_serves_it(client, store, db):
    cast = municipality_cast()
    upload = badfiles.good_pdf("ВПР — ошибки.pdf")
    content = content_of(upload)
    client.force_login(cast.tutor)
    response = client.post(
        "/community/library/new/", form_data(authors=[cast.tutor.pk], file=upload), follow=True
    )
    assert "Материал сохранён как черновик" in response.content.decode()
    material = Material.objects.get()
    assert store.names() == {material.file.name}
    assert material.file.name == f"library/{material.created_at:%Y/%m}/{material.token}.pdf"
    assert store.read(material.file.name) == content
    assert body(client.get(f"/community/library/{material.pk}/download/")) == content
    # A draft is its authors' own: a teacher of the municipality does not get its file.
    client.force_login(cast.teacher)
    assert client.get(f"/community/library/{material.pk}/download/").status_code == 404


def test_it_deletes_a_replaced_material_once_the_change_is_committed(
    store, db, django_capture_on_commit_callbacks
):
    cast = municipality_cast()
    material = draft_with(cast, badfiles.good_pdf("первая редакция.pdf"))
    old = material.file.name
    with django_capture_on_commit_callbacks(execute=True):
        library.material_update(
            actor=cast.tutor,
            material=material,
            kind=material.kind,
            title=material.title,
            description="",
            authors=[cast.tutor],
            file=badfiles.good_docx("вторая редакция.docx"),
        )
    material.refresh_from_db()
    assert material.file.name != old and material.file.name.endswith(".docx")
    assert store.names() == {material.file.name}


def test_it_serves_a_steps_evidence_to_the_route_and_deletes_it_when_reopened(
    client, store, db, django_capture_on_commit_callbacks
):
    cast = municipality_cast()
    cast.year = AcademicYearFactory()
    AssignmentFactory(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        teacher=cast.teacher,
    )
    route = new_route(cast)
    step = add_step(cast, route)
    routes.route_start(actor=cast.teacher, route=route)
    upload = badfiles.good_png("грамота Петренко.png")
    content = content_of(upload)
    routes.step_done(actor=cast.teacher, step=step, evidence_file=upload)
    step.refresh_from_db()
    assert store.names() == {step.evidence_file.name}
    assert "Петренко" not in step.evidence_file.name
    client.force_login(cast.teacher)
    assert body(client.get(f"/community/routes/steps/{step.pk}/evidence/")) == content
    client.force_login(user_with_role(RoleKind.TEACHER, municipality=cast.municipality))
    assert client.get(f"/community/routes/steps/{step.pk}/evidence/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        routes.step_reopen(actor=cast.tutor, step=step)
    assert store.names() == set()


def test_it_removes_the_files_a_failed_change_wrote(store, db):
    material = Material(token="f" * 32)
    with pytest.raises(RuntimeError), written_files() as written:
        material.file.save("material.pdf", badfiles.good_pdf(), save=False)
        written.append(material.file)
        assert store.names() == {material.file.name}
        raise RuntimeError("the row was rolled back")
    assert store.names() == set()


def test_it_stores_an_expertise_file_and_serves_it_to_the_case_only(client, store, db):
    world = expertise_world()
    upload = checked_upload(badfiles.good_pdf("Петренко_программа.pdf"))
    content = content_of(upload)
    case = submit(world, files=[upload])
    stored = CaseFile.objects.get(round__case=case)
    assert store.names() == {stored.file.name}
    assert "Петренко" not in stored.file.name and stored.file.name.startswith("expertise/")
    client.force_login(world.teacher)
    assert body(client.get(f"/expertise/files/{stored.pk}/")) == content
    client.force_login(world.expert1)  # not assigned to this case
    assert client.get(f"/expertise/files/{stored.pk}/").status_code == 404


def test_it_stores_session_materials_and_serves_them_to_the_municipality_only(client, store, db):
    session = past_session()
    upload = badfiles.good_pdf("план занятия.pdf")
    content = content_of(upload)
    client.force_login(session.tutor)
    url = f"/consultations/sessions/{session.pk}/report/"
    page = client.post(url, report_data(materials=upload), follow=True).content.decode()
    assert "Отчёт о занятии сохранён." in page
    report = SessionReport.objects.get(session=session)
    assert store.names() == {report.materials.name}
    assert "план" not in report.materials.name
    assert body(client.get(f"/consultations/sessions/{session.pk}/materials/")) == content
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    response = client.get(f"/consultations/sessions/{session.pk}/materials/")
    assert response.status_code in (403, 404)


def test_it_renders_an_order_into_the_store_and_serves_it(client, store, db):
    document = rendered(ORDER_DOCUMENT, demo_like_order())
    assert store.names() == {document.file.name}
    assert document.file.name.startswith("documents/")
    pdf = store.read(document.file.name)
    assert pdf.startswith(b"%PDF-")
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=document.municipality))
    assert body(client.get(f"/documents/{document.pk}/download/")) == pdf
    # The status partial tells the size, which the store is asked for.
    assert "Скачать PDF" in client.get(f"/documents/{document.pk}/status/").content.decode()
    client.force_login(user_with_role(RoleKind.METHODIST))
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404


def test_it_keeps_an_imports_staging_file_until_the_load_has_read_it(
    store, db, django_capture_on_commit_callbacks
):
    world = monitoring_world()
    batch = checked_import(world, school_file(5))
    assert store.names() == {batch.staging.name}
    assert batch.staging.name.startswith("monitoring/staging/")
    imports.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    with django_capture_on_commit_callbacks(execute=True):
        imports.batch_load(batch.pk)
    assert Participant.objects.count() == 5
    assert store.names() == set()


def test_it_keeps_every_object_of_the_bucket_private(s3_server, s3_storage, db):
    document = rendered(ORDER_DOCUMENT, demo_like_order())
    acl = s3_server.client().get_object_acl(
        Bucket=s3_storage["S3_BUCKET"], Key=f"{s3_storage['S3_PREFIX']}/{document.file.name}"
    )
    grantees = {grant["Grantee"].get("URI", "owner") for grant in acl["Grants"]}
    assert grantees == {"owner"}


def test_it_serves_no_stored_file_by_its_storage_name(client, store, db):
    document = rendered(ORDER_DOCUMENT, demo_like_order())
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=document.municipality))
    assert client.get(f"/{settings.MEDIA_URL}{document.file.name}").status_code == 404


@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_it_has_the_worker_render_into_the_bucket_and_gunicorn_serve_it(s3_server, s3_storage):
    """As docker-compose runs the portal with MinIO: the worker and the web are separate
    processes that share nothing but the database, the broker and the bucket."""
    bucket = Bucket(s3_server, s3_storage)
    order = demo_like_order()
    with processes.celery_worker(env=s3_storage):
        document = document_request(kind=ORDER_DOCUMENT, obj=order, actor=None)
        deadline = time.monotonic() + 90
        while document.status == Document.Status.PENDING and time.monotonic() < deadline:
            time.sleep(0.5)
            document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    assert bucket.names() == {document.file.name}
    pdf = bucket.read(document.file.name)
    methodist = user_with_role(RoleKind.METHODIST, municipality=document.municipality)
    # Hashed as production hashes it: the web process knows no test hasher.
    methodist.password = make_password("correct-horse-42", hasher="pbkdf2_sha256")
    methodist.save(update_fields=["password"])
    with processes.gunicorn(env=s3_storage) as url:
        browser = signed_in(url, methodist.username, "correct-horse-42")
        with browser.open(f"{url}/documents/{document.pk}/download/", timeout=30) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.read() == pdf


def signed_in(url: str, username: str, password: str):
    """An HTTP client signed in through the login form, as a browser would be."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with browser.open(f"{url}/login/", timeout=30) as response:
        page = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    with browser.open(f"{url}/login/", data=form, timeout=30) as response:
        assert "/login/" not in response.url, "could not sign in"
    return browser


def test_it_answers_404_for_a_file_gone_from_the_store(client, store, db):
    cast = municipality_cast()
    material = draft_with(cast, badfiles.good_pdf())
    default_storage.delete(material.file.name)
    client.force_login(cast.tutor)
    assert client.get(f"/community/library/{material.pk}/download/").status_code == 404


@pytest.mark.parametrize("store_is", ["unreachable", "without_the_bucket"])
def test_it_retries_a_render_while_the_store_is_away_then_says_so(
    store_is, s3_server, settings, monkeypatch, db
):
    env = s3_server.env("no-such-bucket")
    if store_is == "unreachable":
        env["S3_ENDPOINT_URL"] = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(env)}
    document = document_request(kind=ORDER_DOCUMENT, obj=demo_like_order(), actor=None)
    # Eagerly, Celery runs the retries at once; it must not raise between them.
    monkeypatch.setitem(render_document.app.conf, "task_eager_propagates", False)
    render_document.apply(args=[document.pk])
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "хранилище файлов недоступно" in document.error


def test_it_keeps_files_on_the_disk_unless_a_bucket_is_named():
    def backend(**env) -> str:
        show = "from django.core.files.storage import default_storage; print(default_storage)"
        result = manage("shell", "--no-imports", "-c", show, **env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "FileSystemStorage" in backend(S3_BUCKET="", S3_ENDPOINT_URL="")
    assert "S3Storage" in backend(S3_BUCKET="tutoring", S3_ENDPOINT_URL="http://minio:9000")
