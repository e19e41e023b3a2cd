"""The load test's own parts that run without locust: the filled region's accounts sign in
with their password and open every page of their role, and the report turns the samples the
locustfile writes into percentiles per phase."""

import csv

import pytest
from django.test import Client

from monitoring.models import Participant
from tests.load import growth, report
from tests.load.fill import fill
from tests.load.pages import ROLE_PAGES, ROLE_USERS, urls_of
from tutoring.models import RoleKind, User


@pytest.fixture
def plan(db):
    return fill("tiny", stdout=None).as_dict()


def test_it_has_pages_and_users_for_every_role(plan):
    assert set(ROLE_PAGES) == set(ROLE_USERS) == set(plan["users"])
    assert set(RoleKind.values) == set(plan["users"])
    assert sum(ROLE_USERS.values()) == 50


def test_every_role_signs_in_and_opens_each_of_its_pages(plan):
    for role in ROLE_PAGES:
        client = Client()
        # Through the login page, as the load test's users sign in.
        signed_in = client.post(
            "/login/", {"username": plan["users"][role], "password": plan["password"]}
        )
        assert signed_in.status_code == 302, role
        for name, url in urls_of(role, plan):
            response = client.get(url)
            assert response.status_code == 200, name


def test_the_school_results_page_shows_the_filled_results(plan):
    client = Client()
    client.force_login(User.objects.get(username=plan["users"]["school"]))
    assert Participant.objects.filter(result_set__organization_id=plan["school"]).exists()
    response = client.get(f"/monitoring/results/schools/{plan['school']}/")
    assert "ВПР" in response.content.decode()


def samples_file(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["t", "name", "ms", "error"])
        writer.writerows(rows)
    return str(path)


def test_the_report_prints_each_phases_percentiles_beside_healthz(tmp_path):
    # Warm-up 10 s, phases of 100 s: a sign-in in the warm-up, then 1..100 ms without
    # uploads and 2..200 ms with them; /healthz 10 ms throughout; one failed request.
    rows = [(1.0, "sign-in", 900, "")]
    rows += [(9.5 + n, "methodist /", n, "") for n in range(1, 101)]
    rows += [(109.5 + n, "methodist /", 2 * n, "") for n in range(1, 100)]
    rows += [(209.5, "methodist /", 200, "HTTP 500")]
    rows += [(10 + n, "/healthz", 10, "") for n in range(200)]
    summary = report.summarize(
        report.read_samples(samples_file(tmp_path / "s.csv", rows)),
        warmup=10,
        seconds=100,
        scale="small",
    )
    printed = report.render(summary)

    row = next(line for line in printed.splitlines() if line.startswith("methodist /"))
    assert row.split() == [
        "methodist", "/", "100", "50", "95", "99", "5.0", "|", "100", "100", "190", "198", "10.0",
        "|", "2.00",
    ]  # fmt: skip
    assert "with uploads: 200 requests, 2.0 req/s, 1 errors" in printed
    assert "errors: 1 — NOT MET" in printed
    assert "site-wide p95 with uploads: 190 ms (≤ 250) — ok" in printed


def test_the_report_sets_a_tenth_of_the_region_beside_the_whole(tmp_path):
    def summary(ms, scale):
        rows = [(n, "tutor /", ms, "") for n in range(100)]
        return report.summarize(
            report.read_samples(samples_file(tmp_path / f"{scale}.csv", rows)),
            warmup=0,
            seconds=100,
            scale=scale,
        )

    printed = report.compare(summary(40, "small"), summary(80, "full"))

    assert "tutor /" in printed and "2.00  > 1.5×" in printed
    assert "worst p50 growth: 2.00× (≤ 1.5×) — NOT MET" in printed


def test_the_growth_check_sets_each_page_of_both_scales_side_by_side():
    rows = [
        {"role": "tutor", "page": "tutor /", "small": 40.0, "full": 48.0},
        {"role": "regional", "page": "regional /people/", "small": 20.0, "full": 32.0},
    ]

    printed = growth.render(rows)

    lines = printed.splitlines()
    # The worst first, flagged; the verdict names it.
    assert lines[2].split()[-5:] == ["20.0", "32.0", "1.60", ">", "1.5×"]
    assert lines[3].split()[-3:] == ["40.0", "48.0", "1.20"]
    assert "from a tenth to the whole: NOT MET (worst 1.60×, regional regional /people/)" in printed
    rows[1]["full"] = 29.0
    assert "whole: met (worst 1.45×, regional regional /people/)" in growth.render(rows)
