"""The expertise list reads the same number of queries with 20,000 cases as with a few: it
paginates, filters and counts in the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expertise.models import ExpertiseCase, Review, Round
from tests.tutoring.factories import AcademicYearFactory

from .factories import assign, make_world, submit

CASES = 20_000


def bulk_cases(world, count, *, expert=None):
    year = AcademicYearFactory()
    rubric = submit(world).rubric
    cases = ExpertiseCase.objects.bulk_create(
        ExpertiseCase(
            municipality=world.municipality,
            organization=world.school,
            author=world.teacher,
            submitted_by=world.teacher,
            kind="work_programme",
            title=f"Рабочая программа № {n}",
            subject=world.subject,
            academic_year=year,
            rubric=rubric,
            status="review",
            blind=n % 2 == 0,
        )
        for n in range(count)
    )
    if expert is not None:
        rounds = Round.objects.bulk_create(
            Round(case=c, number=1, submitted_by=world.teacher) for c in cases
        )
        Review.objects.bulk_create(Review(round=r, expert=expert) for r in rounds)
    with connection.cursor() as cursor:
        # Fresh statistics, as autovacuum keeps them: the plans are those of production.
        cursor.execute("ANALYZE")


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(
    "who, url",
    [
        ("methodist", "/expertise/cases/"),
        ("methodist", "/expertise/cases/?status=review&q=СОШ&page=3"),
        ("school_admin", "/expertise/cases/"),
        ("teacher", "/expertise/cases/"),
        ("expert1", "/expertise/cases/?mine=review"),
    ],
)
def test_the_case_list_keeps_its_query_count_at_twenty_thousand_cases(client, db, who, url):
    world = make_world()
    assign(world, submit(world), world.expert1)
    client.force_login(getattr(world, who))
    bulk_cases(world, 60, expert=world.expert1)
    few, _ = queries(client, url)
    bulk_cases(world, CASES, expert=world.expert1)
    many, response = queries(client, url)
    assert many == few
    assert many <= 12
    assert response.context["page"].paginator.count > CASES


def test_the_pinned_count_for_the_methodist(client, db, django_assert_num_queries):
    world = make_world()
    bulk_cases(world, CASES)
    client.force_login(world.methodist)
    # The session, the user, their roles, the count, the filter's subjects, the page.
    with django_assert_num_queries(6):
        response = client.get("/expertise/cases/")
    assert len(response.context["page"].object_list) == response.context["page"].paginator.per_page
