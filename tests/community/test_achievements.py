"""A tutor's achievements: the tutor adds, changes and deletes their own; the municipality's
methodists and directors read every tutor's; nobody else sees them."""

import datetime

import pytest

from community import selectors
from community.models import Achievement, AchievementLevel, DomainError
from community.services import achievements as services
from tests.expertise import badfiles
from tests.tutoring.factories import AcademicYearFactory, user_with_role
from tutoring.extensions import action_label
from tutoring.models import AuditEntry, RoleKind

from .factories import municipality_cast

ROLES = ["director", "school", "teacher", "regional", "other_methodist", "tutor", "methodist"]


@pytest.fixture
def cast(db):
    return municipality_cast()


@pytest.fixture
def year(db):
    return AcademicYearFactory()


def fields(year, **overrides):
    data = {
        "kind": Achievement.Kind.TALK,
        "date": year.starts_on + datetime.timedelta(days=40),
        "title": "Выступление на августовской конференции",
        "level": AchievementLevel.MUNICIPAL,
        "evidence_link": "https://imc.example.ru/conf",
    }
    return data | overrides


def add(cast, year, **overrides):
    return services.achievement_create(
        actor=cast.tutor, municipality=cast.municipality, academic_year=year,
        **fields(year, **overrides),
    )  # fmt: skip


def statuses(client, cast, url):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        got[role] = client.get(url).status_code
    return got


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def test_it_stores_an_achievement_with_an_audit_entry_in_russian(cast, year):
    achievement = add(cast, year)
    assert achievement.tutor == cast.tutor
    entry = AuditEntry.objects.get(action="achievement.create")
    assert entry.changes["kind"] == "выступление на конференции или семинаре"
    assert action_label("achievement.create") == "добавлено достижение тьютора"


def test_it_refuses_a_date_outside_the_chosen_year(cast, year):
    with pytest.raises(DomainError, match="не входит"):
        add(cast, year, date=year.ends_on + datetime.timedelta(days=1))
    assert not Achievement.objects.exists()


def test_it_refuses_an_achievement_without_link_or_file(cast, year):
    with pytest.raises(DomainError, match="Приложите подтверждение"):
        add(cast, year, evidence_link="")
    assert not Achievement.objects.exists()


def test_it_refuses_a_renamed_executable_and_saves_nothing(cast, year):
    exe = badfiles.exe_as_pdf("diploma.pdf")
    with pytest.raises(DomainError):
        add(cast, year, evidence_link="", evidence_file=exe)
    assert not Achievement.objects.exists()


def test_it_keeps_a_pdf_as_evidence(cast, year):
    pdf = badfiles.good_pdf("Диплом.pdf")
    achievement = add(cast, year, evidence_link="", evidence_file=pdf)
    assert achievement.evidence_name == "Диплом.pdf"
    assert achievement.evidence_file.name.endswith(".pdf")


def test_it_refuses_someone_who_is_not_a_tutor_of_the_municipality(cast, year):
    with pytest.raises(DomainError, match="тьютор"):
        services.achievement_create(
            actor=cast.teacher, municipality=cast.municipality, academic_year=year,
            **fields(year),
        )  # fmt: skip


def test_it_lets_only_the_author_change_or_delete(cast, year):
    achievement = add(cast, year)
    other = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)
    with pytest.raises(DomainError):
        services.achievement_delete(actor=other, achievement=achievement)
    services.achievement_update(
        actor=cast.tutor, achievement=achievement, **fields(year, title="Статья в сборнике")
    )
    achievement.refresh_from_db()
    assert achievement.title == "Статья в сборнике"
    services.achievement_delete(actor=cast.tutor, achievement=achievement)
    assert not Achievement.objects.exists()
    assert AuditEntry.objects.filter(action="achievement.delete").exists()


def test_it_opens_the_list_to_tutors_and_overseers_only(client, cast, year):
    got = statuses(client, cast, "/community/achievements/")
    assert got == expect(200, 403, 403, 403, 200, 200, 200)


def test_it_shows_every_tutors_achievement_to_the_methodist_only_in_the_municipality(
    client, cast, year
):
    add(cast, year, title="Публикация в журнале «Тьютор»")
    client.force_login(cast.methodist)
    assert "Публикация в журнале" in client.get("/community/achievements/").content.decode()
    client.force_login(cast.other_methodist)
    assert "Публикация в журнале" not in client.get("/community/achievements/").content.decode()
    client.force_login(user_with_role(RoleKind.TUTOR, municipality=cast.municipality))
    assert "Публикация в журнале" not in client.get("/community/achievements/").content.decode()


def test_it_opens_the_edit_and_delete_pages_to_the_author_only(client, cast, year):
    achievement = add(cast, year)
    for url in (
        f"/community/achievements/{achievement.pk}/edit/",
        f"/community/achievements/{achievement.pk}/delete/",
    ):
        assert statuses(client, cast, url) == expect(404, 404, 404, 404, 404, 200, 404)


def test_it_adds_an_achievement_from_the_form(client, cast, year):
    client.force_login(cast.tutor)
    data = fields(year) | {"academic_year": year.pk}
    response = client.post("/community/achievements/new/", data)
    assert response.status_code == 302
    assert Achievement.objects.get().title == "Выступление на августовской конференции"


def test_it_shows_the_refusal_on_the_form_and_saves_nothing(client, cast, year):
    client.force_login(cast.tutor)
    data = fields(year, evidence_link="") | {"academic_year": year.pk}
    page = client.post("/community/achievements/new/", data).content.decode()
    assert "Приложите подтверждение" in page
    assert not Achievement.objects.exists()


def test_it_deletes_on_post_after_confirmation(client, cast, year):
    achievement = add(cast, year)
    client.force_login(cast.tutor)
    url = f"/community/achievements/{achievement.pk}/delete/"
    assert "Удалить достижение?" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Achievement.objects.exists()


def test_it_filters_by_kind_and_keeps_queries_constant(
    client, cast, year, django_assert_max_num_queries
):
    for n in range(30):
        add(cast, year, title=f"Статья {n}", kind=Achievement.Kind.PUBLICATION)
    add(cast, year, title="Конкурс «Педагог года»", kind=Achievement.Kind.COMPETITION)
    client.force_login(cast.methodist)
    with django_assert_max_num_queries(12):
        page = client.get(f"/community/achievements/?kind=competition&academic_year={year.pk}")
    assert "Конкурс «Педагог года»" in page.content.decode()
    assert "Статья 1" not in page.content.decode()


def test_it_gives_the_year_reports_selector_one_tutors_achievements(cast, year):
    add(cast, year, title="Первое")
    other = user_with_role(RoleKind.TUTOR, municipality=cast.municipality)
    services.achievement_create(
        actor=other, municipality=cast.municipality, academic_year=year, **fields(year)
    )
    found = selectors.achievements_of(cast.tutor, cast.municipality, year)
    assert [a.title for a in found] == ["Первое"]


def test_it_links_the_achievements_from_the_community_hub(client, cast):
    client.force_login(cast.tutor)
    page = client.get("/community/").content.decode()
    assert "Мои достижения" in page and "/community/achievements/" in page
    client.force_login(cast.methodist)
    assert "Достижения тьюторов" in client.get("/community/").content.decode()
    client.force_login(cast.teacher)
    assert "/community/achievements/" not in client.get("/community/").content.decode()
