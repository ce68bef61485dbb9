"""Receipts sent through the real SMTP server after the ledger's transitions."""

from __future__ import annotations

from datetime import UTC, datetime

from campaigns.models import Donation, DonationSource, Frequency, OutboxMessage, Receipt
from tests.stripe_server.events import charge_refunded, deliver, invoice_paid, session_event

YEAR = datetime.now(UTC).year


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text.replace("\r\n", "\n"), html.replace("\r\n", "\n")


def test_a_confirmed_gift_sends_one_receipt_in_english(client, db, gift, inbox):
    assert deliver(client, session_event("checkout.session.completed", gift)).status_code == 200
    assert len(inbox) == 1
    message = inbox[0]
    assert message["To"] == "donor@example.org"
    assert message["Subject"] == f"Your receipt {YEAR}-000001 from Deir Relief"
    text, html = parts(message)
    for expected in (
        f"Receipt number: {YEAR}-000001",
        "Amount: $40.00",
        "Campaign: Clean water",
        "One-time gift",
        "Donor: Sami",
        "Deir Relief Association",
        "Registration number: DZ-2019-0042",
        "12 River Street\nDeir ez-Zor",
        "depends on the laws of your country",
        "http://localhost/receipts/",
    ):
        assert expected in text
    assert 'dir="ltr"' in html and "$40.00" in html and "Clean water" in html
    assert "12 River Street<br>Deir ez-Zor" in html


def test_an_arabic_gift_gets_its_receipt_in_arabic_right_to_left(client, db, make, campaign, inbox):
    gift = make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE, locale="ar")
    deliver(client, session_event("checkout.session.completed", gift))
    (message,) = inbox
    assert "إغاثة الدير" in message["Subject"]
    assert f"{YEAR}-000001" in message["Subject"]
    text, html = parts(message)
    assert "مياه نظيفة" in text and "جمعية إغاثة الدير" in text and "دير الزور" in text
    assert "US$" in text and "40.00" in text
    assert '<html lang="ar" dir="rtl">' in html
    assert "http://localhost/ar/receipts/" in text
    assert "رقم الإيصال" in text and "تبرع لمرة واحدة" in text
    assert "يتوقف خصم هذا التبرع من ضرائبك على قوانين بلدك." in text
    assert "Clean water" not in text


def test_repeated_and_different_events_for_the_same_gift_send_one_receipt(client, db, gift, inbox):
    completed = session_event("checkout.session.completed", gift)
    deliver(client, completed)
    deliver(client, completed)
    deliver(client, session_event("checkout.session.async_payment_succeeded", gift))
    assert len(inbox) == 1
    assert db.session.query(Receipt).filter_by(donation_id=gift.id).count() == 1
    assert db.session.query(OutboxMessage).filter_by(dedupe_key=f"receipt:{gift.id}").count() == 1


def test_each_refund_gets_its_own_receipt_once(client, db, gift, inbox):
    deliver(client, session_event("checkout.session.completed", gift))
    partial = charge_refunded(gift, amount_refunded=1500)
    deliver(client, partial)
    deliver(client, partial)
    deliver(client, charge_refunded(gift, amount_refunded=4000))
    deliver(client, charge_refunded(gift, amount_refunded=4000))
    assert len(inbox) == 3
    subjects = [m["Subject"] for m in inbox]
    assert subjects[1] == f"Your refund receipt {YEAR}-000002 from Deir Relief"
    assert subjects[2] == f"Your refund receipt {YEAR}-000003 from Deir Relief"
    first_refund, _html = parts(inbox[1])
    assert "Amount refunded: $15.00" in first_refund and "Original gift: $40.00" in first_refund
    second_refund, _html = parts(inbox[2])
    assert "Amount refunded: $25.00" in second_refund
    keys = sorted(k for (k,) in db.session.query(OutboxMessage.dedupe_key))
    assert keys == [
        f"receipt:{gift.id}",
        f"refund-receipt:{gift.id}:1500",
        f"refund-receipt:{gift.id}:4000",
    ]


def test_monthly_renewals_get_receipts_and_say_monthly(client, db, make, campaign, inbox):
    parent = make.donation(
        campaign, amount_minor=2500, source=DonationSource.STRIPE, frequency=Frequency.MONTHLY
    )
    deliver(client, session_event("checkout.session.completed", parent, mode="subscription"))
    # The subscription's first invoice is the same money as the gift: no second receipt.
    deliver(client, invoice_paid(parent, "in_first", billing_reason="subscription_create"))
    renewal = invoice_paid(parent, "in_second")
    deliver(client, renewal)
    deliver(client, renewal)
    assert len(inbox) == 2
    child = db.session.query(Donation).filter_by(parent_id=parent.id).one()
    for message in inbox:
        text, _html = parts(message)
        assert "Monthly gift" in text and "Amount: $25.00" in text
    assert db.session.query(Receipt).filter_by(donation_id=child.id).one().number == 2


def test_the_organization_statement_replaces_the_default(client, db, organization, gift, inbox):
    organization.receipt_statement_en = "Gifts are tax deductible in Germany under § 10b EStG."
    deliver(client, session_event("checkout.session.completed", gift))
    text, _html = parts(inbox[0])
    assert "Gifts are tax deductible in Germany under § 10b EStG." in text
    assert "depends on the laws of your country" not in text


def test_a_gift_without_an_email_gets_no_receipt_and_no_number(client, db, make, campaign, inbox):
    anonymous = make.donation(campaign, source=DonationSource.STRIPE, donor_email=None)
    deliver(client, session_event("checkout.session.completed", anonymous))
    assert inbox == []
    assert db.session.query(Receipt).count() == 0
