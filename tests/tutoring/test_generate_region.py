import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from tutoring.models import (
    AcademicYear,
    Municipality,
    Organization,
    Role,
    RoleKind,
    SchoolStatus,
    User,
)
from tutoring.scale import REGION

pytestmark = pytest.mark.django_db

SIZE = {"municipalities": 3, "schools": 20, "teachers": 60, "tutors": 6}


def generate(**options) -> str:
    out = io.StringIO()
    call_command("generate_region", **{**SIZE, **options}, stdout=out)
    return out.getvalue()


def region_counts() -> dict[str, int]:
    return {
        "municipalities": Municipality.objects.filter(region=REGION).count(),
        "organizations": Organization.objects.filter(municipality__region=REGION).count(),
        "teachers": Role.objects.filter(kind=RoleKind.TEACHER).count(),
        "tutors": Role.objects.filter(kind=RoleKind.TUTOR).count(),
        "statuses": SchoolStatus.objects.count(),
        "users": User.objects.count(),
    }


def test_it_creates_the_municipalities_and_schools_asked_for():
    generate()

    assert Municipality.objects.filter(region=REGION).count() == 3
    organizations = Organization.objects.filter(municipality__region=REGION)
    assert organizations.schools().count() == 20
    assert organizations.filter(kind=Organization.Kind.METHODICAL_CENTRE).count() == 3
    assert organizations.filter(kind=Organization.Kind.EDUCATION_DEPARTMENT).count() == 3


def test_it_creates_teacher_and_tutor_roles():
    generate()

    assert Role.objects.filter(kind=RoleKind.TEACHER).count() == 60
    assert Role.objects.filter(kind=RoleKind.TUTOR).count() == 6
    assert User.objects.filter(username__startswith="gen-").count() == 60


def test_it_takes_tutors_from_among_the_teachers_of_their_workplace():
    generate()

    for tutor in Role.objects.filter(kind=RoleKind.TUTOR):
        teacher = Role.objects.get(user=tutor.user, kind=RoleKind.TEACHER)
        assert tutor.organization == teacher.organization
        assert tutor.municipality == teacher.municipality
        assert set(tutor.subjects.all()) == set(teacher.subjects.all())


def test_it_puts_every_teacher_in_a_school_of_their_municipality():
    generate()

    teachers = Role.objects.filter(kind=RoleKind.TEACHER)
    assert not teachers.exclude(organization__municipality=F("municipality")).exists()
    assert not teachers.exclude(organization__kind=Organization.Kind.SCHOOL).exists()


def test_it_gives_every_teacher_one_or_two_subjects():
    generate()

    teachers = Role.objects.filter(kind=RoleKind.TEACHER).annotate(n=Count("subjects"))
    assert set(teachers.values_list("n", flat=True)) <= {1, 2}


def test_it_marks_low_results_and_hard_conditions_for_the_current_year():
    generate()

    current = SchoolStatus.objects.filter(academic_year=AcademicYear.objects.current())
    assert current.filter(kind=SchoolStatus.Kind.LOW_RESULTS).count() == 2
    assert current.filter(kind=SchoolStatus.Kind.HARD_CONDITIONS).count() == 1
    assert current.count() == SchoolStatus.objects.count()


def test_it_creates_the_last_four_academic_years():
    generate()

    current = AcademicYear.objects.current()
    years = AcademicYear.objects.values_list("start_year", flat=True)
    assert sorted(years) == list(range(current.start_year - 3, current.start_year + 1))


def test_it_refuses_to_run_twice_without_replace():
    generate()

    with pytest.raises(CommandError, match="--replace"):
        generate()
    assert Municipality.objects.filter(region=REGION).count() == 3


def test_it_replaces_the_region_without_duplicates():
    generate()
    before = region_counts()

    generate(replace=True)

    assert region_counts() == before


def test_it_leaves_the_demo_data_alone_when_replacing(demo):
    demo_users = set(User.objects.values_list("username", flat=True))
    generate()

    generate(replace=True)

    assert Municipality.objects.exclude(region=REGION).count() == 3
    assert demo_users <= set(User.objects.values_list("username", flat=True))


def test_it_refuses_more_tutors_than_teachers():
    with pytest.raises(CommandError, match="Тьюторы выбираются из учителей"):
        generate(teachers=5, tutors=6)

    assert not Municipality.objects.filter(region=REGION).exists()


def test_it_writes_rows_in_bulk(django_assert_max_num_queries):
    # Years and subjects are found or created one by one (about 80 queries); a save per
    # teacher would add thousands more.
    with django_assert_max_num_queries(100):
        generate(schools=200, teachers=2000, tutors=100)

    assert Role.objects.count() == 2100


def test_it_gives_generated_users_no_usable_password():
    generate()

    user = User.objects.filter(username__startswith="gen-").first()
    assert not user.has_usable_password()


def test_it_prints_the_time_of_each_phase():
    output = generate()

    assert "Учителя: 60: " in output
    assert "Готово за" in output
