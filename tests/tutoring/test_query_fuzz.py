"""Every list page, as a user who may see it, with each of its GET parameters set to junk:
an address typed by hand or cut short answers the page (the junk ignored) or 400, never 500."""

from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tutoring.models import AcademicYear, User

# The first demo login that sees a page is the one it is tried as; the methodist sees most.
LOGINS = ["methodist", "region_admin", "regional", "director", "school", "tutor", "teacher"]
JUNK = ["abc", "-1", "99999999999999999999", "'", "\x00", ["1", "abc"]]
SKIPPED = {"logout", "login"}


def addresses(resolver=None, prefix="", namespace=""):
    """(name, path) of every named page that takes no part of its address as an argument."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin" or pattern.pattern.regex.groups:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from addresses(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            yield f"{namespace}{pattern.name}", "/" + route.lstrip("^").rstrip("$")


class Parameters(HTMLParser):
    """The names a page's GET forms send, and the query keys of its links to itself."""

    def __init__(self, path):
        super().__init__()
        self.path, self.names, self.in_get_form = path, {"page"}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_get_form = (attrs.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self.in_get_form and attrs.get("name"):
            if attrs.get("type") not in {"submit", "button"}:
                self.names.add(attrs["name"])
        elif tag == "a" and attrs.get("href"):
            link = urlsplit(attrs["href"])
            if link.path in {"", self.path}:
                self.names.update(key for key, _ in parse_qsl(link.query))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def test_no_list_page_answers_500_to_junk_in_its_query(demo):
    clients = {}
    for login in LOGINS:
        clients[login] = Client(raise_request_exception=False)
        clients[login].force_login(User.objects.get(username=login))
    failures, tried = [], 0
    for name, path in sorted(set(addresses())):
        if name in SKIPPED:
            continue
        seen = next(
            ((c, r) for c in clients.values() if (r := c.get(path)).status_code == 200), None
        )
        if seen is None or "html" not in seen[1].get("Content-Type", ""):
            continue
        client, page = seen
        parser = Parameters(path)
        parser.feed(page.content.decode())
        for parameter in sorted(parser.names):
            for junk in JUNK:
                tried += 1
                status = client.get(path, {parameter: junk}).status_code
                if status >= 500:
                    failures.append(f"{path}?{parameter}={junk!r} → {status}")
    assert tried > 300, tried
    assert not failures, "\n".join(failures)


def test_the_tutor_directory_reads_a_junk_year_as_the_current_one(client, demo):
    client.force_login(User.objects.get(username="methodist"))
    current = AcademicYear.objects.current()
    for junk in ["abc", "-1", "99999999999999999999", "\x00"]:
        response = client.get("/community/tutors/", {"year": junk})
        assert response.status_code == 200
        assert f"Тьюторы на {current} учебный год" in response.content.decode()
