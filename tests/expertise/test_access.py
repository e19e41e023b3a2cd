"""Who sees which expertise case, and what of it: through the pages, as each user would."""

import pytest

from tests.tutoring.factories import OrganizationFactory, user_with_role
from tutoring.models import RoleKind

from . import badfiles
from .factories import assign, checked, full, make_world, score, submit, tutor_of


@pytest.fixture
def world(db):
    return make_world()


def test_an_expert_sees_only_the_cases_assigned_to_them(client, world):
    mine = assign(world, submit(world, title="Программа по алгебре"), world.expert1)
    other = assign(world, submit(world, title="Программа по геометрии"), world.expert2)
    client.force_login(world.expert1)
    page = client.get("/expertise/cases/").content.decode()
    assert "Программа по алгебре" in page and "Программа по геометрии" not in page
    assert client.get(f"/expertise/cases/{mine.pk}/").status_code == 200
    assert client.get(f"/expertise/cases/{other.pk}/").status_code == 404
    other_file = other.rounds.get().files.get()
    assert client.get(f"/expertise/files/{other_file.pk}/").status_code == 404
    other_review = other.rounds.get().reviews.get()
    assert client.get(f"/expertise/reviews/{other_review.pk}/").status_code == 404


def test_a_blind_case_hides_the_author_and_school_from_its_expert(client, world):
    case = submit(world, files=[checked(badfiles.good_pdf("Петренко_программа.pdf"))])
    assign(world, case, world.expert1, blind=True)
    client.force_login(world.expert1)
    for url in ("/expertise/cases/", f"/expertise/cases/{case.pk}/"):
        page = client.get(url).content.decode()
        assert case.title in page
        assert "Петренко" not in page and world.school.short_name not in page, url
    review = case.rounds.get().reviews.get()
    page = client.get(f"/expertise/reviews/{review.pk}/").content.decode()
    assert "Петренко" not in page and world.school.short_name not in page
    # The file comes under a neutral name: the original one may carry the author's.
    stored = case.rounds.get().files.get()
    response = client.get(f"/expertise/files/{stored.pk}/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "Петренко" not in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Searching by the school finds nothing for the expert.
    page = client.get("/expertise/cases/", {"q": world.school.short_name}).content.decode()
    assert case.title not in page


def test_the_methodist_sees_the_author_of_a_blind_case(client, world):
    case = assign(world, submit(world), blind=True)
    client.force_login(world.methodist)
    page = client.get(f"/expertise/cases/{case.pk}/").content.decode()
    assert "Петренко" in page and world.school.short_name in page


def test_a_school_sees_only_its_own_teachers_cases(client, world):
    own = submit(world, title="Наша программа")
    elsewhere = make_world()
    foreign = submit(elsewhere, title="Чужая программа")
    neighbour = OrganizationFactory(municipality=world.municipality)
    neighbour_teacher = user_with_role(RoleKind.TEACHER, organization=neighbour)
    neighbours_case = submit(world, title="Программа соседей")
    neighbours_case.organization, neighbours_case.author = neighbour, neighbour_teacher
    neighbours_case.save()

    client.force_login(world.school_admin)
    page = client.get("/expertise/cases/").content.decode()
    assert "Наша программа" in page
    assert "Чужая программа" not in page and "Программа соседей" not in page
    assert client.get(f"/expertise/cases/{own.pk}/").status_code == 200
    assert client.get(f"/expertise/cases/{foreign.pk}/").status_code == 404
    assert client.get(f"/expertise/cases/{neighbours_case.pk}/").status_code == 404


def test_a_teacher_sees_their_own_cases_and_not_a_colleagues(client, world):
    own = submit(world)
    colleague = user_with_role(RoleKind.TEACHER, organization=world.school)
    theirs = submit(world, title="Программа коллеги")
    theirs.author = theirs.submitted_by = colleague
    theirs.save()
    client.force_login(world.teacher)
    assert client.get(f"/expertise/cases/{own.pk}/").status_code == 200
    assert client.get(f"/expertise/cases/{theirs.pk}/").status_code == 404


def test_only_the_municipalitys_methodist_assigns_and_reconciles(client, world):
    case = submit(world)
    stranger = make_world().methodist
    director = user_with_role(RoleKind.DIRECTOR, municipality=world.municipality)
    for user, status in (
        (stranger, 404),
        (director, 403),
        (world.teacher, 403),
        (world.expert1, 403),
    ):
        client.force_login(user)
        assert client.get(f"/expertise/cases/{case.pk}/assign/").status_code == status
        assert client.post(f"/expertise/cases/{case.pk}/reconcile/").status_code == status
    client.force_login(director)
    assert client.get(f"/expertise/cases/{case.pk}/").status_code == 200


def test_the_assignment_page_does_not_offer_the_authors_colleague(client, world):
    case = submit(world)
    busy = world.expert2
    assign(world, submit(world), busy)  # a case waiting for expert2
    client.force_login(world.methodist)
    response = client.get(f"/expertise/cases/{case.pk}/assign/")
    choices = [label for _, label in response.context["form"].fields["experts"].choices]
    assert choices == [
        f"{world.expert1.full_name} — сейчас на экспертизе: 0",
        f"{busy.full_name} — сейчас на экспертизе: 1",
    ]
    page = response.content.decode()
    assert world.colleague_tutor.full_name in page  # listed among the excluded, with why
    assert "работает в той же школе, что и автор" in page
    # Sent anyway, the colleague is refused.
    response = client.post(
        f"/expertise/cases/{case.pk}/assign/", {"experts": [world.colleague_tutor.pk]}
    )
    assert response.status_code == 200 and not case.rounds.get().reviews.exists()


def test_the_methodist_assigns_through_the_form(client, world):
    case = submit(world)
    client.force_login(world.methodist)
    response = client.post(
        f"/expertise/cases/{case.pk}/assign/",
        {"experts": [world.expert1.pk, world.expert2.pk], "blind": "on"},
        follow=True,
    )
    assert "Эксперты назначены" in response.content.decode()
    case.refresh_from_db()
    assert case.blind and case.status == "review"
    assert case.rounds.get().reviews.count() == 2


def test_a_tutor_of_the_authors_school_cannot_open_the_case(client, world):
    case = assign(world, submit(world))
    client.force_login(world.colleague_tutor)
    assert client.get(f"/expertise/cases/{case.pk}/").status_code == 404


def test_reviews_stay_hidden_from_the_author_until_the_conclusion(client, world):
    case = assign(world, submit(world))
    score(case, world.expert1, full, comment="Замечание эксперта один")
    client.force_login(world.teacher)
    assert "Замечание эксперта один" not in client.get(case.get_absolute_url()).content.decode()
    score(case, world.expert2, full)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Замечание эксперта один" in page and "соответствует" in page


def test_an_expert_scores_through_the_form_saving_a_draft_then_submitting(client, world):
    case = assign(world, submit(world), world.expert1)
    review = case.rounds.get().reviews.get()
    criteria = list(case.rubric.criteria.all())
    client.force_login(world.expert1)
    data = {f"score_{c.pk}": c.max_score for c in criteria[:3]}
    data |= {f"comment_{criteria[0].pk}": "Результаты по годам есть", "conclusion": ""}
    response = client.post(f"/expertise/reviews/{review.pk}/", data, follow=True)
    assert "Черновик оценки сохранён" in response.content.decode()
    assert review.scores.count() == 3
    data = {f"score_{c.pk}": c.max_score for c in criteria}
    data |= {"conclusion": "Программа соответствует требованиям ФГОС.", "submit": "1"}
    response = client.post(f"/expertise/reviews/{review.pk}/", data, follow=True)
    assert "Оценка отправлена" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "concluded"


def test_another_tutor_of_the_subject_cannot_score(client, world):
    case = assign(world, submit(world), world.expert1)
    review = case.rounds.get().reviews.get()
    outsider = tutor_of(world.subject, world.municipality, OrganizationFactory())
    client.force_login(outsider)
    assert client.get(f"/expertise/reviews/{review.pk}/").status_code == 404
    assert client.post(f"/expertise/reviews/{review.pk}/", {"submit": "1"}).status_code == 404
