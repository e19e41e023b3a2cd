import pytest

from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    SubjectFactory,
    UserFactory,
    user_with_role,
)
from tests.tutoring.listfiles import netgorod_file, sheet, staff_file, upload
from tutoring.errors import DomainError
from tutoring.imports import services
from tutoring.imports.reader import problem_text
from tutoring.imports.tasks import send_import_invitations
from tutoring.models import AuditEntry, DirectoryImport, Role, RoleKind, User
from tutoring.services import people

pytestmark = pytest.mark.django_db
Status = DirectoryImport.Status
PEOPLE = DirectoryImport.Kind.PEOPLE


@pytest.fixture
def school():
    return OrganizationFactory(short_name="МБОУ СОШ № 10", fis_oko_login="edu230110")


@pytest.fixture
def methodist(school):
    SubjectFactory(name="Математика")
    SubjectFactory(name="Информатика")
    return user_with_role(RoleKind.METHODIST, municipality=school.municipality)


def check(actor, data, *, school=None, municipality=None, name="сотрудники.xlsx"):
    municipality = municipality or (
        school.municipality if school else actor.roles.first().municipality
    )
    return services.directory_import_check(
        actor=actor,
        kind=PEOPLE,
        municipality=municipality,
        uploaded=upload(data, name),
        school=school,
    )


GUSEVA = (
    "edu230110",
    "Гусева",
    "Нина",
    "Петровна",
    "учитель математики",
    "математика, Информатика",
    "n.guseva@example.ru",
    "+7 900 123-45-67",
    "",
)


def test_it_round_trips_the_template_and_adds_a_teacher_without_a_password(methodist, school):
    batch = check(methodist, staff_file(GUSEVA))
    assert batch.status == Status.READY, batch.errors
    assert batch.counts == {"new": 1, "update": 0, "same": 0, "rows": 1}
    services.directory_import_confirm(actor=methodist, batch=batch)
    person = User.objects.get(email="n.guseva@example.ru")
    assert (person.full_name, person.phone, person.username) == (
        "Гусева Нина Петровна",
        "+7 900 123-45-67",
        "n.guseva@example.ru",
    )
    assert not person.has_usable_password()
    role = Role.objects.get(user=person)
    assert (role.kind, role.organization, role.position) == (
        RoleKind.TEACHER,
        school,
        "учитель математики",
    )
    assert sorted(s.name for s in role.subjects.all()) == ["Информатика", "Математика"]


def test_it_changes_nothing_the_second_time(methodist):
    services.directory_import_confirm(actor=methodist, batch=check(methodist, staff_file(GUSEVA)))
    again = check(methodist, staff_file(GUSEVA))
    assert again.counts == {"new": 0, "update": 0, "same": 1, "rows": 1}
    assert again.rows.get().get_change_display() == "без изменений"
    services.directory_import_confirm(actor=methodist, batch=again)
    assert User.objects.filter(last_name="Гусева").count() == 1
    assert Role.objects.filter(user__last_name="Гусева").count() == 1


def test_it_shows_a_person_found_by_name_as_an_update(methodist, school):
    teacher = UserFactory(last_name="Гусева", first_name="Нина", middle_name="Петровна", email="")
    RoleFactory(user=teacher, kind=RoleKind.TEACHER, organization=school, position="учитель")
    batch = check(methodist, staff_file(GUSEVA))
    row = batch.rows.get()
    assert row.get_change_display() == "обновится"
    assert "адрес: — → n.guseva@example.ru" in row.details
    assert "должность: учитель → учитель математики" in row.details
    services.directory_import_confirm(actor=methodist, batch=batch)
    teacher.refresh_from_db()
    assert teacher.email == "n.guseva@example.ru"
    assert User.objects.filter(last_name="Гусева").count() == 1
    assert Role.objects.get(user=teacher).position == "учитель математики"
    entry = AuditEntry.objects.get(action="person.import", object_id=str(teacher.pk))
    assert "должность: учитель → учитель математики" in entry.changes["details"]
    assert ("что изменилось", entry.changes["details"]) in entry.change_items


def test_it_reads_a_netgorod_export_with_the_name_in_one_column(methodist, school):
    data = netgorod_file(
        ("Орлов Пётр Ильич", "учитель физики", "", "p.orlov@example.ru", "89001112233"),
        ("Сидорова Анна", "учитель информатики", "Информатика", "", ""),
    )
    batch = check(methodist, data, school=school)
    assert batch.status == Status.READY, batch.errors
    services.directory_import_confirm(actor=methodist, batch=batch)
    orlov = User.objects.get(email="p.orlov@example.ru")
    assert (orlov.last_name, orlov.first_name, orlov.middle_name) == ("Орлов", "Пётр", "Ильич")
    assert Role.objects.get(user__last_name="Сидорова").organization == school


def test_it_reads_three_name_columns_in_any_order(methodist):
    data = sheet(
        ["Имя", "Фамилия", "ОО", "Отчество", "Эл. почта"],
        [["Нина", "Гусева", "МБОУ СОШ № 10", "Петровна", "n.guseva@example.ru"]],
    )
    batch = check(methodist, data)
    assert batch.status == Status.READY, batch.errors
    assert batch.rows.get().title == "Гусева Нина Петровна — МБОУ СОШ № 10"


def test_it_lists_every_problem_of_a_broken_file_and_stores_nothing(methodist, school):
    UserFactory(last_name="Зайцева", first_name="Ольга", email="taken@example.ru")
    rows = [
        GUSEVA,
        ("edu230110", "Петров", "Иван", "", "", "", "не-адрес", "", ""),
        ("edu230110", "Смирнов", "Олег", "", "", "", "n.guseva@example.ru", "", ""),
        ("edu230110", "Кузнецов", "Илья", "", "", "", "taken@example.ru", "", ""),
        ("edu999999", "Волков", "Антон", "", "", "", "", "", ""),
        ("edu230110", "Лебедева", "Вера", "", "", "Астрология", "", "", ""),
        ("edu230110", "", "Мария", "", "", "", "", "", ""),
    ]
    batch = check(methodist, staff_file(*rows))
    assert batch.status == Status.REJECTED
    texts = [problem_text(problem) for problem in batch.errors]
    assert texts == [
        "Строка 3, столбец „E-mail“: «не-адрес» — не адрес электронной почты.",
        "Строка 4, столбец „E-mail“: Тот же адрес, что в строке 2: у каждого человека свой адрес.",
        "Строка 5, столбец „E-mail“: Адрес taken@example.ru уже указан у другого человека "
        "портала (Зайцева О. П.): проверьте адрес.",
        "Строка 6, столбец „Школа“: Школа «edu999999» не найдена в муниципалитете: проверьте "
        "логин или наименование.",
        "Строка 7, столбец „Предметы“: Предмета «Астрология» нет в справочнике портала.",
        "Строка 8, столбец „Фамилия“: Пусто: укажите фамилию.",
    ]
    assert not batch.rows.exists()
    assert not User.objects.filter(last_name__in=["Гусева", "Петров", "Смирнов"]).exists()


def test_it_lets_a_school_import_only_teachers_of_its_own(school):
    other = OrganizationFactory(municipality=school.municipality, fis_oko_login="edu230111")
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    rows = [
        ("", "Гусева", "Нина", "", "", "", "", "", ""),
        ("edu230111", "Орлов", "Пётр", "", "", "", "", "", ""),
        ("", "Сидорова", "Анна", "", "", "", "", "", "администрация школы"),
    ]
    batch = check(staff, staff_file(*rows), school=school)
    texts = [problem_text(problem) for problem in batch.errors]
    assert texts == [
        f"Строка 3, столбец „Школа“: «edu230111» — не ваша школа: загружать можно только "
        f"сотрудников «{school}».",
        "Строка 4, столбец „Роль“: Вы не можете назначить роль «администрация школы» в "
        f"«{school}». Школа загружает только учителей.",
    ]
    assert other.roles.count() == 0


def test_it_refuses_a_methodist_of_another_municipality(school):
    stranger = user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory())
    with pytest.raises(DomainError):
        check(stranger, staff_file(GUSEVA), municipality=school.municipality)
    assert not DirectoryImport.objects.exists()


def test_it_records_one_entry_for_the_import_and_one_per_person(methodist):
    batch = check(methodist, staff_file(GUSEVA))
    services.directory_import_confirm(actor=methodist, batch=batch)
    load = AuditEntry.objects.get(action="directory_import.load")
    assert set(load.change_items) == {
        ("файл", "сотрудники.xlsx"),
        ("добавлено", "1"),
        ("обновлено", "0"),
        ("без изменений", "0"),
    }
    entry = AuditEntry.objects.get(action="person.import")
    assert entry.action_label == "человек добавлен или изменён по списку"
    assert entry.object_repr == "Гусева Нина Петровна"
    assert entry.actor == methodist


def test_it_cancels_a_checked_file_without_changes(methodist):
    batch = services.directory_import_cancel(
        actor=methodist, batch=check(methodist, staff_file(GUSEVA))
    )
    assert batch.status == Status.CANCELLED
    assert not User.objects.filter(last_name="Гусева").exists()


def test_it_invites_the_added_people_once_from_a_task(
    methodist, django_capture_on_commit_callbacks
):
    orlov = ("edu230110", "Орлов", "Пётр", "", "", "", "", "", "")
    batch = check(methodist, staff_file(GUSEVA, orlov))
    services.directory_import_confirm(actor=methodist, batch=batch)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert services.directory_import_invite(actor=methodist, batch=batch) == 1
    assert len(queued) == 1
    assert send_import_invitations(batch.pk, methodist.pk) == 1
    assert send_import_invitations(batch.pk, methodist.pk) == 0  # safe to run twice
    person = User.objects.get(last_name="Гусева")
    assert person.invitations.get().is_open
    with pytest.raises(DomainError, match="уже отправлены"):
        services.directory_import_invite(actor=methodist, batch=batch)


def test_it_adds_a_role_at_another_school_to_a_person_found_by_address(methodist, school):
    other = OrganizationFactory(municipality=school.municipality, fis_oko_login="edu230111")
    person = UserFactory(last_name="Гусева", first_name="Нина", email="n.guseva@example.ru")
    RoleFactory(user=person, kind=RoleKind.TEACHER, organization=other)
    batch = check(methodist, staff_file(GUSEVA))
    row = batch.rows.get()
    assert row.get_change_display() == "обновится"
    assert "роль «учитель» добавится" in row.details
    services.directory_import_confirm(actor=methodist, batch=batch)
    assert set(person.roles.values_list("organization__fis_oko_login", flat=True)) == {
        "edu230110",
        "edu230111",
    }
    assert User.objects.filter(email__iexact="n.guseva@example.ru").count() == 1


def test_a_methodist_may_import_school_administration(methodist, school):
    row = (
        "edu230110",
        "Орлов",
        "Пётр",
        "",
        "заместитель директора",
        "",
        "",
        "",
        "администрация школы",
    )
    services.directory_import_confirm(actor=methodist, batch=check(methodist, staff_file(row)))
    assert Role.objects.get(user__last_name="Орлов").kind == RoleKind.SCHOOL


def test_a_file_without_a_school_column_is_refused_for_a_methodist(methodist):
    data = sheet(["Фамилия", "Имя"], [["Гусева", "Нина"]])
    batch = check(methodist, data)
    assert [problem_text(p) for p in batch.errors] == [
        "Строка 1, столбец „Школа“: Нет столбца «Школа» («ОО»): укажите в нём логин ФИС ОКО "
        "или краткое наименование школы каждого сотрудника."
    ]


def test_a_person_found_by_name_gets_the_new_address_and_loses_the_old_invitation(
    methodist, school
):
    teacher = UserFactory(
        last_name="Гусева",
        first_name="Нина",
        middle_name="Петровна",
        email="old@example.ru",
        password="!unusable",
    )
    RoleFactory(user=teacher, kind=RoleKind.TEACHER, organization=school)
    invitation = people.invitation_send(actor=methodist, person=teacher)
    batch = check(methodist, staff_file(GUSEVA))
    assert "адрес: old@example.ru → n.guseva@example.ru" in batch.rows.get().details
    services.directory_import_confirm(actor=methodist, batch=batch)
    teacher.refresh_from_db()
    invitation.refresh_from_db()
    assert teacher.email == "n.guseva@example.ru"
    assert not invitation.is_open
    assert User.objects.filter(last_name="Гусева").count() == 1


def test_a_school_adds_its_role_but_leaves_the_data_of_a_person_of_another_school(school):
    other = OrganizationFactory(municipality=school.municipality)
    person = UserFactory(last_name="Гусева", first_name="Нина", email="n.guseva@example.ru")
    RoleFactory(user=person, kind=RoleKind.TEACHER, organization=other)
    staff = user_with_role(RoleKind.SCHOOL, organization=school)
    row = ("", "Гусева", "Нина", "", "", "", "n.guseva@example.ru", "+7 900 000-00-00", "")
    batch = check(staff, staff_file(row), school=school)
    assert batch.rows.get().details == "роль «учитель» добавится"
    services.directory_import_confirm(actor=staff, batch=batch)
    person.refresh_from_db()
    assert person.phone == ""
    assert person.roles.filter(organization=school, kind=RoleKind.TEACHER).exists()


def test_it_takes_a_language_by_its_everyday_name_and_refuses_a_retired_subject(methodist):
    english = SubjectFactory(name="Иностранный язык (английский)")
    SubjectFactory(name="Черчение", is_active=False)
    row = (*GUSEVA[:5], "Английский язык", *GUSEVA[6:])
    batch = check(methodist, staff_file(row))
    assert batch.status == Status.READY, batch.errors
    services.directory_import_confirm(actor=methodist, batch=batch)
    role = Role.objects.get(user__email="n.guseva@example.ru")
    assert list(role.subjects.all()) == [english]

    retired = (*GUSEVA[:5], "Черчение", "other@example.ru", *GUSEVA[7:])
    refused = check(methodist, staff_file(retired))
    assert refused.status != Status.READY
    assert "выведен из употребления" in str(refused.errors)


def test_the_preview_says_what_a_new_person_will_be(methodist):
    no_address = (*GUSEVA[:6], "", *GUSEVA[7:])
    batch = check(methodist, staff_file(no_address))
    row = batch.rows.get()
    assert row.details == "учитель, учитель математики, без эл. почты — без приглашения"
