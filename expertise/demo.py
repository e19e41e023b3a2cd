"""Demo expertise in Лабинский район: the default rubrics and a case in every state, with
small real-looking files; the issued conclusions come with their PDFs."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tutoring.demo import LABINSK, SHNOR_SCHOOL
from tutoring.models import AcademicYear, Document, Municipality, Organization, Subject, User
from tutoring.uploads import PORTFOLIO_TYPES, inspect_upload

from . import demo_files
from .models import CaseKind, ExpertiseCase, Verdict
from .reminders import DUE_IN_DAYS as REVIEW_DUE_IN_DAYS
from .scoring import Marked, outcome
from .services import cases as case_services
from .services import reviews as review_services
from .services.rubrics import rubrics_install_defaults

# (author, kind, title, subject, grades, experts, verdicts of round 1[, of round 2], blind)
CASES = [
    ("teacher04", CaseKind.WORK_PROGRAMME, "Рабочая программа по истории для 5–9 классов",
     "История", "5–9", [], [], False),
    ("teacher", CaseKind.CALENDAR_PLAN, "КТП по математике для 6 класса", "Математика", "6",
     ["tutor", "tutor02"], [], False),
    ("teacher02", CaseKind.LESSON_PLAN,
     "Технологическая карта урока русского языка «Причастный оборот», 7 класс",
     "Русский язык", "7", ["tutor03", "tutor04"], [Verdict.COMPLIES, Verdict.REVISION], False),
    ("teacher03", CaseKind.WORK_PROGRAMME, "Рабочая программа по биологии для 5–9 классов",
     "Биология", "5–9", ["tutor09", "tutor10"], [Verdict.REVISION, Verdict.REVISION], False),
    ("teacher", CaseKind.WORK_PROGRAMME, "Рабочая программа по математике для 5–6 классов",
     "Математика", "5–6", ["tutor", "tutor02"],
     [Verdict.REVISION, Verdict.REVISION, Verdict.COMPLIES, Verdict.COMPLIES], False),
    ("teacher", CaseKind.PORTFOLIO, "Портфолио учителя математики",
     "Математика", "5–9", ["tutor", "tutor02"], [Verdict.HIGH, Verdict.HIGH], True),
]  # fmt: skip

CONCLUSIONS = {
    Verdict.COMPLIES: "Документ соответствует требованиям ФГОС и локальному акту школы. "
    "Рекомендуется к использованию.",
    Verdict.REVISION: "Документ в целом соответствует требованиям, но требует доработки по "
    "критериям с неполным баллом (см. комментарии). После доработки представить повторно.",
    Verdict.HIGH: "Портфолио отражает высокий уровень профессиональной деятельности: "
    "устойчивые результаты обучающихся, методическая активность, распространение опыта.",
}


def load(result) -> None:
    labinsk = Municipality.objects.get(name=LABINSK)
    result.count(bool(rubrics_install_defaults(actor=None, municipality=labinsk)))
    school = Organization.objects.get(municipality=labinsk, short_name=SHNOR_SCHOOL)
    users = {u.username: u for u in User.objects.filter(roles__municipality=labinsk).distinct()}
    year = AcademicYear.objects.current()
    today = timezone.localdate(timezone=labinsk.tzinfo)
    for author, kind, title, subject, grades, experts, verdicts, blind in CASES:
        if ExpertiseCase.objects.filter(author=users[author], title=title).exists():
            continue
        case = _case(users, school, year, author, kind, title, subject, grades)
        if experts:
            case_services.case_assign(
                actor=users["methodist"],
                case=case,
                experts=[users[name] for name in experts],
                # A case still under review is due in two days from the day the demo is
                # loaded: a reminder run right after it tells its experts.
                deadline=None if verdicts else today + timedelta(days=REVIEW_DUE_IN_DAYS),
                blind=blind,
            )
        _review_rounds(case, users, experts, verdicts)
        result.count(True)
    for document in Document.objects.filter(
        kind=case_services.CONCLUSION_DOCUMENT, municipality=labinsk
    ).exclude(status=Document.Status.READY):
        # Rendered here rather than by a worker: the demo may run where no worker does.
        from tutoring.tasks import render_document

        render_document(document.pk)


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    uploaded = SimpleUploadedFile(name, content)
    uploaded.upload_info = inspect_upload(uploaded, allowed=PORTFOLIO_TYPES)
    return uploaded


def _files(kind, users, school, author, subject, grades, year, title, revised=False):
    person = users[author].full_name
    edition = " (доработанная)" if revised else ""
    if kind == CaseKind.WORK_PROGRAMME:
        files = [
            demo_files.work_programme_docx(
                subject=subject, grades=grades, author=person, school=school.name, year=str(year)
            )
        ]
    elif kind == CaseKind.CALENDAR_PLAN:
        files = [
            demo_files.calendar_plan_xlsx(
                subject=subject, grades=grades, author=person, school=school.name, year=str(year)
            )
        ]
    elif kind == CaseKind.LESSON_PLAN:
        files = [
            demo_files.lesson_plan_pdf(
                subject=subject, grades=grades, author=person, school=school.name, topic=title
            )
        ]
    else:
        files = [
            demo_files.portfolio_pdf(author=person, school=school.name, subject=subject),
            demo_files.portfolio_png(caption=f"Грамота за подготовку призёров олимпиады: {person}"),
        ]
    return [_upload(name.replace(".", f"{edition}.", 1) if revised else name, content)
            for name, content in files]  # fmt: skip


def _case(users, school, year, author, kind, title, subject, grades) -> ExpertiseCase:
    teacher = users[author]
    return case_services.case_submit(
        actor=users["school"] if kind == CaseKind.PORTFOLIO else teacher,
        organization=school,
        author=teacher,
        kind=kind,
        title=title,
        subject=Subject.objects.get(name=subject),
        grades=grades,
        academic_year=year,
        comment="Просим проверить соответствие ФГОС и положению о рабочей программе школы."
        if kind == CaseKind.WORK_PROGRAMME
        else "",
        files=_files(kind, users, school, author, subject, grades, year, title),
    )


def _review_rounds(case, users, experts, verdicts) -> None:
    """Score round after round: each pair of verdicts is one round of the two experts."""
    rounds = [verdicts[i : i + len(experts)] for i in range(0, len(verdicts), len(experts) or 1)]
    for number, round_verdicts in enumerate(rounds, start=1):
        if number > 1:
            case.refresh_from_db()
            case_services.case_resubmit(
                actor=case.author,
                case=case,
                files=_files(
                    case.kind, users, case.organization, case.author.username,
                    case.subject.name, case.grades, case.academic_year, case.title, revised=True,
                ),
                note="Дополнено тематическое планирование: указаны часы и ЦОР по каждой теме; "
                "уточнены планируемые результаты.",
            )  # fmt: skip
        case.refresh_from_db()
        review_round = case.rounds.get(number=case.round_number)
        for expert, verdict in zip(experts, round_verdicts, strict=True):
            review = review_round.reviews.get(expert=users[expert])
            criteria = list(case.rubric.criteria.all())
            review_services.review_save(
                actor=users[expert],
                review=review,
                scores=_scores_for(case, criteria, verdict),
                conclusion=CONCLUSIONS.get(verdict, CONCLUSIONS[Verdict.REVISION]),
                submit=True,
            )


def _scores_for(case, criteria, verdict) -> dict:
    """Scores that give `verdict`: full marks, then a point off at a time from the last
    criterion back, until the rubric says so."""
    scores = {c.pk: c.max_score for c in criteria}
    order = [c for c in reversed(criteria) if not c.required] + [
        c for c in reversed(criteria) if c.required
    ]
    for criterion in order * 10:
        result = outcome(
            kind=case.kind,
            upper=case.rubric.upper,
            lower=case.rubric.lower,
            marks=[Marked(scores[c.pk], c.max_score, c.required) for c in criteria],
        )
        if result.verdict == verdict:
            break
        if scores[criterion.pk] > 0:
            scores[criterion.pk] -= 1
    return {
        c.pk: (
            scores[c.pk],
            ""
            if scores[c.pk] == c.max_score
            else f"Выполнено частично: доработать — {c.title[0].lower()}{c.title[1:]}.",
        )
        for c in criteria
    }
