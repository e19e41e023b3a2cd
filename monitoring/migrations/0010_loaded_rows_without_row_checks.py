"""Participants and the kept task sums of a school lose their foreign keys in the database, as
task scores did in 0007: a load of a year checked each of its 300,000 participants and its
160,000 task sums again at COMMIT, row by row, for result sets it had just written and tasks
it held locked (a fifth of a load's time after 0007). What the keys' ON DELETE CASCADE did
stays in the database on PostgreSQL: one trigger per statement deletes the participants and
the task sums of the result sets a statement deleted (0007's trigger then their scores), and
one the task sums of the tasks deleted. The index on the sums' result set goes: their primary
key leads with it."""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = [
    """CREATE OR REPLACE FUNCTION monitoring_result_set_rows_gone() RETURNS trigger AS $$
    BEGIN
        DELETE FROM monitoring_resultsettaskpoints t USING gone g WHERE t.result_set_id = g.id;
        DELETE FROM monitoring_participant p USING gone g WHERE p.result_set_id = g.id;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER monitoring_result_set_rows_gone AFTER DELETE ON monitoring_resultset "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
    "EXECUTE FUNCTION monitoring_result_set_rows_gone()",
    """CREATE OR REPLACE FUNCTION monitoring_task_points_gone() RETURNS trigger AS $$
    BEGIN
        DELETE FROM monitoring_resultsettaskpoints t USING gone g WHERE t.task_id = g.id;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER monitoring_task_points_gone AFTER DELETE ON monitoring_assessmenttask "
    "REFERENCING OLD TABLE AS gone FOR EACH STATEMENT "
    "EXECUTE FUNCTION monitoring_task_points_gone()",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS monitoring_result_set_rows_gone ON monitoring_resultset",
    "DROP FUNCTION IF EXISTS monitoring_result_set_rows_gone()",
    "DROP TRIGGER IF EXISTS monitoring_task_points_gone ON monitoring_assessmenttask",
    "DROP FUNCTION IF EXISTS monitoring_task_points_gone()",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0009_municipality_figures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="result_set",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="participants_set",
                to="monitoring.resultset",
                verbose_name="результаты школы",
            ),
        ),
        migrations.AlterField(
            model_name="resultsettaskpoints",
            name="result_set",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="task_points",
                to="monitoring.resultset",
            ),
        ),
        migrations.AlterField(
            model_name="resultsettaskpoints",
            name="task",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="monitoring.assessmenttask",
            ),
        ),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
