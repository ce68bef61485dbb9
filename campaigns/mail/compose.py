"""Composing an email: its two parts from templates, and the message that goes on the wire."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app
from flask_babel import force_locale

from campaigns.models import OutboxMessage


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, locale: str, context: dict) -> Rendered:
    """Render ``email/<template>.txt`` and ``.html`` in ``locale``.

    The text template names the subject with a top-level ``{% set subject = _("...") %}``,
    so that it is translated with the rest of the email; the HTML one receives it.
    """
    env = current_app.jinja_env
    with force_locale(locale):
        values = dict(context)
        current_app.update_template_context(values)
        module = env.get_template(f"email/{template}.txt").make_module(values)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        if not subject:
            raise ValueError(f"email/{template}.txt does not set a subject.")
        html = env.get_template(f"email/{template}.html").render(values, subject=subject)
    text = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", str(module).strip())
    return Rendered(subject=subject, text=text + "\n", html=html)


def default_sender() -> tuple[str, str]:
    """``MAIL_DEFAULT_SENDER`` as (display name, address)."""
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])


def build_message(row: OutboxMessage) -> EmailMessage:
    """The outbox row as a MIME message: text and HTML alternatives, encoded headers.

    ``Address`` encodes a display name in Arabic script as RFC 2047 requires; a header
    value with a line break (header injection) is refused with ``ValueError``.
    """
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = Address(display_name=row.sender_name or "", addr_spec=row.sender_address)
    message["To"] = _address(row.recipient)
    message["Date"] = formatdate(usegmt=True)
    for name, value in (row.headers or {}).items():
        message[name] = value
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    return message


def is_address(text: str) -> bool:
    try:
        _address(text)
    except ValueError:
        return False
    return True


def _address(text: str) -> Address:
    name, addr = parseaddr(text)
    if "@" not in addr or any(c in text for c in "\r\n"):
        raise ValueError(f"Not an email address: {text!r}")
    return Address(display_name=name, addr_spec=addr)
