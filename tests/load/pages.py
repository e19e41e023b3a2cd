"""The main pages of every role, as its menu and section pages lead to them: what the load
test's users open, and what tests/load/test_pages.py checks answers 200 for that role.

A page is named by its path with `{school}` (the signed-in school, whose results the others
open too), `{municipality}` (the largest municipality, where all of them work) and `{teacher}`
(the signed-in teacher, whose own development page is the section's) left as is,
so that the report shows one row per page, whatever the ids are.
"""

ROLE_PAGES: dict[str, list[str]] = {
    "methodist": [
        "/",
        "/consultations/requests/",
        "/consultations/sessions/",
        "/expertise/cases/",
        "/monitoring/results/",
        "/monitoring/results/schools/{school}/",
        "/monitoring/risks/",
        "/monitoring/effect/",
        "/monitoring/effectiveness/",
        "/monitoring/imports/",
        "/community/library/",
        "/people/",
        "/organizations/",
        "/audit/",
    ],
    "director": [
        "/",
        "/consultations/sessions/",
        "/monitoring/results/",
        "/monitoring/risks/",
        "/monitoring/effect/",
        "/monitoring/effectiveness/",
        "/organizations/",
        "/audit/",
    ],
    "school": [
        "/",
        "/consultations/requests/",
        "/consultations/sessions/",
        "/expertise/cases/",
        "/monitoring/results/",
        "/monitoring/results/schools/{school}/",
        "/monitoring/risks/",
        "/people/",
        "/community/library/",
    ],
    "teacher": [
        "/",
        "/consultations/requests/",
        "/consultations/sessions/",
        "/expertise/cases/",
        "/community/library/",
        "/monitoring/development/{teacher}/",
    ],
    "tutor": [
        "/",
        "/consultations/sessions/",
        "/expertise/cases/?mine=review",
        "/monitoring/results/",
        "/monitoring/risks/",
        "/community/library/",
    ],
    "regional": [
        "/",
        "/monitoring/results/",
        "/monitoring/results/?municipality={municipality}",
        "/monitoring/risks/?municipality={municipality}",
        "/monitoring/effect/",
        "/organizations/",
        "/people/",
        "/audit/",
    ],
    "region_admin": [
        "/",
        "/region/",
        "/organizations/",
        "/people/",
    ],
}

# How many of the 50 concurrent users sign in as each role: the people who work in the portal
# every day (methodists, schools, teachers, tutors) more than those who look in.
ROLE_USERS = {
    "methodist": 10,
    "school": 10,
    "teacher": 10,
    "tutor": 10,
    "director": 4,
    "regional": 4,
    "region_admin": 2,
}


def urls_of(role: str, plan: dict) -> list[tuple[str, str]]:
    """(name in the report, URL to open) of each main page of the role."""
    return [(f"{role} {page}", page.format(**plan)) for page in ROLE_PAGES[role]]
