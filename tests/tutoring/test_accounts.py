from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.tutoring.factories import PASSWORD, OrganizationFactory, user_with_role
from tutoring.models import AuditEntry, Invitation, RoleKind, User
from tutoring.services import people
from tutoring.services.people import RoleSpec

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "tiho-shuršat-kamyshi-7"


@pytest.fixture(autouse=True)
def fresh_limits():
    # The reset limits live in the (Redis) cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invited(mailbox):
    school = OrganizationFactory()
    methodist = user_with_role(RoleKind.METHODIST, municipality=school.municipality)
    with mailbox.sending():
        person = people.person_create(
            actor=methodist,
            last_name="Гусева",
            first_name="Нина",
            email="n.guseva@example.ru",
            roles=[RoleSpec(kind=RoleKind.TEACHER, organization=school)],
        )
    return person


def test_an_invited_person_sets_a_password_from_the_letter_and_is_signed_in(
    client, invited, mailbox
):
    letter = mailbox.last("n.guseva@example.ru")
    assert letter.subject == "Приглашение на портал сообщества тьюторов"
    link = letter.first_path()
    assert "Добро пожаловать, Нина" in client.get(link).content.decode()
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = client.post(link, data)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/profile/").status_code == 200
    assert User.objects.get(pk=invited.pk).check_password(NEW_PASSWORD)
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "Ссылка приглашения больше не действует" in again.content.decode()


def test_it_refuses_mismatched_passwords_and_keeps_the_link(client, invited, mailbox):
    link = mailbox.last().first_path()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": "другой"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert Invitation.objects.get(user=invited).is_open


def test_an_expired_or_unknown_invitation_shows_a_clear_page(client, invited, mailbox):
    link = mailbox.last().first_path()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    for url in (link, "/invitation/no-such-token/"):
        response = client.get(url)
        assert response.status_code == 410
        assert "устарела" in response.content.decode()


def test_a_deactivated_person_s_invitation_opens_nothing(client, invited, mailbox):
    link = mailbox.last().first_path()
    people.person_deactivate(actor=None, person=invited)
    assert client.get(link).status_code == 410


@pytest.fixture
def teacher():
    return user_with_role(RoleKind.TEACHER, email="v.orlova@example.ru", username="orlova")


def _ask_reset(client, email):
    return client.post("/password/reset/", {"email": email})


def test_it_restores_a_password_by_the_letter_once(client, teacher, mailbox):
    assert "Забыли пароль?" in client.get("/login/").content.decode()
    with mailbox.sending():
        response = _ask_reset(client, "V.Orlova@example.ru")
    assert response["Location"] == "/password/reset/sent/"
    letter = mailbox.last("v.orlova@example.ru")
    assert letter.subject == "Восстановление пароля на портале сообщества тьюторов"
    link = letter.first_path()
    form_url = client.get(link)["Location"]
    data = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(form_url, data)["Location"] == "/password/reset/done/"
    assert User.objects.get(pk=teacher.pk).check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="password.reset")
    assert entry.action_label == "пароль восстановлен по ссылке из письма"
    assert NEW_PASSWORD not in str(entry.changes)
    # The same link a second time: the token was made for the old password.
    reused = client.get(link, follow=True)
    assert "Ссылка больше не действует" in reused.content.decode()
    login = client.post("/login/", {"username": "v.orlova@example.ru", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_it_answers_the_same_for_an_unknown_address_and_sends_nothing(client, teacher, mailbox):
    with mailbox.sending():
        known = _ask_reset(client, "v.orlova@example.ru")
        unknown = _ask_reset(client, "nobody@example.ru")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [letter.to for letter in mailbox.letters] == [["v.orlova@example.ru"]]


def test_it_sends_no_reset_letter_to_a_deactivated_person(client, teacher, mailbox):
    people.person_deactivate(actor=None, person=teacher)
    with mailbox.sending():
        assert _ask_reset(client, "v.orlova@example.ru").status_code == 302
    assert mailbox.letters == []


def test_it_limits_reset_letters_per_address(client, teacher, mailbox):
    with mailbox.sending():
        for _ in range(3):
            assert _ask_reset(client, "v.orlova@example.ru").status_code == 302
        refused = _ask_reset(client, "v.orlova@example.ru")
    assert "Слишком много запросов" in refused.content.decode()
    assert len(mailbox.to("v.orlova@example.ru")) == 3


def test_it_limits_reset_requests_per_client(client, teacher, mailbox):
    for i in range(20):
        _ask_reset(client, f"someone{i}@example.ru")
    with mailbox.sending():
        refused = _ask_reset(client, "v.orlova@example.ru")
    assert "Слишком много запросов" in refused.content.decode()
    assert mailbox.letters == []


def test_it_changes_the_profile_address_after_the_letter_is_opened(
    client, teacher, mailbox, sign_in
):
    client = sign_in("orlova", PASSWORD)
    assert "v.orlova@example.ru" in client.get("/profile/").content.decode()
    with mailbox.sending():
        response = client.post("/profile/email/", {"email": "vera.orlova@example.ru"})
    assert response.status_code == 302
    assert User.objects.get(pk=teacher.pk).email == "v.orlova@example.ru"
    link = mailbox.last("vera.orlova@example.ru").first_path()
    assert link.startswith("/profile/email/")
    page = client.get(link, follow=True).content.decode()
    assert "Адрес электронной почты подтверждён" in page
    assert User.objects.get(pk=teacher.pk).email == "vera.orlova@example.ru"
    assert AuditEntry.objects.filter(action="person.email_change").exists()


def test_it_refuses_an_address_of_another_person_next_to_the_field(
    client, teacher, mailbox, sign_in
):
    user_with_role(RoleKind.TEACHER, email="taken@example.ru")
    client = sign_in("orlova", PASSWORD)
    with mailbox.sending():
        response = client.post("/profile/email/", {"email": "taken@example.ru"})
    assert "уже указан у другого человека" in response.context["email_form"].errors["email"][0]
    assert mailbox.letters == []


def test_the_confirmation_link_needs_a_sign_in_and_the_right_account(
    client, teacher, mailbox, sign_in
):
    client = sign_in("orlova", PASSWORD)
    with mailbox.sending():
        client.post("/profile/email/", {"email": "vera.orlova@example.ru"})
    link = mailbox.last().first_path()
    client.logout()
    assert client.get(link)["Location"].startswith("/login/")
    user_with_role(RoleKind.TEACHER, username="other")
    client = sign_in("other", PASSWORD)
    page = client.get(link, follow=True).content.decode()
    assert "адрес другой учётной записи" in page
    assert User.objects.get(pk=teacher.pk).email == "v.orlova@example.ru"


def test_an_expired_reset_link_opens_nothing(client, teacher, mailbox, settings):
    with mailbox.sending():
        _ask_reset(client, "v.orlova@example.ru")
    link = mailbox.last("v.orlova@example.ru").first_path()
    settings.PASSWORD_RESET_TIMEOUT = -1  # the link is now older than the limit
    page = client.get(link, follow=True).content.decode()
    assert "Ссылка больше не действует" in page
    assert User.objects.get(pk=teacher.pk).check_password(PASSWORD)
