import pytest

from tests import processes


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright():
    # Playwright's sync API runs an event loop in the test thread; Django then refuses ORM
    # calls there (creating the test database, loading data) unless told that this thread
    # does no async work of its own.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture
def demo_site(live_server, transactional_db):
    """The live server with the demo data committed, so that its thread sees them."""
    from tutoring.demo import load_demo

    load_demo()
    return live_server


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, serving static files as production does: through
    WhiteNoise and the collected manifest. Django's test handler would answer 404 for the
    hashed file names that the manifest storage puts into pages."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _unchanged
    server.start()
    yield server
    server.stop()


def _unchanged(application):
    return application


@pytest.fixture
def worker(demo_site):
    """A real Celery worker on the test database and Redis: it renders the PDFs."""
    with processes.celery_worker() as process:
        yield process
