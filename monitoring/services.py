"""Loading assessment results. A file is checked when it is uploaded: every row is read and
validated, the schools and the subject are found, and the rows (never the names in them) go
to a staging file; the user sees a preview and confirms; a Celery task then loads the staging
file in one transaction, in bulk. A rejected file leaves nothing but the list of its problems."""

import gzip
import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tutoring import notifications, outbox
from tutoring.models import Municipality, Organization, Subject, User, subject_key
from tutoring.services import audit_record
from tutoring.words import plural
from tutoring.workflow import Move, Workflow

from . import bulk, figures_cache, gia, summaries
from .gia import Layout
from .models import (
    Assessment,
    AssessmentKind,
    AssessmentTask,
    DomainError,
    ImportBatch,
    MinimumScore,
    Participant,
    ResultSet,
    TaskScore,
)
from .selectors import can_load
from .vpr import Problem, SchoolRef, column_index, read_f1

Status = ImportBatch.Status
# A file's problems are listed up to this many, with the count of the rest.
MAX_LISTED_PROBLEMS = 300
PROGRESS_EVERY = 5_000


def normalized(text: str) -> str:
    """A school's name as a file may spell it: case, «ё» and spacing do not matter."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _problem(row, column, message, letter: str = "") -> dict:
    return {"row": row, "column": column, "letter": letter, "message": message}


def _as_dicts(problems: Iterable[Problem]) -> list[dict]:
    return [_problem(p.row, p.column, p.message, p.letter) for p in problems]


def _position(problem: dict) -> tuple:
    """Problems as the file reads: those of the whole file first, then row by row, column
    by column."""
    row = problem.get("row")
    return (row is not None, row or 0, column_index(problem.get("letter") or ""))


def _listed(read: list[dict], omitted: int, found: list[dict]) -> tuple[list[dict], int]:
    """Every problem in one list by row and column, at most `MAX_LISTED_PROBLEMS`, and how
    many more there are. The problems found against the portal's data (schools, subject,
    tasks: a few per file) are always listed; the rows' problems fill the rest."""
    found = found[:MAX_LISTED_PROBLEMS]
    room = MAX_LISTED_PROBLEMS - len(found)
    shown = sorted(found + read[:room], key=_position)
    return shown, omitted + max(len(read) - room, 0)


def _subject_problem(name: str, subject: Subject | None) -> str:
    """What is wrong with a file's subject, as found by `subject_key`; empty if nothing."""
    if subject is None:
        return (
            f"Предмет «{name}» не найден в справочнике портала: его добавляет методист "
            "или администратор региона на странице «Предметы»."
        )
    if not subject.is_active:
        return (
            f"Предмет «{subject.name}» выведен из употребления: верните его на странице "
            "«Предметы», чтобы загрузить результаты."
        )
    return ""


LOGIN_HINT = "проверьте логин в карточке школы"


def _schools_by_name(scope) -> dict[str, Organization]:
    """The open schools of the upload's municipality by their normalized names."""
    if scope is None:
        return {}
    municipality_id = scope.municipality_id if isinstance(scope, Organization) else scope.pk
    schools = Organization.objects.schools().open().filter(municipality=municipality_id)
    found = {}
    for school in schools:
        for name in (school.short_name, school.name):
            found.setdefault(normalized(name), school)
    return found


def _schools(
    refs: dict[str, SchoolRef], municipality: Municipality | None, only: Organization | None
):
    """The schools of the file by their ФИС ОКО login, and the problems: a login the portal
    does not know, a school of another municipality, another school's data from a school.
    `refs` are every school the file names, in rows with problems too."""
    found = {
        o.fis_oko_login: o
        for o in Organization.objects.filter(fis_oko_login__in=refs).select_related("municipality")
    }
    problems = []
    unknown = [login for login in refs if login not in found]
    by_name = _schools_by_name(municipality or only) if unknown else {}
    for login, ref in refs.items():
        school = found.get(login)

        def problem(message: str, ref=ref) -> dict:
            return _problem(ref.row, ref.column, message, ref.letter)

        if school is None:
            # The file names the school too: when the portal knows a school of that name,
            # the methodist is sent straight to its card to enter the login.
            named = by_name.get(normalized(ref.name)) if ref.name else None
            unknown_school = problem(
                f"Школа с логином ФИС ОКО «{login}»"
                + (f" ({ref.name})" if ref.name else "")
                + f" не найдена в портале: {LOGIN_HINT}"
                + (f" «{named.short_name}»." if named else ".")
            )
            unknown_school["school_name"] = ref.name
            if named is not None:
                unknown_school["organization"] = named.pk
            problems.append(unknown_school)
        elif municipality is not None and school.municipality_id != municipality.pk:
            problems.append(
                problem(
                    f"{school.short_name} ({login}) — школа другого муниципального образования "
                    f"({school.municipality.name}): загрузите только школы своего."
                )
            )
        elif only is not None and school.pk != only.pk:
            problems.append(
                problem(
                    f"Результаты {school.short_name} ({login}): {only.short_name} загружает "
                    "только свои результаты."
                )
            )
    return found, problems


def _points(number: int) -> str:
    return plural(number, "балл", "балла", "баллов")


def _task_problems(
    assessment: Assessment | None, tasks, columns=(), header_row: int | None = None
) -> list[dict]:
    """Each task of the file that differs from the loaded work's, by its column: the same
    work is one set of tasks, whoever loads it."""
    if assessment is None:
        return []
    known = [(t.number, t.max_score) for t in assessment.tasks.all()]
    mine = [(t.number, t.max_score) for t in tasks]
    if not known or known == mine:
        return []
    work = f"уже загруженной работе «{assessment}»"
    problems = [
        _problem(
            header_row,
            "",
            f"Задания файла не совпадают с заданиями уже загруженной работы «{assessment}» "
            f"(в файле {plural(len(mine), 'задание', 'задания', 'заданий')}, в работе — "
            f"{len(known)}): проверьте, что выгружена та же работа.",
        )
    ]
    for position, (number, max_score) in enumerate(mine):
        column, letter = columns[position] if position < len(columns) else ("", "")
        if position >= len(known):
            message = (
                f"Лишнее задание {number}: в {work} "
                f"{plural(len(known), 'задание', 'задания', 'заданий')}."
            )
        elif (number, max_score) != known[position]:
            other_number, other_max = known[position]
            message = (
                f"Задание {number} ({_points(max_score)}): в {work} на этом месте задание "
                f"{other_number} ({_points(other_max)})."
            )
        else:
            continue
        problems.append(_problem(header_row, column, message, letter))
    for number, max_score in known[len(mine) :]:
        problems.append(
            _problem(
                header_row,
                "",
                f"Нет задания {number} ({_points(max_score)}), которое есть в {work}.",
            )
        )
    return problems


def _digest(rows: list[list]) -> str:
    return hashlib.sha256(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()


@dataclass
class _Checked:
    """What checking a file found: problems, or the preview and the rows to stage, keyed by
    (work, school): the position of the work in the summary and the school's id."""

    kind: str
    errors: list[dict]  # the reader's, in the file's order
    warnings: list[dict]
    participants: int
    summary: dict = field(default_factory=dict)
    rows: dict[tuple[int, int], list[list]] = field(default_factory=dict)
    found: list[dict] = field(default_factory=list)  # against the portal: schools, tasks
    more_errors: int = 0  # the reader's problems beyond those it kept
    more_warnings: int = 0
    notes: list[dict] = field(default_factory=list)  # a totals row skipped

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.found or self.more_errors)


def import_key(batch_id: int) -> str:
    """The outbox key of a batch's tasks: its check, then its load."""
    return f"monitoring.import:{batch_id}"


_LAYOUT_KIND = {Layout.VPR: AssessmentKind.VPR, Layout.DIAGNOSTIC: AssessmentKind.DIAGNOSTIC}


def batch_upload(
    *,
    actor: User | None,
    municipality: Municipality | None,
    uploaded,
    only_school: Organization | None = None,
    layout: str = Layout.VPR,
    queue: bool = True,
) -> ImportBatch:
    """Store an uploaded file as a batch `CHECKING` and queue its check (`queue=False`: the
    caller checks it itself with `batch_run_check`). Nothing of the file is read here but its
    bytes: a hostile one is refused by the check, in a worker, never in the request."""
    digest = hashlib.sha256()
    size = 0
    uploaded.seek(0)
    for chunk in iter(lambda: uploaded.read(64 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    with transaction.atomic():
        batch = ImportBatch(
            kind=_LAYOUT_KIND.get(layout, AssessmentKind.OGE),
            layout=layout,
            municipality=municipality,
            organization=only_school,
            uploaded_by=actor,
            original_name=(uploaded.name or "без имени")[:255],
            size=size,
            sha256=digest.hexdigest(),
            token=secrets.token_hex(16),
            status=Status.CHECKING,
            created_at=timezone.now(),
        )
        batch.upload.save("upload.xlsx", uploaded, save=False)
        batch.save()
        audit_record(
            actor=actor, action="import.upload", obj=batch, changes={"file": batch.original_name}
        )
        if queue:
            from .tasks import check_batch

            outbox.enqueue(check_batch, batch.pk, key=import_key(batch.pk))
    return batch


def batch_check(
    *,
    actor: User | None,
    municipality: Municipality | None,
    uploaded,
    only_school: Organization | None = None,
    layout: str = Layout.VPR,
) -> ImportBatch:
    """Store and check a file at once, in this process (`import_vpr`, the demo, the tests):
    `READY` with a staging file and a preview, or `REJECTED` with every problem by row and
    column. Without a municipality (a regional load by `import_vpr`) the file may hold
    schools of any."""
    batch = batch_upload(
        actor=actor,
        municipality=municipality,
        uploaded=uploaded,
        only_school=only_school,
        layout=layout,
        queue=False,
    )
    batch_run_check(batch.pk)
    batch.refresh_from_db()
    return batch


def batch_run_check(batch_id: int) -> bool:
    """Check a stored batch: its file within the bounds of `tutoring.sheet_bounds` first,
    then every row. Ends `READY` with a staging file and a preview, or `REJECTED` with every
    problem; either way the upload itself is deleted. `layout` says what the file is: a ВПР
    «Ф1» export, or the portal's ГИА or diagnostic-work template. Safe to run twice: a batch
    that is no longer being checked is left alone. Returns whether it checked."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=Status.CHECKING).first()
    if batch is None or not batch.upload:
        return False
    with batch.upload.open("rb") as stream:
        uploaded = File(stream, name=batch.original_name)
        if batch.layout == Layout.VPR:
            checked = _check_f1(uploaded, batch.municipality, batch.organization)
        else:
            checked = _check_template(
                uploaded, batch.layout, batch.municipality, batch.organization
            )
    warnings, more_warnings = _listed(checked.warnings, checked.more_warnings, [])
    # What the preview says besides the problems: a totals row skipped, how many problems
    # were not listed.
    extra = {"notes": checked.notes} if checked.notes else {}
    if more_warnings:
        extra["more_warnings"] = more_warnings
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != Status.CHECKING:
            return False  # a second run of the check finished first
        batch.kind = checked.kind
        batch.warnings = warnings
        if checked.failed:
            batch.status = Status.REJECTED
            batch.errors, more_errors = _listed(checked.errors, checked.more_errors, checked.found)
            batch.summary = {"participants": checked.participants, **extra}
            if more_errors:
                batch.summary["more_errors"] = more_errors
            if batch.layout != Layout.VPR:
                batch.summary["layout"] = batch.layout
        else:
            batch.status = Status.READY
            batch.created_at = timezone.now()
            batch.summary = {**checked.summary, **extra}
            batch.staging.save("rows", ContentFile(_staging_bytes(checked.rows)), save=False)
        storage, name = batch.upload.storage, batch.upload.name
        batch.upload = ""
        batch.save()
        if batch.status == Status.READY:
            _tell_uploader(
                batch,
                "monitoring.import.checked",
                f"Файл «{batch.original_name}» проверен: посмотрите сводку и подтвердите загрузку.",
            )
        else:
            errors = batch_error_count(batch)
            _tell_uploader(
                batch,
                "monitoring.import.failed",
                f"Файл «{batch.original_name}» не принят: "
                f"{plural(errors, 'ошибка', 'ошибки', 'ошибок')}, исправьте их и загрузите "
                "файл снова.",
            )
        audit_record(
            actor=batch.uploaded_by,
            action="import.check",
            obj=batch,
            changes={
                "file": batch.original_name,
                "status": batch.get_status_display(),
                "errors": batch_error_count(batch),
            },
        )
    # Once the batch no longer names it, the file is kept by no one: a rejected one leaves
    # only its problems.
    storage.delete(name)
    return True


def _tell_uploader(batch: ImportBatch, kind: str, text: str) -> None:
    """The one who uploaded the file learns the outcome of the work it waited for (the check
    and the load run in the queue; a command's own run tells nobody)."""
    if batch.uploaded_by_id:
        notifications.notify(
            recipients=[batch.uploaded_by_id],
            kind=kind,
            text=text,
            link=batch.get_absolute_url(),
            obj=batch,
        )


def batch_error_count(batch: ImportBatch) -> int:
    """Every problem of a rejected file: the listed and the rest."""
    return len(batch.errors) + batch.summary.get("more_errors", 0)


def _read(checked: _Checked, result) -> None:
    """What a reader's result adds to a check besides its rows."""
    checked.more_errors = result.more_errors
    checked.more_warnings = result.more_warnings
    checked.notes = _as_dicts(result.notes)


def _check_f1(uploaded, municipality, only_school) -> _Checked:
    """Every problem of the file at once: its structure and rows (the reader), then, whatever
    the rows say, its subject, its tasks against a loaded work and its schools."""
    result = read_f1(uploaded, max_errors=MAX_LISTED_PROBLEMS)
    header = result.header
    checked = _Checked(
        kind=AssessmentKind.VPR,
        errors=_as_dicts(result.errors),
        warnings=_as_dicts(result.warnings),
        participants=len(result.participants),
    )
    _read(checked, result)
    subject = assessment = None
    if header is not None:
        subject = Subject.objects.all().by_key().get(subject_key(header.subject))
        if problem := _subject_problem(header.subject, subject):
            checked.found.append(_problem(None, "Предмет", problem))
            subject = None
        else:
            assessment = Assessment.objects.filter(
                kind=AssessmentKind.VPR, year=header.year, subject=subject, grade=header.grade
            ).first()
            checked.found += _task_problems(
                assessment, header.tasks, header.task_columns, header.header_row
            )
    schools, checked_schools = _schools(result.schools, municipality, only_school)
    checked.found += checked_schools
    if header is not None and not result.participants and not checked.failed:
        checked.found.append(_problem(None, "", "В файле нет ни одного участника."))
    if not checked.failed:
        rows = _staging_rows(result, schools)
        checked.summary = _summary(header, subject, assessment, rows, schools, result)
        checked.rows = {(0, school): school_rows for school, school_rows in rows.items()}
    return checked


def _staging_rows(result, schools) -> dict[int, list[list]]:
    """Per school, the rows as they will be stored: no name, no sex ever reaches them."""
    rows: dict[int, list[list]] = defaultdict(list)
    for p in result.participants:
        school = schools[p.school_login]
        rows[school.pk].append(
            [
                p.code,
                p.class_name,
                p.variant,
                p.primary,
                None,
                p.mark,
                p.journal_mark,
                list(p.scores),
            ]
        )
    return rows


def _staging_bytes(rows: dict[tuple[int, int], list[list]]) -> bytes:
    """One JSON line per participant, [work, school, row], the lines of a work together: the
    load writes work by work in one pass."""
    lines = (
        json.dumps([work, school, row], ensure_ascii=False)
        for work, school in sorted(rows)
        for row in rows[(work, school)]
    )
    return gzip.compress("\n".join(lines).encode(), compresslevel=5)


def _changes(assessment: Assessment | None, rows: dict[int, list[list]], by_id) -> list[dict]:
    """Per school of a work: its participants and what loading does to its data, by the
    digest of its rows: new, the same as loaded (nothing happens) or a replacement."""
    existing = {}
    if assessment is not None:
        existing = dict(
            ResultSet.objects.filter(assessment=assessment, organization__in=rows).values_list(
                "organization", "digest"
            )
        )
    school_rows = []
    for school_id, school_participants in rows.items():
        digest = _digest(school_participants)
        if school_id not in existing:
            change = "new"
        elif existing[school_id] == digest:
            change = "same"
        else:
            change = "replace"
        school_rows.append(
            {
                "id": school_id,
                "name": by_id[school_id].short_name,
                "login": by_id[school_id].fis_oko_login,
                "participants": len(school_participants),
                "digest": digest,
                "change": change,
            }
        )
    school_rows.sort(key=lambda s: s["name"])
    return school_rows


def _summary(header, subject, assessment, rows, schools, result) -> dict:
    by_id = {school.pk: school for school in schools.values()}
    return {
        "year": header.year,
        "subject_id": subject.pk,
        "subject": subject.name,
        "grade": header.grade,
        "max_primary": header.max_primary,
        "held_on": header.held_on.isoformat() if header.held_on else None,
        "tasks": [[t.number, t.max_score, t.level] for t in header.tasks],
        "schools": _changes(assessment, rows, by_id),
        "participants": len(result.participants),
    }


KIND_ORDER = [AssessmentKind.OGE, AssessmentKind.EGE, AssessmentKind.GVE, AssessmentKind.DIAGNOSTIC]


def _check_template(uploaded, layout, municipality, only_school) -> _Checked:
    """A filled ГИА or diagnostic-work template: the works it holds (a ГИА file may hold
    several exams and subjects), each found in the portal or to be made on load."""
    reader = gia.read_gia if layout == Layout.GIA else gia.read_diagnostic
    result = reader(uploaded, max_errors=MAX_LISTED_PROBLEMS)
    warnings = _as_dicts(result.warnings)
    # A batch has one kind: a ГИА file of several exams is filed under the first of them, and
    # its summary lists every work with its own kind.
    kinds = sorted({key.kind for key in result.works}, key=KIND_ORDER.index)
    kind = AssessmentKind.DIAGNOSTIC if layout == Layout.DIAGNOSTIC else AssessmentKind.OGE
    checked = _Checked(
        kinds[0] if kinds else kind,
        _as_dicts(result.errors),
        warnings,
        len(result.participants),
    )
    _read(checked, result)
    # The works and schools of the rows read are checked whatever the other rows say.
    subjects = Subject.objects.all().by_key()
    found = {}
    for key, work in result.works.items():
        subject = subjects.get(subject_key(key.subject))
        if problem := _subject_problem(work.subject, subject):
            if subject is None:
                problem += " Выберите предмет из списка на листе «Списки» шаблона."
            checked.found.append(_problem(work.first_row, "Предмет", problem))
        else:
            found[key] = subject
    schools, checked_schools = _schools(result.schools, municipality, only_school)
    checked.found += checked_schools
    assessments = {}
    for key, subject in found.items():
        assessments[key] = Assessment.objects.filter(
            kind=key.kind, year=key.year, subject=subject, grade=key.grade, title=key.title
        ).first()
        work = result.works[key]
        checked.found += _task_problems(
            assessments[key], work.tasks, work.task_columns, result.header_row
        )
    if checked.failed:
        return checked
    order = sorted(
        result.works,
        key=lambda k: (KIND_ORDER.index(k.kind), k.year, found[k].name, k.grade, k.title),
    )
    position = {key: index for index, key in enumerate(order)}
    minimums = _minimums(found)
    by_work: dict[gia.WorkKey, list] = defaultdict(list)
    for participant in result.participants:
        school = schools[participant.school_login]
        by_work[participant.work].append(participant)
        checked.rows.setdefault((position[participant.work], school.pk), []).append(
            participant.staging_row()
        )
        minimum = minimums.get(participant.work)
        if (
            minimum is not None
            and participant.mark
            and participant.mark > 2
            and participant.primary < minimum
        ):
            warnings.append(
                _problem(
                    participant.row,
                    "Отметка",
                    f"Отметка «{participant.mark}» при первичном балле {participant.primary}, "
                    f"ниже минимального ({minimum}): проверьте отметку или балл.",
                )
            )
    by_id = {school.pk: school for school in schools.values()}
    works = []
    for key in order:
        work = result.works[key]
        subject = found[key]
        rows = {school: r for (index, school), r in checked.rows.items() if index == position[key]}
        works.append(
            {
                "kind": key.kind,
                "year": key.year,
                "subject_id": subject.pk,
                "subject": subject.name,
                "grade": key.grade,
                "title": key.title,
                "label": gia.work_label(key.kind, key.year, subject.name, key.grade, key.title),
                "max_primary": work.max_primary,
                "held_on": work.held_on.isoformat() if work.held_on else None,
                "date": f"{work.held_on:%d.%m.%Y}" if work.held_on else None,
                "tasks": [[t.number, t.max_score, t.level] for t in work.tasks],
                "participants": len(by_work[key]),
                **_below_minimum(key, minimums.get(key), by_work[key]),
                "schools": _changes(assessments[key], rows, by_id),
            }
        )
    checked.summary = {
        "layout": layout,
        "works": works,
        "participants": len(result.participants),
    }
    return checked


def _minimums(subjects: dict) -> dict:
    """The minimum of each ГИА work with one in the reference data: ЕГЭ a test score, ОГЭ and
    ГВЭ the primary score of a «3». ЕГЭ по математике базового уровня (a titled work) has a
    mark instead, and the minimum of «Математика» is the профильный one."""
    keys = [k for k in subjects if k.kind != AssessmentKind.DIAGNOSTIC and not k.title]
    if not keys:
        return {}
    scores = {
        (m.kind, m.year, m.subject_id, m.grade): m.score
        for m in MinimumScore.objects.filter(
            year__in={k.year for k in keys}, subject__in={s.pk for s in subjects.values()}
        )
    }
    return {
        key: scores[(key.kind, key.year, subjects[key].pk, key.grade)]
        for key in keys
        if (key.kind, key.year, subjects[key].pk, key.grade) in scores
    }


def _below_minimum(key, minimum: int | None, participants: list) -> dict:
    """How many did not reach the minimum: a «2» where there are marks, a test score under
    the minimum at ЕГЭ."""
    if key.kind == AssessmentKind.DIAGNOSTIC:
        return {"minimum": None, "below_minimum": None}
    if key.kind == AssessmentKind.EGE and not key.title:
        below = None
        if minimum is not None:
            below = sum(1 for p in participants if p.test_score < minimum)
        return {"minimum": minimum, "below_minimum": below}
    return {"minimum": minimum, "below_minimum": sum(1 for p in participants if p.mark == 2)}


LOADS = "Подтверждает или отменяет загрузку тот, кто может загружать результаты этой школы."

# The moves of a checked file that a person makes. The check, the load and their failures are
# the worker's, and a retry goes back to whichever stage failed: plain services below.
IMPORT = Workflow(
    "monitoring.import",
    model=ImportBatch,
    noun="Файл",
    error=DomainError,
    moves=[
        Move(
            "confirm",
            sources={Status.READY},
            target=Status.LOADING,
            allowed=can_load,
            forbidden=LOADS,
            refusal="Загрузить можно только проверенный файл, который ещё не загружен.",
            action="import.confirm",
        ),
        Move(
            "cancel",
            sources={Status.READY},
            target=Status.CANCELLED,
            allowed=can_load,
            forbidden=LOADS,
            refusal="Отменить можно только проверенный и ещё не загруженный файл.",
            action="import.cancel",
        ),
    ],
)


@transaction.atomic
def batch_confirm(*, actor: User | None, batch: ImportBatch, queue: bool = True) -> ImportBatch:
    """Queue the load of a checked batch (`queue=False`: the caller loads it itself, as
    `import_vpr` does)."""
    from .tasks import load_batch

    batch = IMPORT.start(actor, batch, "confirm")
    IMPORT.finish(actor, batch, "confirm")
    if queue:
        outbox.enqueue(load_batch, batch.pk, key=import_key(batch.pk))
    return batch


@transaction.atomic
def batch_cancel(*, actor: User, batch: ImportBatch) -> ImportBatch:
    batch = IMPORT.start(actor, batch, "cancel")
    IMPORT.finish(actor, batch, "cancel")
    staging = batch.staging
    transaction.on_commit(lambda: staging.delete(save=False))
    return batch


@dataclass
class _Plan:
    """A work of a batch ready to be written: its tasks, and the result set of each school
    whose rows change."""

    assessment: Assessment
    tasks: list[int]
    sets: dict[int, int]
    participants: int


def _works(summary: dict) -> list[dict]:
    if "works" in summary:
        return summary["works"]
    return [{**summary, "kind": AssessmentKind.VPR, "title": ""}]  # a «Ф1» is one work


def batch_load(batch_id: int, *, progress: Callable[[int, int], None] | None = None) -> bool:
    """Load a confirmed batch in one transaction: each work and its tasks once, then each
    school whose rows changed, replacing what it had. Safe to run twice: a batch that is not
    waiting to load is left alone. Returns whether it loaded."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != Status.LOADING:
            return False
        works = _works(batch.summary)
        plans = [_plan(batch, work) for work in works]
        total = sum(plan.participants for plan in plans)
        tally = summaries.Tally()
        loaded = _load_rows(batch, plans, total, progress, tally)
        # Now, not after the commit: the marks below and the pages read these rows in the
        # same transaction when the demo or a test loads them, and a planner that takes them
        # for empty tables may pick a plan that runs for minutes.
        bulk.analyze_grown(
            {ResultSet: len(tally.figures), Participant: loaded, TaskScore: tally.scores}
        )
        # The figures pages add up, counted as the rows went by rather than read back.
        tally.keep(rs for plan in plans for rs in plan.sets.values())
        batch.status = Status.LOADED
        batch.loaded_at = timezone.now()
        batch.save(update_fields=["status", "loaded_at"])
        _tell_uploader(
            batch,
            "monitoring.import.loaded",
            f"Файл «{batch.original_name}» загружен: результаты видны в мониторинге.",
        )
        changed = {s["id"] for w in works for s in w["schools"] if s["change"] != "same"}
        every = {s["id"] for w in works for s in w["schools"]}
        changes = {
            "assessment": "; ".join(str(plan.assessment) for plan in plans),
            "schools": len(changed),
            "unchanged": len(every - changed),
            "participants": loaded,
        }
        if len(works) > 1:
            changes["works"] = len(works)
        audit_record(actor=batch.uploaded_by, action="import.load", obj=batch, changes=changes)
        staging = batch.staging
        transaction.on_commit(lambda: staging.delete(save=False))
    return True


def _plan(batch: ImportBatch, work: dict) -> _Plan:
    assessment = _assessment(work)
    changed = {s["id"]: s for s in work["schools"] if s["change"] != "same"}
    current = {
        rs.organization_id: rs
        for rs in ResultSet.objects.select_for_update().filter(
            assessment=assessment, organization__in=[s["id"] for s in work["schools"]]
        )
    }
    replaced = [rs.pk for school, rs in current.items() if school in changed]
    bulk.delete(TaskScore.objects.filter(participant__result_set__in=replaced))
    bulk.delete(Participant.objects.filter(result_set__in=replaced))
    new, replacing = [], []
    now = timezone.now()
    for school_id, school in changed.items():
        result_set = current.get(school_id)
        if result_set is None:
            result_set = ResultSet(assessment=assessment, organization_id=school_id)
            new.append(result_set)
        else:
            replacing.append(result_set)
        result_set.batch = batch
        result_set.participants = school["participants"]
        result_set.digest = school["digest"]
        result_set.loaded_at = now
    # Two statements for a region's file of 1,500 schools, not 1,500.
    ResultSet.objects.bulk_create(new)
    ResultSet.objects.bulk_update(
        replacing, ["batch", "participants", "digest", "loaded_at"], batch_size=500
    )
    sets = {result_set.organization_id: result_set.pk for result_set in [*new, *replacing]}
    return _Plan(
        assessment=assessment,
        tasks=list(assessment.tasks.order_by("position").values_list("pk", flat=True)),
        sets=sets,
        participants=sum(s["participants"] for s in changed.values()),
    )


def batch_fail(batch_id: int, reason: str) -> bool:
    """Mark a batch whose check or load could not finish as failed, with the reason; a batch
    that has moved on meanwhile (a second run finished it) is left alone."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status not in (Status.CHECKING, Status.LOADING):
            return False
        stage = "check" if batch.status == Status.CHECKING else "load"
        batch.status = Status.FAILED
        batch.failure = reason
        batch.save(update_fields=["status", "failure"])
        what = "Проверка" if stage == "check" else "Загрузка"
        _tell_uploader(
            batch,
            "monitoring.import.failed",
            f"{what} файла «{batch.original_name}» не удалась: {reason}",
        )
        audit_record(
            actor=None,
            action="import.fail",
            obj=batch,
            changes={"stage": _STAGE_LABELS[stage], "reason": reason},
        )
    return True


_STAGE_LABELS = {"check": "проверка", "load": "загрузка"}


def batch_retry_stage(batch: ImportBatch) -> str | None:
    """What «Повторить» does for the batch: "check" (its file is still there), "load" (its
    staging file is), or None when there is nothing to repeat. A failed batch, or one whose
    task waits for a queue that is down or a worker that died, may be repeated."""
    stuck = batch.status in (Status.CHECKING, Status.LOADING) and outbox.is_stuck(
        import_key(batch.pk)
    )
    if batch.status != Status.FAILED and not stuck:
        return None
    if batch.upload and batch.status in (Status.FAILED, Status.CHECKING):
        return "check"
    if batch.staging and batch.status in (Status.FAILED, Status.LOADING):
        return "load"
    return None


@transaction.atomic
def batch_retry(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue again the check or the load that failed or is stuck. The load stays exactly
    once: `batch_load` loads only a batch `LOADING`, under its lock."""
    from .tasks import check_batch, load_batch

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    stage = batch_retry_stage(batch)
    if stage is None:
        raise DomainError(
            "Повторить можно только проверку или загрузку, которая не удалась или зависла."
        )
    batch.status = Status.CHECKING if stage == "check" else Status.LOADING
    batch.failure = ""
    batch.save(update_fields=["status", "failure"])
    task = check_batch if stage == "check" else load_batch
    outbox.forget(import_key(batch.pk))  # the retry replaces the task that was lost
    outbox.enqueue(task, batch.pk, key=import_key(batch.pk))
    audit_record(
        actor=actor, action="import.retry", obj=batch, changes={"stage": _STAGE_LABELS[stage]}
    )
    return batch


def _assessment(summary: dict) -> Assessment:
    assessment, _created = Assessment.objects.get_or_create(
        kind=summary["kind"],
        year=summary["year"],
        subject_id=summary["subject_id"],
        grade=summary["grade"],
        title=summary["title"],
        defaults={"max_primary": summary["max_primary"], "held_on": summary["held_on"]},
    )
    # Two files of one work may be loaded at once: the lock makes the second wait for the
    # first one's tasks instead of adding its own.
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.tasks.exists():
        AssessmentTask.objects.bulk_create(
            AssessmentTask(
                assessment=assessment,
                position=position,
                number=number,
                max_score=max_score,
                level=level,
            )
            for position, (number, max_score, level) in enumerate(summary["tasks"], start=1)
        )
    elif [(t.number, t.max_score) for t in assessment.tasks.all()] != [
        (number, max_score) for number, max_score, _level in summary["tasks"]
    ]:
        raise DomainError(f"Задания файла не совпадают с заданиями работы «{assessment}».")
    return assessment


def _load_rows(batch, plans: list[_Plan], total: int, progress, tally) -> int:
    def lines():
        with batch.staging.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
            for line in text:
                item = json.loads(line)
                # [school, row]: a batch checked before one file could hold several works.
                yield (0, *item) if len(item) == 2 else item

    written = 0
    for work, group in groupby(lines(), key=lambda item: item[0]):
        plan = plans[work]

        def report(done: int, _total: int, before: int = written) -> None:
            progress(before + done, total)

        writer = bulk.ResultWriter(
            plan.tasks,
            total=total,
            progress=report if progress is not None else None,
            every=PROGRESS_EVERY,
            tally=tally,
        )
        written += writer.write(
            (plan.sets[school], row) for _work, school, row in group if school in plan.sets
        )
    return written


def minimum_scores_seed(*, actor: User | None, years: Iterable[int]) -> int:
    """Add the minimums of `gia.MINIMUM_SCORES` for `years`, for the subjects the portal has
    (by name). A minimum already there stays as it is: the admin may have corrected it.
    Returns how many were added."""
    years = sorted(set(years))
    with transaction.atomic():
        figures_cache.minimums_changed()
        subjects = Subject.objects.all().by_key()
        added = []
        for (kind, grade), scores in gia.MINIMUM_SCORES.items():
            for name, score in scores.items():
                subject = subjects.get(subject_key(name))
                if subject is None:
                    continue
                for year in years:
                    minimum, created = MinimumScore.objects.get_or_create(
                        kind=kind,
                        year=year,
                        subject=subject,
                        grade=grade,
                        defaults={"score": score},
                    )
                    if created:
                        added.append(minimum)
        if added:
            audit_record(
                actor=actor,
                action="minimum.seed",
                obj=added[0],
                changes={"minimums": len(added), "years": ", ".join(map(str, years))},
            )
    return len(added)


# Minimum scores kept in the browser by methodists and region administrators. The analysis
# reads them live, so a change moves the share «below the minimum» of results already loaded;
# a minimum that loaded results use is never deleted, and its exam, year, subject and class
# stay as they are (changing them would take the minimum away from those results).

EXAM_GRADES = {kind: range(low, high + 1) for kind, (low, high) in gia.GRADES.items()}
# ЕГЭ: a test score out of 100; ОГЭ and ГВЭ: a primary score, no paper has more than
# `gia.PRIMARY_LIMIT` points (and none more than the loaded work's own maximum).
TEST_SCORE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class MinimumSpec:
    kind: str
    year: int
    subject: Subject
    grade: int
    score: int


def minimum_in_use(minimum: MinimumScore) -> bool:
    """Whether a loaded result set is of the minimum's exam, year, subject and class."""
    return ResultSet.objects.filter(
        assessment__kind=minimum.kind,
        assessment__year=minimum.year,
        assessment__subject=minimum.subject_id,
        assessment__grade=minimum.grade,
    ).exists()


def _minimum_label(spec) -> str:
    kind = AssessmentKind(spec.kind).label
    return f"{kind} {spec.year}, {spec.subject.name}, {spec.grade} класс"


def _minimum_checked(spec: MinimumSpec, *, minimum: MinimumScore | None = None) -> None:
    """Refuse a minimum outside its exam's scale or a second one for the same work."""
    last_year = timezone.localdate().year + 1
    if not gia.FIRST_YEAR <= spec.year <= last_year:
        raise DomainError(f"Год — от {gia.FIRST_YEAR} до {last_year}.", field="year")
    grades = EXAM_GRADES[spec.kind]
    if spec.grade not in grades:
        exam = AssessmentKind(spec.kind).label
        where = f"{grades[0]} классе" if len(grades) == 1 else f"{grades[0]}–{grades[-1]} классах"
        raise DomainError(f"{exam} сдают в {where}.", field="grade")
    if not spec.subject.is_active and (minimum is None or minimum.subject_id != spec.subject.pk):
        raise DomainError(
            f"Предмет «{spec.subject.name}» выведен из употребления.", field="subject"
        )
    if spec.kind == AssessmentKind.EGE:
        if not 1 <= spec.score <= TEST_SCORE_LIMIT:
            raise DomainError(
                f"Минимальный балл ЕГЭ — тестовый балл от 1 до {TEST_SCORE_LIMIT}.", field="score"
            )
    else:
        high = gia.PRIMARY_LIMIT
        work = Assessment.objects.filter(
            kind=spec.kind, year=spec.year, subject=spec.subject, grade=spec.grade, title=""
        ).first()
        if work is not None and work.max_primary:
            high = min(high, work.max_primary)
        if not 1 <= spec.score <= high:
            raise DomainError(
                f"Минимальный балл {AssessmentKind(spec.kind).label} — первичный балл отметки "
                f"«3», от 1 до {high}"
                + (" (максимальный первичный балл загруженной работы)." if high != 100 else "."),
                field="score",
            )
    same = MinimumScore.objects.filter(
        kind=spec.kind, year=spec.year, subject=spec.subject, grade=spec.grade
    )
    if minimum is not None:
        same = same.exclude(pk=minimum.pk)
    if other := same.first():
        raise DomainError(
            f"Минимальный балл {_minimum_label(spec)} уже задан ({other.score}): "
            "измените его, а не добавляйте второй.",
            field="subject",
        )


def _minimum_changes(minimum: MinimumScore) -> dict:
    return {
        "exam": minimum.get_kind_display(),
        "year": str(minimum.year),
        "subject": minimum.subject.name,
        "grade": str(minimum.grade),
        "score": str(minimum.score),
    }


@transaction.atomic
def minimum_score_create(*, actor: User, spec: MinimumSpec) -> MinimumScore:
    _minimum_checked(spec)
    minimum = MinimumScore.objects.create(
        kind=spec.kind, year=spec.year, subject=spec.subject, grade=spec.grade, score=spec.score
    )
    figures_cache.minimums_changed()
    audit_record(
        actor=actor, action="minimum.create", obj=minimum, changes=_minimum_changes(minimum)
    )
    return minimum


@transaction.atomic
def minimum_score_update(*, actor: User, minimum: MinimumScore, spec: MinimumSpec) -> MinimumScore:
    minimum = MinimumScore.objects.select_for_update().select_related("subject").get(pk=minimum.pk)
    moved = (spec.kind, spec.year, spec.subject.pk, spec.grade) != (
        minimum.kind,
        minimum.year,
        minimum.subject_id,
        minimum.grade,
    )
    if moved and minimum_in_use(minimum):
        raise DomainError(
            f"По {_minimum_label(minimum)} уже загружены результаты: у этого минимального балла "
            "можно изменить только сам балл. Для другой работы добавьте новый.",
            field="subject",
        )
    _minimum_checked(spec, minimum=minimum)
    before = _minimum_changes(minimum)
    minimum.kind, minimum.year, minimum.subject = spec.kind, spec.year, spec.subject
    minimum.grade, minimum.score = spec.grade, spec.score
    after = _minimum_changes(minimum)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if not changes:
        return minimum
    minimum.save()
    figures_cache.minimums_changed()
    audit_record(actor=actor, action="minimum.update", obj=minimum, changes=changes)
    return minimum


@transaction.atomic
def minimum_score_delete(*, actor: User, minimum: MinimumScore) -> None:
    """Only a minimum no loaded results use: theirs would silently lose their threshold."""
    minimum = MinimumScore.objects.select_for_update().select_related("subject").get(pk=minimum.pk)
    if minimum_in_use(minimum):
        raise DomainError(
            f"Минимальный балл {_minimum_label(minimum)} не удалить: по этой работе загружены "
            "результаты, и анализ считает по нему, кто не преодолел минимальный порог. "
            "Если балл неверен, измените его."
        )
    audit_record(
        actor=actor, action="minimum.delete", obj=minimum, changes=_minimum_changes(minimum)
    )
    minimum.delete()
    figures_cache.minimums_changed()
