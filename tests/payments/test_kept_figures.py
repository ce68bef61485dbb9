"""The figures the ledger keeps as it moves money: campaign totals in slots, daily figures.

Each is checked against what a person reads (the campaign's total, the dashboard's day)
and against ``reconcile``, which recomputes them from the donations.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from campaigns.admin import dashboard
from campaigns.models import (
    CampaignDailyTotal,
    CampaignTotalSlot,
    DonationSource,
    Frequency,
    OfflineMethod,
)
from campaigns.payments import ledger
from campaigns.payments.ledger import totals as ledger_totals
from tests.stripe_server.events import (
    charge_refunded,
    dispute_closed,
    dispute_created,
    invoice_paid,
    session_event,
)


def apply(event: dict) -> str:
    return ledger.record_event("stripe", event, json.dumps(event))


def day_figures(db, campaign, day: date) -> dict[str, int]:
    """The kept figures of one campaign's day, summed over its slots."""
    columns = ledger_totals.FIGURE_COLUMNS
    row = db.session.execute(
        sa.select(
            *(sa.func.coalesce(sa.func.sum(getattr(CampaignDailyTotal, c)), 0) for c in columns)
        ).where(CampaignDailyTotal.campaign_id == campaign.id, CampaignDailyTotal.day == day)
    ).one()
    return dict(zip(columns, map(int, row), strict=True))


def test_every_kind_of_money_movement_is_kept_exactly(db, make, campaign):
    today = datetime.now(UTC).date()
    paid = make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE)
    refunded = make.donation(campaign, amount_minor=3000, source=DonationSource.STRIPE)
    disputed = make.donation(campaign, amount_minor=2000, source=DonationSource.STRIPE)
    lost = make.donation(campaign, amount_minor=1000, source=DonationSource.STRIPE)
    monthly = make.donation(
        campaign, amount_minor=500, source=DonationSource.STRIPE, frequency=Frequency.MONTHLY
    )
    for donation in (paid, refunded, disputed, lost):
        apply(session_event("checkout.session.completed", donation))
    apply(charge_refunded(refunded, amount_refunded=1200))
    apply(dispute_created(disputed))
    apply(dispute_created(lost))
    apply(dispute_closed(lost, status="lost"))
    apply(session_event("checkout.session.completed", monthly, mode="subscription"))
    apply(invoice_paid(monthly, "in_renewal", billing_reason="subscription_cycle"))
    ledger.record_offline_gift(
        campaign,
        700,
        donor_name="Cash",
        method=OfflineMethod.CASH,
        reference=None,
        received_on=today,
    )
    ledger.record_opening_balance(campaign, 10_000, received_on=date(2020, 3, 1))

    gifts = [4000, 3000 - 1200, 500, 500, 700]  # paid, refunded in part, monthly, renewal, cash
    assert day_figures(db, campaign, today) == {
        "raised_minor": sum(gifts),
        "donor_count": 4,  # a renewal is the same donor
        "gifts": len(gifts),
        "gifts_minor": sum(gifts),
        "refunded_minor": 1200 + 1000,  # the refund, and the dispute lost
        "disputed_minor": 2000,
    }
    opening = day_figures(db, campaign, date(2020, 3, 1))
    assert (opening["raised_minor"], opening["gifts"], opening["donor_count"]) == (10_000, 0, 0)
    db.session.refresh(campaign)
    assert (campaign.raised_minor, campaign.donor_count) == (sum(gifts) + 10_000, 4)
    assert ledger.reconcile() == []

    # What the dashboard shows comes from these figures.
    (row,) = dashboard.figures([campaign])
    assert (row.gifts, row.average_minor) == (5, round(sum(gifts) / 5))
    chart = dashboard.gifts_over_time(campaign, today=today)
    assert (chart.bars[-1].amount_minor, chart.bars[-1].gifts) == (sum(gifts), 5)
    assert chart.total_minor == sum(gifts)


def test_a_duplicate_or_repeated_event_changes_no_figure_twice(db, make, campaign):
    donation = make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE)
    completion = session_event("checkout.session.completed", donation)
    refund = charge_refunded(donation, amount_refunded=1000)
    for event in (refund, completion, completion, refund, dict(refund, id="evt_again")):
        apply(event)
    today = datetime.now(UTC).date()
    assert day_figures(db, campaign, today)["gifts_minor"] == 3000
    assert day_figures(db, campaign, today)["refunded_minor"] == 1000
    assert ledger.reconcile() == []


def test_the_total_is_spread_over_slots_and_read_whole(db, make, campaign, monkeypatch):
    """Each transaction adds to one slot; the campaign reads the sum of all of them."""
    picks = iter(range(100))
    monkeypatch.setattr(ledger_totals.random, "randrange", lambda n: next(picks) % n)
    for amount in (1000, 2000, 3000):
        donation = make.donation(campaign, amount_minor=amount, source=DonationSource.STRIPE)
        apply(session_event("checkout.session.completed", donation))
    slots = db.session.execute(
        sa.select(CampaignTotalSlot.slot, CampaignTotalSlot.raised_minor).where(
            CampaignTotalSlot.campaign_id == campaign.id
        )
    ).all()
    assert sorted(slots) == [(0, 1000), (1, 2000), (2, 3000)]
    db.session.refresh(campaign)
    assert (campaign.raised_minor, campaign.donor_count) == (6000, 3)
    assert ledger.reconcile() == []


def test_a_tampered_daily_figure_is_reported_and_repaired(db, runner, make, campaign):
    donation = make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE)
    apply(session_event("checkout.session.completed", donation))
    today = datetime.now(UTC).date()
    db.session.execute(
        sa.update(CampaignDailyTotal)
        .where(CampaignDailyTotal.campaign_id == campaign.id)
        .values(gifts=CampaignDailyTotal.gifts + 2)
    )
    (drift,) = ledger.reconcile()
    assert isinstance(drift, ledger.DailyDrift)
    assert (drift.slug, drift.day) == (campaign.slug, today)
    assert drift.differences == {"gifts": (3, 1)}
    db.session.commit()
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 1
    assert f"{campaign.slug} on {today.isoformat()}" in result.output
    assert "gifts 3 kept, 1 in the ledger" in result.output
    assert runner.invoke(args=["reconcile", "--fix"]).exit_code == 0
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    assert day_figures(db, campaign, today)["gifts"] == 1


def test_a_day_kept_for_gifts_that_do_not_exist_is_drift(db, campaign):
    """A figure on a day without any donation is found too (and removed by the repair)."""
    day = date(2021, 5, 4)
    db.session.add(
        CampaignDailyTotal(
            campaign_id=campaign.id,
            day=day,
            currency="USD",
            slot=3,
            raised_minor=0,
            donor_count=0,
            gifts=0,
            gifts_minor=0,
            refunded_minor=0,
            disputed_minor=250,
        )
    )
    db.session.flush()
    (drift,) = ledger.reconcile()
    assert (drift.day, drift.differences) == (day, {"disputed_minor": (250, 0)})
    ledger.reconcile(fix=True)
    assert ledger.reconcile() == []
    assert day_figures(db, campaign, day)["disputed_minor"] == 0


@pytest.mark.parametrize("days_ago", [0, 3, 29])
def test_the_chart_draws_each_gift_on_the_day_it_was_received(db, campaign, days_ago):
    today = datetime.now(UTC).date()
    ledger.record_offline_gift(
        campaign,
        1500,
        donor_name="Cash",
        method=OfflineMethod.BANK_TRANSFER,
        reference="T1",
        received_on=today - timedelta(days=days_ago),
    )
    chart = dashboard.gifts_over_time(campaign, today=today)
    drawn = [(bar.day, bar.amount_minor) for bar in chart.bars if bar.amount_minor]
    assert drawn == [(today - timedelta(days=days_ago), 1500)]
