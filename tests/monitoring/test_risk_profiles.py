"""A school's risk profile: the school drafts it, its curator or the methodist agrees it or
returns it with comments; who sees and does what."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import (
    Curatorship,
    DomainError,
    Indicator,
    RiskLevel,
    RiskProfile,
    RiskRating,
    SchoolProgramme,
)
from monitoring.profiles import services
from monitoring.programmes import services as programme_services
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Notification, RiskDirection, RoleKind
from tutoring.services import risk_directions_seed

from .factories import make_world

LEARNING = "Высокая доля обучающихся с рисками учебной неуспешности"


def programme_world():
    """The monitoring world with the eleven directions, СОШ № 10 in the programme of the
    current year and a tutor as its curator."""
    world = make_world()
    risk_directions_seed(world.municipality.region)
    world.year = AcademicYearFactory()
    SchoolStatusFactory(organization=world.school, academic_year=world.year)
    world.curator = user_with_role(RoleKind.TUTOR, municipality=world.municipality)
    Curatorship.objects.create(
        municipality=world.municipality,
        academic_year=world.year,
        organization=world.school,
        curator=world.curator,
    )
    return world


def drafted(world):
    return services.risk_profile_create(
        actor=world.school_admin, organization=world.school, academic_year=world.year
    )


@pytest.fixture
def world(db):
    return programme_world()


@pytest.fixture
def profile(world):
    return drafted(world)


def rate_all(world, profile, level=RiskLevel.LOW, **special):
    ratings = {
        rating.direction_id: special.get(rating.direction.name, (level, "Так видит школа."))
        for rating in profile.ratings.select_related("direction")
    }
    return services.risk_profile_update(actor=world.school_admin, profile=profile, ratings=ratings)


def submitted(world, profile):
    rate_all(world, profile)
    return services.risk_profile_submit(actor=world.school_admin, profile=profile)


def test_it_rates_every_direction_of_the_region_in_order(world, profile):
    names = list(profile.ratings.values_list("direction__name", flat=True))
    assert len(names) == 11
    assert names[0] == "Низкий уровень оснащения школы"
    assert names[5] == LEARNING


def test_it_leaves_out_a_retired_direction_and_takes_a_renamed_one(world):
    first = RiskDirection.objects.get(region=world.municipality.region, position=1)
    first.is_active = False
    first.save()
    profile = services.risk_profile_create(
        actor=world.school_admin, organization=world.school, academic_year=world.year
    )
    assert profile.ratings.count() == 10
    assert not profile.ratings.filter(direction=first).exists()


def test_it_is_drafted_only_for_a_school_in_the_programme(world):
    user = world.other_school_admin
    with pytest.raises(DomainError, match="в программе"):
        services.risk_profile_create(
            actor=user, organization=world.other_school, academic_year=world.year
        )
    assert not RiskProfile.objects.exists()


def test_it_is_drafted_once_a_year(world, profile):
    with pytest.raises(DomainError, match="уже есть"):
        services.risk_profile_create(
            actor=world.school_admin, organization=world.school, academic_year=world.year
        )
    assert RiskProfile.objects.count() == 1


def test_another_school_cannot_draft_it(world):
    with pytest.raises(DomainError, match="сама школа"):
        services.risk_profile_create(
            actor=world.other_school_admin, organization=world.school, academic_year=world.year
        )


def test_it_refuses_to_send_a_profile_with_unrated_or_unjustified_directions(world, profile):
    rating = profile.ratings.get(direction__name=LEARNING)
    services.risk_profile_update(
        actor=world.school_admin,
        profile=profile,
        ratings={rating.direction_id: (RiskLevel.HIGH, "  ")},
    )
    with pytest.raises(DomainError) as refused:
        services.risk_profile_submit(actor=world.school_admin, profile=profile)
    assert "не оценены направления: «Низкий уровень оснащения школы»" in refused.value.message
    assert f"нет обоснования у направлений с высоким или средним риском: «{LEARNING}»" in (
        refused.value.message
    )
    profile.refresh_from_db()
    assert profile.status == RiskProfile.Status.DRAFT


def test_it_goes_to_agreement_and_tells_the_curator_and_the_methodist(world, profile):
    submitted(world, profile)
    profile.refresh_from_db()
    assert profile.status == RiskProfile.Status.SUBMITTED
    told = set(
        Notification.objects.filter(kind="monitoring.risk_profile.submitted").values_list(
            "recipient", flat=True
        )
    )
    assert told == {world.curator.pk, world.methodist.pk}


def test_the_curator_returns_it_with_comments_then_agrees(world, profile):
    submitted(world, profile)
    services.risk_profile_return(
        actor=world.curator, profile=profile, comment="Обоснуйте оснащение цифрами."
    )
    profile.refresh_from_db()
    assert profile.status == RiskProfile.Status.RETURNED
    assert profile.reviewer_comment == "Обоснуйте оснащение цифрами."
    services.risk_profile_submit(actor=world.school_admin, profile=profile)
    services.risk_profile_agree(actor=world.curator, profile=profile)
    profile.refresh_from_db()
    assert (profile.status, profile.agreed_by) == (RiskProfile.Status.AGREED, world.curator)


def test_a_return_needs_a_comment(world, profile):
    submitted(world, profile)
    with pytest.raises(DomainError, match="Напишите, что нужно доработать"):
        services.risk_profile_return(actor=world.methodist, profile=profile, comment=" ")
    profile.refresh_from_db()
    assert profile.status == RiskProfile.Status.SUBMITTED


def test_a_tutor_who_is_not_the_curator_cannot_agree(world, profile):
    submitted(world, profile)
    with pytest.raises(DomainError, match="куратор школы или методист"):
        services.risk_profile_agree(actor=world.tutor, profile=profile)


def test_a_sent_profile_does_not_change(world, profile):
    submitted(world, profile)
    rating = profile.ratings.first()
    with pytest.raises(DomainError, match="на согласовании"):
        services.risk_profile_update(
            actor=world.school_admin,
            profile=profile,
            ratings={rating.direction_id: (RiskLevel.HIGH, "Иначе")},
        )
    rating.refresh_from_db()
    assert rating.level == RiskLevel.LOW


def test_a_direction_added_after_the_profile_is_rated_on_the_next_save(world, profile):
    added = RiskDirection.objects.create(
        region=world.municipality.region, name="Низкая доля выпускников в СПО", position=12
    )
    services.risk_profile_update(
        actor=world.school_admin,
        profile=profile,
        ratings={added.pk: (RiskLevel.MEDIUM, "Мало кто идёт в колледж.")},
    )
    assert profile.ratings.get(direction=added).level == RiskLevel.MEDIUM


def test_its_history_reads_in_russian(client, world, profile):
    rating = profile.ratings.get(direction__name=LEARNING)
    services.risk_profile_update(
        actor=world.school_admin,
        profile=profile,
        ratings={rating.direction_id: (RiskLevel.HIGH, "Доля «2» выше муниципальной.")},
    )
    client.force_login(world.school_admin)
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "оценки рискового профиля изменены" in page
    assert f"«{LEARNING}»: не оценено → высокий" in page
    assert "risk_profile" not in page


# Pages and access.


def test_the_school_drafts_from_the_list(client, world):
    client.force_login(world.school_admin)
    listing = client.get(reverse("monitoring:profile_list")).content.decode()
    assert "Составить профиль" in listing and world.school.short_name in listing
    response = client.post(reverse("monitoring:profile_create"), {"year": world.year.pk})
    profile = RiskProfile.objects.get()
    assert response.url == reverse("monitoring:profile_update", args=[profile.pk])
    assert AuditEntry.objects.filter(action="risk_profile.create").count() == 1


def test_the_school_saves_its_ratings_in_the_form(client, world, profile):
    rating = profile.ratings.get(direction__name=LEARNING)
    client.force_login(world.school_admin)
    url = reverse("monitoring:profile_update", args=[profile.pk])
    assert LEARNING in client.get(url).content.decode()
    data = {f"level_{rating.direction_id}": "high", f"justification_{rating.direction_id}": "Да."}
    assert client.post(url, data).status_code == 302
    rating.refresh_from_db()
    assert (rating.level, rating.justification) == ("high", "Да.")


@pytest.mark.parametrize(
    "role, expected",
    [
        ("school_admin", 200),
        ("curator", 200),
        ("methodist", 200),
        ("director", 200),
        ("regional", 200),
        ("other_school_admin", 404),
        ("tutor", 404),
        ("teacher", 404),
    ],
)
def test_who_reads_a_profile(client, world, profile, role, expected):
    client.force_login(getattr(world, role))
    assert client.get(profile.get_absolute_url()).status_code == expected


def test_a_methodist_of_another_municipality_does_not_read_it(client, world, profile):
    client.force_login(user_with_role(RoleKind.METHODIST))
    assert client.get(profile.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "role, expected",
    [
        ("school_admin", 200),
        ("curator", 200),
        ("methodist", 200),
        ("director", 200),
        ("regional", 200),
        ("tutor", 403),
        ("teacher", 403),
    ],
)
def test_who_opens_the_list(client, world, role, expected):
    client.force_login(getattr(world, role))
    assert client.get(reverse("monitoring:profile_list")).status_code == expected


def test_only_the_school_edits_it(client, world, profile):
    url = reverse("monitoring:profile_update", args=[profile.pk])
    for role in ("curator", "methodist", "director", "regional"):
        client.force_login(getattr(world, role))
        assert client.get(url).status_code == 403, role
        assert client.post(url, {}).status_code == 403, role


def test_regional_reads_and_changes_nothing(client, world, profile):
    submitted(world, profile)
    client.force_login(world.regional)
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Согласовать профиль" not in page
    client.post(reverse("monitoring:profile_agree", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.status == RiskProfile.Status.SUBMITTED


def test_the_curator_sees_the_buttons_and_agrees_in_the_page(client, world, profile):
    submitted(world, profile)
    client.force_login(world.curator)
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Согласовать профиль" in page and "Вернуть на доработку" in page
    client.post(reverse("monitoring:profile_agree", args=[profile.pk]))
    profile.refresh_from_db()
    assert profile.status == RiskProfile.Status.AGREED


def test_the_curator_lists_only_their_schools(client, world, profile):
    SchoolStatusFactory(organization=world.other_school, academic_year=world.year)
    client.force_login(world.curator)
    page = client.get(reverse("monitoring:profile_list")).content.decode()
    assert world.school.short_name in page
    assert world.other_school.short_name not in page


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def curated_with_a_programme(world):
    """Another school of the municipality in the programme, curated by the world's curator,
    with a concept whose indicator the portal counts."""
    school = OrganizationFactory(municipality=world.municipality)
    SchoolStatusFactory(organization=school, academic_year=world.year)
    Curatorship.objects.create(
        municipality=world.municipality,
        academic_year=world.year,
        organization=school,
        curator=world.curator,
    )
    concept = programme_services.programme_create(
        actor=None, organization=school, academic_year=world.year, kind=SchoolProgramme.Kind.CONCEPT
    )
    programme_services.indicator_add(
        actor=None,
        programme=concept,
        title="Занятия тьюторов",
        source=Indicator.Source.SESSIONS_HELD,
        baseline=Decimal(1),
        target=Decimal(5),
    )


def test_the_list_keeps_its_queries_as_schools_grow(client, world, profile):
    client.force_login(world.methodist)
    url = reverse("monitoring:profile_list")
    curated_with_a_programme(world)
    few = queries(client, url)
    for _ in range(6):
        curated_with_a_programme(world)
    assert queries(client, url) == few <= 17


def test_the_profile_page_keeps_its_queries(client, world, profile, django_assert_max_num_queries):
    rate_all(world, profile)
    client.force_login(world.school_admin)
    with django_assert_max_num_queries(12):
        assert client.get(profile.get_absolute_url()).status_code == 200


def test_a_rating_of_a_profile_is_one_per_direction(world, profile):
    assert RiskRating.objects.filter(profile=profile).count() == 11
