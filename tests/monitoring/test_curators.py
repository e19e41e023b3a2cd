"""A curator for each school in the programme: the methodist assigns, changes, removes."""

import pytest
from django.urls import reverse

from monitoring.models import Curatorship, DomainError
from monitoring.profiles import services
from tests.tutoring.factories import AcademicYearFactory, SchoolStatusFactory, user_with_role
from tutoring.models import AuditEntry, Notification, RoleKind

from .factories import make_world


@pytest.fixture
def world(db):
    world = make_world()
    world.year = AcademicYearFactory()
    SchoolStatusFactory(organization=world.school, academic_year=world.year)
    return world


def url(world):
    return reverse("monitoring:curator_assign", args=[world.school.pk, world.year.pk])


def test_the_methodist_assigns_a_tutor_and_the_tutor_is_told(client, world):
    client.force_login(world.methodist)
    response = client.post(url(world), {"curator": world.tutor.pk})
    assert response.status_code == 302
    curatorship = Curatorship.objects.get()
    assert (curatorship.organization, curatorship.curator) == (world.school, world.tutor)
    notice = Notification.objects.get(recipient=world.tutor)
    assert f"куратором школы {world.school.short_name}" in notice.text
    assert AuditEntry.objects.filter(action="curatorship.assign").count() == 1


def test_a_second_assignment_replaces_the_curator_and_the_history_says_who(client, world):
    other = user_with_role(RoleKind.TUTOR, municipality=world.municipality, last_name="Петрова")
    services.curator_assign(
        actor=world.methodist,
        organization=world.school,
        academic_year=world.year,
        curator=world.tutor,
    )
    services.curator_assign(
        actor=world.methodist, organization=world.school, academic_year=world.year, curator=other
    )
    assert Curatorship.objects.get().curator == other
    client.force_login(world.methodist)
    page = client.get(url(world)).content.decode()
    assert f"Куратор: {other.full_name}</div>" in page
    assert f"Вместо: {world.tutor.full_name}</div>" in page


def test_the_methodist_may_curate_too(world):
    services.curator_assign(
        actor=world.methodist,
        organization=world.school,
        academic_year=world.year,
        curator=world.methodist,
    )
    assert Curatorship.objects.get().curator == world.methodist


@pytest.mark.parametrize("who", ["teacher", "school_admin", "director"])
def test_a_curator_is_a_tutor_or_methodist_of_the_municipality(world, who):
    with pytest.raises(DomainError, match="тьютор или методист этого муниципалитета"):
        services.curator_assign(
            actor=world.methodist,
            organization=world.school,
            academic_year=world.year,
            curator=getattr(world, who),
        )
    assert not Curatorship.objects.exists()


def test_a_tutor_of_another_municipality_is_refused_at_the_field(client, world):
    stranger = user_with_role(RoleKind.TUTOR)
    client.force_login(world.methodist)
    response = client.post(url(world), {"curator": stranger.pk})
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Curatorship.objects.exists()


def test_a_school_out_of_the_programme_gets_no_curator(world):
    with pytest.raises(DomainError, match="не в программе"):
        services.curator_assign(
            actor=world.methodist,
            organization=world.other_school,
            academic_year=world.year,
            curator=world.tutor,
        )


@pytest.mark.parametrize("role", ["director", "tutor", "school_admin", "regional", "teacher"])
def test_only_the_methodist_opens_the_assignment(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(url(world)).status_code == 403
    assert client.post(url(world), {"curator": world.tutor.pk}).status_code == 403
    assert not Curatorship.objects.exists()


def test_a_methodist_of_another_municipality_gets_404(client, world):
    client.force_login(user_with_role(RoleKind.METHODIST))
    assert client.get(url(world)).status_code == 404


def test_the_methodist_removes_the_curator(client, world):
    curatorship = services.curator_assign(
        actor=world.methodist,
        organization=world.school,
        academic_year=world.year,
        curator=world.tutor,
    )
    client.force_login(world.tutor)
    remove = reverse("monitoring:curator_remove", args=[curatorship.pk])
    assert client.post(remove).status_code == 403
    client.force_login(world.methodist)
    client.post(remove)
    assert not Curatorship.objects.exists()
    assert AuditEntry.objects.filter(action="curatorship.remove").count() == 1


def test_the_list_shows_the_curator_and_the_methodists_button(client, world):
    services.curator_assign(
        actor=world.methodist,
        organization=world.school,
        academic_year=world.year,
        curator=world.tutor,
    )
    client.force_login(world.methodist)
    page = client.get(reverse("monitoring:profile_list")).content.decode()
    change = '>Сменить<span class="visually-hidden"> куратора школы'
    assert world.tutor.short_name in page and change in page
    client.force_login(world.director)
    page = client.get(reverse("monitoring:profile_list")).content.decode()
    assert world.tutor.short_name in page and change not in page
