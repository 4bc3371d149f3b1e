"""Sending mail over SMTP with the standard library, configured by ``CASEWORK_SMTP_*``."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

SMTP_TIMEOUT_SECONDS = 30
MAX_SUBJECT_LENGTH = 150
NOT_CONFIGURED = "CASEWORK_SMTP_HOST is not set"


@dataclass
class SendingReport:
    """What one tick's sending of one kind of email did ("Reminders", "Mobilization emails")."""

    what: str
    sent: int = 0
    not_sent: int = 0
    problem: str = ""

    def summary(self) -> str:
        """What the tick command prints."""
        if self.problem == NOT_CONFIGURED:
            return f"{self.what} not sent: {NOT_CONFIGURED}."
        text = f"{self.what} sent: {self.sent}."
        if self.not_sent:
            text += (f" {self.not_sent} not sent ({self.problem or 'refused by the server'}); "
                     "the next tick tries them again.")
        return text


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The SMTP settings of the app, or None when no host is configured."""
        host = str(config.get("CASEWORK_SMTP_HOST") or "")
        if not host:
            return None
        return cls(host=host, port=int(config.get("CASEWORK_SMTP_PORT") or 587),
                   username=str(config.get("CASEWORK_SMTP_USERNAME") or ""),
                   password=str(config.get("CASEWORK_SMTP_PASSWORD") or ""),
                   starttls=bool(config.get("CASEWORK_SMTP_STARTTLS", True)),
                   sender=str(config.get("CASEWORK_MAIL_FROM") or "casework@localhost"))


def one_line(text: str) -> str:
    """Text fit for a header: one line (typed titles may hold newlines), not too long."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_SUBJECT_LENGTH else line[:MAX_SUBJECT_LENGTH - 1] + "…"


def compose(settings: MailSettings, to: str, subject: str, body: str,
            reply_to: str = "") -> EmailMessage:
    """A plain-text message, marked as sent by a machine so auto-responders stay quiet."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    return message


@contextmanager
def smtp_connection(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    """One connection for a batch of messages: STARTTLS and login when configured."""
    with smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password)
        yield smtp
