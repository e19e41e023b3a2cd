"""Inserting tens of thousands of rows: PostgreSQL's COPY where the portal runs on it,
Django's bulk_create on the demo's SQLite. A region's staff list is 40,000 people, each with
a role, subjects and a journal entry; bulk_create spends most of its time preparing values
in Python, COPY streams them."""

import json
from collections.abc import Iterable, Sequence

from django.db import connection

CHUNK = 5000


def insert(model, columns: Sequence[str], rows: Iterable[tuple], *, ids: bool = False):
    """Insert `rows` (values in the order of `columns`, attribute names such as `user_id`;
    JSON fields as Python values). With `ids`, returns the new primary keys in order."""
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=2000)
        return [obj.pk for obj in objects] if ids else None
    fields = [model._meta.get_field(name) for name in columns]
    json_at = [i for i, field in enumerate(fields) if field.get_internal_type() == "JSONField"]
    table = model._meta.db_table
    names = [field.column for field in fields]
    keys = None
    with connection.cursor() as cursor:
        if ids:
            # Ids come from the table's own sequence up front, so that rows naming these
            # (roles of new people) can be written in the next statement.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            keys = [row[0] for row in cursor.fetchall()]
            names = ["id", *names]
        quoted = ", ".join(connection.ops.quote_name(name) for name in names)
        # The raw cursor's COPY raises psycopg's own errors; wrapped, a unique violation is
        # Django's IntegrityError like any other statement's, and the callers' words apply.
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(
                f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            ) as copy,
        ):
            for index, row in enumerate(rows):
                values = list(row)
                for at in json_at:
                    values[at] = json.dumps(values[at], ensure_ascii=False)
                copy.write_row([keys[index], *values] if keys else values)
    return keys
