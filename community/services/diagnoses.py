"""Диагностика профессиональных дефицитов учителя (Р-201): the teacher's tutor, a methodist of
the municipality or the teacher's school records it, changes it and deletes it. Each function
is one transaction with one audit entry; a refusal names every field's problem at once.

A diagnosis whose deficits a development route took as difficulties is that route's
evidence: it is neither changed nor deleted (a new picture is a new diagnosis)."""

from dataclasses import dataclass
from datetime import date as Date

from django.db import transaction
from django.utils import timezone

from tutoring.access import Access, access_for
from tutoring.models import AcademicYear, Organization, Role, RoleKind, User, current_start_year
from tutoring.services import audit_record

from ..models import Assignment, Deficit, DeficitDiagnosis, DeficitKind, DomainError

Level, Source = Deficit.Level, Deficit.Source

NOT_YOURS = (
    "Диагностику дефицитов учителя записывают его тьютор, методист муниципалитета или "
    "администрация школы учителя."
)


@dataclass(frozen=True)
class Rating:
    """One kind of deficits as the form rates it; an empty level leaves the kind unrated."""

    level: str = ""
    source: str = ""
    note: str = ""


def year_of(day: Date) -> AcademicYear:
    year, _created = AcademicYear.objects.get_or_create(start_year=current_start_year(day))
    return year


def may_record(access: Access, teacher_id: int, organization: Organization, year) -> bool:
    """Whether the user records a diagnosis of the teacher working at `organization` in that
    academic year: a methodist of its municipality, its administration, or a tutor assigned
    to the teacher for the year."""
    municipality_id = organization.municipality_id
    if access.holds(RoleKind.METHODIST, municipality=municipality_id):
        return True
    if access.holds(RoleKind.SCHOOL, organization=organization.pk):
        return True
    return (
        access.holds(RoleKind.TUTOR, municipality=municipality_id)
        and Assignment.objects.filter(
            tutor=access.user_id, teacher=teacher_id, academic_year=year
        ).exists()
    )


def recording_post(access: Access, teacher: User, year) -> Role | None:
    """The teacher's post (a teacher's role at a school) under which the user records the
    diagnosis; the first one, when the teacher works at several of the user's schools."""
    posts = (
        Role.objects.filter(user=teacher, kind=RoleKind.TEACHER, organization__isnull=False)
        .select_related("organization__municipality")
        .order_by("pk")
    )
    return next((p for p in posts if may_record(access, teacher.pk, p.organization, year)), None)


def may_change(access: Access, diagnosis: DeficitDiagnosis) -> bool:
    return may_record(access, diagnosis.teacher_id, diagnosis.organization, diagnosis.academic_year)


def _problems(*, day: Date | None, today: Date, ratings: dict[str, Rating]) -> dict[str, str]:
    problems = {}
    if day is None:
        problems["date"] = "Укажите дату диагностики."
    elif day > today:
        problems["date"] = (
            f"Дата {day:%d.%m.%Y} ещё не наступила: укажите день, когда прошла диагностика."
        )
    rated = 0
    for kind in DeficitKind:
        rating = ratings.get(kind, Rating())
        if not rating.level:
            if rating.source or rating.note.strip():
                problems[f"{kind}_level"] = (
                    "Укажите уровень: без него способ выявления и комментарий не сохраняются."
                )
            continue
        rated += 1
        if rating.level not in Level.values:
            problems[f"{kind}_level"] = "Выберите уровень из списка."
        if not rating.source:
            problems[f"{kind}_source"] = (
                "Укажите, как выявлены: тест, экспертное заключение, наблюдение урока или другое."
            )
        elif rating.source not in Source.values:
            problems[f"{kind}_source"] = "Выберите способ из списка."
        elif rating.source == Source.OTHER and not rating.note.strip():
            problems[f"{kind}_note"] = "Напишите в комментарии, как выявлены дефициты."
    if not rated and "subject_level" not in problems:
        problems["subject_level"] = (
            "Оцените хотя бы один из четырёх видов дефицитов: укажите уровень и как он выявлен."
        )
    return problems


def _rated(ratings: dict[str, Rating]) -> list[tuple[str, Rating]]:
    return [
        (kind, ratings[kind])
        for kind in DeficitKind.values
        if kind in ratings and ratings[kind].level
    ]


def _reads(kind: str, level: str, source: str, note: str) -> str:
    """A rating in words, as the history shows it: «средний уровень (тест): …»."""
    text = f"{Level(level).label} ({Source(source).label})"
    note = note.strip()
    return f"{text}: {_excerpt(note)}" if note else text


def _excerpt(text: str) -> str:
    return text if len(text) <= 100 else text[:99] + "…"


def _summary(ratings: dict[str, Rating]) -> list[str]:
    return [
        f"{DeficitKind(kind).label} — {_reads(kind, r.level, r.source, r.note)}"
        for kind, r in _rated(ratings)
    ]


@transaction.atomic
def diagnosis_record(
    *, actor: User, teacher: User | None, date: Date | None, ratings: dict[str, Rating]
) -> DeficitDiagnosis:
    """A teacher's diagnosis on a date, in the academic year of that date, at the school
    where the actor records it for them."""
    access = access_for(actor)
    year = year_of(date or timezone.localdate())
    post = recording_post(access, teacher, year) if teacher is not None else None
    if teacher is not None and post is None:
        raise DomainError(NOT_YOURS)
    municipality = post.organization.municipality if post else None
    # «Not in the future» on the municipality's clock: Калтан's day starts four hours early.
    today = timezone.localdate(timezone=municipality.tzinfo if municipality else None)
    problems = _problems(day=date, today=today, ratings=ratings)
    if teacher is None:
        problems = {"teacher": "Выберите учителя.", **problems}
    if problems:
        raise DomainError.of_fields(problems)
    diagnosis = DeficitDiagnosis.objects.create(
        municipality=municipality,
        academic_year=year,
        teacher=teacher,
        organization=post.organization,
        date=date,
        created_by=actor,
    )
    Deficit.objects.bulk_create(
        Deficit(
            diagnosis=diagnosis,
            kind=kind,
            level=rating.level,
            source=rating.source,
            note=rating.note.strip(),
        )
        for kind, rating in _rated(ratings)
    )
    audit_record(
        actor=actor,
        action="diagnosis.record",
        obj=diagnosis,
        changes={
            "teacher": teacher.full_name,
            "date": f"{date:%d.%m.%Y}",
            # One line, the kinds apart by «;»: a note has commas of its own.
            "deficits": "; ".join(_summary(ratings)),
        },
    )
    return diagnosis


def _locked(actor: User, diagnosis: DeficitDiagnosis) -> DeficitDiagnosis:
    diagnosis = (
        DeficitDiagnosis.objects.select_for_update(of=("self",))
        .select_related("organization", "academic_year", "teacher")
        .get(pk=diagnosis.pk)
    )
    if not may_change(access_for(actor), diagnosis):
        raise DomainError(NOT_YOURS)
    taken = (
        diagnosis.route_difficulties.order_by("route__pk")
        .values_list("route__topic", flat=True)
        .distinct()
    )
    if topics := list(taken):
        named = ", ".join(f"«{topic}»" for topic in topics)
        raise DomainError(
            f"Дефициты этой диагностики взяты в индивидуальный маршрут {named}: диагностика "
            "стала его основанием и больше не меняется и не удаляется. Если картина "
            "изменилась, запишите новую диагностику."
        )
    return diagnosis


@transaction.atomic
def diagnosis_update(
    *, actor: User, diagnosis: DeficitDiagnosis, date: Date | None, ratings: dict[str, Rating]
) -> DeficitDiagnosis:
    diagnosis = _locked(actor, diagnosis)
    today = timezone.localdate(timezone=diagnosis.municipality.tzinfo)
    problems = _problems(day=date, today=today, ratings=ratings)
    year = year_of(date) if date else diagnosis.academic_year
    if not problems and not may_record(
        access_for(actor), diagnosis.teacher_id, diagnosis.organization, year
    ):
        problems["date"] = (
            f"За учителем на {year} учебный год вы не закреплены: диагностику этого года "
            "записывает его тьютор того года, методист или школа."
        )
    if problems:
        raise DomainError.of_fields(problems)
    changes = {}
    if diagnosis.date != date:
        changes["date"] = [f"{diagnosis.date:%d.%m.%Y}", f"{date:%d.%m.%Y}"]
    before = {d.kind: d for d in diagnosis.deficits.all()}
    wanted = dict(_rated(ratings))
    for kind in DeficitKind.values:
        old, new = before.get(kind), wanted.get(kind)
        was = _reads(kind, old.level, old.source, old.note) if old else "не оценивались"
        now = _reads(kind, new.level, new.source, new.note) if new else "не оценивались"
        if was != now or (old and new and old.note != new.note.strip()):
            changes[kind] = [was, now]
        if old and not new:
            old.delete()
        elif new:
            Deficit.objects.update_or_create(
                diagnosis=diagnosis,
                kind=kind,
                defaults={"level": new.level, "source": new.source, "note": new.note.strip()},
            )
    diagnosis.date, diagnosis.academic_year = date, year
    diagnosis.save(update_fields=["date", "academic_year"])
    audit_record(actor=actor, action="diagnosis.update", obj=diagnosis, changes=changes)
    return diagnosis


@transaction.atomic
def diagnosis_delete(*, actor: User, diagnosis: DeficitDiagnosis) -> None:
    diagnosis = _locked(actor, diagnosis)
    # The entry is written first, while the row and its id still exist.
    audit_record(
        actor=actor,
        action="diagnosis.delete",
        obj=diagnosis,
        changes={"teacher": diagnosis.teacher.full_name, "date": f"{diagnosis.date:%d.%m.%Y}"},
    )
    diagnosis.delete()
