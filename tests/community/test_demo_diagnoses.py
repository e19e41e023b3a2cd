"""The demo's diagnoses of deficits and mentoring pairs: what a methodist, a tutor and a school
see on their first visit."""

from community.models import Assignment, DeficitDiagnosis
from community.route_sources import diagnosis_difficulties
from tutoring.models import AcademicYear, User


def test_the_demo_teachers_route_is_offered_her_diagnosis(demo):
    teacher = User.objects.get(username="teacher")
    offered = diagnosis_difficulties(teacher, AcademicYear.objects.current())
    assert [text.split(",")[0] for _source, text in offered] == [
        "Предметные дефициты (средний уровень)",
        "Методические дефициты (высокий уровень)",
    ]


def test_the_demo_has_a_pair_under_way_and_one_ended(demo):
    pairs = Assignment.all_kinds.mentoring().order_by("academic_year__start_year")
    assert [(p.tutor.username, p.teacher.username, p.is_ended) for p in pairs] == [
        ("tutor02", "teacher04", True),
        ("teacher03", "teacher02", False),
    ]


def test_loading_the_demo_again_adds_no_diagnoses_or_pairs(demo):
    from tutoring.demo import load_demo

    before = (DeficitDiagnosis.objects.count(), Assignment.all_kinds.count())
    load_demo()
    assert (DeficitDiagnosis.objects.count(), Assignment.all_kinds.count()) == before
