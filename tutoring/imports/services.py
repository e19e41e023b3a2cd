"""Imports of school lists and staff lists: upload → check → preview → confirm → load.
Checking stores the outcome of every row (or every problem) and changes nothing else; loading
applies all rows in one transaction with bulk statements, one audit entry for the import and
one bulk-written entry per organization or person it changed.

On the pages both the check and the load run in Celery tasks (`tasks.py`), queued through the
outbox in the transaction of the upload or the confirmation; the uploaded file is kept in the
storage only until its check ends. A task that cannot finish leaves the import failed with a
reason (a check) or back to «проверен» (a load, which changed nothing), and «Повторить» runs it
again. The management commands check and load in their own process."""

import hashlib

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models.fields.json import KT
from django.utils import timezone

from .. import notifications, outbox
from ..access import access_for
from ..errors import DomainError
from ..models import (
    AuditEntry,
    DirectoryImport,
    DirectoryImportRow,
    Municipality,
    Organization,
    RoleKind,
    User,
)
from ..services import audit_record
from ..uploads import written_files
from ..words import plural
from ..workflow import Move, Workflow
from . import bulk, organizations, people
from .reader import read_file
from .selectors import may_apply

Kind = DirectoryImport.Kind
Status = DirectoryImport.Status
Change = DirectoryImportRow.Change
MAX_LISTED_PROBLEMS = 1000
DONE = {Change.NEW: "добавлено", Change.UPDATE: "изменено"}


def _digest(uploaded) -> tuple[int, str]:
    uploaded.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := uploaded.read(64 * 1024):
        size += len(chunk)
        digest.update(chunk)
    uploaded.seek(0)
    return size, digest.hexdigest()


def _check_access(actor, kind: str, municipality: Municipality, school: Organization | None):
    if actor is None:
        return
    access = access_for(actor)
    if kind == Kind.ORGANIZATIONS:
        allowed = access.manages_organizations_of(municipality)
    elif school is not None:
        allowed = access.holds(RoleKind.SCHOOL, organization=school) or access.holds(
            RoleKind.METHODIST, municipality=municipality
        )
    else:
        allowed = access.holds(RoleKind.METHODIST, municipality=municipality)
    if not allowed:
        raise DomainError("Загружать этот список для этого муниципалитета вы не можете.")


def _prepare(*, actor, kind: str, municipality: Municipality, uploaded, school) -> DirectoryImport:
    _check_access(actor, kind, municipality, school)
    if school is not None and school.municipality_id != municipality.pk:
        raise DomainError("Школа относится к другому муниципалитету.")
    size, sha256 = _digest(uploaded) if uploaded.size else (0, hashlib.sha256().hexdigest())
    return DirectoryImport(
        kind=kind,
        municipality=municipality,
        organization=school,
        uploaded_by=actor,
        original_name=(uploaded.name or "без имени")[:255],
        size=size,
        sha256=sha256,
        status=Status.CHECKING,
    )


def _read(batch: DirectoryImport, uploaded, access) -> tuple[list[dict], list]:
    def read(workbook):
        if batch.kind == Kind.ORGANIZATIONS:
            checked = organizations.check(workbook, batch.municipality, MAX_LISTED_PROBLEMS)
        else:
            checked = people.check(
                workbook,
                batch.municipality,
                access=access,
                only_school=batch.organization,
                limit=MAX_LISTED_PROBLEMS,
            )
        return checked.errors, checked.rows

    errors, rows = read_file(uploaded, read)
    # Problems found in the second pass (repeats, matches) join their rows' in the list.
    return sorted(errors, key=lambda problem: problem["row"] or 0), rows


def _tell_uploader(batch: DirectoryImport, kind: str, text: str, *, actor=None) -> None:
    """The one who uploaded the list learns the outcome of the work it waited for."""
    if batch.uploaded_by_id:
        notifications.notify(
            recipients=[batch.uploaded_by_id],
            kind=kind,
            text=text,
            link=batch.get_absolute_url(),
            obj=batch,
            actor=actor,
        )


def _record(batch: DirectoryImport, errors: list[dict], rows, actor) -> None:
    """Store the outcome of a check (inside the caller's transaction)."""
    batch.status = Status.REJECTED if errors else Status.READY
    batch.errors = errors
    batch.failure = ""
    if not errors:
        batch.counts = dict.fromkeys(Change.values, 0)
        for row in rows:
            batch.counts[row.change] += 1
        batch.counts["rows"] = len(rows)
    batch.save()
    if errors:
        _tell_uploader(
            batch,
            "tutoring.import.failed",
            f"Список «{batch.original_name}» не принят: "
            f"{plural(len(errors), 'ошибка', 'ошибки', 'ошибок')}, исправьте их и загрузите "
            "файл снова.",
            actor=actor,
        )
    else:
        _tell_uploader(
            batch,
            "tutoring.import.checked",
            f"Список «{batch.original_name}» проверен: посмотрите, что изменится, и подтвердите "
            "загрузку.",
            actor=actor,
        )
    if not errors:
        bulk.insert(
            DirectoryImportRow,
            ("directory_import_id", "number", "change", "title", "details", "target_id", "data"),
            (
                (
                    batch.pk,
                    row.number,
                    row.change,
                    row.title[:500],
                    row.details[:1000],
                    row.target_id,
                    row.data,
                )
                for row in rows
            ),
        )
    audit_record(
        actor=actor,
        action="directory_import.check",
        obj=batch,
        changes={
            "file": batch.original_name,
            "status": batch.get_status_display(),
            "errors": len(errors),
            **{key: batch.counts.get(key, 0) for key in ("new", "update", "same")},
        },
    )


def directory_import_check(
    *,
    actor: User | None,
    kind: str,
    municipality: Municipality,
    uploaded,
    school: Organization | None = None,
) -> DirectoryImport:
    """Check a file at once, in this process, and keep the outcome: `READY` with each row's
    «добавится / обновится / без изменений», or `REJECTED` with every problem by row and
    column. For the management commands, which run beside no web request; the pages use
    `directory_import_upload`."""
    batch = _prepare(
        actor=actor, kind=kind, municipality=municipality, uploaded=uploaded, school=school
    )
    errors, rows = _read(batch, uploaded, access_for(actor) if actor is not None else None)
    with transaction.atomic():
        _record(batch, errors, rows, actor)
    return batch


def _queue_check(batch: DirectoryImport) -> None:
    from .tasks import check_directory_import

    outbox.forget(check_key(batch.pk))  # a retry replaces the task that was lost
    outbox.enqueue(check_directory_import, batch.pk, key=check_key(batch.pk))


def check_key(batch_id: int) -> str:
    return f"directory.import:{batch_id}"


def directory_import_upload(
    *,
    actor: User,
    kind: str,
    municipality: Municipality,
    uploaded,
    school: Organization | None = None,
) -> DirectoryImport:
    """Store an uploaded file as `CHECKING` and queue its check: a region's list takes the
    worker a while, and a hostile one must not cost a web worker anything."""
    batch = _prepare(
        actor=actor, kind=kind, municipality=municipality, uploaded=uploaded, school=school
    )
    with written_files() as written, transaction.atomic():
        batch.upload.save("list.xlsx", uploaded, save=False)
        written.append(batch.upload)
        batch.save()
        audit_record(
            actor=actor,
            action="directory_import.upload",
            obj=batch,
            changes={"file": batch.original_name},
        )
        _queue_check(batch)
    return batch


NO_FILE = "загруженный файл не найден в хранилище. Загрузите файл заново."


def _drop_upload(batch: DirectoryImport) -> None:
    """Forget the stored file once the change commits (a rolled back change still needs it)."""
    if batch.upload:
        storage, name = batch.upload.storage, batch.upload.name
        transaction.on_commit(lambda: storage.delete(name))
        batch.upload = ""


def directory_import_run_check(batch_id: int) -> DirectoryImport | None:
    """The check of an uploaded file, as the Celery task runs it. Safe to run twice: an import
    that is no longer being checked is left as it is."""
    batch = DirectoryImport.objects.select_related("uploaded_by").filter(pk=batch_id).first()
    if batch is None or batch.status != Status.CHECKING:
        return batch
    if not batch.upload:
        return directory_import_fail(batch_id, reason=NO_FILE)
    if batch.uploaded_by is None:
        # Who uploaded decides which rows the file may change; checked for nobody, the file
        # would be checked as technical support's, who may change everything.
        return directory_import_fail(
            batch_id,
            reason="учётная запись того, кто загрузил файл, удалена. Загрузите файл заново.",
        )
    with batch.upload.open("rb") as stream:
        errors, rows = _read(
            batch, File(stream, name=batch.original_name), access_for(batch.uploaded_by)
        )
    with transaction.atomic():
        locked = _locked(batch)
        if locked.status != Status.CHECKING:
            return locked
        _drop_upload(locked)
        _record(locked, errors, rows, None)
    return locked


@transaction.atomic
def directory_import_fail(batch_id: int, *, reason: str) -> DirectoryImport | None:
    """A check that could not finish (past its time limit, a worker that died again and again,
    the storage away): the page says why and offers «Повторить» while the file is there."""
    batch = DirectoryImport.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or batch.status != Status.CHECKING:
        return batch
    batch.status = Status.FAILED
    batch.failure = reason
    batch.save(update_fields=["status", "failure"])
    _tell_uploader(
        batch,
        "tutoring.import.failed",
        f"Проверка списка «{batch.original_name}» не удалась: {reason}",
    )
    audit_record(
        actor=None,
        action="directory_import.fail",
        obj=batch,
        changes={"file": batch.original_name, "reason": reason},
    )
    return batch


def directory_import_give_up(batch_id: int, *, reason: str) -> None:
    """What the outbox calls when the check task could not finish after its tries."""
    directory_import_fail(batch_id, reason=reason)


def directory_import_load_give_up(batch_id: int, actor_id: int | None, *, reason: str) -> None:
    """What the outbox calls when the load task could not finish after its tries."""
    directory_import_load_fail(batch_id, reason=reason)


def may_retry(batch: DirectoryImport) -> bool:
    """A failed check, or one whose task waits for a queue that is down or a worker that
    died, can run again while the uploaded file is kept; so can a stuck load (a failed one
    is back to «проверен» and is confirmed again)."""
    if batch.status == Status.LOADING:
        return outbox.is_stuck(load_key(batch.pk))
    if not batch.upload:
        return False
    return batch.status == Status.FAILED or (
        batch.status == Status.CHECKING and outbox.is_stuck(check_key(batch.pk))
    )


@transaction.atomic
def directory_import_retry(*, actor: User | None, batch: DirectoryImport) -> DirectoryImport:
    batch = _locked(batch)
    _check_access(actor, batch.kind, batch.municipality, batch.organization)
    if not may_retry(batch):
        raise DomainError(
            "Повторить можно только проверку, которая не удалась или зависла (пока файл ещё "
            "хранится), или зависшую загрузку. Загрузите файл заново."
        )
    audit_record(
        actor=actor,
        action="directory_import.retry",
        obj=batch,
        changes={"file": batch.original_name},
    )
    if batch.status == Status.LOADING:
        _queue_load(batch, actor)
        return batch
    batch.status = Status.CHECKING
    batch.failure = ""
    batch.save(update_fields=["status", "failure"])
    _queue_check(batch)
    return batch


def _locked(batch: DirectoryImport) -> DirectoryImport:
    return DirectoryImport.objects.select_for_update().get(pk=batch.pk)


NOT_READY = "Применить можно только проверенный файл, который ещё не применён."
APPLIES = "Применяет и отменяет загрузку тот, кто может загружать этот список."

# The moves of a checked file that a person makes. The check, the load and their failures are
# the worker's, and a retry goes back to whichever stage stopped: plain services.
IMPORT = Workflow(
    "tutoring.directory_import",
    model=DirectoryImport,
    noun="Файл",
    error=DomainError,
    moves=[
        Move(
            "load",
            sources={Status.READY},
            target=Status.LOADING,
            allowed=may_apply,
            forbidden=APPLIES,
            refusal=NOT_READY,
            action="directory_import.confirm",
        ),
        Move(
            "cancel",
            sources={Status.READY, Status.FAILED},
            target=Status.CANCELLED,
            allowed=may_apply,
            forbidden=APPLIES,
            refusal="Отменить можно только проверенный и ещё не применённый файл или файл, "
            "проверка которого не удалась.",
            action="directory_import.cancel",
        ),
    ],
)


@transaction.atomic
def directory_import_confirm(*, actor: User | None, batch: DirectoryImport) -> DirectoryImport:
    """Apply a checked file at once, in this process: every row, or nothing (the database
    refused a row that became a duplicate since the check). For the management commands;
    the pages use `directory_import_queue_load`."""
    batch = _locked(batch)
    if batch.status != Status.READY:
        raise DomainError(NOT_READY)
    _check_access(actor, batch.kind, batch.municipality, batch.organization)
    return _apply(batch, actor)


def load_key(batch_id: int) -> str:
    return f"directory.import.load:{batch_id}"


def _queue_load(batch: DirectoryImport, actor: User | None) -> None:
    from .tasks import load_directory_import

    actor_id = actor.pk if actor is not None else None
    outbox.forget(load_key(batch.pk))  # a retry replaces the task that was lost
    outbox.enqueue(load_directory_import, batch.pk, actor_id, key=load_key(batch.pk))


@transaction.atomic
def directory_import_queue_load(*, actor: User, batch: DirectoryImport) -> DirectoryImport:
    """Confirm a checked file and queue its load: a region's staff list takes longer than a
    web request may (some 26 s for 40,000 people)."""
    batch = IMPORT.start(actor, batch, "load")
    _check_access(actor, batch.kind, batch.municipality, batch.organization)
    batch.failure = ""
    IMPORT.finish(actor, batch, "load", fields=["failure"], changes={"file": batch.original_name})
    _queue_load(batch, actor)
    return batch


def directory_import_run_load(batch_id: int, actor_id: int | None) -> DirectoryImport | None:
    """The load of a confirmed file, as the Celery task runs it: one transaction, with the
    import locked, so a second delivery waits and then finds it loaded."""
    with transaction.atomic():
        batch = DirectoryImport.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != Status.LOADING:
            return batch
        actor = User.objects.filter(pk=actor_id).first() if actor_id else None
        return _apply(batch, actor)


@transaction.atomic
def directory_import_load_fail(
    batch_id: int, actor_id: int | None = None, *, reason: str
) -> DirectoryImport | None:
    """A load that could not finish changed nothing (it is one transaction): the file is
    checked as before, and the page tells why and offers to apply it again."""
    batch = DirectoryImport.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or batch.status != Status.LOADING:
        return batch
    batch.status = Status.READY
    batch.failure = reason
    batch.save(update_fields=["status", "failure"])
    _tell_uploader(
        batch, "tutoring.import.failed", f"Список «{batch.original_name}» не загружен: {reason}"
    )
    audit_record(
        actor=None,
        action="directory_import.load_fail",
        obj=batch,
        changes={"file": batch.original_name, "reason": reason},
    )
    return batch


def _apply(batch: DirectoryImport, actor: User | None) -> DirectoryImport:
    """READY or LOADING → LOADED, inside the caller's transaction, the import locked."""
    rows = list(batch.rows.exclude(change=Change.SAME).order_by("number"))
    try:
        with transaction.atomic():
            if batch.kind == Kind.ORGANIZATIONS:
                changed = organizations.apply(rows, batch.municipality)
                action = "organization.import"
            else:
                changed = people.apply(rows, batch.municipality)
                action = "person.import"
    except IntegrityError:
        raise DomainError(
            "С момента проверки данные в портале изменились (например, такой адрес, логин или "
            "ИНН уже появился у другой записи). Загрузите файл ещё раз: портал проверит его заново."
        ) from None
    batch.status = Status.LOADED
    batch.loaded_at = timezone.now()
    batch.failure = ""
    batch.save(update_fields=["status", "loaded_at", "failure"])
    _tell_uploader(
        batch, "tutoring.import.loaded", f"Список «{batch.original_name}» загружен.", actor=actor
    )
    audit_record(
        actor=actor,
        action="directory_import.load",
        obj=batch,
        changes={
            "file": batch.original_name,
            "added": batch.counts.get("new", 0),
            "updated": batch.counts.get("update", 0),
            "same": batch.counts.get("same", 0),
        },
    )
    # One entry per organization or person, written in bulk: the journal of each shows where
    # its data came from, without a round trip per row.
    now = timezone.now()
    bulk.insert(
        AuditEntry,
        (
            "at",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "municipality_id",
            "changes",
        ),
        (
            (
                now,
                actor.pk if actor is not None else None,
                action,
                object_type,
                str(pk),
                name[:300],
                batch.municipality_id,
                {"change": DONE[change], "details": details, "file": batch.original_name},
            )
            for object_type, pk, name, change, details in changed
        ),
    )
    return batch


@transaction.atomic
def directory_import_cancel(*, actor: User | None, batch: DirectoryImport) -> DirectoryImport:
    batch = IMPORT.start(actor, batch, "cancel")
    _drop_upload(batch)
    batch.rows.all().delete()
    return IMPORT.finish(actor, batch, "cancel", fields=["upload"])


def invitees(batch: DirectoryImport):
    """The people the import added who have an address, are active and have set no password
    yet: whom «Отправить приглашения» writes to."""
    # New people were stored with exactly the address of their row.
    emails = batch.rows.filter(change=Change.NEW).annotate(email=KT("data__email")).values("email")
    return (
        User.objects.filter(
            email__in=emails, is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
        )
        .exclude(email="")
        .order_by("pk")
    )


@transaction.atomic
def directory_import_invite(*, actor: User | None, batch: DirectoryImport) -> int:
    """Queue the invitations of the people a staff list added; returns how many there are.
    The letters go from a Celery task, one invitation (and letter) per person."""
    from .tasks import send_import_invitations

    batch = _locked(batch)
    if batch.kind != Kind.PEOPLE or batch.status != Status.LOADED:
        raise DomainError("Приглашения отправляются после того, как список сотрудников применён.")
    if batch.invited_at is not None:
        raise DomainError("Приглашения по этому списку уже отправлены.")
    count = invitees(batch).count()
    if not count:
        raise DomainError(
            "Приглашать некого: у добавленных людей нет адресов или они уже задали пароль."
        )
    batch.invited_at = timezone.now()
    batch.save(update_fields=["invited_at"])
    audit_record(
        actor=actor, action="directory_import.invite", obj=batch, changes={"people": count}
    )
    actor_id = actor.pk if actor is not None else None
    outbox.enqueue(send_import_invitations, batch.pk, actor_id, key=f"directory.invite:{batch.pk}")
    return count
