"""Command-line tools: ``flask --app wsgi <command>``.

Each command parses its arguments, calls one service, commits, and reports; the work itself
lives in the services so that tests can call it directly.
"""

from __future__ import annotations

import click
from flask import Flask


def register(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(create_admin)
    app.cli.add_command(reconcile)


@click.command("demo-data")
def demo_data() -> None:
    """Load the demo organizations and campaigns; a second run changes nothing."""
    from campaigns.demo import load_demo_data
    from campaigns.extensions import db

    report = load_demo_data()
    db.session.commit()
    click.echo(report)


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(email: str, password_stdin: bool) -> None:
    """Create a platform admin (or reset an existing account's password)."""
    raise click.ClickException("Not available yet.")


@click.command("reconcile")
@click.option("--fix", is_flag=True, help="Rewrite the totals that drifted from the ledger.")
def reconcile(fix: bool) -> None:
    """Recompute every campaign's total from its donations and report any drift."""
    raise click.ClickException("Not available yet.")
