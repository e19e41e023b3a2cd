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

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tutoring.models import Municipality, Organization, Subject, User
from tutoring.services import audit_record

from . import bulk
from .models import (
    Assessment,
    AssessmentKind,
    AssessmentTask,
    DomainError,
    ImportBatch,
    Participant,
    ResultSet,
    TaskScore,
)
from .vpr import F1Result, Problem, read_f1

Status = ImportBatch.Status
MAX_LISTED_PROBLEMS = 200
PROGRESS_EVERY = 5_000


def normalized(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _problem(row, column, message) -> dict:
    return {"row": row, "column": column, "message": message}


def _as_dicts(problems: Iterable[Problem]) -> list[dict]:
    return [_problem(p.row, p.column, p.message) for p in problems]


def _find_subject(name: str) -> Subject | None:
    wanted = normalized(name)
    return next((s for s in Subject.objects.all() if normalized(s.name) == wanted), None)


def _schools(result: F1Result, municipality: Municipality | None, only: Organization | None):
    """The schools of the file by their ФИС ОКО login, and the problems: a login the portal
    does not know, a school of another municipality, another school's data from a school."""
    first_row: dict[str, int] = {}
    for participant in result.participants:
        first_row.setdefault(participant.school_login, participant.row)
    found = {
        o.fis_oko_login: o
        for o in Organization.objects.filter(fis_oko_login__in=first_row).select_related(
            "municipality"
        )
    }
    problems = []
    for login, row in first_row.items():
        school = found.get(login)
        if school is None:
            problems.append(
                _problem(
                    row,
                    "ОО",
                    f"Школа с логином ФИС ОКО «{login}» не найдена в портале: проверьте логин "
                    "в карточке школы.",
                )
            )
        elif municipality is not None and school.municipality_id != municipality.pk:
            problems.append(
                _problem(
                    row, "ОО", f"{school.short_name} — школа другого муниципального образования."
                )
            )
        elif only is not None and school.pk != only.pk:
            problems.append(
                _problem(row, "ОО", f"Результаты {school.short_name}: школа загружает только свои.")
            )
    return found, problems


def _task_problems(assessment: Assessment | None, tasks) -> list[dict]:
    if assessment is None:
        return []
    known = [(t.number, t.max_score) for t in assessment.tasks.all()]
    if known and known != [(t.number, t.max_score) for t in tasks]:
        return [
            _problem(
                None,
                "",
                f"Задания файла не совпадают с заданиями уже загруженной работы «{assessment}»: "
                "проверьте, что выгружена та же работа.",
            )
        ]
    return []


def _digest(rows: list[list]) -> str:
    return hashlib.sha256(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()


def batch_check(
    *,
    actor: User | None,
    municipality: Municipality | None,
    uploaded,
    only_school: Organization | None = None,
) -> ImportBatch:
    """Check a Ф1 file and keep the result as a batch: `READY` with a staging file and a
    preview, or `REJECTED` with every problem by row and column. Without a municipality
    (a regional load by `import_vpr`) the file may hold schools of any."""
    content = uploaded.read()
    uploaded.seek(0)
    result = read_f1(uploaded, max_errors=MAX_LISTED_PROBLEMS)
    errors = _as_dicts(result.errors)
    header = result.header
    subject = assessment = None
    schools: dict[str, Organization] = {}
    if header is not None and not errors:
        subject = _find_subject(header.subject)
        if subject is None:
            errors.append(
                _problem(None, "Предмет", f"Предмет «{header.subject}» не найден в справочнике.")
            )
        else:
            assessment = Assessment.objects.filter(
                kind=AssessmentKind.VPR, year=header.year, subject=subject, grade=header.grade
            ).first()
            errors += _task_problems(assessment, header.tasks)
        schools, school_errors = _schools(result, municipality, only_school)
        errors += school_errors
        if not result.participants:
            errors.append(_problem(None, "", "В файле нет ни одного участника."))
    batch = ImportBatch(
        kind=AssessmentKind.VPR,
        municipality=municipality,
        organization=only_school,
        uploaded_by=actor,
        original_name=uploaded.name[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        token=secrets.token_hex(16),
        warnings=_as_dicts(result.warnings)[:MAX_LISTED_PROBLEMS],
    )
    with transaction.atomic():
        if errors:
            batch.status = Status.REJECTED
            batch.errors = errors[: MAX_LISTED_PROBLEMS + 1]
            batch.summary = {"participants": len(result.participants)}
            batch.save()
        else:
            batch.status = Status.READY
            batch.created_at = timezone.now()
            rows = _staging_rows(result, schools)
            batch.summary = _summary(header, subject, assessment, rows, schools, result)
            batch.staging.save("rows", ContentFile(_staging_bytes(rows)), save=False)
            batch.save()
        audit_record(
            actor=actor,
            action="import.check",
            obj=batch,
            changes={
                "file": batch.original_name,
                "status": batch.get_status_display(),
                "errors": len(batch.errors),
            },
        )
    return batch


def _staging_rows(result: F1Result, schools) -> dict[int, list[list]]:
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


def _staging_bytes(rows: dict[int, list[list]]) -> bytes:
    lines = (
        json.dumps([school, row], ensure_ascii=False) for school in rows for row in rows[school]
    )
    return gzip.compress("\n".join(lines).encode(), compresslevel=5)


def _summary(header, subject, assessment, rows, schools, result) -> dict:
    existing = {}
    if assessment is not None:
        existing = dict(
            ResultSet.objects.filter(assessment=assessment, organization__in=rows).values_list(
                "organization", "digest"
            )
        )
    by_id = {school.pk: school for school in schools.values()}
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
    return {
        "year": header.year,
        "subject_id": subject.pk,
        "subject": subject.name,
        "grade": header.grade,
        "max_primary": header.max_primary,
        "held_on": header.held_on.isoformat() if header.held_on else None,
        "tasks": [[t.number, t.max_score, t.level] for t in header.tasks],
        "schools": school_rows,
        "participants": len(result.participants),
    }


@transaction.atomic
def batch_confirm(*, actor: User | None, batch: ImportBatch, queue: bool = True) -> ImportBatch:
    """Queue the load of a checked batch (`queue=False`: the caller loads it itself, as
    `import_vpr` does)."""
    from .tasks import load_batch

    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.READY:
        raise DomainError("Загрузить можно только проверенный файл, который ещё не загружен.")
    batch.status = Status.LOADING
    batch.save(update_fields=["status"])
    audit_record(actor=actor, action="import.confirm", obj=batch, changes={})
    if queue:
        transaction.on_commit(lambda: load_batch.delay(batch.pk))
    return batch


@transaction.atomic
def batch_cancel(*, actor: User, batch: ImportBatch) -> ImportBatch:
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != Status.READY:
        raise DomainError("Отменить можно только проверенный и ещё не загруженный файл.")
    batch.status = Status.CANCELLED
    batch.save(update_fields=["status"])
    staging = batch.staging
    transaction.on_commit(lambda: staging.delete(save=False))
    audit_record(actor=actor, action="import.cancel", obj=batch, changes={})
    return batch


def batch_load(batch_id: int, *, progress: Callable[[int, int], None] | None = None) -> bool:
    """Load a confirmed batch in one transaction: the assessment and its tasks once, then each
    school whose rows changed, replacing what it had. Safe to run twice: a batch that is not
    waiting to load is left alone. Returns whether it loaded."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != Status.LOADING:
            return False
        summary = batch.summary
        assessment = _assessment(summary)
        changed = {s["id"]: s for s in summary["schools"] if s["change"] != "same"}
        total = sum(s["participants"] for s in changed.values())
        tasks = list(assessment.tasks.order_by("position").values_list("pk", flat=True))
        current = {
            rs.organization_id: rs
            for rs in ResultSet.objects.select_for_update().filter(
                assessment=assessment, organization__in=[s["id"] for s in summary["schools"]]
            )
        }
        replaced = [rs.pk for school, rs in current.items() if school in changed]
        bulk.delete(TaskScore.objects.filter(participant__result_set__in=replaced))
        bulk.delete(Participant.objects.filter(result_set__in=replaced))
        sets = {}
        for school_id, school in changed.items():
            result_set = current.get(school_id) or ResultSet(
                assessment=assessment, organization_id=school_id
            )
            result_set.batch = batch
            result_set.participants = school["participants"]
            result_set.digest = school["digest"]
            result_set.save()
            sets[school_id] = result_set.pk
        loaded = _load_rows(batch, sets, tasks, total, progress)
        batch.status = Status.LOADED
        batch.loaded_at = timezone.now()
        batch.save(update_fields=["status", "loaded_at"])
        audit_record(
            actor=batch.uploaded_by,
            action="import.load",
            obj=batch,
            changes={
                "assessment": str(assessment),
                "schools": len(changed),
                "unchanged": len(summary["schools"]) - len(changed),
                "participants": loaded,
            },
        )
        staging = batch.staging
        transaction.on_commit(lambda: staging.delete(save=False))
    return True


def batch_fail(batch_id: int, reason: str) -> None:
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
        batch.status = Status.FAILED
        batch.failure = reason
        batch.save(update_fields=["status", "failure"])
        audit_record(actor=None, action="import.fail", obj=batch, changes={"reason": reason})


def _assessment(summary: dict) -> Assessment:
    assessment, _created = Assessment.objects.get_or_create(
        kind=AssessmentKind.VPR,
        year=summary["year"],
        subject_id=summary["subject_id"],
        grade=summary["grade"],
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


def _load_rows(batch, sets: dict[int, int], tasks: list[int], total: int, progress) -> int:
    def participants():
        with batch.staging.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as lines:
            for line in lines:
                school_id, row = json.loads(line)
                if school_id in sets:
                    yield sets[school_id], row

    writer = bulk.ResultWriter(tasks, total=total, progress=progress, every=PROGRESS_EVERY)
    return writer.write(participants())
