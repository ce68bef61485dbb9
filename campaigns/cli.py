"""Command-line tools: ``flask --app wsgi <command>``.

Each command parses its arguments, calls one service inside its own unit of work (committed
when the command succeeds), and reports; the work itself lives in the services so that tests
can call it directly.
"""

from __future__ import annotations

import click
from flask import Flask

from campaigns.monthly.commands import renew_test_subscriptions


def register(app: Flask) -> None:
    app.cli.add_command(demo_data)
    app.cli.add_command(create_admin)
    app.cli.add_command(reconcile)
    app.cli.add_command(renew_test_subscriptions)


@click.command("demo-data")
def demo_data() -> None:
    """Load the demo organizations and campaigns; a second run changes nothing."""
    from campaigns import unit_of_work
    from campaigns.catalog import ContentError
    from campaigns.demo import load_demo_data

    try:
        with unit_of_work.command():
            report = load_demo_data()
    except ContentError as error:
        raise click.ClickException(f"The demo content was refused: {error}") from error
    click.echo(report)


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(email: str, password_stdin: bool) -> None:
    """Create a platform admin (or reset an existing account's password)."""
    import sys

    from campaigns import unit_of_work
    from campaigns.admin.auth import AccountError, checked_email, create_platform_admin

    try:
        checked_email(email)
    except AccountError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work.command():
            user, created = create_platform_admin(email, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    if created:
        click.echo(f"Created platform admin {user.email}.")
    else:
        click.echo(f"Reset the password of {user.email}; the account is a platform admin.")


@click.command("reconcile")
@click.option("--fix", is_flag=True, help="Rewrite the figures that drifted from the ledger.")
def reconcile(fix: bool) -> None:
    """Recompute every campaign's total and daily figures from its donations and report any
    drift.

    Exits 0 when every figure matches the ledger (or, with ``--fix``, once repaired), 1 when
    drift remains.
    """
    from campaigns import unit_of_work
    from campaigns.money import format_plain
    from campaigns.payments.ledger import Drift
    from campaigns.payments.ledger import reconcile as reconcile_totals

    with unit_of_work.command(dry_run=not fix):
        drifts = reconcile_totals(fix=fix)
    fixed = " (fixed)" if fix else ""
    for d in drifts:
        if isinstance(d, Drift):
            click.echo(
                f"{d.slug}: raised {format_plain(d.stored_raised, d.currency)} {d.currency}"
                f" in the total, {format_plain(d.expected_raised, d.currency)} in the ledger;"
                f" donors {d.stored_donors} in the total, {d.expected_donors} in the ledger" + fixed
            )
            continue
        figures = "; ".join(
            f"{name} {stored} kept, {expected} in the ledger"
            for name, (stored, expected) in d.differences.items()
        )
        click.echo(f"{d.slug} on {d.day.isoformat()} ({d.currency}): {figures}{fixed}")
    campaigns = len({d.campaign_id for d in drifts})
    if not drifts:
        click.echo("Every campaign total and daily figure matches its donations.")
    elif fix:
        click.echo(f"Repaired {campaigns} campaign(s).")
    else:
        click.echo(f"{campaigns} campaign(s) drifted; run with --fix to repair.")
        raise SystemExit(1)
