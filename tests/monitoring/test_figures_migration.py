"""Migrations 0006, 0008 and 0009 count the kept figures, the marks at each primary score and
the municipalities' sums of the results loaded before them, as a load would."""

from monitoring.models import (
    MunicipalityFigures,
    MunicipalityTaskPoints,
    ResultSetFigures,
    ResultSetTaskPoints,
    WorkScoreMarks,
)
from tests.migration_steps import migrate_back, migrate_forward

BEFORE = [("monitoring", "0005_import_checking")]


def test_the_results_loaded_before_get_their_figures(transactional_db):
    apps = migrate_back(BEFORE)
    try:
        municipality = apps.get_model("tutoring", "Municipality").objects.create(
            name="Лабинский район", short_name="Лабинский"
        )
        school = apps.get_model("tutoring", "Organization").objects.create(
            municipality=municipality, name="СОШ 20", short_name="СОШ 20"
        )
        subject, _ = apps.get_model("tutoring", "Subject").objects.get_or_create(name="Математика")
        work = apps.get_model("monitoring", "Assessment").objects.create(
            kind="vpr", year=2025, subject=subject, grade=5, max_primary=3
        )
        tasks = apps.get_model("monitoring", "AssessmentTask").objects
        first = tasks.create(assessment=work, position=1, number="1", max_score=1)
        second = tasks.create(assessment=work, position=2, number="2", max_score=2)
        result_set = apps.get_model("monitoring", "ResultSet").objects.create(
            assessment=work, organization=school, participants=3, digest="-"
        )
        participants = apps.get_model("monitoring", "Participant").objects
        scores = apps.get_model("monitoring", "TaskScore").objects
        for code, (one, two), mark, journal in [
            ("1", (1, 2), 5, 4),
            ("2", (0, 1), 3, 3),
            ("3", (1, None), 2, 3),
        ]:
            participant = participants.create(
                result_set=result_set,
                code=code,
                primary_score=one + (two or 0),
                mark=mark,
                journal_mark=journal,
            )
            scores.create(participant=participant, task=first, score=one)
            scores.create(participant=participant, task=second, score=two)
        result_set_id, first_id, second_id, work_id = result_set.pk, first.pk, second.pk, work.pk
        municipality_id = municipality.pk
    finally:
        migrate_forward()

    figures = ResultSetFigures.objects.get(result_set=result_set_id)
    assert (figures.participants, figures.primary_sum) == (3, 5)
    assert (figures.m2, figures.m3, figures.m4, figures.m5) == (1, 1, 0, 1)
    assert (figures.lower, figures.same, figures.higher) == (1, 1, 1)
    points = dict(
        ResultSetTaskPoints.objects.filter(result_set=result_set_id).values_list("task", "points")
    )
    assert points == {first_id: 2, second_id: 3}
    marks = WorkScoreMarks.objects.filter(assessment=work_id)
    assert sorted(marks.values_list("primary_score", "mark", "participants")) == [
        (1, 2, 1),
        (1, 3, 1),
        (3, 5, 1),
    ]
    municipal = MunicipalityFigures.objects.get(assessment=work_id, municipality=municipality_id)
    assert (municipal.participants, municipal.primary_sum, municipal.m5) == (3, 5, 1)
    assert dict(
        MunicipalityTaskPoints.objects.filter(assessment=work_id).values_list("task", "points")
    ) == {first_id: 2, second_id: 3}
