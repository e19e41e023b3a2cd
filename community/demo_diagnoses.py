"""Diagnoses of deficits and mentoring pairs of СОШ № 20 in Лабинский район: the demo
tutor's diagnosis of the demo teacher this year (its high and medium deficits are offered to
her route under way), the school's two diagnoses of a second teacher, a pair «учитель —
учитель» of the school under way and the methodist's pair of last year ended with a result.
Built through the services, as the tutor, the school and the methodist would; idempotent,
like the rest of `load_demo`."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tutoring.demo import LABINSK
from tutoring.models import AcademicYear, Municipality, User

from .models import Assignment, DeficitDiagnosis
from .services import assignments, diagnoses
from .services.diagnoses import Rating

_PEOPLE = ("tutor", "teacher", "teacher02", "teacher03", "teacher04", "tutor02", "school")
_PEOPLE += ("methodist",)


def load(result) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=_PEOPLE)}
    labinsk = Municipality.objects.get(name=LABINSK)
    current = AcademicYear.objects.current()
    last = AcademicYear.objects.filter(start_year=current.start_year - 1).first()
    today = timezone.localdate(timezone=labinsk.tzinfo)
    _diagnose(
        result,
        users["tutor"],
        users["teacher"],
        _within(current, today - timedelta(days=50), today),
        methodical=Rating(
            "high",
            "observation",
            "критерии оценивания не называются до начала работы, обратной связи ученикам нет",
        ),
        subject=Rating("medium", "test", "задачи на проценты и на движение в 6 классе"),
        psychological=Rating("low", "expert", ""),
        communicative=Rating("none", "observation", ""),
    )
    if last is not None:
        _diagnose(
            result,
            users["school"],
            users["teacher02"],
            last.starts_on + timedelta(days=60),
            methodical=Rating("medium", "expert", "экспертиза рабочей программы по литературе"),
            communicative=Rating("high", "observation", "диалог с классом на уроке не ведётся"),
        )
    _diagnose(
        result,
        users["school"],
        users["teacher02"],
        _within(current, today - timedelta(days=20), today),
        communicative=Rating("medium", "observation", "ученики редко отвечают развёрнуто"),
        subject=Rating("low", "test", ""),
    )
    _pair(
        result,
        users["school"],
        labinsk,
        current,
        users["teacher03"],
        users["teacher02"],
        "Взаимопосещение уроков раз в месяц с разбором по листу наблюдения; совместная "
        "разработка заданий на развёрнутый ответ; открытый урок наставляемого в марте.",
    )
    if last is not None:
        pair = _pair(
            result,
            users["methodist"],
            labinsk,
            last,
            users["tutor02"],
            users["teacher04"],
            "Подготовка к ВПР по истории: разбор заданий с источниками, банк заданий для 6–8 "
            "классов, два открытых урока.",
        )
        if pair is not None:
            assignments.pair_end(
                actor=users["methodist"],
                pair=pair,
                result="Составлен банк из 40 заданий с историческими источниками; проведены два "
                "открытых урока; доля «2» в ВПР по истории в 7 классе снизилась с 24\u00a0% "
                "до 15\u00a0%.",
            )
            # The demo's dates are those of the story, not of the loading.
            Assignment.all_kinds.filter(pk=pair.pk).update(
                created_at=_at(last.starts_on + timedelta(days=20)),
                ended_at=_at(last.ends_on - timedelta(days=70)),
            )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(15, 0)))


def _within(year: AcademicYear, day: date, today: date) -> date:
    return max(min(day, today, year.ends_on), year.starts_on)


def _diagnose(result, actor, teacher, day: date, **ratings) -> None:
    if DeficitDiagnosis.objects.filter(teacher=teacher, date=day).exists():
        return
    diagnoses.diagnosis_record(actor=actor, teacher=teacher, date=day, ratings=ratings)
    result.count(True)


def _pair(result, actor, municipality, year, mentor, mentee, programme) -> Assignment | None:
    if Assignment.all_kinds.filter(academic_year=year, tutor=mentor, teacher=mentee).exists():
        return None
    pair = assignments.pair_create(
        actor=actor,
        municipality=municipality,
        academic_year=year,
        mentor=mentor,
        mentee=mentee,
        programme=programme,
    )
    result.count(True)
    return pair
