"""A calendar feed's secret address is replaced when the password is changed or reset: whoever
knew the old password may have copied it."""

import pytest
from django.core.cache import cache

from consultations.models import CalendarFeed
from tests.tutoring.factories import PASSWORD, user_with_role
from tutoring.models import RoleKind

NEW_PASSWORD = "tiho-shuršat-kamyshi-7"


@pytest.fixture(autouse=True)
def fresh_limits():
    # The reset letters' limits live in the (Redis) cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


def feed_url(client, user) -> str:
    client.force_login(user)
    client.get("/consultations/calendar/")
    client.logout()
    return f"/consultations/calendar/{CalendarFeed.objects.get(user=user).token}.ics"


def test_it_answers_404_at_the_old_address_after_a_password_change(client, db):
    tutor = user_with_role(RoleKind.TUTOR, username="tutor")
    old = feed_url(client, tutor)
    assert client.get(old).status_code == 200
    client.force_login(tutor)

    changed = client.post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(feed_url(client, tutor)).status_code == 200


def test_it_answers_404_at_the_old_address_after_a_password_reset(client, db, mailbox):
    tutor = user_with_role(RoleKind.TUTOR, username="tutor", email="tutor@example.ru")
    old = feed_url(client, tutor)
    with mailbox.sending():
        client.post("/password/reset/", {"email": "tutor@example.ru"})
    form_url = client.get(mailbox.last("tutor@example.ru").first_path())["Location"]

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done["Location"] == "/password/reset/done/"
    assert client.get(old).status_code == 404
    assert client.get(feed_url(client, tutor)).status_code == 200


def test_it_makes_no_feed_for_a_user_who_had_none(client, db):
    tutor = user_with_role(RoleKind.TUTOR, username="tutor")
    client.force_login(tutor)
    client.post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert not CalendarFeed.objects.filter(user=tutor).exists()
