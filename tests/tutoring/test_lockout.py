"""Lockout that cannot be used against a user: a login is locked only from the address that
guessed at it; an address that guesses at many logins is locked as a whole."""

from tutoring.models import RoleKind

from .factories import PASSWORD, user_with_role


def sign_in(client, username, password, address):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_it_does_not_lock_director_out_from_another_address(client, db):
    user_with_role(RoleKind.DIRECTOR, username="director")
    for _ in range(5):
        sign_in(client, "director", "wrong", "203.0.113.7")

    assert sign_in(client, "director", PASSWORD, "203.0.113.7").status_code == 429
    assert sign_in(client, "director", PASSWORD, "198.51.100.2").status_code == 302


def test_it_locks_an_address_after_20_failures_over_several_logins(client, db):
    user_with_role(RoleKind.METHODIST, username="anna")
    for attempt in range(19):
        sign_in(client, f"guess-{attempt % 4}", "wrong", "203.0.113.7")
    assert sign_in(client, "anna", PASSWORD, "203.0.113.7").status_code == 302
    client.logout()

    sign_in(client, "guess-x", "wrong", "203.0.113.7")

    response = sign_in(client, "anna", PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert sign_in(client, "anna", PASSWORD, "198.51.100.2").status_code == 302
