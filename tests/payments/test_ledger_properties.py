"""Property: whatever order and duplication Stripe's events for a gift arrive in, the
donation ends in the same state and the campaign's total moves by the same amount."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.models import DonationSource, DonationStatus
from campaigns.payments import ledger
from tests.stripe_server import events as stripe_events

AMOUNT = 5000


@st.composite
def timelines(draw):
    """The events Stripe could send about one gift, in the order things happened."""
    start = draw(st.sampled_from(["paid", "async_paid", "async_failed", "expired"]))
    steps: list[tuple] = []
    if start == "paid":
        steps.append(("checkout.session.completed", "paid"))
    elif start == "async_paid":
        steps += [
            ("checkout.session.completed", "unpaid"),
            ("checkout.session.async_payment_succeeded", "paid"),
        ]
    elif start == "async_failed":
        steps += [
            ("checkout.session.completed", "unpaid"),
            ("checkout.session.async_payment_failed", "unpaid"),
        ]
    else:
        steps.append(("checkout.session.expired", "unpaid"))
    if start in ("paid", "async_paid"):
        cuts = draw(st.lists(st.integers(1, AMOUNT), max_size=3, unique=True))
        with_metadata = draw(st.booleans())
        steps += [("charge.refunded", total, with_metadata) for total in sorted(cuts)]
        dispute = draw(st.sampled_from([None, "open", "won", "lost", "inquiry"]))
        if dispute == "inquiry":
            steps.append(("charge.dispute.created", "warning_needs_response"))
            if draw(st.booleans()):
                steps.append(("charge.dispute.closed", "warning_closed"))
        elif dispute:
            steps.append(("charge.dispute.created", "needs_response"))
            if draw(st.booleans()):
                steps.append(("charge.dispute.funds_withdrawn", "needs_response"))
            if draw(st.booleans()):
                steps.append(("charge.dispute.updated", "under_review"))
            if dispute != "open":
                steps.append(("charge.dispute.closed", dispute))
    return steps


def materialize(steps, donation) -> list[dict]:
    """Stripe events for this donation; the n-th step keeps one event id across copies."""
    built = []
    for n, step in enumerate(steps):
        kind = step[0]
        if kind.startswith("checkout.session."):
            event = stripe_events.session_event(kind, donation, payment_status=step[1])
        elif kind == "charge.refunded":
            event = stripe_events.charge_refunded(
                donation, amount_refunded=step[1], with_metadata=step[2]
            )
        elif kind == "charge.dispute.created":
            event = stripe_events.dispute_created(donation, status=step[1])
        elif kind == "charge.dispute.funds_withdrawn":
            event = stripe_events.dispute_funds_withdrawn(donation, status=step[1])
        elif kind == "charge.dispute.updated":
            event = stripe_events.dispute_updated(donation, status=step[1])
        else:
            event = stripe_events.dispute_closed(donation, status=step[1])
        event["id"] = f"evt_{donation.reference}_{n}"
        built.append(event)
    return built


def run(events) -> list[str]:
    return [ledger.record_event("stripe", e, json.dumps(e)) for e in events]


def state(db, donation, campaign):
    db.session.refresh(donation)
    db.session.refresh(campaign)
    return (
        donation.status,
        donation.refunded_minor,
        donation.disputed,
        campaign.raised_minor,
        campaign.donor_count,
    )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=timelines(), data=st.data())
def test_any_order_and_duplication_converges(db, make, steps, data):
    in_order_campaign = make.campaign(tiers=())
    shuffled_campaign = make.campaign(tiers=())
    reference = make.donation(in_order_campaign, amount_minor=AMOUNT, source=DonationSource.STRIPE)
    subject = make.donation(shuffled_campaign, amount_minor=AMOUNT, source=DonationSource.STRIPE)

    run(materialize(steps, reference))
    expected = state(db, reference, in_order_campaign)

    events = materialize(steps, subject)
    copies = data.draw(st.lists(st.sampled_from(events), max_size=len(events) + 2))
    arrival = data.draw(st.permutations(events + copies))
    outcomes = run(arrival)
    assert outcomes.count(ledger.DUPLICATE) == len(copies)
    assert state(db, subject, shuffled_campaign) == expected

    # The total is what the donation's final state says it is, and nothing is left waiting.
    status, refunded, _, raised, donors = expected
    counted = status in (DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED)
    assert raised == (AMOUNT - refunded if counted else 0)
    assert donors == (1 if counted else 0)
    assert ledger.reconcile() == []
