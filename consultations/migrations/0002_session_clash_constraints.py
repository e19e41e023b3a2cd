"""No tutor and no room in two sessions at once, enforced by PostgreSQL.

An exclusion constraint over the session's time range (with btree_gist for the equality on the
tutor or room) makes the database refuse the second of two overlapping bookings, however they
race. Cancelled sessions free their time. SQLite (the one-command demo) has no exclusion
constraints; there the booking service's own check is all there is.
"""

from django.db import migrations

CONSTRAINTS = {
    "session_no_tutor_clash": "tutor_id WITH =, tstzrange(starts_at, ends_at) WITH &&",
    "session_no_room_clash": "room_id WITH =, tstzrange(starts_at, ends_at) WITH &&",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, columns in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE consultations_session ADD CONSTRAINT {name} "
            f"EXCLUDE USING gist ({columns}) WHERE (status <> 'cancelled')"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE consultations_session DROP CONSTRAINT {name}")


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
