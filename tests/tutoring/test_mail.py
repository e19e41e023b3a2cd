import smtplib
import socket
import threading

import pytest

from tests.services import free_port
from tutoring.mail import queue_letter
from tutoring.tasks import send_letter

pytestmark = pytest.mark.django_db


def test_it_delivers_a_letter_to_the_smtp_server(mailbox):
    with mailbox.sending():
        queue_letter(
            to="n.guseva@example.ru",
            subject="Приглашение на портал",
            template="tutoring/email/email_change.txt",
            context={"person": {"first_name": "Нина"}, "link": "http://portal/x/"},
        )
    letter = mailbox.last("n.guseva@example.ru")
    assert letter.subject == "Приглашение на портал"
    assert "Здравствуйте, Нина!" in letter.body
    assert letter.first_link == "http://portal/x/"


def test_it_sends_nothing_when_the_change_rolls_back(mailbox):
    with mailbox.sending():
        pass  # nothing queued: no letter
    assert mailbox.letters == []


class DroppingRelay:
    """A relay that is down: it accepts each connection and hangs up at once."""

    def __init__(self):
        self.port = free_port()
        self.connections = 0
        self._sock = socket.create_server(("127.0.0.1", self.port))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self):
        self._sock.close()


@pytest.fixture
def quiet_retries(monkeypatch):
    # An eager retry re-runs the task at once; with errors propagated the first retry would
    # end the test instead of the ninth.
    monkeypatch.setitem(send_letter.app.conf, "task_eager_propagates", False)


def test_it_retries_a_letter_while_the_relay_is_down_and_then_gives_up(
    mailbox, settings, quiet_retries
):
    relay = DroppingRelay()
    settings.EMAIL_PORT = relay.port
    try:
        result = send_letter.apply(("x@example.ru", "Тема", "Текст"))
    finally:
        relay.close()
    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    # The first try and eight retries, then the letter is given up.
    assert relay.connections == 9


def test_it_retries_when_nothing_listens(mailbox, settings, quiet_retries):
    settings.EMAIL_PORT = free_port()
    result = send_letter.apply(("x@example.ru", "Тема", "Текст"))
    assert isinstance(result.result, ConnectionRefusedError)
    assert mailbox.letters == []
