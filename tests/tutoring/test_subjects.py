"""Subjects in the browser: the list, add, edit, retire and restore, and the seeded list."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from consultations.forms.requests import RequestForm
from tests.tutoring.factories import (
    OrganizationFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring import services
from tutoring.models import AuditEntry, DomainError, RoleKind, Subject

SEED = importlib.import_module("tutoring.migrations.0004_subjects_active_and_seed")


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def methodist(db):
    return user_with_role(RoleKind.METHODIST)


def test_it_seeds_every_vpr_and_gia_subject_on_a_fresh_installation(db):
    names = set(Subject.objects.values_list("name", flat=True))
    assert {"Окружающий мир", "Иностранный язык (английский)", "Русский язык"} <= names
    assert {f"Иностранный язык ({language})" for language in SEED.LANGUAGES} <= names
    assert len(SEED.VPR_GIA_SUBJECTS) == 16


def test_it_seeds_again_without_doubling_a_subject_known_by_another_spelling(db):
    Subject.objects.filter(name="Иностранный язык (немецкий)").delete()
    Subject.objects.create(name="Немецкий язык")
    before = Subject.objects.count()
    SEED.seed_subjects(apps, None)
    SEED.seed_subjects(apps, None)
    assert Subject.objects.count() == before
    assert not Subject.objects.filter(name="Иностранный язык (немецкий)").exists()


@pytest.mark.parametrize("kind", [RoleKind.METHODIST, RoleKind.REGION_ADMIN])
def test_it_opens_the_list_to_methodists_and_region_admins(client, db, kind):
    user = user_with_role(kind)
    response = signed_in(client, user).get(reverse("subject_list"))
    assert response.status_code == 200
    assert "Окружающий мир" in response.content.decode()


@pytest.mark.parametrize(
    "kind",
    [RoleKind.DIRECTOR, RoleKind.SCHOOL, RoleKind.TEACHER, RoleKind.TUTOR, RoleKind.REGIONAL],
)
def test_it_refuses_the_subject_pages_to_other_roles(client, db, kind):
    user = user_with_role(kind, organization=OrganizationFactory())
    subject = SubjectFactory()
    signed_in(client, user)
    assert client.get(reverse("subject_list")).status_code == 403
    assert client.get(reverse("subject_create")).status_code == 403
    assert client.post(reverse("subject_create"), {"name": "Астрономия"}).status_code == 403
    assert client.post(reverse("subject_retire", args=[subject.pk])).status_code == 403
    assert Subject.objects.get(pk=subject.pk).is_active
    assert not Subject.objects.filter(name="Астрономия").exists()


def test_it_searches_filters_and_paginates_in_a_constant_number_of_queries(
    client, methodist, django_assert_max_num_queries
):
    for number in range(60):
        Subject.objects.create(name=f"Элективный курс {number:02}", kind=Subject.Kind.OTHER)
    signed_in(client, methodist)
    client.get(reverse("subject_list"))  # warm the session and the user's roles
    with django_assert_max_num_queries(6):
        response = client.get(reverse("subject_list"), {"q": "элективный", "kind": "other"})
    page = response.context["page"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 50
    with django_assert_max_num_queries(6):
        response = client.get(reverse("subject_list"), {"q": "мир"})
    assert [s.name for s in response.context["page"]] == ["Окружающий мир"]


def test_it_adds_a_subject_with_an_entry_in_russian(client, methodist):
    response = signed_in(client, methodist).post(
        reverse("subject_create"), {"name": "  Астрономия ", "kind": "subject"}
    )
    assert response.status_code == 302
    subject = Subject.objects.get(name="Астрономия")
    assert subject.is_active
    entry = AuditEntry.objects.get(action="subject.create")
    assert (entry.actor, entry.object_repr) == (methodist, "Астрономия")
    assert entry.action_label == "добавлен предмет"
    assert entry.change_items == [("вид", "учебный предмет")]


@pytest.mark.parametrize("name", ["математика", "МАТЕМАТИКА", "Английский язык"])
def test_it_refuses_a_name_another_subject_has_whatever_the_spelling(client, methodist, name):
    response = signed_in(client, methodist).post(
        reverse("subject_create"), {"name": name, "kind": "subject"}
    )
    assert response.status_code == 200
    assert "уже есть в справочнике" in response.content.decode()
    assert not AuditEntry.objects.filter(action="subject.create").exists()
    assert not Subject.objects.filter(name=name).exists()


def test_it_refuses_an_empty_name(client, methodist):
    before = Subject.objects.count()
    response = signed_in(client, methodist).post(
        reverse("subject_create"), {"name": "   ", "kind": "subject"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    with pytest.raises(DomainError, match="Укажите название предмета"):
        services.subject_create(actor=methodist, name="  ", kind="subject")
    assert Subject.objects.count() == before


def test_it_renames_a_subject_and_the_journal_says_what_changed(client, methodist):
    subject = Subject.objects.create(name="Астрономя")
    response = signed_in(client, methodist).post(
        reverse("subject_update", args=[subject.pk]), {"name": "Астрономия", "kind": "other"}
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert (subject.name, subject.kind) == ("Астрономия", "other")
    entry = AuditEntry.objects.get(action="subject.update")
    assert entry.action_label == "изменён предмет"
    assert dict(entry.change_items) == {
        "название": "«Астрономя» → «Астрономия»",
        "вид": "«учебный предмет» → «направление»",
    }


def test_it_keeps_its_own_name_in_another_case_but_not_a_name_of_another(methodist):
    subject = Subject.objects.create(name="астрономия")
    services.subject_update(actor=methodist, subject=subject, name="Астрономия", kind="subject")
    assert Subject.objects.get(pk=subject.pk).name == "Астрономия"
    with pytest.raises(DomainError, match="«Математика» уже есть"):
        services.subject_update(actor=methodist, subject=subject, name="математика", kind="subject")


def test_it_retires_a_subject_which_leaves_the_choices_but_stays_on_old_records(client, methodist):
    subject = Subject.objects.get(name="Окружающий мир")
    signed_in(client, methodist).post(reverse("subject_retire", args=[subject.pk]))
    subject.refresh_from_db()
    assert not subject.is_active
    assert subject not in Subject.objects.active()
    school = OrganizationFactory()
    assert subject not in RequestForm(organization=school).fields["subject"].queryset
    entry = AuditEntry.objects.get(action="subject.retire")
    assert entry.action_label == "предмет выведен из употребления"
    response = client.get(reverse("subject_list"), {"active": "false"})
    assert [s.name for s in response.context["page"]] == ["Окружающий мир"]
    assert "Вернуть" in response.content.decode()


def test_it_keeps_a_retired_subject_on_the_form_of_a_record_that_has_it(db):
    subject = Subject.objects.create(name="Черчение", is_active=False)
    assert subject in Subject.objects.active(keep=[subject.pk])
    assert subject not in Subject.objects.active(keep=[])


def test_it_restores_a_retired_subject(client, methodist):
    subject = Subject.objects.create(name="Черчение", is_active=False)
    signed_in(client, methodist).post(reverse("subject_restore", args=[subject.pk]))
    assert Subject.objects.get(pk=subject.pk).is_active
    entry = AuditEntry.objects.get(action="subject.restore")
    assert entry.action_label == "предмет возвращён в употребление"


def test_it_says_so_when_a_subject_is_retired_twice(client, methodist):
    subject = Subject.objects.create(name="Черчение", is_active=False)
    response = signed_in(client, methodist).post(
        reverse("subject_retire", args=[subject.pk]), follow=True
    )
    assert "уже выведен из употребления" in response.content.decode()
    assert not AuditEntry.objects.filter(action="subject.retire").exists()


def test_it_refuses_a_name_of_a_retired_subject_and_says_how_to_return_it(methodist):
    Subject.objects.create(name="Черчение", is_active=False)
    with pytest.raises(DomainError, match="верните его"):
        services.subject_create(actor=methodist, name="черчение", kind="subject")


def test_it_shows_the_subjects_history_in_russian_on_its_page(client, methodist):
    subject = services.subject_create(actor=methodist, name="Астрономия", kind="subject")
    services.subject_retire(actor=methodist, subject=subject)
    page = signed_in(client, methodist).get(reverse("subject_update", args=[subject.pk]))
    text = page.content.decode()
    assert "добавлен предмет" in text and "Вид: учебный предмет" in text
    assert "предмет выведен из употребления" in text
