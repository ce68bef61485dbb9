"""``flask renew-test-subscriptions``: the test gateway's next month, for demos and tests."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("renew-test-subscriptions")
@click.option(
    "--all-now",
    is_flag=True,
    help="Renew every running test subscription now, due or not (a demo's next month).",
)
@with_appcontext
def renew_test_subscriptions(all_now: bool) -> None:
    """Send a paid renewal (invoice.paid) for each monthly test gift whose month is over."""
    from campaigns import unit_of_work
    from campaigns.monthly.services import renew_test_subscriptions as renew
    from campaigns.payments.gateways import GatewayError

    try:
        with unit_of_work.command():
            count = renew(all_now=all_now)
    except GatewayError as exc:
        raise click.ClickException(f"The test gateway is not available here ({exc}).") from None
    click.echo(f"Renewed {count} test subscription(s).")
