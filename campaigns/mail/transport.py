"""Handing messages to the SMTP server, or to the log when no server is set."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


class LogTransport:
    """``MAIL_SERVER`` unset (development, the demo): write each email to the log."""

    def __enter__(self) -> LogTransport:
        return self

    def __exit__(self, *exc_info) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        text = message.get_body(preferencelist=("plain",))
        log.warning(
            "MAIL_SERVER is not set, so this email was written here instead of sent:\n"
            "From: %s\nTo: %s\nSubject: %s\n\n%s",
            message["From"],
            message["To"],
            message["Subject"],
            text.get_content() if text is not None else "",
        )


class SMTPTransport:
    """One connection to the SMTP server, for one or more messages."""

    def __init__(self, config) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        config = self.config
        host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        smtp: smtplib.SMTP
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp
        return self

    def __exit__(self, *exc_info) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except (smtplib.SMTPException, OSError):
            self.smtp.close()
        self.smtp = None

    def send(self, message: EmailMessage) -> None:
        assert self.smtp is not None, "use the transport as a context manager"
        self.smtp.send_message(message)


def open_transport() -> LogTransport | SMTPTransport:
    """The transport the settings ask for; use it as ``with open_transport() as t: ...``."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return LogTransport()
    return SMTPTransport(config)


def is_permanent(error: Exception) -> bool:
    """Whether the server refused this message for good (5xx), so that retrying is futile.

    A refused login or sender is the site's configuration, not the message: it is retried,
    and goes out once the settings are fixed.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(
            code >= 500 for code, _reply in error.recipients.values()
        )
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False
