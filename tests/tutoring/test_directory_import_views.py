import pytest
from django.urls import reverse

from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tests.tutoring.listfiles import schools_file, staff_file, upload
from tutoring.imports import services
from tutoring.imports.tasks import check_directory_import
from tutoring.models import DirectoryImport, RoleKind, User

pytestmark = pytest.mark.django_db
PEOPLE = DirectoryImport.Kind.PEOPLE


@pytest.fixture
def school():
    SubjectFactory(name="Математика")
    return OrganizationFactory(short_name="МБОУ СОШ № 10", fis_oko_login="edu230110")


@pytest.fixture
def methodist(school):
    return user_with_role(RoleKind.METHODIST, municipality=school.municipality)


def teacher_row(surname="Гусева", email="n.guseva@example.ru", school="edu230110"):
    return (school, surname, "Нина", "", "учитель", "Математика", email, "", "")


@pytest.fixture
def post_file(client, monkeypatch, django_capture_on_commit_callbacks):
    """Upload a file, let the queued check run (in this process, as without a broker) and
    open the import's page, as the page's own polling ends up doing."""
    monkeypatch.setitem(check_directory_import.app.conf, "task_always_eager", True)

    def post(client, url, data, name="список.xlsx", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"file": upload(data, name), **fields})
        if response.status_code != 302:
            return response
        return client.get(response.url)

    return post


def test_a_methodist_uploads_a_staff_list_and_sees_the_preview(
    client, methodist, school, post_file
):
    client.force_login(methodist)
    response = post_file(
        client,
        reverse("imports:people_new"),
        staff_file(teacher_row()),
        municipality=school.municipality.pk,
    )
    page = response.content.decode()
    assert "Подтвердить загрузку" in page
    assert "Гусева Нина — МБОУ СОШ № 10" in page
    assert "добавится" in page
    assert not User.objects.filter(last_name="Гусева").exists()


def test_confirming_applies_the_list_and_offers_invitations(
    client, methodist, school, monkeypatch, django_capture_on_commit_callbacks
):
    batch = services.directory_import_check(
        actor=methodist,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(teacher_row())),
    )
    client.force_login(methodist)
    monkeypatch.setitem(check_directory_import.app.conf, "task_always_eager", True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:confirm", args=[batch.pk]))
    page = client.get(response.url).content.decode()
    assert "Список применяется." in page  # the message was set before the load ran
    assert " · применён " in page
    assert "Отправить приглашения" in page
    assert User.objects.filter(last_name="Гусева").exists()


def test_a_broken_file_lists_its_problems_by_row_and_column(client, methodist, school, post_file):
    client.force_login(methodist)
    data = staff_file(teacher_row(email="не-адрес"), teacher_row("Орлов", "", "edu000001"))
    response = post_file(
        client, reverse("imports:people_new"), data, municipality=school.municipality.pk
    )
    page = response.content.decode()
    assert "Файл не принят, в портал ничего не записано" in page
    assert "Строка 2, столбец „E-mail“: «не-адрес» — не адрес электронной почты." in page
    assert "Строка 3, столбец „Школа“: Школа «edu000001» не найдена" in page
    assert not User.objects.filter(last_name__in=["Гусева", "Орлов"]).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Фамилия;Имя\n".encode(), "не является"),
        (b"", "пустой"),
        (b"MZ\x90\x00" + bytes(4096), "не является"),
    ],
)
def test_a_hostile_container_is_refused_in_the_form(
    client, methodist, school, post_file, data, message
):
    client.force_login(methodist)
    response = post_file(
        client, reverse("imports:people_new"), data, municipality=school.municipality.pk
    )
    assert message in response.content.decode()
    assert not DirectoryImport.objects.exists()


def test_a_school_imports_its_own_teachers_without_a_school_column(client, school, post_file):
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    client.force_login(staff)
    response = post_file(client, reverse("imports:people_new"), staff_file(teacher_row(school="")))
    assert "Подтвердить загрузку" in response.content.decode()
    assert DirectoryImport.objects.get().organization == school


def test_a_school_is_refused_the_school_list(client, school):
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    assert client.get(reverse("imports:organizations_new")).status_code == 403


@pytest.mark.parametrize(
    "kind", [RoleKind.DIRECTOR, RoleKind.REGIONAL, RoleKind.TEACHER, RoleKind.TUTOR]
)
def test_other_roles_are_refused(client, school, kind):
    user = user_with_role(kind, municipality=school.municipality, organization=None)
    client.force_login(user)
    for name in ("imports:list", "imports:people_new", "imports:organizations_new"):
        assert client.get(reverse(name)).status_code == 403


def test_another_municipalitys_methodist_gets_404(client, methodist, school):
    batch = services.directory_import_check(
        actor=methodist,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(teacher_row())),
    )
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert not User.objects.filter(last_name="Гусева").exists()


def test_another_school_gets_404(client, school):
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    batch = services.directory_import_check(
        actor=staff,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(teacher_row(school=""))),
        school=school,
    )
    neighbour = OrganizationFactory(municipality=school.municipality)
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=neighbour))
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 404


def test_a_region_admin_uploads_a_school_list(client, post_file):
    municipality = MunicipalityFactory(region="Краснодарский край")
    client.force_login(user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край"))
    row = ("Средняя школа № 5", "МБОУ СОШ № 5", "", "edu230105", "", "", "", "")
    response = post_file(
        client,
        reverse("imports:organizations_new"),
        schools_file(row),
        municipality=municipality.pk,
    )
    assert "МБОУ СОШ № 5" in response.content.decode()


def test_the_templates_download_with_their_instructions(client, methodist):
    from tests.tutoring.listfiles import upload as as_upload
    from tutoring.imports.reader import open_workbook

    client.force_login(methodist)
    for kind in DirectoryImport.Kind.values:
        response = client.get(reverse("imports:template", args=[kind]))
        workbook = open_workbook(as_upload(b"".join(response.streaming_content)))
        assert "Инструкция" in [name for name, _path in workbook.sheets]


def test_the_preview_keeps_its_query_count(
    client, methodist, school, django_assert_max_num_queries
):
    rows = [teacher_row(f"Учитель{n}", f"t{n}@example.ru") for n in range(150)]
    batch = services.directory_import_check(
        actor=methodist,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(*rows)),
    )
    client.force_login(methodist)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("imports:detail", args=[batch.pk]), {"page": 2})
    assert "Страница 2 из 2" in response.content.decode()
    with django_assert_max_num_queries(12):
        client.get(reverse("imports:list"))


def test_a_school_is_offered_only_the_staff_list(client, school):
    client.force_login(user_with_role(RoleKind.SCHOOL, organization=school))
    page = client.get(reverse("imports:list")).content.decode()
    assert "Загрузить список сотрудников" in page
    assert "Загрузить список школ" not in page


def test_the_preview_filters_rows_by_what_happens(client, methodist, school):
    first = services.directory_import_check(
        actor=methodist,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(teacher_row())),
    )
    services.directory_import_confirm(actor=methodist, batch=first)
    batch = services.directory_import_check(
        actor=methodist,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(teacher_row(), teacher_row("Орлов", "p.orlov@example.ru"))),
    )
    client.force_login(methodist)
    page = client.get(reverse("imports:detail", args=[batch.pk]), {"change": "new"})
    text = page.content.decode()
    assert "Орлов Нина — МБОУ СОШ № 10" in text
    assert "Гусева Нина — МБОУ СОШ № 10" not in text


def test_the_invitation_button_queues_the_letters(
    client, methodist, school, django_capture_on_commit_callbacks
):
    batch = services.directory_import_check(
        actor=methodist,
        kind=PEOPLE,
        municipality=school.municipality,
        uploaded=upload(staff_file(teacher_row())),
    )
    services.directory_import_confirm(actor=methodist, batch=batch)
    client.force_login(methodist)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("imports:invite", args=[batch.pk]), follow=True)
    assert "Приглашения отправляются (людей: 1)" in response.content.decode()
    assert len(queued) == 1
