"""What the school list and the staff list share: the sheet each is filled on (its template and
how a check finds it), the two passes of a check, what a check stages for the preview, and what
applying the rows tells the audit. What a row means stays in `organizations` and `people`."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..models import DirectoryImportRow
from .reader import Cells, Column, Problems, Table, Workbook, find_table, template

Change = DirectoryImportRow.Change


@dataclass
class Staged:
    """A checked row: what the preview shows and what the confirmation applies."""

    number: int
    change: str
    title: str
    details: str
    target_id: int | None
    data: dict


@dataclass
class Checked:
    errors: list[dict] = field(default_factory=list)
    rows: list[Staged] = field(default_factory=list)


Parsed = list[tuple[Cells, dict]]


@dataclass(frozen=True)
class ListSheet:
    """A list's sheet: what its template holds and how a check reads a filled one."""

    name: str
    title: str
    columns: tuple[Column, ...]
    instructions: Sequence[str]
    examples: Sequence[Sequence[str]]
    # Whether the keys found in a row make it the header row.
    enough: Callable[[set[str]], bool]
    no_header: str
    no_rows: str
    # Columns read from other systems' exports but not offered in the template.
    unoffered: frozenset[str] = frozenset()

    def template(self, rows=()) -> bytes:
        return template(
            sheet_name=self.name,
            title=self.title,
            columns=tuple(c for c in self.columns if c.key not in self.unoffered),
            instructions=self.instructions,
            examples=self.examples,
            rows=rows,
        )

    def table(self, workbook: Workbook, problems: Problems) -> Table | None:
        table = find_table(workbook, self.columns, preferred=self.name, enough=self.enough)
        if table is None:
            problems.add(None, "", self.no_header)
        return table

    def parse(self, table: Table, problems: Problems, values: Callable[[Cells], dict]) -> Parsed:
        """The first pass: each filled row's values, every cell checked on its own."""
        parsed = []
        for number, cells in table.rows:
            row = Cells(number, cells, table, problems)
            if not row.empty():
                parsed.append((row, values(row)))
        return parsed

    def outcome(
        self, problems: Problems, parsed: Sequence = (), rows: Iterable[Staged] = ()
    ) -> Checked:
        """Every row staged, or, if anything is wrong, every problem and no row: a file with
        errors is not loaded at all."""
        if not parsed and not problems:
            problems.add(None, "", self.no_rows)
        errors = [problem.as_dict() for problem in problems]
        return Checked(errors=errors, rows=[] if errors else list(rows))


def by_change(rows: list[DirectoryImportRow]) -> tuple[list, list]:
    """The rows that add and the rows that update; an unchanged row is never applied."""
    return (
        [row for row in rows if row.change == Change.NEW],
        [row for row in rows if row.change == Change.UPDATE],
    )


def applied(
    model, added: Iterable[tuple[int, str, str]], updated: Iterable[tuple[int, str, str]]
) -> list[tuple]:
    """What applying the rows changed, as (object type, id, name, change, details) for the
    audit: `details` is the preview's «что изменится» of the row, so the journal says it too."""
    label = model._meta.label
    return [
        *((label, pk, name, Change.NEW, details) for pk, name, details in added),
        *((label, pk, name, Change.UPDATE, details) for pk, name, details in updated),
    ]
