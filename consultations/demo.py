"""The consultation point's demo: Лабинск's point with two rooms, every tutor's weekly hours,
a term of requests from СОШ № 20 in every state, held sessions with reports and a rating, and
the current week's schedule approved and printed. Idempotent, like the rest of `load_demo`.

The requests and sessions are invented; the dates are set relative to the day the demo is
loaded, so that there is always a current week, a past and a future."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from tutoring.demo import IMC, LABINSK, SHNOR_SCHOOL
from tutoring.models import Document, Municipality, Organization, Subject, User

from .models import (
    AvailabilitySlot,
    ConsultationPoint,
    ConsultationRequest,
    Format,
    RequestKind,
    RequestWindow,
    Room,
    Schedule,
    Session,
    SessionReport,
)
from .services import schedules as schedule_services
from .services.booking import supported_by

POINT = "Муниципальный тьюторский консультационный пункт"
# The point's permanent video room: its remote sessions are joined by it.
POINT_LINK = "https://sferum.ru/?call_link=labinsk-tkp"
Status = ConsultationRequest.Status

# tutor → (weekday, from, to): the hours each of the 21 tutors of the order consults, inside
# the point's working hours (weekdays 14:00–18:00), after their own lessons.
HOURS = {
    "tutor": [(0, 14, 18), (1, 14, 18), (3, 14, 18)],
    "tutor02": [(1, 14, 17), (3, 14, 17)],
    "tutor03": [(1, 15, 18), (3, 15, 18)],
    "tutor04": [(0, 15, 18), (2, 15, 18)],
    "tutor05": [(1, 14, 16), (4, 14, 16)],
    "tutor06": [(2, 14, 17)],
    "tutor07": [(3, 15, 18)],
    "tutor08": [(0, 14, 16), (2, 14, 16)],
    "tutor09": [(2, 14, 17), (4, 14, 17)],
    "tutor10": [(1, 15, 18), (3, 15, 18)],
    "tutor11": [(0, 14, 17)],
    "tutor12": [(2, 15, 18), (4, 14, 16)],
    "tutor13": [(1, 14, 17), (3, 14, 17)],
    "tutor14": [(0, 15, 18), (2, 15, 18)],
    "tutor15": [(2, 14, 16), (4, 14, 17)],
    "tutor16": [(1, 15, 18)],
    "tutor17": [(0, 14, 16), (3, 14, 16)],
    "tutor18": [(2, 14, 17)],
    "tutor19": [(1, 14, 16), (4, 15, 18)],
    "tutor20": [(3, 14, 17)],
    "tutor21": [(0, 15, 17), (2, 15, 17)],
}

# (requester, kind, subject, topic, difficulty, participants, count, format, state, tutor,
#  day of the current week (0 = Monday) or +7 for next week, hour)
REQUESTS = [
    ("school", RequestKind.SUPERVISION, "Математика", "Подготовка к ОГЭ: задачи второй части",
     "Учащиеся 9 классов не приступают к заданиям второй части.",
     "учителя математики", 3, Format.IN_PERSON, "held", "tutor", 0, 15),
    ("teacher", RequestKind.INDIVIDUAL, "Математика", "Формирующее оценивание на уроке",
     "Не получается быстро понять, кто из учеников не усвоил тему.",
     "учитель математики", 1, Format.IN_PERSON, "held", "tutor", 1, 15),
    ("school", RequestKind.TUTORIAL, "Биология", "Практические работы по биологии в ВПР",
     "Низкие результаты заданий с рисунками и схемами.",
     "учителя биологии и химии", 2, Format.REMOTE, "scheduled", "tutor09", 9, 15),
    ("school", RequestKind.GROUP_TEACHERS, "Русский язык", "Итоговое сочинение: критерии",
     "Учителя по-разному применяют критерии оценивания сочинения.",
     "учителя русского языка и литературы", 4, Format.IN_PERSON, "scheduled", "tutor03", 8,
     16),
    ("teacher", RequestKind.THEMATIC, "Математика", "Задачи с параметром",
     "Нужна методика объяснения задач с параметром в 11 классе.",
     "учитель математики", 1, Format.REMOTE, "submitted", None, None, None),
    ("school", RequestKind.OPEN_LESSON, "История", "Открытый урок по работе с источниками",
     "Хотим увидеть, как организовать работу с историческим источником.",
     "учителя истории и обществознания", 3, Format.IN_PERSON, "accepted", None, None, None),
    ("school", RequestKind.MASTER_CLASS, "Химия", "Мастер-класс по решению расчётных задач",
     "Ученики путаются в расчётных задачах.",
     "учителя химии", 2, Format.IN_PERSON, "rejected", None, None, None),
    ("teacher", RequestKind.INDIVIDUAL, "Математика", "Работа со слабоуспевающими",
     "Как выстроить индивидуальные задания.",
     "учитель математики", 1, Format.IN_PERSON, "withdrawn", None, None, None),
    ("school", RequestKind.GROUP_PUPILS, "Физика", "Консультация для 11 класса перед ЕГЭ",
     "Ученики не решают задачи по электродинамике.",
     "обучающиеся 11 класса", 12, Format.IN_PERSON, "cancelled", None, None, None),
]  # fmt: skip

# Last academic year's tutoring of СОШ № 20, which the ВПР of the following spring reflects:
# (kind, subject, topic, days after 1 September, days to the session, tutor, teachers present,
#  rating).
LAST_YEAR = [
    (RequestKind.SUPERVISION, "Математика", "Анализ ВПР: задания на логическое мышление",
     40, 9, "tutor", ["teacher"], 5),
    (RequestKind.TUTORIAL, "Математика", "Текстовые задачи в 5–6 классах",
     75, 6, "tutor", ["teacher"], 5),
    (RequestKind.GROUP_TEACHERS, "Русский язык", "Орфографический анализ слова в ВПР",
     110, 12, "tutor03", ["teacher02"], 4),
    (RequestKind.OPEN_LESSON, "Математика", "Открытый урок: дроби на координатном луче",
     160, 10, "tutor", ["teacher"], None),
]  # fmt: skip

# Sessions dated from the moment the demo is loaded, so that `manage.py send_reminders` right
# after `load_demo` has letters to send: one in the coming day (its tutor, school and teacher
# are reminded) and one that ended yesterday and was never reported (the tutor is asked for
# the report). The reminder tells of the sessions of the next 24 hours; of the hours (local
# time) that keep clear of the week's other sessions of the tutor (15:00 and 16:00), the
# session takes the latest one within them.
COMING_SESSION = "Смысловое чтение на уроках математики"
UNREPORTED_SESSION = "Задачи на движение в 5 классе"
SESSION_HOURS = [18, 17, 13, 12, 11, 10, 9]

REASONS = {
    "rejected": "Тьюторы по химии в этом месяце заняты; подайте заявку на следующий месяц.",
    "withdrawn": "Вопрос решили с коллегами в школе.",
    "cancelled": "Занятия в школе приостановлены на карантин.",
}


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    # Before the early return: a demo loaded when only three tutors had hours gains the rest.
    _hours(result, labinsk, users)
    if ConsultationPoint.objects.filter(municipality=labinsk, name=POINT).exists():
        # A demo loaded before remote sessions had links gains the point's.
        result.count(
            bool(
                ConsultationPoint.objects.filter(
                    municipality=labinsk, name=POINT, remote_link=""
                ).update(remote_link=POINT_LINK)
            )
        )
        _reminder_sessions(result, labinsk, users)
        _render_schedule(labinsk)
        return
    imc = Organization.objects.get(municipality=labinsk, short_name=IMC)
    school = Organization.objects.get(municipality=labinsk, short_name=SHNOR_SCHOOL)
    point = ConsultationPoint.objects.create(
        municipality=labinsk,
        organization=imc,
        name=POINT,
        address="г. Лабинск, здание МКУ ИМЦ",
        working_hours="пн–пт 14:00–18:00",
        remote_link=POINT_LINK,
    )
    rooms = [
        Room.objects.create(point=point, name="Методический кабинет", capacity=12),
        Room.objects.create(point=point, name="Актовый зал", capacity=40),
    ]
    zone = labinsk.tzinfo
    today = timezone.localdate(timezone=zone)
    monday = today - timedelta(days=today.weekday())
    subjects = {s.name: s for s in Subject.objects.all()}
    for row in REQUESTS:
        _request(labinsk, school, point, rooms, users, subjects, monday, zone, *row)
    _last_year(labinsk, school, point, rooms[0], users, subjects, zone)
    _reminder_sessions(result, labinsk, users)
    schedule = Schedule.objects.create(
        municipality=labinsk,
        point=point,
        starts_on=monday,
        ends_on=monday + timedelta(days=6),
        created_by=users["methodist"],
    )
    schedule_services.schedule_approve(actor=users["director"], schedule=schedule)
    result.count(True)
    _render_schedule(labinsk)


def _hours(result, labinsk, users) -> None:
    """Each tutor's hours, for the tutors who have none in Лабинск yet: hours a tutor or the
    methodist has changed since stay as they are."""
    having = set(
        AvailabilitySlot.objects.filter(municipality=labinsk).values_list("tutor_id", flat=True)
    )
    missing = [name for name in HOURS if name in users and users[name].pk not in having]
    AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(
            tutor=users[username],
            municipality=labinsk,
            weekday=weekday,
            starts_at=time(start),
            ends_at=time(end),
        )
        for username in missing
        for weekday, start, end in HOURS[username]
    )
    result.count(bool(missing))


def _request(labinsk, school, point, rooms, users, subjects, monday, zone, *row):
    requester, kind, subject, topic, difficulty, participants, count, fmt, state = row[:9]
    tutor, day, hour = row[9:]
    now = timezone.now()
    request = ConsultationRequest.objects.create(
        municipality=labinsk,
        organization=school,
        requested_by=users[requester],
        teacher=users["teacher"] if requester == "teacher" else None,
        kind=kind,
        subject=subjects[subject],
        topic=topic,
        difficulty=difficulty,
        participants=participants,
        participants_count=count,
        format=fmt,
        priority=True,
        status=state,
        status_reason=REASONS.get(state, ""),
        created_at=now - timedelta(days=14),
    )
    window_from = max(monday, timezone.localdate(timezone=zone)) if state == "submitted" else monday
    RequestWindow.objects.create(
        request=request, starts_on=window_from, ends_on=window_from + timedelta(days=20)
    )
    if tutor is None:
        return
    starts = datetime.combine(monday + timedelta(days=day), time(hour), tzinfo=zone)
    held = state == "held" and starts < now
    session = Session.objects.create(
        municipality=labinsk,
        request=request,
        **supported_by(request),
        point=point,
        room=None if fmt == Format.REMOTE else rooms[0] if count <= rooms[0].capacity else rooms[1],
        tutor=users[tutor],
        kind=kind,
        format=fmt,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
        status=Session.Status.HELD if held else Session.Status.PLANNED,
        created_by=users["methodist"],
    )
    if held:
        report = SessionReport.objects.create(
            session=session,
            held=True,
            pupils_count=0,
            duration_minutes=90,
            summary="Разобрали типичные ошибки и приёмы работы с ними на примерах из "
            "работ учащихся.",
            recommendations="Включать такие задания в каждый урок на этапе закрепления.",
            next_step="Посещение урока через две недели.",
            created_by=users[tutor],
        )
        report.teachers_present.set([users["teacher"]])
        request.status = Status.CLOSED
        if requester == "school":
            request.rating, request.rating_comment = 5, "Очень полезно, спасибо!"
        request.save(update_fields=["status", "rating", "rating_comment"])
    elif state == "held":
        # The week's first days are still ahead: the session waits, the request is scheduled.
        request.status = Status.SCHEDULED
        request.save(update_fields=["status"])


def _reminder_sessions(result, labinsk, users) -> None:
    point = ConsultationPoint.objects.get(municipality=labinsk, name=POINT)
    room = point.rooms.order_by("pk").first()
    school = Organization.objects.get(municipality=labinsk, short_name=SHNOR_SCHOOL)
    mathematics = Subject.objects.get(name="Математика")
    now = timezone.now()
    today = timezone.localdate(now, timezone=labinsk.tzinfo)

    def at(day, hour):
        return datetime.combine(day, time(hour), tzinfo=labinsk.tzinfo)

    tomorrow, yesterday = today + timedelta(days=1), today - timedelta(days=1)
    coming = [at(day, hour) for day in (tomorrow, today) for hour in SESSION_HOURS]
    starts_of = {
        COMING_SESSION: next(
            (s for s in coming if now + timedelta(hours=1) < s <= now + timedelta(days=1)),
            at(today, 18),
        ),
        UNREPORTED_SESSION: at(yesterday, 17),
    }
    for topic, starts in starts_of.items():
        if ConsultationRequest.objects.filter(municipality=labinsk, topic=topic).exists():
            continue
        request = ConsultationRequest.objects.create(
            municipality=labinsk,
            organization=school,
            requested_by=users["school"],
            teacher=users["teacher"],
            kind=RequestKind.INDIVIDUAL,
            subject=mathematics,
            topic=topic,
            difficulty="Ученики не понимают условие задачи, прочитав его.",
            participants="учитель математики",
            participants_count=1,
            format=Format.IN_PERSON,
            priority=True,
            status=Status.SCHEDULED,
            created_at=timezone.now() - timedelta(days=10),
        )
        day = timezone.localdate(starts, timezone=labinsk.tzinfo)
        RequestWindow.objects.create(
            request=request, starts_on=day - timedelta(days=3), ends_on=day + timedelta(days=7)
        )
        Session.objects.create(
            municipality=labinsk,
            request=request,
            **supported_by(request),
            point=point,
            room=room,
            tutor=users["tutor"],
            kind=RequestKind.INDIVIDUAL,
            format=Format.IN_PERSON,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=60),
            created_by=users["methodist"],
        )
        result.count(True)


def _last_year(labinsk, school, point, room, users, subjects, zone) -> None:
    today = timezone.localdate(timezone=zone)
    start_year = (today.year if today.month >= 9 else today.year - 1) - 1
    first_day = datetime(start_year, 9, 1, 15, tzinfo=zone)
    for kind, subject, topic, after, wait, tutor, teachers, rating in LAST_YEAR:
        created = first_day + timedelta(days=after)
        request = ConsultationRequest.objects.create(
            municipality=labinsk,
            organization=school,
            requested_by=users["school"],
            kind=kind,
            subject=subjects[subject],
            topic=topic,
            difficulty="По итогам ВПР: низкая доля выполнения заданий этой темы.",
            participants="учителя школы",
            participants_count=len(teachers),
            format=Format.IN_PERSON,
            priority=True,
            status=Status.CLOSED,
            rating=rating,
            created_at=created,
        )
        RequestWindow.objects.create(
            request=request,
            starts_on=created.date(),
            ends_on=created.date() + timedelta(days=20),
        )
        starts = created + timedelta(days=wait)
        session = Session.objects.create(
            municipality=labinsk,
            request=request,
            **supported_by(request),
            point=point,
            room=room,
            tutor=users[tutor],
            kind=kind,
            format=Format.IN_PERSON,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            status=Session.Status.HELD,
            created_by=users["methodist"],
        )
        report = SessionReport.objects.create(
            session=session,
            held=True,
            duration_minutes=90,
            summary="Разобрали задания ВПР, с которыми ученики школы справились хуже всего.",
            created_by=users[tutor],
        )
        report.teachers_present.set([users[name] for name in teachers])


def _render_schedule(labinsk) -> None:
    """The week's schedule comes with its PDF, rendered here: the demo may have no worker."""
    from tutoring.tasks import render_document

    schedule = Schedule.objects.filter(municipality=labinsk, status="approved").first()
    if schedule is None:
        return
    document = Document.objects.filter(
        kind=schedule_services.SCHEDULE_DOCUMENT, object_id=str(schedule.pk)
    ).first()
    if document is not None and document.status != Document.Status.READY:
        render_document(document.pk)
