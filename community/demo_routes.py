"""Three development routes (ИОМ) of teachers of СОШ № 20 in Лабинский район, at three
stages, with the demo tutor assigned to their teachers: last year's route of the demo teacher,
closed with a reflection; this year's, under way with steps done and evidenced; and a route of
a second teacher still being drawn up. Built through the services, as the tutor and the
teacher would; idempotent, like the rest of `load_demo`."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tutoring.demo import LABINSK
from tutoring.models import AcademicYear, Municipality, User

from .models import Assignment, DevelopmentRoute, RouteDifficulty, RouteStep
from .services import routes as services

Source = RouteDifficulty.Source
Kind = RouteStep.Kind

CLOSED_TOPIC = "Подготовка обучающихся к ВПР по математике: работа с текстовыми задачами"
ACTIVE_TOPIC = "Формирующее оценивание на уроках математики в 5–6 классах"
DRAFT_TOPIC = "Подготовка к итоговому сочинению: приёмы работы с аргументацией"
_PEOPLE = ("tutor", "teacher", "teacher02", "methodist")


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    users = {u.username: u for u in User.objects.filter(username__in=_PEOPLE)}
    current = AcademicYear.objects.current()
    last = AcademicYear.objects.filter(start_year=current.start_year - 1).first()
    tutor, teacher, teacher02 = users["tutor"], users["teacher"], users["teacher02"]
    if last is not None:
        _assign(result, labinsk, last, tutor, teacher, users["methodist"])
        _closed(result, last, tutor, teacher)
    _assign(result, labinsk, current, tutor, teacher, users["methodist"])
    _active(result, current, tutor, teacher)
    _assign(result, labinsk, current, tutor, teacher02, users["methodist"])
    _draft(result, current, tutor, teacher02)


def _assign(result, municipality, year, tutor, teacher, methodist) -> None:
    _, created = Assignment.objects.get_or_create(
        academic_year=year,
        tutor=tutor,
        teacher=teacher,
        defaults={"municipality": municipality, "created_by": methodist},
    )
    result.count(created)


def _exists(year, teacher, topic) -> bool:
    return DevelopmentRoute.objects.filter(
        academic_year=year, teacher=teacher, topic=topic
    ).exists()


def _within(year: AcademicYear, day: date) -> date:
    return min(max(day, year.starts_on), year.ends_on)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(15, 0)))


def _build(tutor, teacher, year, topic, goals, difficulties, steps):
    route = services.route_create(
        actor=tutor, teacher=teacher, tutor=tutor, academic_year=year, topic=topic, goals=goals
    )
    for source, text in difficulties:
        services.difficulty_add(actor=teacher, route=route, source=source, text=text)
    return route, [
        services.step_add(actor=tutor, route=route, kind=kind, title=title, deadline=deadline)
        for kind, title, deadline in steps
    ]


def _done(step, actor, evidence: str, day: date) -> None:
    services.step_done(actor=actor, step=step, evidence=evidence)
    # The demo's dates of completion are those of the story, not of the loading.
    RouteStep.objects.filter(pk=step.pk).update(done_at=_at(day))


def _closed(result, year, tutor, teacher) -> None:
    if _exists(year, teacher, CLOSED_TOPIC):
        return
    start = year.starts_on
    route, steps = _build(
        tutor,
        teacher,
        year,
        CLOSED_TOPIC,
        "Повысить долю решённых текстовых задач в ВПР по математике в 5 классе.\n"
        "Освоить приёмы моделирования условия задачи схемой и таблицей.",
        [
            (
                Source.RESULTS,
                "Математика, ВПР, 5 класс: высокая доля «2», задачи на движение "
                "и части решают меньше половины участников.",
            ),
            (
                Source.TEACHER,
                "Не хватает приёмов, чтобы научить детей составлять модель "
                "условия текстовой задачи.",
            ),
        ],
        [
            (
                Kind.COURSE,
                "Курсы ИРО «Методика обучения решению текстовых задач», 36 ч",
                start + timedelta(days=60),
            ),
            (
                Kind.SESSION,
                "Тьюториал с тьютором: разбор заданий ВПР № 7–10",
                start + timedelta(days=90),
            ),
            (
                Kind.PRACTICE,
                "Открытый урок «Решение задач на движение с помощью схем»",
                start + timedelta(days=180),
            ),
        ],
    )
    services.route_start(actor=tutor, route=route)
    _done(
        steps[0],
        teacher,
        "Удостоверение о повышении квалификации № 231200045678, 36 ч.",
        steps[0].deadline,
    )
    _done(
        steps[1],
        tutor,
        "Разобраны задания 7–10 ВПР прошлых лет; составлен банк задач.",
        steps[1].deadline,
    )
    _done(
        steps[2],
        teacher,
        "Урок проведён 15.03 для учителей школы; анализ урока обсуждён с тьютором.",
        steps[2].deadline,
    )
    services.route_close(
        actor=teacher,
        route=route,
        reflection="Приёмы моделирования условия задачи освоены и используются на каждом "
        "уроке. Доля решённых текстовых задач в пробной работе выросла с 38 до 61 %. "
        "На следующий год — формирующее оценивание, чтобы раньше видеть, кто отстаёт.",
    )
    DevelopmentRoute.objects.filter(pk=route.pk).update(closed_at=_at(year.ends_on - timedelta(60)))
    result.count(True)


def _active(result, year, tutor, teacher) -> None:
    if _exists(year, teacher, ACTIVE_TOPIC):
        return
    today = timezone.localdate()
    route, steps = _build(
        tutor,
        teacher,
        year,
        ACTIVE_TOPIC,
        "Вводить критерии оценивания до начала работы на каждом уроке.\n"
        "Использовать приёмы обратной связи, чтобы ученики видели свой прогресс.",
        [
            (
                Source.EXPERTISE,
                "Экспертиза рабочей программы: планируемые результаты и "
                "способы их оценки описаны не полностью.",
            ),
            (
                Source.TUTOR,
                "На посещённых уроках критерии оценивания ученикам не называются заранее.",
            ),
        ],
        [
            (
                Kind.SELF_STUDY,
                "Изучить рекомендации ФИОКО по формирующему оцениванию",
                _within(year, today - timedelta(days=40)),
            ),
            (
                Kind.SESSION,
                "Супервизия с тьютором: разбор двух уроков с листами самооценки",
                _within(year, today - timedelta(days=10)),
            ),
            (
                Kind.EVENT,
                "Мастер-класс сообщества «Критерии оценивания вместе с учениками»",
                _within(year, today + timedelta(days=7)),
            ),
            (
                Kind.PRACTICE,
                "Открытый урок с приёмами формирующего оценивания",
                _within(year, today + timedelta(days=90)),
            ),
        ],
    )
    services.route_start(actor=teacher, route=route)
    _done(
        steps[0],
        teacher,
        "Конспект рекомендаций и подборка из 12 приёмов для 5–6 классов.",
        min(steps[0].deadline, today),
    )
    _done(
        steps[1],
        tutor,
        "Разобраны уроки в 5 «А» и 6 «Б»; листы самооценки доработаны.",
        min(steps[1].deadline, today),
    )
    result.count(True)


def _draft(result, year, tutor, teacher) -> None:
    if _exists(year, teacher, DRAFT_TOPIC):
        return
    _build(
        tutor,
        teacher,
        year,
        DRAFT_TOPIC,
        "Научить выпускников подбирать и комментировать аргументы из литературы.",
        [
            (
                Source.TEACHER,
                "Выпускники пишут аргументы пересказом, без комментария и вывода.",
            ),
        ],
        [
            (
                Kind.SESSION,
                "Консультация тьютора: критерии итогового сочинения",
                year.starts_on + timedelta(days=75),
            ),
        ],
    )
    result.count(True)
