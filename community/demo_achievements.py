"""Achievements of the demo tutor for this academic year and the last one: publications,
talks, a training event held, a competition, each with a link as evidence. Idempotent, like
the rest of `load_demo`."""

from datetime import timedelta

from django.utils import timezone

from tutoring.models import AcademicYear

from .models import Achievement, AchievementLevel

Kind = Achievement.Kind
# (days after 1 September, kind, title, level, link)
LAST_YEAR = [
    (
        45,
        Kind.TALK,
        "Выступление на муниципальном семинаре «Формирующее оценивание на уроках математики»",
        AchievementLevel.MUNICIPAL,
        "https://imc-labinsk.example.ru/seminar-oktyabr",
    ),
    (
        110,
        Kind.PUBLICATION,
        "Статья «Тьюторское сопровождение учителя в школе с низкими результатами» в сборнике "
        "краевой конференции",
        AchievementLevel.REGIONAL,
        "https://iro.example.ru/sbornik-2025",
    ),
    (
        170,
        Kind.TRAINING,
        "Мастер-класс для учителей математики ШНОР «Разбор типичных ошибок ВПР»",
        AchievementLevel.MUNICIPAL,
        "https://imc-labinsk.example.ru/master-klass-vpr",
    ),
    (
        230,
        Kind.COMPETITION,
        "Участие в краевом конкурсе методических разработок «Педагогический поиск»",
        AchievementLevel.REGIONAL,
        "https://iro.example.ru/konkurs-poisk",
    ),
]
THIS_YEAR = [
    (
        25,
        Kind.TALK,
        "Выступление на августовской конференции педагогов района",
        AchievementLevel.MUNICIPAL,
        "https://imc-labinsk.example.ru/avgust",
    ),
    (
        60,
        Kind.PUBLICATION,
        "Методические рекомендации «Подготовка к ОГЭ по математике в 9 классе» на сайте ИМЦ",
        AchievementLevel.MUNICIPAL,
        "https://imc-labinsk.example.ru/rekomendatsii-oge",
    ),
]


def load(labinsk, users, result) -> None:
    tutor = users["tutor"]
    current = AcademicYear.objects.current()
    if current is None:
        return
    last = AcademicYear.objects.filter(start_year=current.start_year - 1).first()
    today = timezone.localdate()
    for year, rows in ((last, LAST_YEAR), (current, THIS_YEAR)):
        if year is None:
            continue
        for days, kind, title, level, link in rows:
            day = year.starts_on + timedelta(days=days)
            if day > today:
                continue
            _, created = Achievement.objects.get_or_create(
                tutor=tutor,
                academic_year=year,
                title=title,
                defaults={
                    "municipality": labinsk,
                    "kind": kind,
                    "date": day,
                    "level": level,
                    "evidence_link": link,
                },
            )
            result.count(created)
