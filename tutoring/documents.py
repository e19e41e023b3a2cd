"""The document (PDF) pipeline that every app prints through.

A kind of document (an order, a plan, a conclusion) is registered once, in its app's
`AppConfig.ready()`:

    documents.register(
        "community.order",
        template="documents/order.html",
        build_context=order_document_context,  # object_id -> (order, context)
        title=lambda order: f"Приказ от {order.date:%d.%m.%Y} № {order.number}",
    )

and printed with `document_request(kind=..., obj=order, actor=user)`, which returns the
`Document` at once; a Celery task (`tutoring.tasks.render_document`) renders it, and the page
includes `includes/document_status.html` to show progress and then the download link.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from . import notifications, outbox
from .access import Access
from .models import Document, User
from .services import audit_record

# The sources under static/, not the collected copies: a worker renders from the code it runs,
# whether or not collectstatic has been run on its machine.
STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "document.css"
# What an S3-compatible store raises when it is away or refuses (MinIO restarting, the
# network, a revoked key): to the render task, which retries OSError, it is a full disk.
STORE_ERRORS = (BotoCoreError, ClientError)


class DocumentError(Exception):
    """A reason, written for the methodist, why a document cannot be rendered (for instance,
    the order has no number yet). `build_context` raises it; the page shows the message."""


def can_view_in_municipality(access: Access, document: Document) -> bool:
    """Who may see a document by default: whoever sees its municipality as a whole."""
    return access.everywhere or document.municipality_id in access.municipality_ids


@dataclass(frozen=True)
class DocumentKind:
    key: str
    template: str
    build_context: Callable[[str], tuple[object, dict]]
    title: Callable[[object], str]
    can_view: Callable[[Access, Document], bool]


_registry: dict[str, DocumentKind] = {}


def register(
    kind: str,
    *,
    template: str,
    build_context: Callable[[str], tuple[object, dict]],
    title: Callable[[object], str],
    can_view: Callable[[Access, Document], bool] = can_view_in_municipality,
) -> DocumentKind:
    """Make a kind of document printable. `build_context(object_id)` loads the object and
    returns `(obj, context)` for `template`; `title(obj)` names the download;
    `can_view(access, document)` decides who may see and download it."""
    entry = DocumentKind(kind, template, build_context, title, can_view)
    # Registering the same thing twice is harmless (ready() may run again in tests); two apps
    # claiming one key would print each other's documents.
    if _registry.get(kind, entry) != entry:
        raise ImproperlyConfigured(f"Document kind {kind!r} is registered twice.")
    _registry[kind] = entry
    return entry


def unregister(kind: str) -> None:
    _registry.pop(kind, None)


def get_kind(kind: str) -> DocumentKind:
    try:
        return _registry[kind]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown document kind {kind!r}: register() it.") from None


def document_visible(access: Access, document: Document) -> bool:
    """Whether the user may see the document: the registry's rule for its kind. A document
    whose kind is no longer registered is shown to nobody."""
    entry = _registry.get(document.kind)
    return entry is not None and entry.can_view(access, document)


@transaction.atomic
def document_request(*, kind: str, obj, actor: User | None) -> Document:
    """Ask for the PDF of `obj`. The document is created on the first request and rendered in
    the background; a ready one is returned unchanged (an approved document never changes),
    a failed one is tried again."""
    entry = get_kind(kind)
    # The row lock makes concurrent requests for one object queue behind each other, so that
    # only one of them resets a failed document.
    requested_by = actor if actor is not None and actor.is_authenticated else None
    document, created = Document.objects.select_for_update().get_or_create(
        kind=kind,
        object_id=str(obj.pk),
        defaults={
            "title": entry.title(obj)[:300],
            "municipality_id": getattr(obj, "municipality_id", None),
            "requested_by": requested_by,
        },
    )
    if document.status == Document.Status.READY:
        return document
    if document.status == Document.Status.FAILED:
        document.status = Document.Status.PENDING
        document.error = ""
        document.requested_by = requested_by
        document.requested_at = timezone.now()
        document.save(update_fields=["status", "error", "requested_by", "requested_at"])
    audit_record(
        actor=actor,
        action="document.request",
        obj=document,
        changes={"kind": kind, "object_id": document.object_id, "created": created},
    )
    _queue(document)
    return document


def _queue(document: Document) -> None:
    # A pending document is queued anew too: its earlier task may have been lost with a
    # worker, and the task does nothing for a document that is already rendered.
    from .tasks import render_document  # tasks imports this module

    outbox.forget(document.queue_key)
    outbox.enqueue(render_document, document.pk, key=document.queue_key)


@transaction.atomic
def document_retry(*, actor: User, document: Document) -> Document:
    """«Повторить» on a document whose render failed or is held up: render it again. A ready
    document is left as it is (an approved document never changes)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.is_ready:
        return document
    document.status = Document.Status.PENDING
    document.error = ""
    document.requested_at = timezone.now()
    document.save(update_fields=["status", "error", "requested_at"])
    audit_record(actor=actor, action="document.retry", obj=document, changes={})
    _queue(document)
    return document


def give_up(document_id: int, *, reason: str) -> None:
    """The outbox gave up rendering the document (its workers kept dying)."""
    document_fail(document_id=document_id, reason=reason)


class StaticFilesOnly(URLFetcher):
    """Lets a document load the project's static files (fonts, stylesheet, emblems) and data:
    URLs, nothing else: a worker inside a municipal network must not be made to fetch URLs,
    nor read other files of the server, whatever text ends up in a template."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(STATIC_DIR.resolve()):
                return super().fetch(url, headers)
        elif scheme == "data":
            return super().fetch(url, headers)
        raise ValueError(f"Документ может ссылаться только на файлы static/: {url}")


def render_pdf(template: str, context: dict) -> bytes:
    """Render a template of templates/documents/ to PDF bytes. Slow (a second or more for a
    long order): call it from a task, never while a page waits."""
    html = render_to_string(template, context)
    fetcher = StaticFilesOnly()
    fonts = FontConfiguration()
    stylesheet = CSS(filename=str(STYLESHEET), url_fetcher=fetcher, font_config=fonts)
    return HTML(string=html, base_url=str(STATIC_DIR), url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )


def document_store(*, document_id: int, pdf: bytes) -> bool:
    """Store rendered PDF bytes as the document's file. Returns False, storing nothing, when
    the document is gone or another run has stored its file first: that file stands, since
    an approved document is rendered once."""
    with transaction.atomic():
        # Locked, so that two runs of the task for one document store one file.
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.is_ready:
            return False
        storage, old_name = document.file.storage, document.file.name
        # No dots but the extension's: storage keeps everything after the first dot as the
        # extension when it has to make a name unique.
        name = f"{document.kind.replace('.', '-')}-{document.object_id}.pdf"
        try:
            document.file.save(name, ContentFile(pdf), False)
        except STORE_ERRORS as error:
            raise OSError(f"the file store refused the PDF: {error}") from error
        try:
            document.sha256 = hashlib.sha256(pdf).hexdigest()
            document.size = len(pdf)
            document.status = Document.Status.READY
            document.rendered_at = timezone.now()
            document.error = ""
            document.save(
                update_fields=["file", "sha256", "size", "status", "rendered_at", "error"]
            )
        except BaseException:
            storage.delete(document.file.name)
            raise
        if document.requested_by_id:
            notifications.notify(
                recipients=[document.requested_by_id],
                kind="tutoring.document.ready",
                text=f"Документ «{document.title}» сформирован: PDF можно скачать.",
                link=reverse("document_download", args=[document.pk]),
                obj=document,
            )
        # The old file goes only once the row no longer names it.
        if old_name:
            transaction.on_commit(lambda: storage.delete(old_name))
    return True


def document_fail(*, document_id: int, reason: str) -> None:
    """Mark a document that could not be rendered; the page shows `reason` to the methodist,
    and whoever asked for it is told."""
    with transaction.atomic():
        error = f"Не удалось сформировать документ: {reason}"
        rows = Document.objects.filter(pk=document_id)
        pending = rows.filter(status=Document.Status.PENDING)
        if not pending.update(status=Document.Status.FAILED, error=error):
            # Failed before (or rendered meanwhile): the reason is brought up to date, nobody
            # is told twice.
            rows.filter(status=Document.Status.FAILED).update(error=error)
            return
        document = Document.objects.get(pk=document_id)
        if document.requested_by_id:
            notifications.notify(
                recipients=[document.requested_by_id],
                kind="tutoring.document.failed",
                text=f"Документ «{document.title}» не сформирован: {reason}",
                obj=document,
            )


def failure_reason(error: Exception) -> str:
    """What to tell the methodist about an error. Details of an unexpected one go to the log,
    not to the page."""
    if isinstance(error, DocumentError):
        return str(error)
    if isinstance(error, ObjectDoesNotExist):
        return "запись, по которой составляется документ, не найдена (возможно, её удалили)."
    return "внутренняя ошибка портала. Сообщите администратору портала, он увидит подробности."
