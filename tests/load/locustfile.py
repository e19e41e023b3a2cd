"""The users of the load test, for locust (`tests/load/run.py` starts it; it is not part of the
suite, which has no locust).

Every user signs in through the login page as the account of its role (`ROLE_USERS` of each)
and then opens the main pages of that role (tests/load/pages.py) one after another, with a
person's pause between them. Beside them a probe asks /healthz twice a second, and, once the
phase without uploads is over, a school uploads a ВПР «Ф1» file of 25 pupils every 15 s, as
its administration does: upload, wait for the check, confirm, wait for the load.

Every request is written to LOADTEST_SAMPLES (seconds since the start, name, milliseconds,
error): the report splits them into the phases itself, with exact percentiles.
"""

import csv
import json
import os
import random
import re
import time

from locust import HttpUser, between, constant_pacing, events, task

from tests.load.pages import ROLE_USERS, urls_of
from tests.monitoring import f1files

with open(os.environ["LOADTEST_PLAN"], encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
WARMUP = float(os.environ.get("LOADTEST_WARMUP", "30"))
PHASE = float(os.environ.get("LOADTEST_SECONDS", "180"))
UPLOAD_EVERY = 15
# The check and the load of a 25-pupil file take a second or two; a minute means it is stuck.
UPLOAD_PATIENCE = 60

_samples: list[tuple[float, str, float, str]] = []
_started = [time.time()]


@events.test_start.add_listener
def _on_start(**_kwargs):
    _started[0] = time.time()


@events.request.add_listener
def _on_request(name, response_time, exception=None, start_time=None, **_kwargs):
    at = (start_time or time.time() - response_time / 1000) - _started[0]
    _samples.append((round(at, 3), name, round(response_time, 1), str(exception or "")))


@events.quitting.add_listener
def _on_quit(**_kwargs):
    with open(os.environ["LOADTEST_SAMPLES"], "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["t", "name", "ms", "error"])
        writer.writerows(_samples)


class _Portal(HttpUser):
    abstract = True

    def sign_in(self, username: str) -> None:
        self.client.get("/login/", name="sign-in: form")
        response = self.client.post(
            "/login/",
            {
                "username": username,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="sign-in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{username} did not sign in: {response.status_code}")

    def post(self, url: str, name: str, **kwargs):
        data = {**kwargs.pop("data", {}), "csrfmiddlewaretoken": self.client.cookies["csrftoken"]}
        return self.client.post(url, data=data, name=name, allow_redirects=False, **kwargs)


class _RoleUser(_Portal):
    abstract = True
    role = ""
    # A person reads a page before opening the next.
    wait_time = between(2, 6)

    def on_start(self):
        self.sign_in(PLAN["users"][self.role])
        self.pages = urls_of(self.role, PLAN)

    @task
    def open_a_page(self):
        name, url = random.choice(self.pages)
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


# One user class per role, with a fixed number of users each.
for _role, _count in ROLE_USERS.items():
    globals()[_role] = type(_role, (_RoleUser,), {"role": _role, "fixed_count": _count})


# Lower-case names: locust shows users by their class's name.
class healthz(HttpUser):
    fixed_count = 1
    wait_time = constant_pacing(0.5)

    @task
    def probe(self):
        self.client.get("/healthz", name="/healthz")


class upload(_Portal):
    """A school's administration uploading its results during the second phase."""

    fixed_count = 1

    def on_start(self):
        self.sign_in(PLAN["uploader"])
        self.number = 0
        # The first phase is measured without uploads.
        self.next_at = _started[0] + WARMUP + PHASE
        time.sleep(max(0.0, self.next_at - time.time()))

    def wait_time(self):
        # A file every 15 s, however long each took (locust's constant_pacing lets the second
        # task follow the first at once).
        return max(0.0, self.next_at - time.time())

    @task
    def upload_a_file(self):
        began = time.time()
        self.next_at = began + UPLOAD_EVERY
        self.number += 1
        error = ""
        try:
            self._upload(self._file(self.number))
        except _UploadFailed as failed:
            error = str(failed)
        events.request.fire(
            request_type="UPLOAD",
            name="upload: file checked and loaded",
            response_time=(time.time() - began) * 1000,
            response_length=0,
            exception=_UploadFailed(error) if error else None,
            context={},
            start_time=began,
        )

    def _file(self, seed: int) -> bytes:
        work = PLAN["upload"]
        tasks = [tuple(t) for t in work["tasks"]]
        # Another seed each time: other scores, so each file replaces the school's results.
        rows = f1files.generated_rows(
            25,
            tasks,
            seed=seed,
            school_login=work["school_login"],
            school_name=work["school_name"],
            grade=work["grade"],
        )
        return f1files.f1_file(
            rows,
            tasks=tasks,
            year=work["year"],
            subject=work["subject"],
            grade=work["grade"],
            held_on=f"15.04.{work['year']}",
        )

    def _upload(self, content: bytes) -> None:
        self.client.get("/monitoring/imports/new/", name="upload: form")
        response = self.post(
            "/monitoring/imports/new/",
            "upload: file",
            data={"layout": "vpr"},
            files={"file": ("Ф1.xlsx", content)},
        )
        found = re.search(r"/monitoring/imports/(\d+)/$", response.headers.get("Location", ""))
        if not found:
            raise _UploadFailed(f"upload answered {response.status_code}")
        batch = f"/monitoring/imports/{found[1]}/"
        self._wait(batch)
        if "Подтвердить загрузку" not in self.client.get(batch, name="upload: batch").text:
            raise _UploadFailed("the file was not accepted")
        self.post(f"{batch}confirm/", "upload: confirm")
        self._wait(batch)
        if "Результаты школ" not in self.client.get(batch, name="upload: batch").text:
            raise _UploadFailed("the file was not loaded")

    def _wait(self, batch: str) -> None:
        """Poll as the page does (htmx, every 2 s) until it says the step is over."""
        deadline = time.time() + UPLOAD_PATIENCE
        while time.time() < deadline:
            response = self.client.get(f"{batch}progress/", name="upload: progress")
            if response.headers.get("HX-Refresh"):
                return
            time.sleep(2)
        raise _UploadFailed(f"no result within {UPLOAD_PATIENCE} s")


class _UploadFailed(Exception):
    pass
