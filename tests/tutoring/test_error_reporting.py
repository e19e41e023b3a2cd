"""Error reporting: without SENTRY_DSN the SDK is not even imported; with one, an error raised
in a view reaches the Sentry server the DSN names (here a tiny HTTP server of the test)."""

import gzip
import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.conf import settings

from tests import processes

pytestmark = pytest.mark.django_db

# Runs in a fresh process, as the portal starts: the settings read SENTRY_DSN from the
# environment. A view that raises stands in for a bug.
SCRIPT = """
import sys
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.urls import path

def broken(request):
    raise RuntimeError("the report reached the error tracker")

class urls:
    urlpatterns = [path("broken/", broken)]

settings.ROOT_URLCONF = urls
print("status", Client(raise_request_exception=False).get("/broken/").status_code)
print("sentry_sdk loaded", "sentry_sdk" in sys.modules)
if "sentry_sdk" in sys.modules:
    import sentry_sdk
    sentry_sdk.flush(timeout=10)
"""


def run_portal(**env) -> str:
    environment = {**processes.production_env(), "ALLOWED_HOSTS": "testserver", **env}
    if "SENTRY_DSN" not in env:
        environment.pop("SENTRY_DSN", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


class Collector(BaseHTTPRequestHandler):
    received: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":  # the SDK compresses with Brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        self.received.append((self.path, body.decode()))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    received = []
    handler = type("Handler", (Collector,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


def test_it_does_not_load_the_sdk_without_a_dsn():
    output = run_portal()

    assert "status 500" in output
    assert "sentry_sdk loaded False" in output


def test_it_sends_a_raised_error_to_the_dsns_server(sentry_server):
    port, received = sentry_server

    output = run_portal(
        SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/42", SENTRY_ENVIRONMENT="labinsk-test"
    )

    assert "status 500" in output and "sentry_sdk loaded True" in output
    [(path, envelope)] = [item for item in received if "RuntimeError" in item[1]]
    assert path == "/api/42/envelope/"
    event = json.loads(next(line for line in envelope.splitlines() if '"exception"' in line))
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "the report reached the error tracker"
    assert event["environment"] == "labinsk-test"
    assert "user" not in event or "email" not in event["user"]
