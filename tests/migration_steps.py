"""Taking an app's migrations back to a point and forward again, for the tests of a data
migration: rows written in the old schema, the migration run, what it made checked."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_back(target: list[tuple[str, str]]):
    """The app back to `target`; the models of the state actually applied then (an app whose
    later migrations depend on this one's later ones was taken back with it)."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    executor.loader.build_graph()
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def migrate_forward() -> None:
    """Everything to its latest migration again: the tests after this one need the schema."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
