"""The events' demo: a term of Лабинский район's master classes, open lessons, seminars and
group tutorials, some of them items of the community's plan-schedule (seed 002, Приложение 3);
the demo teacher registered for two, one event full, one cancelled, one still a draft.
Idempotent, like the rest of `load_demo`: an event is found by its title first.

The events are invented. Their dates are set relative to the day the demo is loaded, from
about ten weeks back to three weeks ahead (in early December: from mid-September to the end
of the term), so that there are always past events and events to register for."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from community.models import PlanItem
from tutoring.demo import LABINSK
from tutoring.models import Municipality, Subject, User

from .models import Event, EventRegistration

IMC_HALL = "г. Лабинск, здание МКУ ИМЦ, актовый зал"
Kind, Status = Event.Kind, Event.Status

# (title, kind, days from today, hour, minutes, place, link, audience, subjects, capacity,
#  organizer, start of the content of the plan item it comes from, status, registered)
EVENTS = [
    ("Анализ результатов ВПР: задания, с которыми не справились", Kind.SEMINAR, -70, 14, 90,
     IMC_HALL, "", "учителя математики и русского языка 5–8 классов",
     ["Математика", "Русский язык"], None, "methodist", "Подготовка к ВПР", Status.PUBLISHED,
     ["teacher02", "tutor", "tutor03"]),
    ("Дроби на координатном луче, 5 класс", Kind.OPEN_LESSON, -45, 10, 45,
     "МОБУ СОШ № 10, кабинет 21", "", "учителя математики 5–6 классов", ["Математика"], 8,
     "tutor", "", Status.PUBLISHED, ["teacher05", "tutor02"]),
    ("Формирующее оценивание на уроке русского языка", Kind.MASTER_CLASS, -20, 15, 60,
     "МОБУ СОШ № 11, кабинет 5", "", "учителя русского языка и литературы",
     ["Русский язык", "Литература"], 15, "tutor03", "", Status.PUBLISHED,
     ["teacher02", "tutor04", "tutor05"]),
    ("Методика подготовки к ОГЭ по математике: задачи второй части", Kind.GROUP_TUTORIAL, 3,
     15, 90, IMC_HALL, "", "учителя математики 8–9 классов", ["Математика"], 15, "tutor",
     "Обмен опытом и методика подготовки к ОГЭ", Status.PUBLISHED, ["teacher", "tutor02"]),
    ("Практические работы по биологии в ВПР", Kind.MASTER_CLASS, 8, 14, 60,
     "МОБУ СОШ № 3, кабинет биологии", "", "учителя биологии 5–8 классов", ["Биология"], 3,
     "tutor09", "", Status.PUBLISHED, ["teacher03", "tutor10", "teacher05"]),
    ("Уроки с элементами подготовки к ЕГЭ в 10–11 классах", Kind.SEMINAR, 10, 16, 90, "",
     "https://sferum.ru/?call_link=labinsk-tutors", "учителя старших классов всех предметов",
     [], None, "methodist", "Обмен опытом по методике разработки уроков", Status.PUBLISHED,
     ["teacher", "teacher04", "tutor13"]),
    ("Работа с историческим источником на уроке", Kind.OPEN_LESSON, 15, 11, 45,
     "МОБУ СОШ № 4, кабинет истории", "", "учителя истории и обществознания",
     ["История", "Обществознание"], 12, "tutor13", "", Status.CANCELLED, ["teacher04"]),
    ("Итоговое сочинение: критерии оценивания", Kind.GROUP_TUTORIAL, 17, 15, 90, IMC_HALL,
     "https://sferum.ru/?call_link=labinsk-essay", "учителя русского языка и литературы "
     "10–11 классов", ["Русский язык", "Литература"], 20, "tutor03",
     "Составление рекомендаций и помощь учителям, которые готовят", Status.PUBLISHED,
     ["teacher02"]),
    ("Цифровые образовательные платформы на уроке", Kind.SEMINAR, 22, 14, 90, IMC_HALL, "",
     "учителя всех предметов", ["ИКТ и цифровые образовательные платформы"], 30, "tutor08",
     "", Status.DRAFT, []),
]  # fmt: skip

DESCRIPTIONS = {
    Kind.SEMINAR: "Разбор опыта школ района и обсуждение; с собой — результаты своих классов.",
    Kind.OPEN_LESSON: "Урок в классе с последующим обсуждением: что получилось и почему.",
    Kind.MASTER_CLASS: "Приёмы, которые можно взять на свой урок, на примерах и в практике.",
    Kind.GROUP_TUTORIAL: "Работа в малой группе с тьютором над заданиями ваших учеников.",
}
CANCEL_REASON = "Учитель на курсах повышения квалификации; урок перенесут на январь."


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    known = set(Event.objects.filter(municipality=labinsk).values_list("title", flat=True))
    rows = [row for row in EVENTS if row[0] not in known]
    if not rows:
        return
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    subjects = {s.name: s for s in Subject.objects.all()}
    zone = labinsk.tzinfo
    today = timezone.localdate(timezone=zone)
    for row in rows:
        _event(labinsk, users, subjects, zone, today, *row)
        result.count(True)


def _event(labinsk, users, subjects, zone, today, *row) -> None:
    title, kind, days, hour, minutes, place, link, audience, subject_names, capacity = row[:10]
    organizer, plan_content, status, registered = row[10:]
    day = today + timedelta(days=days)
    # Events take place on working days.
    day += timedelta(days=max(0, 7 - day.weekday()) if day.weekday() >= 5 else 0)
    starts = datetime.combine(day, time(hour), tzinfo=zone)
    event = Event.objects.create(
        municipality=labinsk,
        kind=kind,
        title=title,
        description=DESCRIPTIONS[kind],
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        place=place,
        link=link,
        audience=audience,
        capacity=capacity,
        organizer=users[organizer],
        plan_item=_plan_item(labinsk, plan_content),
        status=status,
        cancel_reason=CANCEL_REASON if status == Status.CANCELLED else "",
        created_by=users["methodist"],
        created_at=timezone.now() - timedelta(days=max(0, -days) + 14),
    )
    event.subjects.set([subjects[name] for name in subject_names])
    EventRegistration.objects.bulk_create(
        EventRegistration(event=event, participant=users[username]) for username in registered
    )


def _plan_item(labinsk, content: str) -> PlanItem | None:
    """The item of the municipality's newest community plan that the event carries out."""
    if not content:
        return None
    return (
        PlanItem.objects.filter(plan__municipality=labinsk, content__startswith=content)
        .order_by("-plan__academic_year__start_year", "position")
        .first()
    )
