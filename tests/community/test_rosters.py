import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Appendix, DomainError, Order, Roster, RosterEntry, TutorLevel
from community.services import rosters as services
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Role, RoleKind

from .factories import NominationFactory, OrderFactory, RosterEntryFactory, RosterFactory


def methodist_of(roster):
    return user_with_role(RoleKind.METHODIST, municipality=roster.municipality)


def entry_data(person, organization, **overrides):
    data = {
        "person": person.pk,
        "subjects": [SubjectFactory().pk],
        "position": "учитель физики",
        "organization": organization.pk,
        "level": TutorLevel.MUNICIPAL,
    }
    return data | overrides


def test_it_lets_the_methodist_add_a_teacher_directly(client, db):
    roster = RosterFactory()
    school = OrganizationFactory(municipality=roster.municipality)
    teacher = user_with_role(RoleKind.TEACHER, organization=school)
    client.force_login(methodist_of(roster))
    url = f"/community/rosters/{roster.pk}/entries/new/"
    response = client.post(url, entry_data(teacher, school), follow=True)
    assert "добавлен(а) в состав" in response.content.decode()
    assert roster.entries.get().person == teacher
    assert AuditEntry.objects.filter(action="roster.entry_add").exists()


def test_it_edits_and_removes_entries_of_a_draft(client, db):
    entry = RosterEntryFactory()
    client.force_login(methodist_of(entry.roster))
    data = entry_data(entry.person, entry.organization, position="учитель химии")
    client.post(f"/community/entries/{entry.pk}/edit/", data)
    entry.refresh_from_db()
    assert entry.position == "учитель химии"
    client.post(f"/community/entries/{entry.pk}/delete/")
    assert not RosterEntry.objects.exists()


def test_it_marks_a_roster_ready_and_locks_it_without_approving_it(client, db):
    entry = RosterEntryFactory()
    client.force_login(methodist_of(entry.roster))
    response = client.post(f"/community/rosters/{entry.roster.pk}/ready/", follow=True)
    page = response.content.decode()
    assert "Состав готов к приказу" in page and "Утвердить состав" not in page
    assert "Добавить тьютора" not in page and "Исключить" not in page
    entry.roster.refresh_from_db()
    assert entry.roster.status == Roster.Status.READY and entry.roster.approved_by is None
    assert not Role.objects.filter(user=entry.person, kind=RoleKind.TUTOR).exists()
    response = client.post(f"/community/entries/{entry.pk}/delete/", follow=True)
    assert "отмечен «готов к приказу» и не меняется" in response.content.decode()
    assert RosterEntry.objects.filter(pk=entry.pk).exists()


def test_it_refuses_to_mark_an_empty_roster_ready(client, db):
    roster = RosterFactory()
    client.force_login(methodist_of(roster))
    response = client.post(f"/community/rosters/{roster.pk}/ready/", follow=True)
    assert "нет ни одного тьютора" in response.content.decode()
    roster.refresh_from_db()
    assert roster.is_draft


def test_it_takes_a_ready_roster_back_to_draft_while_no_sent_order_carries_it(client, db):
    roster = RosterFactory(status=Roster.Status.READY)
    RosterEntryFactory(roster=roster)
    order = OrderFactory(municipality=roster.municipality)
    Appendix.objects.create(order=order, number=1, kind="roster", title="Состав", roster=roster)
    client.force_login(methodist_of(roster))
    response = client.post(f"/community/rosters/{roster.pk}/unready/", follow=True)
    assert "Состав возвращён в черновик" in response.content.decode()
    roster.refresh_from_db()
    assert roster.is_draft
    roster.status = Roster.Status.READY
    roster.save()
    order.status = Order.Status.SENT
    order.save()
    response = client.post(f"/community/rosters/{roster.pk}/unready/", follow=True)
    assert "Пока приказ на подписи, состав не меняется" in response.content.decode()
    roster.refresh_from_db()
    assert roster.is_ready


def test_it_sends_a_nomination_nowhere_while_the_roster_is_ready(db):
    roster = RosterFactory(status=Roster.Status.READY)
    nomination = NominationFactory(
        organization=OrganizationFactory(municipality=roster.municipality),
        academic_year=roster.academic_year,
    )
    with pytest.raises(DomainError, match="верните состав в черновик"):
        services.nomination_accept(actor=methodist_of(roster), nomination=nomination)


def test_it_opens_a_new_revision_with_the_same_entries(client, db):
    entry = RosterEntryFactory(roster__status=Roster.Status.APPROVED)
    entry.subjects.add(SubjectFactory())
    client.force_login(methodist_of(entry.roster))
    client.post(f"/community/rosters/{entry.roster.pk}/revise/")
    revision = Roster.objects.get(revision=2)
    assert revision.is_draft
    copy = revision.entries.get()
    assert (copy.person, list(copy.subjects.all())) == (entry.person, list(entry.subjects.all()))
    response = client.post(f"/community/rosters/{entry.roster.pk}/revise/", follow=True)
    assert "уже открыт" in response.content.decode()


def test_it_lets_only_methodists_change_a_roster(client, db):
    entry = RosterEntryFactory()
    municipality = entry.roster.municipality
    for user in [
        user_with_role(RoleKind.DIRECTOR, municipality=municipality),
        user_with_role(RoleKind.TUTOR, municipality=municipality),
        user_with_role(RoleKind.REGIONAL),
    ]:
        client.force_login(user)
        assert client.post(f"/community/entries/{entry.pk}/delete/").status_code == 403
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))
    assert client.post(f"/community/entries/{entry.pk}/delete/").status_code == 404
    assert RosterEntry.objects.exists()


def test_it_shows_rosters_to_methodists_directors_and_regional_only(client, db):
    roster = RosterFactory()
    url = f"/community/rosters/{roster.pk}/"
    municipality = roster.municipality
    for user, status in [
        (user_with_role(RoleKind.METHODIST, municipality=municipality), 200),
        (user_with_role(RoleKind.DIRECTOR, municipality=municipality), 200),
        (user_with_role(RoleKind.REGIONAL), 200),
        (user_with_role(RoleKind.DIRECTOR, municipality=MunicipalityFactory()), 404),
        (user_with_role(RoleKind.TUTOR, municipality=municipality), 403),
        (user_with_role(RoleKind.SCHOOL, municipality=municipality), 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status


def approved_roster_with(n, municipality=None, revision=1):
    roster = RosterFactory(
        status=Roster.Status.APPROVED,
        municipality=municipality or MunicipalityFactory(),
        revision=revision,
    )
    school = OrganizationFactory(
        municipality=roster.municipality, short_name=f"Гимназия «Эрудит» {revision}"
    )
    for i in range(n):
        entry = RosterEntryFactory(roster=roster, organization=school)
        entry.person.last_name = f"Тьюторова-{i:03d}"
        entry.person.save()
        entry.subjects.add(SubjectFactory())
    return roster


def test_it_lists_the_tutors_of_the_approved_roster_to_everyone_in_the_municipality(client, db):
    roster = approved_roster_with(2)
    client.force_login(user_with_role(RoleKind.TEACHER, municipality=roster.municipality))
    page = client.get("/community/tutors/").content.decode()
    assert "Тьюторова-000" in page and "Тьюторова-001" in page
    client.force_login(user_with_role(RoleKind.TEACHER, municipality=MunicipalityFactory()))
    assert "Тьюторова-000" not in client.get("/community/tutors/").content.decode()


def test_it_exports_the_filtered_directory_to_xlsx(client, db):
    roster = approved_roster_with(3)
    client.force_login(methodist_of(roster))
    response = client.get("/community/tutors/export.xlsx", {"q": "Тьюторова-002"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1
    assert rows[0][1].startswith("Тьюторова-002")
    assert rows[0][5] == "Гимназия «Эрудит» 1"


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_it_keeps_roster_and_directory_queries_flat(client, db):
    small, large = approved_roster_with(3), approved_roster_with(30)
    client.force_login(user_with_role(RoleKind.REGIONAL))
    assert queries(client, f"/community/rosters/{small.pk}/") == queries(
        client, f"/community/rosters/{large.pk}/"
    )
    municipality = small.municipality
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=municipality))
    before = queries(client, "/community/tutors/")
    approved_roster_with(20, municipality=municipality, revision=2)
    assert queries(client, "/community/tutors/") == before


def test_it_shows_who_changed_the_roster_and_when(client, db):
    entry = RosterEntryFactory()
    methodist = methodist_of(entry.roster)
    client.force_login(methodist)
    client.post(f"/community/rosters/{entry.roster.pk}/ready/")
    page = client.get(f"/community/rosters/{entry.roster.pk}/").content.decode()
    assert "состав отмечен «готов к приказу»" in page and methodist.short_name in page
