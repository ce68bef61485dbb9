"""The stop emails among what the SMTP server received: a paid monthly gift has its receipt too."""

from __future__ import annotations

from email.message import EmailMessage

#: A phrase of the stop email's subject, in each language.
STOPPED = ("is stopped", "أُوقف تبرّعك الشهري")


def stop_emails(messages: list[EmailMessage]) -> list[EmailMessage]:
    return [m for m in messages if any(phrase in str(m["Subject"]) for phrase in STOPPED)]
