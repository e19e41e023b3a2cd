"""Whoever waits for work done in the queue learns how it ended: a document rendered or not,
a list or a results file checked, loaded or refused."""

import pytest
from django.utils import timezone

from community.services.orders import ORDER_DOCUMENT
from monitoring import services as monitoring
from monitoring.models import ImportBatch
from tests.community.factories import OrderFactory
from tests.monitoring.factories import checked, make_world, school_file
from tests.tutoring.factories import OrganizationFactory, user_with_role
from tests.tutoring.listfiles import staff_file
from tests.tutoring.test_directory_import_checking import teacher_row, uploaded
from tutoring import documents, outbox
from tutoring.imports.tasks import check_directory_import
from tutoring.models import Notification, QueuedTask, RoleKind


def notes(user) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "link")
    )


@pytest.fixture
def school(db):
    return OrganizationFactory(short_name="МБОУ СОШ № 10", fis_oko_login="edu230110")


@pytest.fixture
def list_methodist(school):
    return user_with_role(RoleKind.METHODIST, municipality=school.municipality)


@pytest.fixture
def eager(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setitem(check_directory_import.app.conf, "task_always_eager", True)


def test_who_asked_for_a_document_learns_it_is_ready_and_nobody_else(db, monkeypatch):
    from tutoring.tasks import render_document

    monkeypatch.setitem(render_document.app.conf, "task_always_eager", True)
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    methodist = user_with_role(RoleKind.METHODIST, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    outbox.dispatch(QueuedTask.objects.get(key=document.queue_key))
    assert notes(director) == [("tutoring.document.ready", f"/documents/{document.pk}/download/")]
    assert notes(methodist) == []


def test_who_asked_for_a_document_learns_it_failed(db):
    order = OrderFactory(status="approved", number="5", date=timezone.localdate())
    director = user_with_role(RoleKind.DIRECTOR, municipality=order.municipality)
    document = documents.document_request(kind=ORDER_DOCUMENT, obj=order, actor=director)
    documents.document_fail(document_id=document.pk, reason="хранилище файлов недоступно.")
    documents.document_fail(document_id=document.pk, reason="хранилище файлов недоступно.")
    (note,) = Notification.objects.filter(recipient=director)
    assert note.kind == "tutoring.document.failed"
    assert "не сформирован: хранилище файлов недоступно." in note.text


@pytest.mark.usefixtures("eager")
def test_the_uploader_of_a_list_learns_it_was_checked_then_loaded(list_methodist, school):
    from tutoring.imports import services

    methodist = list_methodist
    batch = uploaded(methodist, school, staff_file(teacher_row()))
    check_directory_import(batch.pk)
    assert notes(methodist) == [("tutoring.import.checked", batch.get_absolute_url())]
    other = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    services.directory_import_confirm(actor=other, batch=batch)
    assert notes(methodist)[-1] == ("tutoring.import.loaded", batch.get_absolute_url())
    assert notes(other) == []  # the one who confirmed saw it happen


@pytest.mark.usefixtures("eager")
def test_the_uploader_of_a_list_with_errors_learns_it_was_refused(list_methodist, school):
    methodist = list_methodist
    batch = uploaded(methodist, school, staff_file(teacher_row(email="не адрес")))
    check_directory_import(batch.pk)
    ((kind, _link),) = notes(methodist)
    assert kind == "tutoring.import.failed"
    assert "не принят" in Notification.objects.get(recipient=methodist).text


def test_the_uploader_of_a_results_file_learns_it_was_checked_and_loaded(db):
    world = make_world()
    batch = checked(world, school_file(25))
    assert batch.status == ImportBatch.Status.READY
    assert notes(world.methodist) == [("monitoring.import.checked", batch.get_absolute_url())]
    monitoring.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    monitoring.batch_load(batch.pk)
    assert notes(world.methodist)[-1] == ("monitoring.import.loaded", batch.get_absolute_url())
    assert notes(world.director) == []


def test_the_uploader_of_a_results_file_learns_its_load_failed(db):
    world = make_world()
    batch = checked(world, school_file(25))
    monitoring.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    monitoring.batch_fail(batch.pk, "сбой при записи в базу данных")
    texts = Notification.objects.filter(
        recipient=world.methodist, kind="monitoring.import.failed"
    ).values_list("text", flat=True)
    assert [t[:14] for t in texts] == ["Загрузка файла"]
