import pytest

from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tests.tutoring.listfiles import schools_file, sheet, upload
from tutoring.imports import services
from tutoring.imports.reader import problem_text
from tutoring.models import AuditEntry, DirectoryImport, Organization, RoleKind

pytestmark = pytest.mark.django_db
Status = DirectoryImport.Status
SCHOOLS = DirectoryImport.Kind.ORGANIZATIONS
TEN = (
    "Муниципальное бюджетное общеобразовательное учреждение средняя школа № 10",
    "МБОУ СОШ № 10",
    "школа",
    "edu230110",
    "2301234567",
    "г. Лабинск, ул. Школьная, 1",
    "Директор МБОУ СОШ № 10",
    "Орлов Сергей Иванович",
)
IMC = ("Информационно-методический центр", "МКУ ИМЦ", "методический центр", "", "", "", "", "")


@pytest.fixture
def municipality():
    return MunicipalityFactory(region="Краснодарский край")


@pytest.fixture
def methodist(municipality):
    return user_with_role(RoleKind.METHODIST, municipality=municipality)


def check(actor, data, municipality):
    return services.directory_import_check(
        actor=actor, kind=SCHOOLS, municipality=municipality, uploaded=upload(data, "школы.xlsx")
    )


def test_it_round_trips_the_template_with_the_head(methodist, municipality):
    batch = check(methodist, schools_file(TEN, IMC), municipality)
    assert batch.counts == {"new": 2, "update": 0, "same": 0, "rows": 2}, batch.errors
    services.directory_import_confirm(actor=methodist, batch=batch)
    school = Organization.objects.get(fis_oko_login="edu230110")
    assert (school.short_name, school.inn, school.municipality) == (
        "МБОУ СОШ № 10",
        "2301234567",
        municipality,
    )
    head = school.head_on()
    assert (head.position, head.name) == ("Директор МБОУ СОШ № 10", "С. И. Орлов")
    assert Organization.objects.get(short_name="МКУ ИМЦ").kind == "methodical_centre"


def test_it_changes_nothing_the_second_time(methodist, municipality):
    services.directory_import_confirm(
        actor=methodist, batch=check(methodist, schools_file(TEN), municipality)
    )
    again = check(methodist, schools_file(TEN), municipality)
    assert again.counts == {"new": 0, "update": 0, "same": 1, "rows": 1}
    services.directory_import_confirm(actor=methodist, batch=again)
    assert Organization.objects.count() == 1
    assert Organization.objects.get().heads.count() == 1


def test_it_matches_by_login_then_inn_then_short_name(methodist, municipality):
    by_inn = OrganizationFactory(municipality=municipality, short_name="СОШ 10", inn="2301234567")
    batch = check(methodist, schools_file(TEN), municipality)
    row = batch.rows.get()
    assert (row.get_change_display(), row.target_id) == ("обновится", by_inn.pk)
    assert "краткое наименование: СОШ 10 → МБОУ СОШ № 10" in row.details
    services.directory_import_confirm(actor=methodist, batch=batch)
    by_inn.refresh_from_db()
    assert (by_inn.short_name, by_inn.fis_oko_login) == ("МБОУ СОШ № 10", "edu230110")


def test_it_lists_every_problem_and_stores_nothing(methodist, municipality):
    OrganizationFactory(municipality=MunicipalityFactory(), fis_oko_login="edu230999")
    rows = [
        TEN,
        ("Школа", "МБОУ СОШ № 10", "", "edu230111", "", "", "", ""),
        ("Школа", "СОШ 2", "лицей-интернат", "edu12", "123", "", "Директор", ""),
        ("Школа", "СОШ 3", "", "edu230999", "", "", "", ""),
    ]
    batch = check(methodist, schools_file(*rows), municipality)
    texts = [problem_text(problem) for problem in batch.errors]
    assert texts[0].startswith(
        "Строка 3, столбец „Краткое наименование“: Краткое наименование повторяет строку 2"
    )
    assert [text.split(":")[0] for text in texts[1:]] == [
        "Строка 4, столбец „Вид“",
        "Строка 4, столбец „Логин ФИС ОКО“",
        "Строка 4, столбец „ИНН“",
        "Строка 4, столбец „Руководитель (И. О. Фамилия)“",
        "Строка 5, столбец „Логин ФИС ОКО“",
    ]
    assert "другого муниципалитета" in texts[-1]
    assert not Organization.objects.filter(municipality=municipality).exists()


def test_it_finds_the_header_below_a_title(methodist, municipality):
    data = sheet(
        ["Краткое наименование", "Полное наименование", "Логин ОО"],
        [["МБОУ СОШ № 5", "Средняя школа № 5", "edu230105"]],
        title="Список ОО муниципалитета",
    )
    assert check(methodist, data, municipality).counts["new"] == 1


def test_it_lets_a_region_admin_import_for_a_municipality_of_the_region(municipality):
    admin = user_with_role(RoleKind.REGION_ADMIN, region="Краснодарский край")
    batch = check(admin, schools_file(TEN), municipality)
    services.directory_import_confirm(actor=admin, batch=batch)
    assert Organization.objects.filter(municipality=municipality).count() == 1
    entry = AuditEntry.objects.get(action="organization.import")
    assert ("что сделано", "добавлено") in entry.change_items
    assert entry.actor == admin


def test_it_refuses_the_login_of_another_school_of_the_municipality(methodist, municipality):
    OrganizationFactory(municipality=municipality, short_name="СОШ 10", inn="2301234567")
    OrganizationFactory(municipality=municipality, short_name="СОШ 11", fis_oko_login="edu230111")
    row = ("Школа № 10", "СОШ 10", "", "edu230111", "2301234567", "", "", "")
    batch = check(methodist, schools_file(row), municipality)
    assert batch.status == Status.REJECTED
    texts = [problem_text(problem) for problem in batch.errors]
    assert any("ИНН уже у организации «СОШ 10», а строка относится к «СОШ 11»" in t for t in texts)
    assert Organization.objects.get(short_name="СОШ 10").fis_oko_login == ""
