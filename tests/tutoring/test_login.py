from tutoring.models import AuditEntry, RoleKind

from .factories import PASSWORD, user_with_role


def test_it_signs_a_user_in_and_lands_on_the_home_page(client, db):
    user_with_role(RoleKind.METHODIST, username="anna")
    response = client.post("/login/", {"username": "anna", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Здравствуйте, Мария Петровна!" in response.content.decode()


def test_it_signs_a_user_in_by_their_address_in_any_case(client, db):
    user_with_role(RoleKind.METHODIST, username="anna", email="anna@edu.example.ru")
    response = client.post("/login/", {"username": " Anna@EDU.example.ru ", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_it_shows_a_russian_error_and_keeps_the_login_on_a_wrong_password(client, db):
    user_with_role(RoleKind.METHODIST, username="anna")
    response = client.post("/login/", {"username": "anna", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Неверный логин или пароль" in page
    assert 'value="anna"' in page


def test_it_locks_the_login_for_15_minutes_after_5_failures(client, db):
    user_with_role(RoleKind.METHODIST, username="anna")
    for _ in range(5):
        client.post("/login/", {"username": "anna", "password": "wrong"})
    response = client.post("/login/", {"username": "anna", "password": PASSWORD})
    assert response.status_code == 429
    assert "заблокирован на 15 минут" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_lock_other_logins_when_one_is_locked(client, db):
    user_with_role(RoleKind.METHODIST, username="anna")
    user_with_role(RoleKind.METHODIST, username="boris")
    for _ in range(5):
        client.post("/login/", {"username": "anna", "password": "wrong"})
    response = client.post("/login/", {"username": "boris", "password": PASSWORD})
    assert response.status_code == 302


def test_it_signs_out_on_post(client, db):
    client.force_login(user_with_role(RoleKind.TEACHER))
    response = client.post("/logout/")
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_it_changes_the_password_and_records_it(client, db):
    user = user_with_role(RoleKind.TEACHER, username="olga")
    client.force_login(user)
    response = client.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Ябл0ко-Груша",
            "new_password2": "Ябл0ко-Груша",
        },
        follow=True,
    )
    assert "Пароль изменён." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Ябл0ко-Груша")
    entry = AuditEntry.objects.get(action="password.change")
    assert entry.actor == user
    assert "Ябл0ко" not in str(entry.changes)


def test_it_rejects_a_wrong_old_password_with_a_russian_message(client, db):
    user = user_with_role(RoleKind.TEACHER)
    client.force_login(user)
    response = client.post(
        "/profile/password/",
        {"old_password": "nope", "new_password1": "Ябл0ко-Груша", "new_password2": "Ябл0ко-Груша"},
    )
    assert "Ваш старый пароль введен неправильно" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
