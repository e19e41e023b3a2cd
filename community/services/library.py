"""The library of methodical materials: authors write a material, the methodist moderates it
(draft → submitted → published → archived). Each function is one transaction with one audit
entry; the moves, who makes them and whom they tell are declared once, in MATERIAL."""

import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tutoring.models import Municipality, Role, RoleKind, Subject, User
from tutoring.services import audit_record
from tutoring.uploads import DOCUMENT_TYPES, IMAGE_TYPES, checked_upload, written_files
from tutoring.workflow import Move, Notice, Workflow, holders

from ..models import DomainError, Material

Status = Material.Status

# Texts, tables and scans of a handout; a recording is published as a link, never uploaded.
LIBRARY_TYPES = DOCUMENT_TYPES + IMAGE_TYPES
# Who may be named an author: the community's tutors and the methodists who lead it.
AUTHOR_ROLES = (RoleKind.TUTOR, RoleKind.METHODIST)

MODERATES = (
    "Публикует материалы, возвращает их на доработку и убирает в архив методист муниципалитета."
)


def is_author(access, material: Material) -> bool:
    # The authors come prefetched on the pages that show them.
    return any(author.pk == access.user_id for author in material.authors.all())


def moderates(access, material: Material) -> bool:
    return access.holds(RoleKind.METHODIST, municipality=material.municipality_id)


def _may_publish(access, material: Material) -> bool:
    # A methodist publishes a material after moderation, or their own draft directly: no one
    # else would moderate it.
    return moderates(access, material) and (
        material.status == Status.SUBMITTED or is_author(access, material)
    )


def _not_publisher(material: Material) -> str:
    if material.status == Status.DRAFT:
        return (
            "Черновик публикуют без модерации только авторы-методисты. Этот материал авторы "
            "ещё не отправили на модерацию."
        )
    return MODERATES


def _to_moderators(material: Material, actor: User) -> list[Notice]:
    return [
        Notice(
            holders(RoleKind.METHODIST, municipality_id=material.municipality_id),
            "community.material.submitted",
            f"Материал «{material.title}» отправлен на модерацию.",
            material.get_absolute_url(),
        )
    ]


def _to_authors(text: str, kind: str):
    def notices(material: Material, actor: User) -> list[Notice]:
        return [
            Notice(
                material.authors.all(), kind, text.format(m=material), material.get_absolute_url()
            )
        ]

    return notices


MATERIAL = Workflow(
    "community.material",
    model=Material,
    noun="Материал",
    error=DomainError,
    moves=[
        Move(
            "submit",
            sources={Status.DRAFT},
            target=Status.SUBMITTED,
            # A methodist publishes their own draft directly, without sending it to themself.
            allowed=lambda access, m: is_author(access, m) and not moderates(access, m),
            forbidden="Отправляют материал на модерацию его авторы-тьюторы.",
            refusal="Отправить на модерацию можно только черновик.",
            action="material.submit",
            notices=_to_moderators,
        ),
        Move(
            "publish",
            sources={Status.SUBMITTED, Status.DRAFT},
            target=Status.PUBLISHED,
            allowed=_may_publish,
            forbidden=_not_publisher,
            refusal="Опубликовать можно материал, отправленный на модерацию.",
            action="material.publish",
            notices=_to_authors(
                "Материал «{m.title}» опубликован в библиотеке.", "community.material.published"
            ),
        ),
        Move(
            "return",
            sources={Status.SUBMITTED},
            target=Status.DRAFT,
            allowed=moderates,
            forbidden=MODERATES,
            refusal="Вернуть на доработку можно только материал, отправленный на модерацию.",
            action="material.return",
            notices=_to_authors(
                "Материал «{m.title}» возвращён на доработку: {m.moderation_comment}",
                "community.material.returned",
            ),
        ),
        Move(
            "archive",
            sources={Status.PUBLISHED},
            target=Status.ARCHIVED,
            allowed=moderates,
            forbidden=MODERATES,
            refusal="Убрать в архив можно только опубликованный материал.",
            action="material.archive",
        ),
    ],
)
EDITABLE = frozenset({Status.DRAFT})
LOCKED = {
    Status.SUBMITTED: "Материал на модерации и не меняется, пока методист его не опубликует "
    "или не вернёт на доработку.",
    Status.PUBLISHED: "Опубликованный материал не меняется: его уже читают и скачивают.",
    Status.ARCHIVED: "Материал в архиве и не меняется.",
}
NEEDS_FILE_OR_LINK = (
    "Приложите файл или укажите ссылку на материал (например, на запись мастер-класса)."
)
SIMPLE_FIELDS = ("kind", "title", "description", "grade_from", "grade_to", "link")


def can_edit(material: Material) -> bool:
    return material.status in EDITABLE


def eligible_authors(municipality: Municipality | int, *, material: Material | None = None):
    """The people who may be named authors of a material of the municipality: its tutors and
    methodists, and whoever the material already names, even if they have left since."""
    roles = Role.objects.filter(kind__in=AUTHOR_ROLES, municipality=municipality)
    q = Q(is_active=True, roles__in=roles)
    if material is not None and material.pk:
        q |= Q(materials=material)
    return (
        User.objects.filter(q).distinct().order_by("last_name", "first_name", "middle_name", "pk")
    )


def _locked(material: Material) -> Material:
    """The row again, locked until the transaction ends: an edit and a publication of the same
    material at once must not both succeed."""
    return Material.objects.select_for_update().get(pk=material.pk)


def _store_file(material: Material, uploaded, written: list) -> None:
    info = checked_upload(uploaded, allowed=LIBRARY_TYPES, refuse=DomainError)
    # The stored name is the token with the extension of what the content is; the original
    # name is kept apart and given back on download.
    material.file.save(f"material{info.extension}", uploaded, save=False)
    written.append(material.file)
    material.file_name = (uploaded.name or f"material{info.extension}")[:255]


def _check_fields(fields: dict) -> None:
    if not fields["title"].strip():
        raise DomainError("Укажите название материала.")
    low, high = fields.get("grade_from"), fields.get("grade_to")
    if low is not None and high is not None and low > high:
        raise DomainError(f"Классы указаны наоборот: «с {low}» больше, чем «по {high}».")


def _check_authors(municipality, authors, *, material: Material | None = None) -> list[User]:
    authors = list(dict.fromkeys(authors))
    if not authors:
        raise DomainError("Укажите хотя бы одного автора.")
    allowed = set(eligible_authors(municipality, material=material).values_list("pk", flat=True))
    strangers = [user for user in authors if user.pk not in allowed]
    if strangers:
        names = ", ".join(user.full_name or user.username for user in strangers)
        raise DomainError(
            f"Авторами могут быть тьюторы и методисты муниципалитета; не из их числа: {names}."
        )
    return authors


def _check_actor_stays(actor: User, municipality, authors: list[User]) -> None:
    """Whoever writes a material stays among its authors, or they would lose sight of their
    own draft; a methodist, who sees every material of the municipality, may write one on
    the tutors' behalf."""
    if actor in authors:
        return
    methodist = Role.objects.filter(user=actor, kind=RoleKind.METHODIST, municipality=municipality)
    if methodist.exists():
        return
    raise DomainError("Оставьте себя среди авторов: черновик видят только его авторы и методисты.")


def _moved(old: str, new: str) -> list[str]:
    # The journal is read by people: the states as they are called on the pages.
    return [Status(old).label, Status(new).label]


def _names(people) -> list[str]:
    return sorted(person.full_name or person.username for person in people)


@transaction.atomic
def _material_create(
    *, actor, municipality, subjects, authors, file, written, **fields
) -> Material:
    _check_fields(fields)
    if not file and not fields["link"]:
        raise DomainError(NEEDS_FILE_OR_LINK)
    authors = _check_authors(municipality, authors or [actor])
    _check_actor_stays(actor, municipality, authors)
    material = Material(
        municipality=municipality,
        token=secrets.token_hex(16),
        created_by=actor,
        **{name: fields[name] for name in SIMPLE_FIELDS},
    )
    if file:
        _store_file(material, file, written)
    material.save()
    material.subjects.set(subjects)
    material.authors.set(authors)
    audit_record(
        actor=actor,
        action="material.create",
        obj=material,
        changes={
            "kind": material.get_kind_display(),
            "authors": _names(authors),
            "files": [material.file_name] if material.file_name else [],
        },
    )
    return material


def material_create(
    *,
    actor: User,
    municipality: Municipality,
    kind: str,
    title: str,
    description: str,
    subjects: list[Subject] = (),
    grade_from: int | None = None,
    grade_to: int | None = None,
    authors: list[User] = (),
    file=None,
    link: str = "",
) -> Material:
    """A draft in the library. Without authors named, the one who adds it is the author."""
    with written_files() as written:
        return _material_create(
            actor=actor,
            municipality=municipality,
            subjects=subjects,
            authors=authors,
            file=file,
            written=written,
            kind=kind,
            title=title.strip(),
            description=description,
            grade_from=grade_from,
            grade_to=grade_to,
            link=link,
        )


@transaction.atomic
def _material_update(
    *, actor, material, subjects, authors, file, remove_file, written, **fields
) -> Material:
    material = _locked(material)
    if not can_edit(material):
        raise DomainError(LOCKED[material.status])
    _check_fields(fields)
    keeps_file = bool(material.file) and not remove_file
    if not file and not keeps_file and not fields["link"]:
        raise DomainError(NEEDS_FILE_OR_LINK)
    old_authors = list(material.authors.all())
    authors = _check_authors(material.municipality_id, authors, material=material)
    _check_actor_stays(actor, material.municipality_id, authors)
    changes = {}
    for name in SIMPLE_FIELDS:
        old, new = getattr(material, name), fields[name]
        if old != new:
            changes[name] = [old, new]
            setattr(material, name, new)
    old_file, old_name = material.file.name, material.file_name
    if file:
        _store_file(material, file, written)
    elif remove_file and old_file:
        material.file, material.file_name = "", ""
    if material.file.name != old_file:
        changes["files"] = [old_name, material.file_name]
        if old_file:
            # Only once the change is committed: a rollback leaves the row naming the old file.
            storage = material.file.storage
            transaction.on_commit(lambda: storage.delete(old_file))
    material.save()
    old_subjects = set(material.subjects.all())
    if old_subjects != set(subjects):
        changes["subjects"] = [_names_of(old_subjects), _names_of(subjects)]
        material.subjects.set(subjects)
    if set(old_authors) != set(authors):
        changes["authors"] = [_names(old_authors), _names(authors)]
        material.authors.set(authors)
    audit_record(actor=actor, action="material.update", obj=material, changes=changes)
    return material


def _names_of(subjects) -> list[str]:
    return sorted(subject.name for subject in subjects)


def material_update(
    *,
    actor: User,
    material: Material,
    kind: str,
    title: str,
    description: str,
    subjects: list[Subject] = (),
    grade_from: int | None = None,
    grade_to: int | None = None,
    authors: list[User] = (),
    file=None,
    remove_file: bool = False,
    link: str = "",
) -> Material:
    """Change a draft (also one returned by the methodist); a new file replaces the old one."""
    with written_files() as written:
        return _material_update(
            actor=actor,
            material=material,
            subjects=subjects,
            authors=authors,
            file=file,
            remove_file=remove_file,
            written=written,
            kind=kind,
            title=title.strip(),
            description=description,
            grade_from=grade_from,
            grade_to=grade_to,
            link=link,
        )


@transaction.atomic
def material_submit(*, actor: User, material: Material) -> Material:
    material = MATERIAL.start(actor, material, "submit")
    return MATERIAL.finish(
        actor,
        material,
        "submit",
        fields=["updated_at"],
        changes={"status": _moved(material.status, Status.SUBMITTED)},
    )


@transaction.atomic
def material_publish(*, actor: User, material: Material) -> Material:
    """The methodist publishes a material after moderation, or their own draft directly."""
    material = MATERIAL.start(actor, material, "publish")
    old = material.status
    material.published_by, material.published_at = actor, timezone.now()
    return MATERIAL.finish(
        actor,
        material,
        "publish",
        fields=["published_by", "published_at", "updated_at"],
        changes={"status": _moved(old, Status.PUBLISHED)},
    )


@transaction.atomic
def material_return(*, actor: User, material: Material, comment: str) -> Material:
    material = MATERIAL.start(actor, material, "return")
    if not comment.strip():
        raise DomainError("Напишите, что нужно доработать: авторы увидят этот комментарий.")
    material.moderation_comment = comment.strip()
    return MATERIAL.finish(
        actor,
        material,
        "return",
        fields=["moderation_comment", "updated_at"],
        changes={
            "status": _moved(Status.SUBMITTED, Status.DRAFT),
            "comment": material.moderation_comment,
        },
    )


@transaction.atomic
def material_archive(*, actor: User, material: Material) -> Material:
    material = MATERIAL.start(actor, material, "archive")
    return MATERIAL.finish(
        actor,
        material,
        "archive",
        fields=["updated_at"],
        changes={"status": _moved(Status.PUBLISHED, Status.ARCHIVED)},
    )
