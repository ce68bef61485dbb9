"""The ledger: totals move with the transitions that justify them, once, in any order."""

from __future__ import annotations

import json
from datetime import date

import pytest

from campaigns.models import (
    DonationSource,
    DonationStatus,
    Frequency,
    OfflineMethod,
    PaymentEvent,
)
from campaigns.payments import ledger
from tests.payments.tampering import set_total
from tests.stripe_server.events import (
    charge_refunded,
    dispute_closed,
    dispute_created,
    invoice_paid,
    session_event,
    subscription_deleted,
)


def apply(event: dict, provider: str = "stripe") -> str:
    return ledger.record_event(provider, event, json.dumps(event))


def totals(campaign, db):
    db.session.refresh(campaign)
    return campaign.raised_minor, campaign.donor_count


@pytest.fixture
def pending(make, campaign):
    return make.donation(campaign, amount_minor=5000, source=DonationSource.STRIPE)


def test_opening_balance_counts_money_but_no_donor(db, campaign):
    donation = ledger.record_opening_balance(
        campaign, 350_000_00, note="Raised before the move", received_on=date(2020, 1, 1)
    )
    assert donation.status == DonationStatus.SUCCEEDED
    assert donation.source == DonationSource.OPENING_BALANCE
    assert totals(campaign, db) == (350_000_00, 0)
    assert ledger.reconcile() == []


def test_offline_gift_counts_at_once_and_its_refund_goes_through_the_ledger(db, campaign, make):
    admin = make.user()
    gift = ledger.record_offline_gift(
        campaign,
        20000,
        donor_name="Rima",
        method=OfflineMethod.BANK_TRANSFER,
        reference="TRX-1",
        received_on=date(2024, 3, 1),
        recorded_by=admin,
    )
    assert gift.status == DonationStatus.SUCCEEDED
    assert gift.recorded_by_id == admin.id
    assert totals(campaign, db) == (20000, 1)

    ledger.refund_directly(gift, 5000)
    assert gift.status == DonationStatus.PARTIALLY_REFUNDED
    assert totals(campaign, db) == (15000, 1)
    ledger.refund_directly(gift, 15000)
    assert gift.status == DonationStatus.REFUNDED
    assert totals(campaign, db) == (0, 0)
    with pytest.raises(ledger.LedgerError):
        ledger.refund_directly(gift, 1)
    assert ledger.reconcile() == []


@pytest.mark.parametrize("amount", [0, -5, 10.5, True])
def test_ledger_refuses_amounts_that_are_not_positive_integers(db, campaign, amount):
    with pytest.raises(ledger.LedgerError):
        ledger.record_offline_gift(
            campaign,
            amount,
            donor_name="X",
            method=OfflineMethod.CASH,
            reference=None,
            received_on=date(2024, 1, 1),
        )
    assert totals(campaign, db) == (0, 0)


def test_completion_counts_once_even_when_delivered_twice(db, campaign, pending):
    event = session_event("checkout.session.completed", pending)
    assert apply(event).startswith("applied")
    assert apply(event) == ledger.DUPLICATE
    assert pending.status == DonationStatus.SUCCEEDED
    assert pending.succeeded_at is not None
    assert totals(campaign, db) == (5000, 1)
    assert db.session.query(PaymentEvent).filter_by(event_id=event["id"]).count() == 1


def test_same_fact_in_a_new_event_changes_nothing(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    assert apply(session_event("checkout.session.async_payment_succeeded", pending)) == (
        "no change"
    )
    assert totals(campaign, db) == (5000, 1)


def test_unpaid_completion_waits_for_the_async_result(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending, payment_status="unpaid"))
    assert pending.status == DonationStatus.PENDING
    assert totals(campaign, db) == (0, 0)
    apply(session_event("checkout.session.async_payment_failed", pending, payment_status="unpaid"))
    assert pending.status == DonationStatus.FAILED
    assert totals(campaign, db) == (0, 0)


def test_async_success_counts(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending, payment_status="unpaid"))
    apply(session_event("checkout.session.async_payment_succeeded", pending))
    assert pending.status == DonationStatus.SUCCEEDED
    assert totals(campaign, db) == (5000, 1)


def test_expired_session_counts_nothing(db, campaign, pending):
    apply(session_event("checkout.session.expired", pending, payment_status="unpaid"))
    assert pending.status == DonationStatus.EXPIRED
    assert totals(campaign, db) == (0, 0)


def test_partial_then_full_refund_follow_the_cumulative_amount(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    apply(charge_refunded(pending, amount_refunded=1500))
    assert pending.status == DonationStatus.PARTIALLY_REFUNDED
    assert pending.refunded_minor == 1500
    assert totals(campaign, db) == (3500, 1)
    apply(charge_refunded(pending, amount_refunded=5000))
    assert pending.status == DonationStatus.REFUNDED
    assert totals(campaign, db) == (0, 0)
    # A late copy of the first refund event (a different event id) cannot raise it again.
    apply(charge_refunded(pending, amount_refunded=1500))
    assert pending.status == DonationStatus.REFUNDED
    assert totals(campaign, db) == (0, 0)


def test_refund_before_completion_converges(db, campaign, pending):
    apply(charge_refunded(pending, amount_refunded=2000))
    assert totals(campaign, db) == (3000, 1)
    apply(session_event("checkout.session.completed", pending))
    assert pending.status == DonationStatus.PARTIALLY_REFUNDED
    assert totals(campaign, db) == (3000, 1)
    assert ledger.reconcile() == []


def test_dispute_takes_the_gift_out_and_a_win_puts_it_back(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    apply(dispute_created(pending))
    assert pending.status == DonationStatus.DISPUTED
    assert pending.disputed is True
    assert totals(campaign, db) == (0, 0)
    apply(dispute_closed(pending, status="won"))
    assert pending.status == DonationStatus.SUCCEEDED
    assert pending.disputed is False
    assert totals(campaign, db) == (5000, 1)


def test_lost_dispute_stays_out_even_if_its_opening_arrives_last(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    apply(dispute_closed(pending, status="lost"))
    apply(dispute_created(pending))
    assert pending.status == DonationStatus.REFUNDED
    assert totals(campaign, db) == (0, 0)


def test_inquiry_does_not_take_the_money_out(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    apply(dispute_created(pending, status="warning_needs_response"))
    assert pending.status == DonationStatus.SUCCEEDED
    assert totals(campaign, db) == (5000, 1)


def test_dispute_for_a_payment_not_linked_yet_waits_then_applies(db, campaign, pending):
    # The dispute names only the payment intent, which the completion has not linked yet.
    outcome = apply(dispute_created(pending))
    assert outcome.startswith(ledger.WAITING)
    assert totals(campaign, db) == (0, 0)
    apply(session_event("checkout.session.completed", pending))
    assert pending.status == DonationStatus.DISPUTED
    assert totals(campaign, db) == (0, 0)
    apply(dispute_closed(pending, status="won"))
    assert totals(campaign, db) == (5000, 1)
    assert ledger.pending_events() == []


def test_monthly_renewals_add_money_but_not_donors(db, campaign, make):
    parent = make.donation(
        campaign, amount_minor=2500, source=DonationSource.STRIPE, frequency=Frequency.MONTHLY
    )
    apply(session_event("checkout.session.completed", parent, mode="subscription"))
    # Stripe also reports the subscription's first invoice: the same money, not a new gift.
    apply(invoice_paid(parent, "in_first", billing_reason="subscription_create"))
    assert totals(campaign, db) == (2500, 1)
    renewal_event = invoice_paid(parent, "in_second", billing_reason="subscription_cycle")
    apply(renewal_event)
    apply(renewal_event)
    apply(invoice_paid(parent, "in_third", billing_reason="subscription_cycle"))
    assert totals(campaign, db) == (7500, 1)
    children = [d for d in campaign.donations if d.parent_id == parent.id]
    assert sorted(d.invoice_id for d in children) == ["in_second", "in_third"]
    assert all(d.status == DonationStatus.SUCCEEDED for d in children)
    apply(subscription_deleted(parent))
    assert parent.subscription_ended_at is not None
    assert ledger.reconcile() == []


def test_renewal_before_the_subscription_is_known_converges(db, campaign, make):
    parent = make.donation(
        campaign, amount_minor=2500, source=DonationSource.STRIPE, frequency=Frequency.MONTHLY
    )
    apply(invoice_paid(parent, "in_early", billing_reason="subscription_cycle", metadata=False))
    assert totals(campaign, db) == (0, 0)
    apply(session_event("checkout.session.completed", parent, mode="subscription"))
    assert totals(campaign, db) == (5000, 1)


def test_event_for_unknown_donation_is_kept_and_changes_nothing(db, campaign, make):
    ghost = make.donation(campaign, source=DonationSource.STRIPE)
    event = session_event("checkout.session.completed", ghost)
    event["data"]["object"]["metadata"] = {"donation_id": "999999999"}
    event["data"]["object"]["client_reference_id"] = "999999999"
    event["data"]["object"]["id"] = "cs_test_unknown"
    assert apply(event).startswith(ledger.WAITING)
    assert totals(campaign, db) == (0, 0)


def test_event_cannot_move_a_donation_of_the_other_gateway(db, campaign, make):
    test_gift = make.donation(campaign, source=DonationSource.TEST)
    assert apply(session_event("checkout.session.completed", test_gift)).startswith("ignored")
    assert test_gift.status == DonationStatus.PENDING
    assert totals(campaign, db) == (0, 0)


def test_event_whose_reference_disagrees_is_ignored(db, campaign, pending):
    event = session_event("checkout.session.completed", pending)
    event["data"]["object"]["metadata"]["donation_reference"] = "someone-else"
    assert apply(event).startswith("ignored")
    assert totals(campaign, db) == (0, 0)


def test_unhandled_types_are_stored_and_acknowledged(db, pending):
    event = session_event("checkout.session.completed", pending)
    event["type"] = "payment_intent.created"
    assert apply(event).startswith("ignored")
    assert db.session.query(PaymentEvent).filter_by(event_id=event["id"]).one()


def test_mark_failed_only_moves_pending_gifts(db, campaign, pending):
    ledger.mark_failed(pending)
    assert pending.status == DonationStatus.FAILED
    # A payment that arrives anyway is money received: it counts.
    apply(session_event("checkout.session.completed", pending))
    assert pending.status == DonationStatus.SUCCEEDED
    assert totals(campaign, db) == (5000, 1)


def test_reconcile_reports_and_repairs_drift(db, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    set_total(db, campaign, 123, 7)
    drifts = ledger.reconcile()
    assert len(drifts) == 1
    drift = drifts[0]
    assert (drift.stored_raised, drift.expected_raised) == (123, 5000)
    assert (drift.stored_donors, drift.expected_donors) == (7, 1)
    ledger.reconcile(fix=True)
    assert totals(campaign, db) == (5000, 1)
    assert ledger.reconcile() == []


def test_reconcile_command_exit_codes(db, runner, campaign, pending):
    apply(session_event("checkout.session.completed", pending))
    db.session.commit()
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    set_total(db, campaign, 1, 1)
    db.session.commit()
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 1
    assert campaign.slug in result.output
    result = runner.invoke(args=["reconcile", "--fix"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    assert totals(campaign, db) == (5000, 1)
