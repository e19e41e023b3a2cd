"""Writing results in bulk: PostgreSQL's COPY through psycopg 3 where the portal runs on
PostgreSQL, Django's bulk_create on the demo's SQLite. A region's year is some 300,000
participants and 4 million task scores; row-by-row INSERTs would take hours."""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet

from .models import Participant, TaskScore

if TYPE_CHECKING:
    from .summaries import Tally  # which writes through this module

CHUNK = 10_000
PARTICIPANT_COLUMNS = (
    "id",
    "result_set_id",
    "code",
    "class_name",
    "variant",
    "primary_score",
    "test_score",
    "mark",
    "journal_mark",
)


def delete(queryset: QuerySet) -> int:
    """One DELETE statement, without Django's collector: it would read every row (and every
    task score of every participant) into memory first to send signals nobody listens to."""
    return queryset._raw_delete(queryset.db)


def insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Rows of plain values (columns by their attnames) in one COPY on PostgreSQL: Django's
    bulk_create spends a millisecond an object preparing what COPY takes as it is. `rows` must
    not read the database as they are taken (a QuerySet): the connection is busy copying."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5_000
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class ResultWriter:
    """Writes (result_set_id, row) pairs, `row` as the staging file keeps it:
    [code, class_name, variant, primary, test_score, mark, journal_mark, [score per task]]."""

    def __init__(
        self,
        tasks: list[int],
        *,
        total: int,
        progress: Callable[[int, int], None] | None = None,
        every: int = CHUNK,
        tally: "Tally | None" = None,
    ):
        self.tasks = tasks
        self.total = total
        self.progress = progress
        self.every = every
        self.tally = tally

    def write(self, rows: Iterable[tuple[int, list]]) -> int:
        written = 0
        for chunk in _chunks(rows, min(self.every, CHUNK)):
            if self.tally is not None:
                for result_set, row in chunk:
                    self.tally.add(result_set, row, self.tasks)
            if connection.vendor == "postgresql":
                self._copy(chunk)
            else:
                self._bulk_create(chunk)
            written += len(chunk)
            if self.progress is not None:
                self.progress(written, self.total)
        return written

    def _copy(self, chunk: list[tuple[int, list]]) -> None:
        with connection.cursor() as cursor:
            # Ids are taken from the table's own sequence up front, so that the task scores
            # can name their participant in the same pass.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Participant._meta.db_table, len(chunk)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        insert(
            Participant,
            PARTICIPANT_COLUMNS,
            ((pk, result_set, *row[:7]) for pk, (result_set, row) in zip(ids, chunk, strict=True)),
        )
        insert(
            TaskScore,
            ("participant_id", "task_id", "score"),
            (
                (pk, task, score)
                for pk, (_result_set, row) in zip(ids, chunk, strict=True)
                for task, score in zip(self.tasks, row[7], strict=True)
            ),
        )

    def _bulk_create(self, chunk: list[tuple[int, list]]) -> None:
        participants = Participant.objects.bulk_create(
            Participant(
                result_set_id=result_set,
                code=row[0],
                class_name=row[1],
                variant=row[2],
                primary_score=row[3],
                test_score=row[4],
                mark=row[5],
                journal_mark=row[6],
            )
            for result_set, row in chunk
        )
        TaskScore.objects.bulk_create(
            (
                TaskScore(participant_id=participant.pk, task_id=task, score=score)
                for participant, (_result_set, row) in zip(participants, chunk, strict=True)
                for task, score in zip(self.tasks, row[7], strict=True)
            ),
            batch_size=5_000,
        )


def analyze_grown(added: dict) -> None:
    """`analyze` the tables of `added` ({model: rows just written}) that grew by more than
    autovacuum's own threshold (50 rows and a tenth of what the statistics count) or were
    never analyzed. One school's upload into a region's tables changes no plan, and every
    ANALYZE samples 30,000 rows and waits for any other on the same table."""
    if connection.vendor != "postgresql":
        return
    tables = {model._meta.db_table: model for model in added}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(tables)],
        )
        counted = dict(cursor.fetchall())
    grown = [
        model
        for table, model in tables.items()
        if counted.get(table, -1) <= 0 or added[model] > 50 + 0.1 * counted[table]
    ]
    if grown:
        analyze(*grown)


def analyze(*models) -> None:
    """Refresh PostgreSQL's statistics of the tables a load has just filled (inside a
    transaction its own new rows count). Autovacuum would in a while; until then the planner
    takes a table of a million fresh rows for an empty one."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
