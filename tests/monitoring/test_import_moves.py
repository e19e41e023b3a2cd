"""The moves of a checked results file, declared once: who confirms or cancels it, from where,
and what a late second click reads."""

import pytest

from monitoring import services
from monitoring.models import DomainError, ImportBatch
from tutoring.access import access_for

from .factories import checked, make_world, school_file

Status = ImportBatch.Status


@pytest.fixture
def world(db):
    return make_world()


def test_it_offers_the_moves_to_whoever_may_load_the_file(world):
    batch = checked(world, school_file(5))
    assert services.IMPORT.available(access_for(world.methodist), batch) == {"confirm", "cancel"}
    assert services.IMPORT.available(access_for(world.director), batch) == frozenset()
    assert services.IMPORT.available(access_for(world.other_school_admin), batch) == frozenset()


def test_a_cancelled_file_is_neither_confirmed_nor_cancelled_again(world):
    batch = checked(world, school_file(5))
    services.batch_cancel(actor=world.methodist, batch=batch)
    with pytest.raises(DomainError, match="Сейчас файл: «отменён»"):
        services.batch_confirm(actor=world.methodist, batch=batch)
    with pytest.raises(DomainError, match="Отменить можно только проверенный"):
        services.batch_cancel(actor=world.methodist, batch=batch)
    batch.refresh_from_db()
    assert services.IMPORT.available(access_for(world.methodist), batch) == frozenset()


def test_the_portal_itself_confirms_without_a_person(world):
    batch = checked(world, school_file(5))
    services.batch_confirm(actor=None, batch=batch, queue=False)
    batch.refresh_from_db()
    assert batch.status == Status.LOADING
