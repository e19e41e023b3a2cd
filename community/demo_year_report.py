"""The demo tutor's report for last year, accepted by the methodist and printed: what the
methodist's overview and the tutor's «Отчёт за год» show from the first visit."""

from consultations.models import Session
from monitoring.effectiveness import year_bounds
from tutoring.demo import LABINSK
from tutoring.models import AcademicYear, Document, Municipality, User

from .models import Activity, TutorPlan, TutorPlanItem, TutorYearReport
from .services import year_reports

PLAN_ITEMS = [
    (Activity.CONSULTING, "Посещение уроков и мероприятий, определение слабых мест, "
     "консультирование учителей математики МБОУ СОШ № 20", "ежемесячно"),
    (Activity.EDUCATIONAL, "Тьюториал «Формирующее оценивание на уроке»", "по отдельному графику"),
    (Activity.EDUCATIONAL, "Открытый урок для учителей сообщества", "1 раз в четверть"),
]  # fmt: skip

CONCLUSION = (
    "План работы на год выполнен: посещения уроков в МБОУ СОШ № 20 проводились ежемесячно, "
    "по их итогам учителям даны рекомендации.\n"
    "На следующий год: больше тьюториалов по отдельному графику и открытых уроков."
)


def load(result) -> None:
    """Last of all demo loaders: the report sums up last year's sessions of the point's demo
    and the achievements, which must exist before it is frozen."""
    labinsk = Municipality.objects.get(name=LABINSK)
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    tutor, methodist = users["tutor"], users["methodist"]
    start_year = AcademicYear.objects.current().start_year - 1
    year, _ = AcademicYear.objects.get_or_create(start_year=start_year)
    plan, created = TutorPlan.objects.get_or_create(
        tutor=tutor,
        municipality=labinsk,
        academic_year=year,
        defaults={"status": TutorPlan.Status.APPROVED, "approved_by": methodist},
    )
    if created:
        TutorPlanItem.objects.bulk_create(
            TutorPlanItem(plan=plan, activity=activity, position=n, content=content, timing=when)
            for n, (activity, content, when) in enumerate(PLAN_ITEMS)
        )
        # Last year's consultations at СОШ № 20 were the plan's first item.
        start, end = year_bounds(year)
        Session.objects.filter(
            tutor=tutor, status=Session.Status.HELD, starts_at__range=(start, end)
        ).update(tutor_plan_item=plan.items.order_by("position").first())
    report, created = TutorYearReport.objects.get_or_create(
        tutor=tutor,
        municipality=labinsk,
        academic_year=year,
        defaults={"conclusion": CONCLUSION},
    )
    if created:
        year_reports.year_report_submit(actor=tutor, report=report)
        year_reports.year_report_accept(actor=methodist, report=report)
    result.count(created)
    _render(report)


def _render(report: TutorYearReport) -> None:
    """Rendered here, as the demo's other documents are: the demo may run with no worker."""
    from tutoring.tasks import render_document

    document = Document.objects.filter(
        kind=year_reports.YEAR_REPORT_DOCUMENT, object_id=str(report.pk)
    ).first()
    if document is not None and document.status != Document.Status.READY:
        render_document(document.pk)
