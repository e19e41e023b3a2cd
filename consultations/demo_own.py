"""The demo tutor's own work at СОШ № 20 (seed 002, plan item 1: «посещение уроков…
ежемесячно»): a month of lesson visits with observation notes and supervisions, held and
planned, and a remote tutorial series with its meeting link. Recorded through the same
service a tutor uses, so the demo shows what a real month looks like."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import Municipality, Organization, Subject, User

from .models import Format, Session
from .services.own import OwnSession, own_series_record, own_session_record

TUTORIAL_LINK = "https://telemost.yandex.ru/j/demo-tutorial-labinsk"
# (days from today, hour, teacher, grade, lesson topic, what was seen, recommendation)
VISITS = [
    (
        -26,
        9,
        "teacher",
        "7 Б",
        "Решение текстовых задач на движение",
        "Ученики не дочитывают условие, сразу ищут формулу.",
        "Вводить приём «прочитай и перескажи условие своими словами».",
    ),
    (
        -19,
        10,
        "teacher02",
        "6 А",
        "Смысловое чтение научно-популярного текста",
        "Вопросы к тексту только на воспроизведение, мало вопросов на вывод.",
        "Добавить вопросы «почему» и «что следует из…» к каждому абзацу.",
    ),
    (
        -12,
        9,
        "teacher03",
        "8 В",
        "Работа с графиками функций",
        "Построение по точкам без анализа свойств функции.",
        "Начинать с чтения графика: возрастание, нули, знаки.",
    ),
    (
        -5,
        11,
        "teacher",
        "7 Б",
        "Проценты в практических задачах",
        "Рекомендации прошлого посещения выполняются: условие пересказывают.",
        "Закрепить приём в домашних заданиях.",
    ),
]
SUPERVISIONS = [
    (-22, 15, ["teacher", "teacher02"], "Разбор посещённых уроков: постановка учебной задачи"),
    (-8, 15, ["teacher03"], "Самоанализ урока по графикам функций"),
    (6, 15, ["teacher", "teacher03"], "Приёмы работы с условием задачи: что получилось"),
    (13, 15, ["teacher02"], "Подготовка открытого урока по смысловому чтению"),
]


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    tutor = User.objects.get(username="tutor")
    if Session.objects.filter(tutor=tutor, origin=Session.Origin.OWN).exists():
        return
    school = Organization.objects.get(municipality=labinsk, short_name=SHNOR_SCHOOL)
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    maths = Subject.objects.filter(name="Математика").first()
    today = timezone.localdate(timezone=labinsk.tzinfo)

    def at(days, hour):
        return datetime.combine(today + timedelta(days=days), time(hour))

    for days, hour, teacher, grade, topic, seen, advice in VISITS:
        own_session_record(
            actor=tutor,
            municipality=labinsk,
            data=OwnSession(
                kind="lesson_visit",
                starts_at=at(days, hour),
                duration=45,
                format=Format.IN_PERSON,
                organization=school,
                place=f"{school.short_name}, {grade}",
                teachers=[users[teacher]],
                subject=maths,
                topic=topic,
                held=True,
                pupils_count=25,
                summary="Посетила урок, провела его разбор с учителем.",
                recommendations=advice,
                next_step="Повторное посещение через месяц.",
                observation={
                    "grade": grade,
                    "lesson_topic": topic,
                    "observed": seen,
                    "strengths": "Доброжелательная атмосфера, чёткая постановка цели.",
                    "difficulties": seen,
                    "recommendations": advice,
                },
            ),
        )
        result.count(True)
    for days, hour, teachers, topic in SUPERVISIONS:
        held = days < 0
        own_session_record(
            actor=tutor,
            municipality=labinsk,
            data=OwnSession(
                kind="supervision",
                starts_at=at(days, hour),
                duration=60,
                format=Format.IN_PERSON,
                organization=school,
                place=f"{school.short_name}, методический кабинет",
                teachers=[users[name] for name in teachers],
                subject=maths,
                topic=topic,
                held=held,
                summary="Обсудили посещённые уроки и наметили следующий шаг." if held else "",
            ),
        )
        result.count(True)
    # A remote tutorial course for two teachers: eight weeks, the same evening hour.
    own_series_record(
        actor=tutor,
        municipality=labinsk,
        data=OwnSession(
            kind="tutorial",
            starts_at=at(2, 16),
            duration=60,
            format=Format.REMOTE,
            link=TUTORIAL_LINK,
            teachers=[users["teacher"], users["teacher02"]],
            subject=maths,
            topic="Тьюториал «Текстовые задачи: от условия к модели»",
        ),
        interval=1,
        count=8,
    )
    result.count(True)
