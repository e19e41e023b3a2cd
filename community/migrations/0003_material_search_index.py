"""The GIN index of the library's full-text search, on PostgreSQL only (the SQLite demo
searches without it). Its expression is the very one `community.library.search_vector()`
produces, so that the planner can use it for the `@@` of the search: change both together."""

from django.db import migrations

INDEX = "community_material_search"
CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX} ON community_material USING gin ((
    setweight(to_tsvector('russian'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('russian'::regconfig, COALESCE(description, '')), 'B')
))
"""
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("community", "0002_library_and_routes")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
