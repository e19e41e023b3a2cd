"""A tutor's achievements for the academic year (seed 004: a minimum of publications, talks
and training events a year). The tutor adds, changes and deletes their own; each function is
one transaction with one audit entry."""

from django.db import transaction

from tutoring.models import AcademicYear, Municipality, Role, RoleKind, User
from tutoring.services import audit_record
from tutoring.uploads import MATERIAL_TYPES, checked_upload, written_files

from ..models import Achievement, AchievementLevel, DomainError

# Evidence is a diploma scan, a certificate, a programme or the slides of a talk.
EVIDENCE_TYPES = MATERIAL_TYPES
NEEDS_EVIDENCE = (
    "Приложите подтверждение: ссылку на публикацию или запись выступления либо файл "
    "(диплом, сертификат, программу мероприятия)."
)
FIELDS = ("kind", "date", "title", "level", "evidence_link")


def _check(*, actor: User, municipality: Municipality, academic_year: AcademicYear, fields):
    if not Role.objects.filter(user=actor, kind=RoleKind.TUTOR, municipality=municipality).exists():
        raise DomainError("Достижения добавляет тьютор муниципального образования.")
    if not fields["title"].strip():
        raise DomainError("Укажите название достижения.")
    day = fields["date"]
    if not academic_year.starts_on <= day <= academic_year.ends_on:
        raise DomainError(
            f"Дата {day:%d.%m.%Y} не входит в {academic_year} учебный год "
            f"({academic_year.starts_on:%d.%m.%Y} — {academic_year.ends_on:%d.%m.%Y})."
        )
    if fields["kind"] not in Achievement.Kind.values:
        raise DomainError("Выберите вид достижения из списка.")
    if fields["level"] not in AchievementLevel.values:
        raise DomainError("Выберите уровень из списка.")


def _store(achievement: Achievement, uploaded, written: list) -> None:
    info = checked_upload(uploaded, allowed=EVIDENCE_TYPES, refuse=DomainError)
    achievement.evidence_file.save(f"evidence{info.extension}", uploaded, save=False)
    written.append(achievement.evidence_file)
    achievement.evidence_name = (uploaded.name or f"evidence{info.extension}")[:255]


def _labels(achievement: Achievement) -> dict:
    return {
        "kind": achievement.get_kind_display(),
        "level": achievement.get_level_display(),
        "title": achievement.title,
        "date": f"{achievement.date:%d.%m.%Y}",
    }


@transaction.atomic
def _create(*, actor, municipality, academic_year, file, written, **fields) -> Achievement:
    _check(actor=actor, municipality=municipality, academic_year=academic_year, fields=fields)
    if not file and not fields["evidence_link"]:
        raise DomainError(NEEDS_EVIDENCE)
    achievement = Achievement(
        municipality=municipality,
        academic_year=academic_year,
        tutor=actor,
        **{name: fields[name] for name in FIELDS},
    )
    achievement.title = achievement.title.strip()
    if file:
        _store(achievement, file, written)
    achievement.save()
    labels = _labels(achievement)
    audit_record(
        actor=actor,
        action="achievement.create",
        obj=achievement,
        changes={
            "kind": labels["kind"],
            "level": labels["level"],
            "title": labels["title"],
            "date": labels["date"],
            "files": [achievement.evidence_name] if achievement.evidence_name else [],
        },
    )
    return achievement


def achievement_create(
    *,
    actor: User,
    municipality: Municipality,
    academic_year: AcademicYear,
    kind: str,
    date,
    title: str,
    level: str,
    evidence_link: str = "",
    evidence_file=None,
) -> Achievement:
    """The tutor's own achievement in the year; its date lies inside the year."""
    with written_files() as written:
        return _create(
            actor=actor,
            municipality=municipality,
            academic_year=academic_year,
            file=evidence_file,
            written=written,
            kind=kind,
            date=date,
            title=title,
            level=level,
            evidence_link=evidence_link,
        )


def _own(actor: User, achievement: Achievement) -> Achievement:
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if achievement.tutor_id != actor.pk:
        raise DomainError("Изменяет и удаляет достижение только тьютор, который его добавил.")
    return achievement


@transaction.atomic
def _update(*, actor, achievement, file, remove_file, written, **fields) -> Achievement:
    achievement = _own(actor, achievement)
    _check(
        actor=actor,
        municipality=achievement.municipality,
        academic_year=achievement.academic_year,
        fields=fields,
    )
    keeps_file = bool(achievement.evidence_file) and not remove_file
    if not file and not keeps_file and not fields["evidence_link"]:
        raise DomainError(NEEDS_EVIDENCE)
    before = _labels(achievement)
    old_link = achievement.evidence_link
    for name in FIELDS:
        setattr(achievement, name, fields[name])
    achievement.title = achievement.title.strip()
    after = _labels(achievement)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if old_link != achievement.evidence_link:
        changes["link"] = [old_link, achievement.evidence_link]
    old_file, old_name = achievement.evidence_file.name, achievement.evidence_name
    if file:
        _store(achievement, file, written)
    elif remove_file and old_file:
        achievement.evidence_file, achievement.evidence_name = "", ""
    if achievement.evidence_file.name != old_file:
        changes["files"] = [old_name, achievement.evidence_name]
        if old_file:
            storage = achievement.evidence_file.storage
            # Only once committed: a rollback leaves the row naming the old file.
            transaction.on_commit(lambda: storage.delete(old_file))
    achievement.save()
    audit_record(actor=actor, action="achievement.update", obj=achievement, changes=changes)
    return achievement


def achievement_update(
    *,
    actor: User,
    achievement: Achievement,
    kind: str,
    date,
    title: str,
    level: str,
    evidence_link: str = "",
    evidence_file=None,
    remove_file: bool = False,
) -> Achievement:
    with written_files() as written:
        return _update(
            actor=actor,
            achievement=achievement,
            file=evidence_file,
            remove_file=remove_file,
            written=written,
            kind=kind,
            date=date,
            title=title,
            level=level,
            evidence_link=evidence_link,
        )


@transaction.atomic
def achievement_delete(*, actor: User, achievement: Achievement) -> None:
    achievement = _own(actor, achievement)
    labels = _labels(achievement)
    audit_record(
        actor=actor,
        action="achievement.delete",
        obj=achievement,
        changes={
            "kind": labels["kind"],
            "level": labels["level"],
            "title": labels["title"],
            "date": labels["date"],
        },
        municipality=achievement.municipality,
    )
    old_file = achievement.evidence_file.name
    storage = achievement.evidence_file.storage
    achievement.delete()
    if old_file:
        transaction.on_commit(lambda: storage.delete(old_file))
