import datetime

import pytest

from tutoring.models import OrganizationHead
from tutoring.signatures import head_signature, person_signature, position_at

from .factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_adds_the_registered_organization_name_to_a_bare_position():
    centre = OrganizationFactory(short_name="МКУ ИМЦ г. Лабинска")
    assert position_at("директор", centre) == "Директор МКУ ИМЦ г. Лабинска"
    assert position_at("Директор МКУ ИМЦ г. Лабинска", centre) == "Директор МКУ ИМЦ г. Лабинска"


def test_it_signs_with_the_head_of_the_day():
    centre = OrganizationFactory(short_name="МКУ ИМЦ г. Лабинска")
    OrganizationHead.objects.create(
        organization=centre,
        position="Директор",
        name="С. И. Клименко",
        since=datetime.date(2020, 9, 1),
    )
    OrganizationHead.objects.create(
        organization=centre,
        position="Директор",
        name="С. И. Орлов",
        since=datetime.date(2022, 9, 1),
    )
    assert head_signature(centre, datetime.date(2021, 5, 1)).name == "С. И. Клименко"
    today = head_signature(centre, datetime.date(2026, 12, 1))
    assert (today.position, today.name) == ("Директор МКУ ИМЦ г. Лабинска", "С. И. Орлов")
    assert not head_signature(centre, datetime.date(2019, 1, 1))


def test_it_signs_a_person_with_initials_first():
    centre = OrganizationFactory(short_name="МКУ ИМЦ г. Лабинска")
    user = UserFactory(last_name="Смирнова", first_name="Анна", middle_name="Петровна")
    signature = person_signature(user, "методист", centre)
    assert signature.as_dict() == {
        "position": "Методист МКУ ИМЦ г. Лабинска",
        "name": "А. П. Смирнова",
    }
