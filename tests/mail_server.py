"""A real SMTP server on loopback (aiosmtpd) for the tests that send email, and the app's
settings that send to it."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.postgres_server import free_port

BASE_URL = "https://casework.example.org"


class MailServer:
    """An aiosmtpd server on a fixed loopback port that keeps what it receives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.controller: Controller | None = None

    async def handle_RCPT(self, _server: SMTP, _session: Session, envelope: Envelope,
                          address: str, _options: list[str]) -> str:
        if address in self.refused:
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def take(self) -> list[EmailMessage]:
        """The messages received since the last call."""
        taken, self.received = self.received, []
        return taken


def smtp_config(server: MailServer, sender: str = "casework@sea.example.org") -> dict[str, Any]:
    """The app's settings to send through ``server``, links made with ``BASE_URL``."""
    return {"CASEWORK_SMTP_HOST": "127.0.0.1", "CASEWORK_SMTP_PORT": server.port,
            "CASEWORK_SMTP_STARTTLS": False, "CASEWORK_MAIL_FROM": sender,
            "CASEWORK_BASE_URL": BASE_URL}
