"""A staff list through the real servers: gunicorn stores the upload and answers at once
«проверяется»; the Celery worker, started afterwards, checks the file; the page's progress
block then asks for a reload and the page shows the summary. Confirming loads the list in the
worker as well."""

import html
import re
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

import pytest
from django.contrib.auth.hashers import make_password

from tests import processes
from tests.tutoring.factories import OrganizationFactory, SubjectFactory, user_with_role
from tests.tutoring.listfiles import XLSX, staff_file
from tutoring.models import DirectoryImport, RoleKind, User

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True)]
PASSWORD = "worker-check-42"


class Browser:
    """Cookies, CSRF and the form's hidden fields, as a browser sends them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, **headers):
        request = urllib.request.Request(self.base + path, headers=headers)
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode(), response.headers

    def post(self, path: str, body: bytes, content_type: str) -> str:
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode(), response.url

    def hidden_fields(self, path: str) -> dict:
        page, _ = self.get(path)
        return {
            html.unescape(name): html.unescape(value)
            for name, value in re.findall(
                r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page
            )
        }

    def sign_in(self, username: str, password: str) -> None:
        fields = {**self.hidden_fields("/login/"), "username": username, "password": password}
        body = urllib.parse.urlencode(fields).encode()
        _page, url = self.post("/login/", body, "application/x-www-form-urlencoded")
        assert not url.endswith("/login/"), "could not sign in"

    def wait_for_refresh(self, path: str, seconds: int = 90) -> None:
        """Poll the progress block as htmx does until it asks for a reload."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            _block, headers = self.get(path, **{"HX-Request": "true"})
            if headers.get("HX-Refresh") == "true":
                return
            time.sleep(0.5)
        raise AssertionError(f"{path}: the task did not end within {seconds} s")

    def upload(self, path: str, fields: dict, filename: str, data: bytes) -> tuple[str, str]:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**self.hidden_fields(path), **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: {XLSX}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.post(path, body, f"multipart/form-data; boundary={boundary}")


def test_a_staff_list_is_checked_by_the_worker_while_the_page_waits():
    SubjectFactory(name="Математика")
    school = OrganizationFactory(short_name="МБОУ СОШ № 10", fis_oko_login="edu230110")
    user_with_role(
        RoleKind.METHODIST,
        municipality=school.municipality,
        username="metodist-worker",
        # The servers use the production hashers; the suite's fast one is not among them.
        password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
    )
    data = staff_file(
        ("edu230110", "Гусева", "Нина", "", "учитель", "Математика", "n.guseva@example.ru"),
        ("edu230110", "Орлов", "Пётр", "", "учитель", "Математика", "p.orlov@example.ru"),
    )

    with processes.gunicorn() as base:
        browser = Browser(base)
        browser.sign_in("metodist-worker", PASSWORD)
        page, url = browser.upload(
            "/directory-imports/staff/new/",
            {"municipality": school.municipality.pk},
            "Сотрудники школы.xlsx",
            data,
        )
        # No worker yet: the upload waits in the queue, and the page says so.
        batch = DirectoryImport.objects.get()
        assert url.endswith(f"/directory-imports/{batch.pk}/")
        assert batch.status == DirectoryImport.Status.CHECKING
        assert "Файл загружен на проверку: её итог — на этой странице." in page
        assert "проверяется" in page
        assert "Файл проверяется… Страница обновится сама" in page

        with processes.celery_worker():
            browser.wait_for_refresh(f"/directory-imports/{batch.pk}/progress/")
            page, _ = browser.get(f"/directory-imports/{batch.pk}/")
            batch.refresh_from_db()
            assert batch.status == DirectoryImport.Status.READY
            assert "проверен, ждёт подтверждения" in page
            assert "Подтвердить загрузку" in page
            assert re.search(r"Добавится</dt><dd[^>]*>2<", page)
            assert "Гусева Нина — МБОУ СОШ № 10" in page
            assert not batch.upload

            # Confirming: the load runs in the worker too, behind the same progress block.
            fields = browser.hidden_fields(f"/directory-imports/{batch.pk}/")
            body = urllib.parse.urlencode(fields).encode()
            browser.post(
                f"/directory-imports/{batch.pk}/confirm/",
                body,
                "application/x-www-form-urlencoded",
            )
            browser.wait_for_refresh(f"/directory-imports/{batch.pk}/progress/")
            page, _ = browser.get(f"/directory-imports/{batch.pk}/")
    batch.refresh_from_db()
    assert batch.status == DirectoryImport.Status.LOADED
    assert "Отправить приглашения" in page
    assert User.objects.filter(last_name__in=["Гусева", "Орлов"]).count() == 2
