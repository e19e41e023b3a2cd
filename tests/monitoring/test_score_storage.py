"""How participants, task scores and a school's task sums are stored: without foreign keys
checked row by row at COMMIT, yet never left behind when their school's results, participant
or task is deleted, however it is deleted."""

import pytest
from django.core.cache import cache
from django.db import connection

from monitoring import bulk
from monitoring.models import (
    AssessmentTask,
    MunicipalityTaskPoints,
    Participant,
    ResultSet,
    ResultSetFigures,
    ResultSetTaskPoints,
    TaskScore,
)

from . import results_data
from .factories import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def work():
    cache.clear()
    return results_data.load_small_file(make_world())


def orphans() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM monitoring_taskscore s WHERE NOT EXISTS (SELECT 1 FROM "
            "monitoring_participant p WHERE p.id = s.participant_id) OR NOT EXISTS (SELECT 1 "
            "FROM monitoring_assessmenttask t WHERE t.id = s.task_id)"
        )
        return cursor.fetchone()[0]


def test_scores_have_no_foreign_keys_nor_an_index_their_primary_key_makes_needless():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN "
            "('monitoring_taskscore'::regclass, 'monitoring_participant'::regclass, "
            "'monitoring_resultsettaskpoints'::regclass)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN "
            "('monitoring_taskscore', 'monitoring_participant', "
            "'monitoring_resultsettaskpoints') ORDER BY indexdef"
        )
        definitions = sorted(row[0].split(" USING ")[1] for row in cursor.fetchall())
    assert definitions == [
        "btree (id)",
        "btree (participant_id, task_id)",
        "btree (result_set_id, mark)",
        "btree (result_set_id, task_id)",
        "btree (task_id)",
        "btree (task_id)",
    ]


def test_deleting_participants_in_one_statement_deletes_their_scores(work):
    school = ResultSet.objects.filter(assessment=work).first()
    scores = TaskScore.objects.count()
    gone = TaskScore.objects.filter(participant__result_set=school).count()

    bulk.delete(Participant.objects.filter(result_set=school))

    assert TaskScore.objects.count() == scores - gone > 0
    assert orphans() == 0


def test_deleting_result_sets_in_one_statement_deletes_their_participants_and_sums(work):
    school = ResultSet.objects.filter(assessment=work).order_by("pk").first()
    others = Participant.objects.exclude(result_set=school).count()
    assert Participant.objects.filter(result_set=school).exists()
    assert ResultSetTaskPoints.objects.filter(result_set=school).exists()

    bulk.delete(ResultSetFigures.objects.filter(result_set=school))
    bulk.delete(ResultSet.objects.filter(pk=school.pk))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT would check

    assert not Participant.objects.filter(result_set_id=school.pk).exists()
    assert not ResultSetTaskPoints.objects.filter(result_set_id=school.pk).exists()
    assert ResultSetTaskPoints.objects.exclude(result_set_id=school.pk).exists()
    assert Participant.objects.count() == others > 0
    assert TaskScore.objects.count() == others * 3
    assert orphans() == 0


def test_deleting_a_task_in_one_statement_deletes_its_scores_and_sums(work):
    task = AssessmentTask.objects.filter(assessment=work).order_by("position").first()
    assert ResultSetTaskPoints.objects.filter(task=task).exists()

    bulk.delete(MunicipalityTaskPoints.objects.filter(task=task))
    bulk.delete(AssessmentTask.objects.filter(pk=task.pk))
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    assert not TaskScore.objects.filter(task_id=task.pk).exists()
    assert not ResultSetTaskPoints.objects.filter(task_id=task.pk).exists()
    assert TaskScore.objects.count() == 12 * 2
    assert orphans() == 0


def test_deleting_result_sets_through_django_deletes_their_participants_scores(work):
    ResultSet.objects.filter(assessment=work).delete()

    assert not Participant.objects.exists()
    assert not TaskScore.objects.exists()
    assert orphans() == 0
