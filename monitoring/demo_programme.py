"""СОШ № 20 in the federal project «500+» (issue item 8): the demo tutor curates it last year
and this year. Last year's risk profile was returned once by the curator and agreed; its
antirisk programme for the pupils at risk of failing was approved, with measures carried out
by the tutor's sessions and the teacher's route and indicators the portal reads from the demo
results. This year's profile waits for agreement, and the school drafts its development
concept.

Built through the services a school, its curator and the methodist use, so every row is valid
and audited. The services stamp what they write with the moment of the load; each step of the
story is then moved to its day (its own date fields, its journal entries, its notifications),
so that a programme of last year reads as approved last autumn. Idempotent: each part is
looked for before it is made."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from community.demo_routes import CLOSED_TOPIC
from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import (
    AcademicYear,
    AuditEntry,
    Document,
    Municipality,
    Notification,
    Organization,
    RiskDirection,
    Subject,
    User,
)

from .models import Curatorship, RiskLevel, RiskProfile, SchoolProgramme
from .profiles import services as profiles
from .programmes import indicators as readings
from .programmes import selectors as programme_selectors
from .programmes import services as programmes

HIGH, MEDIUM, LOW, NONE = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW, RiskLevel.NONE
Kind = SchoolProgramme.Kind
Evidence = RiskDirection.Evidence

# The directions of «500+» as `tutoring.models.RISK_DIRECTIONS` names them: (level, why) last
# year, before the tutoring, and this year, after a year of it. A direction the region has
# renamed or added since is rated low without a justification.
LAST_YEAR_RATINGS = {
    "Низкий уровень оснащения школы": (
        LOW,
        "Кабинеты математики и информатики оснащены; интерактивные панели есть в 6 из 14 "
        "кабинетов, остальные обновляются по плану закупок.",
    ),
    "Дефицит педагогических кадров": (
        MEDIUM,
        "Один учитель математики на 5–9 классы, нагрузка — 31 час в неделю; вакансия второго "
        "учителя математики не закрыта второй год.",
    ),
    "Недостаточная предметная и методическая компетентность педагогических работников": (
        HIGH,
        "Учитель математики не владеет приёмами обучения решению текстовых задач: задания ВПР "
        "на текстовые задачи выполняет меньше трети пятиклассников. Курсы по предмету за три "
        "года не пройдены.",
    ),
    "Риски низкой адаптивности учебного процесса": (
        LOW,
        "Для обучающихся с трудностями есть консультации после уроков по математике и русскому "
        "языку; расписание позволяет заниматься в малых группах.",
    ),
    "Несформированность внутришкольной системы повышения квалификации": (
        MEDIUM,
        "Школьного методического объединения нет, план методической работы не составлялся.",
    ),
    "Высокая доля обучающихся с рисками учебной неуспешности": (
        HIGH,
        "Доля «2» на ВПР по математике и русскому языку в 5 классе — одна из самых высоких в "
        "районе; обучающиеся не решают текстовые задачи и путают действия с дробями. "
        "11 обучающихся 5–7 классов переведены условно.",
    ),
    "Низкое качество преодоления языковых и культурных барьеров": (
        NONE,
        "Обучающихся, для которых русский язык не родной, в школе нет.",
    ),
    "Пониженный уровень качества школьной образовательной и воспитательной среды": (
        LOW,
        "Школьная среда безопасна, работают кружки и спортивные секции; обновления требует "
        "библиотечный фонд.",
    ),
    "Высокая доля обучающихся с ОВЗ": (
        NONE,
        "Обучающихся с ОВЗ — 6 из 412, все учатся по адаптированным программам с "
        "сопровождением педагога-психолога.",
    ),
    "Низкий уровень вовлечённости родителей": (
        LOW,
        "Родительские собрания посещают около 70 % родителей; родители участвуют в школьных "
        "праздниках и днях открытых дверей.",
    ),
    "Низкая учебная мотивация обучающихся": (
        LOW,
        "По анкетированию интерес к учёбе снижается в 7–8 классах; в 5–6 классах — на уровне "
        "района.",
    ),
}
# What the curator asked for when she returned last year's profile, and the school's answer.
RETURNED_DIRECTION = "Несформированность внутришкольной системы повышения квалификации"
RETURN_COMMENT = (
    f"Уточните обоснование по направлению «{RETURNED_DIRECTION}»: сколько учителей прошли "
    "курсы повышения квалификации за последние три года и есть ли у школы план методической "
    "работы на год."
)
RETURNED_ANSWER = (
    "За три года курсы повышения квалификации по предмету прошли 2 из 5 учителей. Школьного "
    "методического объединения и плана методической работы нет, маршрутов профессионального "
    "развития у учителей не было."
)
THIS_YEAR_RATINGS = LAST_YEAR_RATINGS | {
    "Дефицит педагогических кадров": (
        MEDIUM,
        "Один учитель математики на 5–9 классы, нагрузка — 31 час в неделю; вакансия второго "
        "учителя математики не закрыта третий год.",
    ),
    "Недостаточная предметная и методическая компетентность педагогических работников": (
        MEDIUM,
        "Учитель математики прошёл курсы и работает по маршруту профессионального развития; "
        "экспертиза рабочих программ по русскому языку и биологии нашла недочёты в "
        "планируемых результатах.",
    ),
    "Несформированность внутришкольной системы повышения квалификации": (
        LOW,
        "Работает школьное методическое объединение; у двух учителей есть маршруты "
        "профессионального развития на год, тьютор посещает уроки ежемесячно.",
    ),
    "Высокая доля обучающихся с рисками учебной неуспешности": (
        MEDIUM,
        "После года работы с тьютором доля «2» на ВПР по математике и русскому языку в 5 классе "
        "снизилась, но остаётся заметной; 14 обучающихся 6–7 классов закончили первую четверть "
        "с «2» по математике.",
    ),
}

# The antirisk programme of last year for the pupils at risk of failing.
ANTIRISK_GOAL = (
    "Снизить долю обучающихся с рисками учебной неуспешности по математике в 5–6 классах: "
    "доля «2» на ВПР по математике в 5 классе — не выше 45 %."
)
ANTIRISK_TASKS = (
    "Выявить задания ВПР, с которыми обучающиеся справляются хуже всего, и спланировать их "
    "отработку.\n"
    "Освоить с тьютором муниципального сообщества приёмы обучения решению текстовых задач.\n"
    "Организовать адресную помощь обучающимся группы риска на уроках и консультациях.\n"
    "Сверять отметки ВПР с текущими, чтобы вовремя видеть, кто отстаёт."
)
ANTIRISK_TEXT = (
    "# Причины риска\n"
    "Обучающиеся 5–6 классов не умеют составить модель условия текстовой задачи и путают "
    "действия с дробями; учитель математики один на 5–9 классы и не проходил курсы по "
    "методике обучения решению задач.\n"
    "# Как школа узнает о результате\n"
    "Показатели программы портал считает сам: по результатам ВПР школы, по занятиям тьюторов "
    "в школе и по маршрутам профессионального развития учителей."
)
# The ВПР work the demo results have for СОШ № 20 (`demo.WORKS`).
WORK = ("Математика", 5)


@dataclass(frozen=True)
class MeasurePlan:
    # Not the tied session's topic: the page and the print add it after the title.
    title: str
    starts: tuple[int, int, int]  # (years after the programme's start year, month, day)
    ends: tuple[int, int, int]
    responsible: str  # {tutor}, {teacher}, {school}: their short names
    expected: str
    session: str = ""  # the topic of the tutor's session at the school that carries it out
    route: str = ""  # the topic of the teacher's route that carries it out
    done: tuple[int, int, int] | None = None  # when the school noted it done


ANTIRISK_MEASURES = [
    MeasurePlan(
        "Супервизия учителя математики по итогам ВПР",
        (0, 10, 1),
        (0, 10, 31),
        "{tutor}, тьютор муниципального сообщества",
        "Учитель знает, какие задания ВПР вызвали затруднения, и планирует их отработку.",
        session="Анализ ВПР: задания на логическое мышление",
    ),
    MeasurePlan(
        "Тьюториал для учителя математики по решению текстовых задач",
        (0, 11, 1),
        (0, 11, 30),
        "{tutor}, тьютор муниципального сообщества",
        "Учитель применяет на уроках приёмы моделирования условия задачи схемой и таблицей.",
        session="Текстовые задачи в 5–6 классах",
    ),
    MeasurePlan(
        "Повышение квалификации учителя математики по индивидуальному маршруту",
        (0, 9, 15),
        (1, 8, 31),
        "{teacher}, учитель математики; {tutor}, тьютор",
        "Учитель прошёл курсы по методике обучения решению текстовых задач и провёл открытый урок.",
        route=CLOSED_TOPIC,
    ),
    MeasurePlan(
        "Пробная работа по математике в 5 классах в формате ВПР и разбор её результатов с "
        "обучающимися группы риска",
        (1, 3, 2),
        (1, 3, 20),
        "{school}, заместитель директора по УВР",
        "Составлен список обучающихся группы риска, у каждого — задания для отработки до ВПР.",
        done=(1, 3, 18),
    ),
]


@dataclass(frozen=True)
class IndicatorPlan:
    title: str
    source: str
    target: str
    fallback: str  # the baseline if the portal has no data to count it from
    of_work: bool = False


ANTIRISK_INDICATORS = [
    IndicatorPlan("Доля «2» на ВПР по математике в 5 классе", "vpr_twos", "45", "55", of_work=True),
    IndicatorPlan(
        "Доля отметок ВПР по математике в 5 классе не ниже журнальных",
        "vpr_confirmed",
        "75",
        "60",
        of_work=True,
    ),
    IndicatorPlan("Доля учителей с маршрутом профессионального развития", "route_share", "40", "0"),
    IndicatorPlan(
        "Занятия тьюторов, проведённые в школе за учебный год", "sessions_held", "6", "0"
    ),
]

CONCEPT_TASKS = (
    "Довести долю «2» на ВПР по математике и русскому языку до уровня не выше среднего по "
    "району.\n"
    "Закрыть вакансию второго учителя математики и закрепить за каждым учителем маршрут "
    "профессионального развития.\n"
    "Сделать школьное методическое объединение местом, где учителя разбирают уроки друг друга.\n"
    "Вовлечь родителей обучающихся 5–8 классов в работу с учебной мотивацией детей."
)
CONCEPT_TEXT = (
    "# Анализ текущего состояния\n"
    "Школа включена в перечень школ с низкими образовательными результатами. После года работы "
    "с тьютором муниципального сообщества доля «2» на ВПР по математике в 5 классе снизилась, "
    "но закрепить результат предстоит в ближайшие три года.\n"
    "Сильные стороны: сложившийся коллектив, опыт работы с тьютором, маршруты "
    "профессионального развития у учителей математики и русского языка.\n"
    "Дефициты: один учитель математики на 5–9 классы, низкая учебная мотивация в 7–8 классах, "
    "недочёты в планируемых результатах рабочих программ.\n"
    "# Миссия и приоритеты развития\n"
    "Школа, в которой каждый обучающийся получает помощь вовремя, а каждый учитель знает, "
    "как её оказать.\n"
    "# Ожидаемые результаты\n"
    "Школа выходит из перечня школ с низкими образовательными результатами; отметки ВПР "
    "подтверждаются текущими; все учителя работают по маршрутам профессионального развития.\n"
    "# Механизмы реализации\n"
    "Ежегодный рисковый профиль и антирисковые программы по направлениям высокого и среднего "
    "риска, сопровождение куратора, методическое объединение, отчёт на педагогическом совете "
    "в конце каждого учебного года."
)


@dataclass(frozen=True)
class People:
    school: Organization
    methodist: User
    tutor: User
    staff: User  # the school's user, who drafts and approves
    teacher: User


class Story:
    """Runs a step through the services, then moves what it wrote to the step's moment: its
    journal entries and notifications (read the next day, unless the step is to wait for
    someone) and the fields `stamp` names on the object it returns."""

    def __init__(self, municipality: Municipality):
        self.zone = municipality.tzinfo

    def at(self, day: date, step: Callable, *, hour: int = 10, stamp=(), unread: bool = False):
        audit = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0
        notices = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        obj = step()
        # Never in the future: on 1 September this year's story happens today.
        when = min(datetime.combine(day, time(hour), self.zone), timezone.now())
        AuditEntry.objects.filter(pk__gt=audit).update(at=when)
        written = Notification.objects.filter(pk__gt=notices)
        if unread:
            written.update(created_at=when)
        else:
            written.update(created_at=when, read_at=min(when + timedelta(days=1), timezone.now()))
        if stamp:
            type(obj).objects.filter(pk=obj.pk).update(**dict.fromkeys(stamp, when))
        return obj


_LOGINS = ("methodist", "tutor", "school", "teacher")


def load(result) -> None:
    municipality = Municipality.objects.get(name=LABINSK)
    users = {u.username: u for u in User.objects.filter(username__in=_LOGINS)}
    people = People(
        school=Organization.objects.get(municipality=municipality, short_name=SHNOR_SCHOOL),
        methodist=users["methodist"],
        tutor=users["tutor"],
        staff=users["school"],
        teacher=users["teacher"],
    )
    story = Story(municipality)
    current = AcademicYear.objects.current()
    last = AcademicYear.objects.filter(start_year=current.start_year - 1).first()
    if last is not None:
        _curator(result, story, people, last)
        _last_year(result, story, people, last)
    _curator(result, story, people, current)
    _this_year(result, story, people, current)
    _concept(result, story, people, current)


def _day(year: AcademicYear, years_after: int, month: int, day: int) -> date:
    return date(year.start_year + years_after, month, day)


def _recent(year: AcademicYear, days_ago: int) -> date:
    """A day of this year's story: some days before today, not before the year began."""
    return max(timezone.localdate() - timedelta(days=days_ago), year.starts_on)


def _curator(result, story: Story, people: People, year: AcademicYear) -> None:
    if Curatorship.objects.filter(organization=people.school, academic_year=year).exists():
        return
    story.at(
        min(_day(year, 0, 9, 5), timezone.localdate()),
        lambda: profiles.curator_assign(
            actor=people.methodist,
            organization=people.school,
            academic_year=year,
            curator=people.tutor,
        ),
        stamp=["assigned_at"],
    )
    result.count(True)


def _ratings(profile: RiskProfile, planned: dict) -> dict[int, tuple[str, str]]:
    return {
        rating.direction_id: planned.get(rating.direction.name, (LOW, ""))
        for rating in profile.ratings.select_related("direction")
    }


def _draft_profile(story: Story, people: People, year: AcademicYear, day: date, planned: dict):
    def draft():
        profile = profiles.risk_profile_create(
            actor=people.staff, organization=people.school, academic_year=year
        )
        return profiles.risk_profile_update(
            actor=people.staff, profile=profile, ratings=_ratings(profile, planned)
        )

    return story.at(day, draft, hour=11)


def _last_year(result, story: Story, people: People, year: AcademicYear) -> None:
    profile = RiskProfile.objects.filter(organization=people.school, academic_year=year).first()
    if profile is None:
        profile = _draft_profile(story, people, year, _day(year, 0, 9, 19), LAST_YEAR_RATINGS)
        submit = profiles.risk_profile_submit
        story.at(_day(year, 0, 9, 19), lambda: submit(actor=people.staff, profile=profile), hour=14)
        story.at(
            _day(year, 0, 9, 23),
            lambda: profiles.risk_profile_return(
                actor=people.tutor, profile=profile, comment=RETURN_COMMENT
            ),
        )
        story.at(
            _day(year, 0, 9, 25),
            lambda: profiles.risk_profile_update(
                actor=people.staff,
                profile=profile,
                ratings={
                    rating.direction_id: (rating.level, RETURNED_ANSWER)
                    for rating in profile.ratings.filter(direction__name=RETURNED_DIRECTION)
                },
            ),
        )
        story.at(
            _day(year, 0, 9, 25),
            lambda: submit(actor=people.staff, profile=profile),
            hour=15,
            stamp=["submitted_at"],
        )
        story.at(
            _day(year, 0, 9, 29),
            lambda: profiles.risk_profile_agree(actor=people.tutor, profile=profile),
            stamp=["agreed_at"],
        )
        result.count(True)
        profile.refresh_from_db()
    if profile.status != RiskProfile.Status.AGREED:
        return  # someone trying the demo has returned it: no antirisk programme without it
    rating = (
        profile.ratings.filter(
            direction__evidence=Evidence.LEARNING_FAILURE, level__in=[HIGH, MEDIUM]
        )
        .select_related("direction")
        .first()
    )
    if (
        rating is not None
        and not SchoolProgramme.objects.filter(
            organization=people.school, academic_year=year, direction=rating.direction
        ).exists()
    ):
        _antirisk(story, people, year, rating.direction)
        result.count(True)


def _antirisk(story: Story, people: People, year: AcademicYear, direction) -> None:
    staff = people.staff

    def draft():
        programme = programmes.programme_create(
            actor=staff,
            organization=people.school,
            academic_year=year,
            kind=Kind.ANTIRISK,
            direction=direction,
        )
        programmes.programme_update(
            actor=staff,
            programme=programme,
            goal=ANTIRISK_GOAL,
            tasks=ANTIRISK_TASKS,
            text=ANTIRISK_TEXT,
        )
        _measures(people, programme, year)
        _indicators(people, programme, year)
        return programme

    programme = story.at(_day(year, 0, 10, 6), draft, hour=12)
    story.at(
        _day(year, 0, 10, 8),
        lambda: programmes.programme_submit(actor=staff, programme=programme),
        stamp=["submitted_at"],
    )
    story.at(
        _day(year, 0, 10, 12),
        lambda: programmes.programme_agree(actor=people.methodist, programme=programme),
        stamp=["agreed_at"],
    )
    approved = _day(year, 0, 10, 15)
    story.at(
        approved,
        lambda: programmes.programme_approve(actor=staff, programme=programme),
        stamp=["approved_at"],
    )
    # The grif prints the day kept at approval: the story's, not the load's.
    programme.refresh_from_db()
    kept = programme.snapshot
    kept["approved_on"] = approved.isoformat()
    kept["agreed"]["on"] = _day(year, 0, 10, 12).isoformat()
    SchoolProgramme.objects.filter(pk=programme.pk).update(snapshot=kept)
    _render(programme)
    measures = programme.measures.order_by("position")
    for plan, measure in zip(ANTIRISK_MEASURES, measures, strict=True):
        if plan.done is not None:
            done = min(_day(year, *plan.done), timezone.localdate())
            story.at(
                done,
                lambda measure=measure, done=done: programmes.measure_mark_done(
                    actor=staff, measure=measure, done_on=done
                ),
                hour=16,
            )


def _measures(people: People, programme: SchoolProgramme, year: AcademicYear) -> None:
    ties = programme_selectors.tie_choices(programme)
    names = {
        "tutor": people.tutor.short_name,
        "teacher": people.teacher.short_name,
        "school": people.staff.short_name,
    }
    for plan in ANTIRISK_MEASURES:
        # Tied where the demo has the work: a measure without it is the school's own.
        session = (
            ties["session"].filter(tutor=people.tutor, topic=plan.session).first()
            if plan.session
            else None
        )
        route = (
            ties["route"].filter(teacher=people.teacher, topic=plan.route).first()
            if plan.route
            else None
        )
        programmes.measure_add(
            actor=people.staff,
            programme=programme,
            title=plan.title,
            starts_on=_day(year, *plan.starts),
            ends_on=_day(year, *plan.ends),
            responsible=plan.responsible.format(**names),
            expected_result=plan.expected,
            session=session,
            route=route,
        )


def _indicators(people: People, programme: SchoolProgramme, year: AcademicYear) -> None:
    subject_name, grade = WORK
    subject = Subject.objects.get(name=subject_name)
    for plan in ANTIRISK_INDICATORS:
        work = {"subject": subject, "grade": grade} if plan.of_work else {}
        found = readings.baseline(plan.source, school=people.school, academic_year=year, **work)
        programmes.indicator_add(
            actor=people.staff,
            programme=programme,
            title=plan.title,
            source=plan.source,
            # Empty: the portal counts it, and the page says from what.
            baseline=None if found.value is not None else Decimal(plan.fallback),
            target=Decimal(plan.target),
            **work,
        )


def _render(programme: SchoolProgramme) -> None:
    """The approved programme comes with its PDF, rendered here: the demo may have no worker."""
    from tutoring.tasks import render_document

    document = Document.objects.filter(
        kind=programmes.DOCUMENT, object_id=str(programme.pk)
    ).first()
    if document is not None and document.status != Document.Status.READY:
        render_document(document.pk)


def _this_year(result, story: Story, people: People, year: AcademicYear) -> None:
    if RiskProfile.objects.filter(organization=people.school, academic_year=year).exists():
        return
    profile = _draft_profile(story, people, year, _recent(year, 3), THIS_YEAR_RATINGS)
    # Waiting for agreement: the curator and the methodist find it on their home pages.
    story.at(
        _recent(year, 2),
        lambda: profiles.risk_profile_submit(actor=people.staff, profile=profile),
        stamp=["submitted_at"],
        unread=True,
    )
    result.count(True)


def _concept(result, story: Story, people: People, year: AcademicYear) -> None:
    if SchoolProgramme.objects.filter(
        organization=people.school, academic_year=year, kind=Kind.CONCEPT
    ).exists():
        return
    goal = (
        "Вывести школу из перечня школ с низкими образовательными результатами к "
        f"{year.start_year + programmes.YEARS_AHEAD[Kind.CONCEPT]} году."
    )

    def draft():
        programme = programmes.programme_create(
            actor=people.staff, organization=people.school, academic_year=year, kind=Kind.CONCEPT
        )
        return programmes.programme_update(
            actor=people.staff,
            programme=programme,
            goal=goal,
            tasks=CONCEPT_TASKS,
            text=CONCEPT_TEXT,
        )

    story.at(_recent(year, 1), draft, hour=12)
    result.count(True)
