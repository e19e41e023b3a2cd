"""Filing an expertise request through the page: good files are kept, bad ones are refused
with a Russian message and leave nothing behind, neither rows nor files."""

import pytest

from expertise.models import CaseFile, ExpertiseCase
from tests.tutoring.factories import AcademicYearFactory, user_with_role
from tutoring.models import AuditEntry, RoleKind

from . import badfiles
from .factories import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def form(world, *files, **overrides):
    return {
        "kind": "work_programme",
        "title": "Рабочая программа по математике, 5 класс",
        "subject": world.subject.pk,
        "grades": "5",
        "academic_year": AcademicYearFactory().pk,
        "comment": "Просим проверить перед педсоветом.",
        "files": list(files),
    } | overrides


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_teacher_files_a_work_programme_with_two_files(client, world, media):
    client.force_login(world.teacher)
    response = client.post(
        "/expertise/cases/new/",
        form(world, badfiles.good_pdf("программа.pdf"), badfiles.good_docx("пояснения.docx")),
        follow=True,
    )
    assert "подана. Методист назначит экспертов" in response.content.decode()
    case = ExpertiseCase.objects.get()
    assert (case.author, case.submitted_by, case.organization) == (
        world.teacher,
        world.teacher,
        world.school,
    )
    assert sorted(CaseFile.objects.values_list("original_name", flat=True)) == [
        "пояснения.docx",
        "программа.pdf",
    ]
    assert len(stored_files(media)) == 2
    assert AuditEntry.objects.filter(action="case.submit", actor=world.teacher).exists()


def test_a_school_files_for_one_of_its_teachers_and_not_for_a_stranger(client, world, media):
    stranger = user_with_role(RoleKind.TEACHER)
    client.force_login(world.school_admin)
    response = client.post(
        "/expertise/cases/new/",
        form(world, badfiles.good_pdf(), author=stranger.pk),
    )
    assert response.status_code == 200 and not ExpertiseCase.objects.exists()
    client.post("/expertise/cases/new/", form(world, badfiles.good_pdf(), author=world.teacher.pk))
    case = ExpertiseCase.objects.get()
    assert (case.author, case.submitted_by) == (world.teacher, world.school_admin)


BAD_FILES = {
    "exe renamed to pdf": (badfiles.exe_as_pdf, "по содержимому это другой тип файла"),
    "empty": (badfiles.empty_pdf, "пустой"),
    "25 MB": (badfiles.big_pdf, "больше 20 МБ"),
    "zip bomb as docx": (badfiles.zip_bomb_docx, "архив-бомбу"),
    "encrypted pdf": (badfiles.encrypted_pdf, "защищён паролем"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_is_refused_with_a_russian_message_and_nothing_is_stored(
    client, world, media, name
):
    make, message = BAD_FILES[name]
    client.force_login(world.teacher)
    bad = make()
    response = client.post(
        "/expertise/cases/new/", form(world, badfiles.good_docx("хороший.docx"), bad)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert any(bad.name in error and message in error for error in errors), errors
    assert message in response.content.decode()
    assert not ExpertiseCase.objects.exists() and not CaseFile.objects.exists()
    assert stored_files(media) == []
    assert not AuditEntry.objects.filter(action="case.submit").exists()


def test_an_image_is_refused_for_a_work_programme_but_taken_for_a_portfolio(client, world, media):
    client.force_login(world.teacher)
    response = client.post("/expertise/cases/new/", form(world, badfiles.good_png("скан.png")))
    assert "Изображения принимаются только для портфолио" in response.content.decode()
    assert not ExpertiseCase.objects.exists() and stored_files(media) == []
    client.post(
        "/expertise/cases/new/",
        form(world, badfiles.good_png("грамота.png"), kind="portfolio", title="Портфолио"),
    )
    assert ExpertiseCase.objects.get().kind == "portfolio"


def test_a_request_without_files_says_so(client, world, media):
    client.force_login(world.teacher)
    response = client.post("/expertise/cases/new/", form(world))
    assert response.context["form"].errors["files"]
    assert not ExpertiseCase.objects.exists()


@pytest.mark.parametrize("kind", [RoleKind.METHODIST, RoleKind.TUTOR, RoleKind.DIRECTOR])
def test_only_schools_and_teachers_file_requests(client, world, kind):
    client.force_login(user_with_role(kind, municipality=world.municipality))
    assert client.get("/expertise/cases/new/").status_code == 403
