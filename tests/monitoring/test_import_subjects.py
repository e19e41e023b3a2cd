"""How a result file's subject is found among the portal's subjects."""

import pytest

from monitoring import services
from monitoring.models import Assessment, ImportBatch, MinimumScore
from tutoring.models import Subject

from . import f1files
from .factories import checked, loaded, make_world

# ВПР «Окружающий мир», 4 класс, shortened.
WORLD_TASKS = [("1", 2, "Б"), ("2", 2, "Б"), ("3.1", 1, "Б"), ("3.2", 2, "П"), ("4", 2, "П")]


@pytest.fixture
def world(db):
    return make_world()


def world_around_us_file(**kw):
    rows = f1files.generated_rows(22, WORLD_TASKS, seed=3, grade=4)
    return f1files.f1_file(rows, tasks=WORLD_TASKS, subject="Окружающий мир", grade=4, **kw)


def test_it_loads_a_vpr_world_around_us_file_of_the_4th_grade(world):
    batch = loaded(world, world_around_us_file())

    assert batch.status == ImportBatch.Status.LOADED
    assessment = Assessment.objects.get()
    assert (assessment.subject.name, assessment.grade) == ("Окружающий мир", 4)
    assert assessment.tasks.count() == len(WORLD_TASKS)


def test_it_takes_the_english_of_a_file_as_the_portals_foreign_language(world):
    rows = f1files.generated_rows(5, seed=1, grade=7)
    loaded(world, f1files.f1_file(rows, subject="Английский язык", grade=7))

    assert Assessment.objects.get().subject.name == "Иностранный язык (английский)"


def test_it_refuses_a_file_of_a_retired_subject_and_says_how_to_return_it(world):
    Subject.objects.filter(name="Окружающий мир").update(is_active=False)
    batch = checked(world, world_around_us_file())

    assert batch.status == ImportBatch.Status.REJECTED
    [problem] = batch.errors
    assert "«Окружающий мир» выведен из употребления" in problem["message"]
    assert not Assessment.objects.exists()


def test_it_names_the_subjects_page_for_a_subject_the_portal_does_not_have(world):
    rows = f1files.generated_rows(5, seed=1, grade=11)
    batch = checked(world, f1files.f1_file(rows, subject="Астрономия", grade=11))

    assert batch.status == ImportBatch.Status.REJECTED
    assert "«Астрономия» не найден" in batch.errors[0]["message"]
    assert "«Предметы»" in batch.errors[0]["message"]


def test_it_seeds_the_ege_minimum_of_every_foreign_language(db):
    services.minimum_scores_seed(actor=None, years=[2025])
    languages = MinimumScore.objects.filter(subject__name__startswith="Иностранный язык (")
    assert languages.count() == 5
    assert set(languages.values_list("score", flat=True)) == {22}
