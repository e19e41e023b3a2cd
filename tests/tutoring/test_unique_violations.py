"""Two identical writes at once: the database's unique constraint refuses the second, and the
second user reads why in Russian instead of getting a 500."""

import threading

import pytest
from django.db import connection, transaction

from community.models import DomainError as CommunityRefusal
from community.models import Nomination, Roster
from community.services import rosters
from tests.community.factories import NominationFactory
from tests.community.test_nominations import school_with_teacher
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring import services
from tutoring.models import DomainError, RoleKind, Subject


def race(first, second):
    """`first` holds its transaction open while `second` runs in another connection, which
    must wait on the unique index and then be refused. Returns the refusals' messages."""
    refused = []

    def run_second():
        try:
            second()
        except (DomainError, CommunityRefusal) as error:
            refused.append(str(error))
        finally:
            connection.close()

    with transaction.atomic():
        first()
        racer = threading.Thread(target=run_second)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive(), "the second write did not wait for the first"
    racer.join(timeout=10)
    return refused


@pytest.mark.django_db(transaction=True)
def test_two_nominations_of_one_teacher_at_once_make_one_and_explain():
    school, teacher = school_with_teacher()
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    fields = {
        "academic_year": AcademicYearFactory(),
        "teacher": teacher,
        "subjects": [SubjectFactory()],
        "position": "учитель математики",
        "experience_years": 10,
    }

    def nominate():
        rosters.nomination_create(actor=staff, organization=school, **fields)

    refused = race(nominate, nominate)
    assert refused and "уже подано и ждёт решения" in refused[0]
    assert Nomination.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_subjects_added_at_once_make_one_and_explain():
    admin = user_with_role(RoleKind.REGION_ADMIN)

    def add():
        services.subject_create(actor=admin, name="Астрономия", kind="subject")

    refused = race(add, add)
    assert refused == ["Предмет «Астрономия» уже есть в справочнике."]
    assert Subject.objects.filter(name="Астрономия").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_acceptances_of_a_year_at_once_start_one_roster_and_explain():
    year = AcademicYearFactory()
    school = OrganizationFactory()
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    first, second = (
        NominationFactory(organization=school, municipality=school.municipality, academic_year=year)
        for _ in range(2)
    )

    refused = race(
        lambda: rosters.nomination_accept(actor=methodist, nomination=first),
        lambda: rosters.nomination_accept(actor=methodist, nomination=second),
    )
    assert refused and "только что начат другим решением" in refused[0]
    assert Roster.objects.filter(academic_year=year).count() == 1
