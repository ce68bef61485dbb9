"""Issuing receipts: which transitions earn one, its number, and its email.

Called by the ledger inside its guarded transition, so a receipt exists exactly when the
state it confirms is committed. The receipt row (unique per gift, and per refunded total)
and the email's dedupe key make a redelivered or different event that reaches the same
state issue nothing more.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from campaigns import mail
from campaigns.extensions import db
from campaigns.models import (
    Donation,
    DonationSource,
    DonationStatus,
    Frequency,
    Organization,
    Receipt,
)
from campaigns.models.base import utcnow
from campaigns.receipts.links import receipt_url
from campaigns.receipts.numbers import allocate_number

GIFT = "gift"
REFUND = "refund"
#: States reached only once the money has moved (the ledger's ``PAID``): the first
#: transition into one of them earns the gift's receipt, whichever events led there.
_PAID = frozenset(
    {
        DonationStatus.SUCCEEDED,
        DonationStatus.PARTIALLY_REFUNDED,
        DonationStatus.REFUNDED,
        DonationStatus.DISPUTED,
    }
)


def issue_for_transition(
    donation: Donation, old_status: DonationStatus, old_refunded: int
) -> list[Receipt]:
    """Receipts earned by the transition just written: a confirmed gift, and/or a refund."""
    if not donation.donor_email or donation.source == DonationSource.OPENING_BALANCE:
        return []
    issued = []
    if donation.status in _PAID and old_status not in _PAID:
        issued.append(_issue(donation, GIFT, donation.amount_minor, 0))
    if donation.refunded_minor > old_refunded:
        amount = donation.refunded_minor - old_refunded
        issued.append(_issue(donation, REFUND, amount, donation.refunded_minor))
    return [receipt for receipt in issued if receipt is not None]


def dedupe_key(receipt: Receipt) -> str:
    if receipt.kind == GIFT:
        return f"receipt:{receipt.donation_id}"
    return f"refund-receipt:{receipt.donation_id}:{receipt.refunded_total_minor}"


def statement_text(organization: Organization, locale: str) -> str:
    """The organization's own statement in ``locale``, or the neutral default."""
    own = organization.localized("receipt_statement", locale).text
    return own or _(
        "Whether this gift can be deducted from your taxes depends on the laws of your country."
    )


def is_monthly(donation: Donation) -> bool:
    return donation.frequency == Frequency.MONTHLY or donation.parent_id is not None


def _issue(donation: Donation, kind: str, amount: int, refunded_total: int) -> Receipt | None:
    already = db.session.scalar(
        sa.select(Receipt.id).where(
            Receipt.donation_id == donation.id,
            Receipt.kind == kind,
            Receipt.refunded_total_minor == refunded_total,
        )
    )
    if already is not None:
        return None
    campaign = donation.campaign
    now = utcnow()
    receipt = Receipt(
        organization_id=campaign.organization_id,
        year=now.year,
        number=allocate_number(campaign.organization_id, now.year),
        donation_id=donation.id,
        kind=kind,
        amount_minor=amount,
        currency=donation.currency,
        refunded_total_minor=refunded_total,
        issued_at=now,
    )
    db.session.add(receipt)
    db.session.flush()
    organization = campaign.organization
    locale = donation.locale or "en"
    mail.queue(
        "receipt" if kind == GIFT else "refund_receipt",
        to=donation.donor_email or "",  # never empty: issue_for_transition checked it
        locale=locale,
        organization=organization,
        context=receipt_context(receipt, locale),
        dedupe_key=dedupe_key(receipt),
    )
    return receipt


def _manage_link(donation: Donation) -> str | None:
    """Where a monthly donor stops or changes the gift (imported late: the monthly package
    reaches the ledger, which issues receipts)."""
    if not is_monthly(donation):
        return None
    from campaigns.monthly.links import manage_url

    return manage_url(donation)


def receipt_context(receipt: Receipt, locale: str) -> dict:
    """What the receipt's email and page show."""
    donation = receipt.donation
    return {
        "receipt": receipt,
        "donation": donation,
        "campaign": donation.campaign,
        "organization": receipt.organization,
        "monthly": is_monthly(donation),
        "gift_date": donation.succeeded_at or receipt.issued_at,
        "receipt_link": receipt_url(receipt, locale),
        "manage_link": _manage_link(donation),
        "statement_text": statement_text,
    }
