import pytest
from django.urls import reverse

from monitoring.models import ImportBatch, Participant
from tests.tutoring.factories import user_with_role
from tutoring.models import RoleKind

from . import f1files
from .factories import checked, loaded, make_world, post_upload, school_file, upload

Status = ImportBatch.Status


@pytest.fixture
def world(db):
    return make_world()


def signed_in(client, user):
    client.force_login(user)
    return client


def test_it_lists_the_municipalitys_uploads_to_its_methodist(client, world):
    batch = checked(world, school_file(5))
    other_methodist = user_with_role(RoleKind.METHODIST)

    page = signed_in(client, world.methodist).get(reverse("monitoring:import_list"))
    assert batch.original_name in page.content.decode()

    page = signed_in(client, other_methodist).get(reverse("monitoring:import_list"))
    assert "Файлов ещё не загружали" in page.content.decode()


@pytest.mark.parametrize("role", ["teacher", "tutor"])
def test_teachers_and_tutors_are_refused(client, world, role):
    batch = checked(world, school_file(5))
    user = getattr(world, role)

    for name, args in [("import_list", []), ("import_create", []), ("import_detail", [batch.pk])]:
        assert (
            signed_in(client, user).get(reverse(f"monitoring:{name}", args=args)).status_code == 403
        )


def test_a_director_reads_but_does_not_load(client, world):
    batch = checked(world, school_file(5))
    client = signed_in(client, world.director)

    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert "Подтвердить загрузку" not in page.content.decode()
    assert client.get(reverse("monitoring:import_create")).status_code == 403
    assert client.post(reverse("monitoring:import_confirm", args=[batch.pk])).status_code == 403


def test_a_methodist_uploads_and_sees_the_preview(client, world):
    response = post_upload(signed_in(client, world.methodist), {"file": upload(school_file(25))})

    text = response.content.decode()
    assert "проверен, ждёт подтверждения" in text
    assert "ВПР 2025, Математика, 5 класс" in text
    assert "МОБУ СОШ № 10" in text and "edu230123" in text
    assert "добавятся" in text
    assert "Подтвердить загрузку" in text
    assert ImportBatch.objects.get().status == Status.READY


def test_a_rejected_upload_lists_its_problems(client, world):
    rows = f1files.generated_rows(10, seed=1)
    rows[4].mark = 6
    response = post_upload(
        signed_in(client, world.methodist), {"file": upload(f1files.f1_file(rows))}
    )

    text = response.content.decode()
    assert "Файл не принят" in text
    assert "в портал ничего не записано" in text
    assert "вне диапазона 2–5" in text
    assert "Подтвердить загрузку" not in text


def test_it_refuses_a_file_that_is_not_xlsx(client, world):
    response = signed_in(client, world.methodist).post(
        reverse("monitoring:import_create"), {"file": upload(b"a,b\n1,2\n", "results.csv")}
    )

    assert response.status_code == 200
    assert "xlsx" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_school_uploads_its_own_results(client, world):
    response = post_upload(signed_in(client, world.school_admin), {"file": upload(school_file(5))})

    batch = ImportBatch.objects.get()
    assert (batch.organization, batch.municipality) == (world.school, world.municipality)
    assert "Подтвердить загрузку" in response.content.decode()


def test_a_school_sees_only_its_own_uploads(client, world):
    own = checked(world, school_file(5), actor=world.school_admin, school=world.school)
    methodists = checked(world, school_file(5, seed=3))
    client = signed_in(client, world.school_admin)

    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(methodists.get_absolute_url()).status_code == 404
    other = signed_in(client, world.other_school_admin)
    assert other.get(own.get_absolute_url()).status_code == 404
    assert other.post(reverse("monitoring:import_confirm", args=[own.pk])).status_code == 404


def test_regional_sees_every_municipality_but_loads_nothing(client, world):
    batch = checked(world, school_file(5))
    client = signed_in(client, world.regional)

    assert batch.original_name in client.get(reverse("monitoring:import_list")).content.decode()
    assert client.get(batch.get_absolute_url()).status_code == 200
    assert client.post(reverse("monitoring:import_confirm", args=[batch.pk])).status_code == 403


def test_confirming_queues_the_load(client, world, django_capture_on_commit_callbacks):
    batch = checked(world, school_file(5))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = signed_in(client, world.methodist).post(
            reverse("monitoring:import_confirm", args=[batch.pk]), follow=True
        )

    batch.refresh_from_db()
    assert batch.status == Status.LOADING
    assert len(callbacks) == 1
    assert "Загрузка начата" in response.content.decode()
    assert "Загрузка идёт" in response.content.decode()


def test_the_progress_block_reloads_the_page_when_the_load_is_over(client, world):
    batch = loaded(world, school_file(5))

    response = signed_in(client, world.methodist).get(
        reverse("monitoring:import_progress", args=[batch.pk])
    )

    assert response["HX-Refresh"] == "true"


def test_cancelling_says_nothing_changed(client, world):
    batch = checked(world, school_file(5))

    response = signed_in(client, world.methodist).post(
        reverse("monitoring:import_cancel", args=[batch.pk]), follow=True
    )

    assert "данные не изменились" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.CANCELLED


def test_a_loaded_file_shows_the_schools_figures_and_no_names(client, world):
    rows = f1files.generated_rows(12, seed=7)
    batch = loaded(world, f1files.f1_file(rows, with_names=True))

    text = signed_in(client, world.methodist).get(batch.get_absolute_url()).content.decode()

    assert "Результаты школ" in text
    assert "меньше 20 участников" in text
    twos = sum(1 for row in rows if row.mark == 2)
    assert f"{round(100 * twos / 12, 1)}".replace(".", ",") in text
    for row in rows:
        assert row.name not in text
        assert row.code not in text


def test_the_pages_keep_their_query_count(client, world, django_assert_max_num_queries):
    loaded(world, school_file(25))
    for seed in range(1, 12):
        checked(world, school_file(5, seed=seed))
    batch = loaded(world, school_file(30, seed=20, login="edu230120", name="МОБУ СОШ № 20"))
    client = signed_in(client, world.methodist)
    client.get(reverse("monitoring:import_list"))  # the session and the user are cached

    with django_assert_max_num_queries(8):
        assert client.get(reverse("monitoring:import_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(batch.get_absolute_url()).status_code == 200
    assert Participant.objects.count() == 55
