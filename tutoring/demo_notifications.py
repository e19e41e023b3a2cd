"""Demo notifications: every demo login finds in its inbox a few read and a few unread ones of
the kinds its role receives, each opening a page that the user may see.

Called by `load_demo` after the apps' loaders, when their documents exist. Idempotent: a
notification is found by its recipient, kind and text before it is written. The apps' own
kinds (orders to sign, requests to accept…) are added by their demo loaders with `notify`.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from . import documents, notifications
from .access import access_for
from .demo import DEMO_LOGINS, SHNOR_SCHOOL
from .models import Document, Notification, RoleKind, User

UNREAD = 2
# The documents a role waits for, first what it waits for most.
DOCUMENT_KINDS = {
    RoleKind.DIRECTOR: ["community.order", "community.plan", "consultations.schedule"],
    RoleKind.METHODIST: ["community.order", "consultations.schedule", "expertise.conclusion"],
    RoleKind.SCHOOL: ["expertise.conclusion", "consultations.schedule"],
    RoleKind.TUTOR: ["consultations.schedule", "expertise.conclusion"],
    RoleKind.TEACHER: ["expertise.conclusion", "consultations.schedule"],
    RoleKind.REGIONAL: ["community.plan", "community.order"],
    None: ["community.order", "expertise.conclusion"],
}


def load(result) -> None:
    now = timezone.now()
    users = User.objects.filter(username__in=DEMO_LOGINS).order_by("username")
    ready = list(Document.objects.filter(status=Document.Status.READY).order_by("-id"))
    for user in users:
        planned = _planned(user, ready)
        existing = set(
            Notification.objects.filter(recipient=user).values_list("kind", "text").distinct()
        )
        new = []
        # The plan lists them newest first: the newest are new, the others were read a day
        # after they came; everyone has at least one of each.
        unread = max(1, min(UNREAD, len(planned) - 1))
        for age, (kind, text, link, key) in enumerate(planned):
            if (kind, text) in existing or not notifications.is_registered(kind):
                continue
            created_at = now - timedelta(hours=3 + 20 * age)
            new.append(
                Notification(
                    recipient=user,
                    kind=kind,
                    text=text,
                    link=link,
                    object_key=key,
                    created_at=created_at,
                    read_at=created_at + timedelta(days=1) if age >= unread else None,
                )
            )
        Notification.objects.bulk_create(new)
        for _ in new:
            result.count(True)


def _planned(user, ready) -> list[tuple[str, str, str, str]]:
    """(kind, text, link, object key) for the user, newest first."""
    access = access_for(user)
    planned = []
    lists = reverse("imports:list")
    if access.has(RoleKind.SCHOOL):
        planned.append(
            (
                "tutoring.import.checked",
                f"Список сотрудников {SHNOR_SCHOOL} проверен, ошибок нет. Подтвердите "
                "загрузку, чтобы применить его.",
                lists,
                "",
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.REGION_ADMIN):
        planned.append(
            (
                "tutoring.import.failed",
                "Список организаций не загружен: в файле нет листа с таблицей. "
                "Исправьте файл и загрузите его снова.",
                lists,
                "",
            )
        )
    if user.is_superuser and not access.roles:
        # Technical support sees documents in the administration pages, not by municipality.
        visible = _one_of_each_kind(ready, DOCUMENT_KINDS[None])
        links = {d.pk: reverse("admin:tutoring_document_change", args=[d.pk]) for d in visible}
    else:
        role = next((kind for kind in DOCUMENT_KINDS if kind and access.has(kind)), None)
        allowed = [d for d in ready if documents.document_visible(access, d)]
        visible = _one_of_each_kind(allowed, DOCUMENT_KINDS[role])
        links = {d.pk: reverse("document_download", args=[d.pk]) for d in visible}
    for document in visible:
        planned.append(
            (
                "tutoring.document.ready",
                f"Документ «{document.title}» сформирован, его можно скачать.",
                links[document.pk],
                notifications.object_key(document),
            )
        )
    if visible:
        # An older one, read: the first render of a document had failed and was repeated.
        first = visible[0]
        planned.append(
            (
                "tutoring.document.failed",
                f"Не удалось сформировать документ «{first.title}». Откройте его и нажмите "
                "«Повторить».",
                links[first.pk],
                notifications.object_key(first),
            )
        )
    if access.has(RoleKind.METHODIST, RoleKind.SCHOOL, RoleKind.REGION_ADMIN):
        planned.append(
            (
                "tutoring.import.loaded",
                "Список сотрудников загружен: добавлено 3 человека, обновлены данные 12.",
                lists,
                "",
            )
        )
    return planned


def _one_of_each_kind(ready, kinds) -> list[Document]:
    newest = {}
    for document in ready:
        newest.setdefault(document.kind, document)
    return [newest[kind] for kind in kinds if kind in newest]
