import gzip

import pytest
from django.db import connection

from monitoring import services
from monitoring.models import (
    Assessment,
    AssessmentTask,
    DomainError,
    ImportBatch,
    Participant,
    ResultSet,
    TaskScore,
)
from monitoring.tasks import load_batch
from tutoring.models import AuditEntry

from . import f1files
from .factories import checked, loaded, make_world, school_file, upload

Status = ImportBatch.Status
TASKS = len(f1files.DEFAULT_TASKS)


@pytest.fixture
def world(db):
    return make_world()


def test_it_loads_a_school_file(world):
    batch = loaded(world, school_file(25))

    assert batch.status == Status.LOADED
    assessment = Assessment.objects.get()
    assert (assessment.year, assessment.subject, assessment.grade) == (2025, world.subject, 5)
    assert assessment.tasks.count() == TASKS
    result_set = ResultSet.objects.get()
    assert (result_set.organization, result_set.participants) == (world.school, 25)
    assert Participant.objects.filter(result_set=result_set).count() == 25
    assert TaskScore.objects.count() == 25 * TASKS


def test_it_keeps_the_scores_and_marks_of_each_participant(world):
    rows = f1files.generated_rows(3, seed=4)
    loaded(world, f1files.f1_file(rows))

    tasks = list(AssessmentTask.objects.order_by("position"))
    for row in rows:
        participant = Participant.objects.get(code=row.code)
        assert (participant.primary_score, participant.mark) == (row.primary, row.mark)
        stored = dict(
            TaskScore.objects.filter(participant=participant).values_list("task", "score")
        )
        assert [stored[task.pk] for task in tasks] == [
            None if s in ("X", "Х", "-", None) else int(s) for s in row.scores
        ]


def test_it_keeps_no_names_in_the_staging_file_or_the_database(world):
    rows = f1files.generated_rows(5, seed=2)
    batch = checked(world, f1files.f1_file(rows, with_names=True))

    with batch.staging.open("rb") as staged:
        text = gzip.decompress(staged.read()).decode()
    for row in rows:
        assert row.code in text
        assert row.name not in text
        assert row.name.split()[0] not in text
    fields = {f.name for f in Participant._meta.get_fields()}
    assert not fields & {"name", "full_name", "sex", "fio"}


def test_it_rejects_a_broken_file_and_saves_nothing(world):
    rows = f1files.generated_rows(10, seed=1)
    rows[3].mark = 7
    rows[6].scores[0] = 9
    batch = checked(world, f1files.f1_file(rows))

    assert batch.status == Status.REJECTED
    columns = {(e["column"], e["row"]) for e in batch.errors}
    assert any(column == "Отметка" and row for column, row in columns)
    assert any(column.startswith(f1files.DEFAULT_TASKS[0][0] + " (") for column, _ in columns)
    assert not batch.staging
    assert not Assessment.objects.exists()
    assert not ResultSet.objects.exists()
    assert not Participant.objects.exists()


def test_it_rejects_a_file_that_is_not_a_workbook(world):
    batch = checked(world, b"%PDF-1.7 not a workbook")

    assert batch.status == Status.REJECTED
    assert "xlsx" in batch.errors[0]["message"]


def test_a_rejected_file_leaves_loaded_data_as_it_was(world):
    loaded(world, school_file(25, seed=0))
    before = set(Participant.objects.values_list("pk", flat=True))
    rows = f1files.generated_rows(25, seed=9)
    rows[0].mark = 1

    assert checked(world, f1files.f1_file(rows)).status == Status.REJECTED
    assert set(Participant.objects.values_list("pk", flat=True)) == before


def test_the_same_file_twice_changes_nothing(world):
    data = school_file(25)
    first = loaded(world, data)
    before = set(Participant.objects.values_list("pk", flat=True))

    second = checked(world, data)
    assert [s["change"] for s in second.summary["schools"]] == ["same"]
    services.batch_confirm(actor=world.methodist, batch=second, queue=False)
    services.batch_load(second.pk)

    assert set(Participant.objects.values_list("pk", flat=True)) == before
    assert ResultSet.objects.get().batch == first
    assert TaskScore.objects.count() == 25 * TASKS


def test_a_corrected_file_replaces_that_schools_data(world):
    loaded(world, school_file(25, seed=0))
    old = set(Participant.objects.values_list("pk", flat=True))

    corrected = checked(world, school_file(22, seed=1))
    assert [s["change"] for s in corrected.summary["schools"]] == ["replace"]
    services.batch_confirm(actor=world.methodist, batch=corrected, queue=False)
    services.batch_load(corrected.pk)

    assert ResultSet.objects.get().participants == 22
    assert Participant.objects.count() == 22
    assert not Participant.objects.filter(pk__in=old).exists()
    assert TaskScore.objects.count() == 22 * TASKS


def test_a_corrected_file_leaves_other_schools_alone(world):
    loaded(world, school_file(25, seed=0))
    loaded(world, school_file(30, seed=5, login="edu230120", name="МОБУ СОШ № 20"))

    loaded(world, school_file(20, seed=1))

    counts = dict(ResultSet.objects.values_list("organization", "participants"))
    assert counts == {world.school.pk: 20, world.other_school.pk: 30}
    assert Participant.objects.filter(result_set__organization=world.other_school).count() == 30


def test_a_municipal_file_loads_every_school(world):
    rows = f1files.generated_rows(
        40, seed=3, logins=[("edu230123", "МОБУ СОШ № 10"), ("edu230120", "МОБУ СОШ № 20")]
    )
    batch = loaded(world, f1files.f1_file(rows, municipal=True))

    assert {s["login"] for s in batch.summary["schools"]} == {"edu230123", "edu230120"}
    assert ResultSet.objects.count() == 2
    assert Participant.objects.count() == 40


def test_it_rejects_a_school_the_portal_does_not_know(world):
    batch = checked(world, school_file(5, login="edu000777", name="МОБУ СОШ № 99"))

    assert batch.status == Status.REJECTED
    assert "edu000777" in batch.errors[0]["message"]
    # A school file names its school on the line above the table, not in a column.
    assert (batch.errors[0]["row"], batch.errors[0]["column"]) == (6, "строка школы в шапке")


def test_it_rejects_a_school_of_another_municipality(world):
    batch = checked(world, school_file(5, login="edu990001", name="МБОУ СОШ № 1"))

    assert batch.status == Status.REJECTED
    assert "другого муниципального образования" in batch.errors[0]["message"]


def test_a_school_loads_only_its_own_results(world):
    data = school_file(5, login="edu230120", name="МОБУ СОШ № 20")
    batch = checked(world, data, actor=world.school_admin, school=world.school)

    assert batch.status == Status.REJECTED
    assert "только свои" in batch.errors[0]["message"]


def test_a_regional_load_takes_schools_of_any_municipality(world):
    batch = services.batch_check(
        actor=None,
        municipality=None,
        uploaded=upload(school_file(5, login="edu990001", name="МБОУ СОШ № 1")),
    )

    assert batch.status == Status.READY


def test_it_rejects_an_unknown_subject(world):
    batch = checked(world, school_file(5, subject="Астрология"))

    assert batch.status == Status.REJECTED
    assert "Астрология" in batch.errors[0]["message"]


def test_it_rejects_tasks_that_differ_from_the_loaded_work(world):
    loaded(world, school_file(5))
    tasks = [*f1files.DEFAULT_TASKS[:-1], ("10", 3, "П")]
    rows = f1files.generated_rows(5, tasks, seed=1, school_login="edu230120")

    batch = checked(world, f1files.f1_file(rows, tasks=tasks))

    assert batch.status == Status.REJECTED
    assert "не совпадают" in batch.errors[0]["message"]


def test_it_keeps_warnings_without_rejecting(world):
    rows = f1files.generated_rows(10, seed=1)
    rows[2].primary = rows[2].primary + 1 if rows[2].primary < 10 else rows[2].primary - 1
    batch = checked(world, f1files.f1_file(rows, declared=12))

    assert batch.status == Status.READY
    messages = " ".join(w["message"] for w in batch.warnings)
    assert "не равен сумме" in messages
    assert "12" in messages


def test_a_batch_is_confirmed_once(world):
    batch = checked(world, school_file(5))
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)

    with pytest.raises(DomainError):
        services.batch_confirm(actor=world.methodist, batch=batch, queue=False)


def test_loading_twice_loads_once(world):
    batch = loaded(world, school_file(5))

    assert services.batch_load(batch.pk) is False
    assert Participant.objects.count() == 5


def test_cancelling_drops_the_staging_file(world, django_capture_on_commit_callbacks):
    batch = checked(world, school_file(5))
    storage, name = batch.staging.storage, batch.staging.name

    with django_capture_on_commit_callbacks(execute=True):
        services.batch_cancel(actor=world.methodist, batch=batch)

    batch.refresh_from_db()
    assert batch.status == Status.CANCELLED
    assert not storage.exists(name)
    with pytest.raises(DomainError):
        services.batch_confirm(actor=world.methodist, batch=batch, queue=False)


def test_the_staging_file_goes_once_loaded(world, django_capture_on_commit_callbacks):
    batch = checked(world, school_file(5))
    storage, name = batch.staging.storage, batch.staging.name
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.batch_load(batch.pk)

    assert not storage.exists(name)


def test_a_load_that_fails_is_reported_and_changes_nothing(world):
    batch = checked(world, school_file(5))
    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    batch.staging.storage.delete(batch.staging.name)

    assert load_batch(batch.pk) is False

    batch.refresh_from_db()
    assert batch.status == Status.FAILED
    assert "нажмите «Повторить»" in batch.failure
    assert not ResultSet.objects.exists()
    assert not Assessment.objects.exists()


def test_every_step_is_audited(world):
    batch = loaded(world, school_file(5))

    entries = AuditEntry.objects.filter(object_id=str(batch.pk)).order_by("at", "pk")
    assert [e.action for e in entries] == [
        "import.upload",
        "import.check",
        "import.confirm",
        "import.load",
    ]
    assert entries[0].actor == entries[1].actor == world.methodist
    assert entries[3].changes["participants"] == 5


def scores_estimate() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'monitoring_taskscore'")
        [(estimate,)] = cursor.fetchall()
    return estimate


def test_a_load_refreshes_the_planners_statistics_of_tables_it_grew(world):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE monitoring_taskscore")  # empty in this test's transaction
    assert scores_estimate() == 0

    loaded(world, school_file(37, seed=5))

    assert scores_estimate() == TaskScore.objects.count() > 0


def test_a_small_load_into_a_large_table_leaves_its_statistics_alone(world):
    loaded(world, school_file(37, seed=5))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE monitoring_taskscore")
    before = TaskScore.objects.count()

    # 5 pupils' scores are less than a tenth of what the statistics count.
    loaded(world, school_file(5, seed=6, login="edu230120", name="МОБУ СОШ № 20"))

    assert TaskScore.objects.count() > before
    assert scores_estimate() == before
