import pytest
from django.core.management import CommandError, call_command

from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory
from tests.tutoring.listfiles import netgorod_file, schools_file, staff_file
from tutoring.models import AuditEntry, Organization, User

pytestmark = pytest.mark.django_db
ROW = ("Средняя школа № 5", "МБОУ СОШ № 5", "", "edu230105", "", "", "", "")


@pytest.fixture
def municipality():
    return MunicipalityFactory(name="Муниципальное образование город Лабинск")


def write(tmp_path, data, name="список.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_organizations_prints_counts(tmp_path, municipality, capsys):
    path = write(tmp_path, schools_file(ROW))
    call_command("import_organizations", path, "--municipality", municipality.name)
    assert "добавлено 1, обновлено 0, без изменений 0" in capsys.readouterr().out
    call_command("import_organizations", path, "--municipality", municipality.name)
    assert "добавлено 0, обновлено 0, без изменений 1" in capsys.readouterr().out
    assert Organization.objects.get().fis_oko_login == "edu230105"
    assert AuditEntry.objects.filter(action="directory_import.load", actor=None).count() == 2


def test_import_people_prints_every_problem_and_stores_nothing(tmp_path, municipality, capsys):
    OrganizationFactory(municipality=municipality, fis_oko_login="edu230105")
    rows = [
        ("edu230105", "Гусева", "Нина", "", "", "", "плохой", "", ""),
        ("edu999999", "Орлов", "Пётр", "", "", "", "", "", ""),
    ]
    path = write(tmp_path, staff_file(*rows))
    with pytest.raises(CommandError, match="ошибок: 2"):
        call_command("import_people", path, "--municipality", municipality.name)
    errors = capsys.readouterr().err
    assert "Строка 2, столбец „E-mail“" in errors
    assert "Строка 3, столбец „Школа“: Школа «edu999999» не найдена" in errors
    assert not User.objects.filter(last_name__in=["Гусева", "Орлов"]).exists()


def test_import_people_loads_one_schools_export(tmp_path, municipality, capsys):
    OrganizationFactory(municipality=municipality, fis_oko_login="edu230105")
    path = write(tmp_path, netgorod_file(("Гусева Нина Петровна", "учитель", "", "", "")))
    call_command(
        "import_people", path, "--municipality", municipality.name, "--school", "edu230105"
    )
    assert "добавлено 1" in capsys.readouterr().out
    assert User.objects.get(last_name="Гусева").roles.get().organization.fis_oko_login == (
        "edu230105"
    )


def test_an_unknown_municipality_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="не найдено"):
        call_command("import_people", write(tmp_path, b"x"), "--municipality", "Нигде")
