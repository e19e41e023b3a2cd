"""The community's demo records: Лабинский район's order № 01-03/24 of 09.01.2023 with its
three appendices as in seed 002 (the 21-tutor roster, the regulation, the 15-item
plan-schedule), sent, signed and printed, its roster approved by it; a draft roster for the
current year with two pending nominations; one assignment. Idempotent, like the rest of
`load_demo`."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tutoring.demo import IMC, LABINSK, SHNOR_SCHOOL, TUTORS
from tutoring.models import AcademicYear, Document, Municipality, Organization, Subject, User
from tutoring.signatures import head_signature

from . import demo_achievements
from .models import (
    Activity,
    Appendix,
    Assignment,
    CommunityPlan,
    Education,
    Nomination,
    Order,
    PlanItem,
    QualificationCategory,
    Roster,
    RosterEntry,
    TutorLevel,
)
from .services import orders as order_services
from .services.plans import PLAN_DOCUMENT

ORDER_NUMBER = "01-03/24"
ORDER_DATE = date(2023, 1, 9)
REGULATION = Path(__file__).parent / "demo_data" / "regulation_labinsk.txt"

HEADING = (
    "Об утверждении Дорожной карты повышения качества образования в школах с низкими "
    "результатами обучения и школах, функционирующих в неблагоприятных социальных условиях "
    "в 2023 году в Лабинском районе"
)
PREAMBLE = (
    "В рамках реализации регионального проекта по работе со школами с низкими "
    "образовательными результатами в целях повышения качества образования, эффективного "
    "развития муниципальной методической сети и ее организационно-педагогического и "
    "информационно-методического сопровождения школ муниципального образования Лабинский район"
)
POINTS = [
    "Утвердить состав тьюторского сообщества муниципального образования Лабинский район "
    "(Приложение 1).",
    "Утвердить положение о тьюторском сообществе муниципального образования Лабинский район "
    "(Приложение 2).",
    "Утвердить план работы тьюторского сообщества муниципального образования Лабинский район "
    "(Приложение 3).",
    "Назначить ответственным за выполнение плана работы методиста МКУ ИМЦ города Лабинска "
    "И.А. Алифанову.",
    "Контроль за исполнением приказа оставляю за собой.",
    "Приказ вступает в силу со дня его подписания.",
]

RESPONSIBLE = (
    "Главный специалист УО Лабинский район, методисты МКУ ИМЦ города Лабинска, координаторы, "
    "тьюторы"
)
# Seed 002, the plan-schedule for 2023: (activity, content, timing). The seed does not sort
# its items by activity; the activity of each is ours.
PLAN_ITEMS = [
    (Activity.MONITORING, "Посещение уроков и мероприятий, определение слабых мест "
     "педагогической деятельности ШНОР (СОШ № 20 ст. Чернореченской Лабинского района)",
     "ежемесячно"),
    (Activity.INFORMATIONAL, "Оказание помощи в изучении, обобщении и распространении "
     "передового опыта педагогов, показывающих высокие результаты ЕГЭ по предметам",
     "регулярно"),
    (Activity.EDUCATIONAL, "Формирование групп учителей для прохождения курсовой "
     "переподготовки (мероприятия, направленные на устранение профессиональных дефицитов "
     "руководителей и преподавателей)", "регулярно"),
    (Activity.EXPERT, "Аудит плана мероприятий по вовлечению родителей в профилактику "
     "учебной неуспешности", "май"),
    (Activity.EXPERT, "Анализ составленных индивидуальных образовательных маршрутов "
     "директора и учителей, программы СОШ № 20 ст. Чернореченской Лабинского района, "
     "направленной на переход в режим эффективного функционирования и развития",
     "регулярно"),
    (Activity.MONITORING, "Мониторинг (анализ) результатов оценочных процедур СОШ № 20 "
     "ст. Чернореченской Лабинского района", "регулярно"),
    (Activity.CONSULTING, "Составление рекомендаций и помощь учителям, которые готовят "
     "обучающихся к ГИА", "регулярно"),
    (Activity.CONSULTING, "Помощь и рекомендации учителям в составлении рабочих программ "
     "и КТП", "август-сентябрь"),
    (Activity.EDUCATIONAL, "Обмен опытом по методике разработки уроков с элементами "
     "подготовки к ЕГЭ (10-11 кл.)", "октябрь-ноябрь"),
    (Activity.EDUCATIONAL, "Обмен опытом и методика подготовки к ОГЭ (9 кл.)",
     "октябрь-ноябрь"),
    (Activity.EDUCATIONAL, "Подготовка к ВПР", "сентябрь-октябрь"),
    (Activity.MONITORING, "Организация работы и составление пробных диагностических работ "
     "для учащихся муниципального образования Лабинский район, выбравших экзамены по "
     "предметам по выбору", "декабрь-январь"),
    (Activity.MONITORING, "Проведение пробных диагностических работ для обучающихся "
     "муниципального образования Лабинский район, их анализ", "февраль-март"),
    (Activity.CONSULTING, "Индивидуальные консультации для учителей муниципалитета, "
     "участвующих в подготовке обучающихся к ЕГЭ (СОШ № 20 ст. Чернореченской Лабинского "
     "района)", "ежемесячно"),
    (Activity.MONITORING, "Проведение мониторинга эффективности работы муниципального "
     "тьюторского сообщества муниципального образования Лабинский район", "октябрь"),
]  # fmt: skip

# Invented proposals of СОШ № 20 for the current year, waiting for the methodist.
NOMINATIONS = [
    ("teacher02", ["Русский язык", "Литература"], "учитель русского языка и литературы",
     Education.HIGHER_PEDAGOGICAL, 14, QualificationCategory.HIGHEST,
     "Призёр муниципального этапа конкурса «Учитель года», автор программы элективного "
     "курса по подготовке к итоговому сочинению.",
     "Ученики стабильно пишут ЕГЭ по русскому языку выше средних баллов по району."),
    ("teacher03", ["Биология", "Химия"], "учитель биологии и химии",
     Education.HIGHER_OTHER, 2, QualificationCategory.NONE,
     "Руководитель школьного экологического проекта.",
     "Молодой учитель с высокой мотивацией; готов вести консультации по ОГЭ по биологии."),
]  # fmt: skip


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    signed = Order.objects.filter(
        municipality=labinsk, number=ORDER_NUMBER, date=ORDER_DATE, status=Order.Status.APPROVED
    ).first()
    if signed is None:
        signed = _order_01_03_24(labinsk, users)
        result.count(True)
    _render(signed)
    _current_year(labinsk, users, result)
    # Last year's report, frozen at acceptance, lists them; it loads after every app.
    demo_achievements.load(labinsk, users, result)


def _order_01_03_24(labinsk, users) -> Order:
    methodist, director = users["methodist"], users["director"]
    year = AcademicYear.objects.get(start_year=2022)
    imc = Organization.objects.get(municipality=labinsk, short_name=IMC)
    schools = {o.short_name: o for o in Organization.objects.filter(municipality=labinsk)}
    subjects = {s.name: s for s in Subject.objects.all()}
    signed_at = datetime(2023, 1, 9, 10, 0, tzinfo=ZoneInfo(labinsk.timezone))

    # Marked ready by the methodist; the director's signature under the order approves it.
    roster = Roster.objects.create(
        municipality=labinsk, academic_year=year, status=Roster.Status.READY
    )
    for username, _, subject_names, position, school in TUTORS:
        entry = RosterEntry.objects.create(
            roster=roster,
            person=users[username],
            position=position,
            organization=schools[f"МОБУ СОШ № {school}"],
            level=TutorLevel.MUNICIPAL,
        )
        entry.subjects.set([subjects[name] for name in subject_names])

    # Approved by the centre's head under «УТВЕРЖДАЮ», on the order's date.
    head = head_signature(imc, ORDER_DATE)
    plan = CommunityPlan.objects.create(
        municipality=labinsk,
        academic_year=year,
        title="План-график работы тьюторского сообщества муниципального образования "
        "Лабинский район на 2023 год",
        status=CommunityPlan.Status.APPROVED,
        approved_by=director,
        approved_at=signed_at,
        approval={**head.as_dict(), "date": ORDER_DATE.isoformat()},
    )
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            activity=activity,
            position=position,
            content=content,
            timing=timing,
            responsible=RESPONSIBLE,
        )
        for position, (activity, content, timing) in enumerate(PLAN_ITEMS, start=1)
    )

    # Signed by whoever headed the centre on the order's date (the demo `director`).
    signature = head
    order = order_services.order_create(
        actor=methodist,
        municipality=labinsk,
        organization=imc,
        academic_year=year,
        place="г. Лабинск",
        heading=HEADING,
        preamble=PREAMBLE,
        points="\n".join(POINTS),
        signatory_position=signature.position,
        signatory_name=signature.name,
    )
    order_services.appendix_add(
        actor=methodist,
        order=order,
        kind=Appendix.Kind.ROSTER,
        title="СОСТАВ муниципального сообщества тьюторов в Лабинском районе",
        roster=roster,
    )
    order_services.appendix_add(
        actor=methodist,
        order=order,
        kind=Appendix.Kind.TEXT,
        title="ПОЛОЖЕНИЕ о тьюторском сообществе муниципального образования Лабинский район",
        text=REGULATION.read_text(encoding="utf-8"),
    )
    order_services.appendix_add(
        actor=methodist, order=order, kind=Appendix.Kind.PLAN, title=plan.title, plan=plan
    )
    order_services.order_send(actor=methodist, order=order)
    order = order_services.order_approve(
        actor=director, order=order, number=ORDER_NUMBER, date=ORDER_DATE
    )
    # The record says when it was signed: on the order's date, not on the demo's load.
    Roster.objects.filter(pk=roster.pk).update(approved_at=signed_at)
    Order.objects.filter(pk=order.pk).update(sent_at=signed_at, approved_at=signed_at)
    order.refresh_from_db()
    return order


def _render(order: Order) -> None:
    """The demo's order and the plan it approves come with their PDFs, rendered here rather
    than by a worker: the demo may run where no worker does. Rendering is idempotent, so a
    second load does nothing."""
    from tutoring.documents import document_request
    from tutoring.tasks import render_document

    plan = order.appendices.get(kind=Appendix.Kind.PLAN).plan
    documents = [
        Document.objects.get(kind=order_services.ORDER_DOCUMENT, object_id=str(order.pk)),
        document_request(kind=PLAN_DOCUMENT, obj=plan, actor=None),
    ]
    for document in documents:
        if document.status != Document.Status.READY:
            render_document(document.pk)


def _current_year(labinsk, users, result) -> None:
    year = AcademicYear.objects.current()
    school = Organization.objects.get(municipality=labinsk, short_name=SHNOR_SCHOOL)
    if not Roster.objects.filter(municipality=labinsk, academic_year=year).exists():
        Roster.objects.create(municipality=labinsk, academic_year=year)
        result.count(True)
    subjects = {s.name: s for s in Subject.objects.all()}
    for username, subject_names, position, education, years, category, achieved, why in NOMINATIONS:
        nomination, created = Nomination.objects.get_or_create(
            teacher=users[username],
            academic_year=year,
            defaults={
                "municipality": labinsk,
                "organization": school,
                "position": position,
                "education": education,
                "experience_years": years,
                "qualification_category": category,
                "achievements": achieved,
                "justification": why,
                "created_by": users["school"],
            },
        )
        if created:
            nomination.subjects.set([subjects[name] for name in subject_names])
        result.count(created)
    _, created = Assignment.objects.get_or_create(
        academic_year=year,
        tutor=users["tutor"],
        teacher=users["teacher"],
        defaults={"municipality": labinsk, "created_by": users["methodist"]},
    )
    result.count(created)
