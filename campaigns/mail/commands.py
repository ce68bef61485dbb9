"""Mail commands: ``flask --app wsgi send-test-email`` and ``send-due-mail``."""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    app.cli.add_command(send_test_email)
    app.cli.add_command(send_due_mail)


@click.command("send-test-email")
@click.argument("email")
@click.option("--locale", type=click.Choice(["en", "ar"]), default="en", show_default=True)
@click.option("--organization", "slug", help="Sign it as this organization (its slug).")
def send_test_email(email: str, locale: str, slug: str | None) -> None:
    """Send a short email to EMAIL through the outbox, to check the mail settings."""
    import sqlalchemy as sa

    from campaigns.extensions import db
    from campaigns.mail import queue
    from campaigns.models import Organization

    organization = None
    if slug:
        organization = db.session.scalar(sa.select(Organization).where(Organization.slug == slug))
        if organization is None:
            raise click.BadParameter(f"No organization {slug!r}.", param_hint="--organization")
    try:
        row = queue("mail_check", to=email, locale=locale, organization=organization)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    assert row is not None, "only a message with a dedupe key is ever skipped"
    db.session.commit()  # the job starts once the email is committed
    db.session.refresh(row)
    if row.status == "sent":
        click.echo(f"Sent to {email} (outbox message {row.id}).")
    elif row.last_error:
        click.echo(f"Not sent yet, retried later (outbox message {row.id}): {row.last_error}")
    else:
        click.echo(f"Queued as outbox message {row.id}; the worker sends it.")


@click.command("send-due-mail")
def send_due_mail() -> None:
    """Send the emails that are due now: what beat's sweep does every minute."""
    from campaigns.mail import send_due

    click.echo(f"Attempted {send_due()} email(s).")
