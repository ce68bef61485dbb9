"""A real SMTP server on loopback (aiosmtpd), keeping what it receives for the tests to read.

The ``smtp_server`` fixture starts one on a free port and points the app's mail settings at
it. ``stop()`` and ``start()`` take it down and bring it back on the same port; ``refuse``
makes it answer every recipient with an error.
"""

from __future__ import annotations

import email
import socket
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: accepts messages and keeps them, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        #: An SMTP reply such as ``"550 5.1.1 No such user"`` given to every RCPT TO.
        self.refuse: str | None = None
        self._arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._arrived:
            self.raw.append(envelope.original_content)
            self.messages.append(
                email.message_from_bytes(envelope.original_content, policy=policy.default)
            )
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``count`` messages have arrived (for senders in other processes)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return self.messages


class SMTPServer:
    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.inbox = Inbox()
        #: With a (user, password), the server requires AUTH and accepts only that login.
        self.login = login
        self._controller: Controller | None = None

    @property
    def app_settings(self) -> dict:
        """The app's mail settings that send to this server."""
        return {
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_TIMEOUT": 5.0,
        }

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def start(self) -> None:
        options = {}
        if self.login:
            # Loopback only, so plain-text AUTH is fine here (aiosmtpd warns about it).
            options = {"authenticator": self._authenticate, "auth_required": True,
                       "auth_require_tls": False}  # fmt: skip
        self._controller = Controller(self.inbox, hostname=self.host, port=self.port, **options)
        self._controller.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        user, password = auth_data.login.decode(), auth_data.password.decode()
        return AuthResult(success=(user, password) == self.login, handled=False)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A running SMTP server that the app sends its mail to."""
    server = SMTPServer()
    server.start()
    for name, value in server.app_settings.items():
        monkeypatch.setitem(app.config, name, value)
    try:
        yield server
    finally:
        server.stop()
