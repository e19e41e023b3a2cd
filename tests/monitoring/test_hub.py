import pytest
from django.urls import reverse

from tests.tutoring.factories import UserFactory

from .factories import make_world

ALL = [
    "Результаты оценочных процедур",
    "Где нужна помощь",
    "Загрузка результатов",
    "Минимальные баллы ГИА",
    "Эффективность сообщества",
    "Помогла ли помощь",
    "Отчёты",
    "Профессиональное развитие",
]
SEES = {
    "methodist": ALL,
    "director": ALL,
    "regional": ALL,
    "school_admin": ALL[:3] + ALL[-1:],
    "tutor": ALL[:2] + ALL[-1:],
    "teacher": ALL[-1:],
}


@pytest.fixture
def world(db):
    return make_world()


@pytest.mark.parametrize("role", SEES)
def test_each_role_sees_its_sections(client, world, role):
    client.force_login(getattr(world, role))

    text = client.get(reverse("monitoring:index")).content.decode()

    assert [title for title in ALL if title in text] == SEES[role]


def test_someone_without_a_role_is_refused(client, db):
    client.force_login(UserFactory())

    assert client.get(reverse("monitoring:index")).status_code == 403
