"""A campaign's public account: money in by month, what left it, and a closing line that is
exactly the total on the campaign's page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.models import CampaignState, UpdateCategory
from campaigns.payments import ledger
from campaigns.public.account import campaign_account
from tests import movements

MARCH = date(2025, 3, 14)
APRIL = date(2025, 4, 2)
MAY = date(2025, 5, 20)


def fresh_total(db, campaign) -> int:
    db.session.refresh(campaign)
    return campaign.raised_minor


@pytest.fixture
def busy(make):
    """A campaign with every kind of movement, over three months and an opening balance;
    refunds and disputes happen in a later month than their gift, or the same one."""
    campaign = make.campaign(slug="busy", tiers=())
    movements.opening_balance(campaign, 350_000_00, date(2020, 1, 1))
    movements.online_gift(make, campaign, 50_00, MARCH)
    movements.online_gift(make, campaign, 100_00, MARCH, "partly_refunded", fate_on=MAY)
    movements.online_gift(make, campaign, 30_00, MARCH, "dispute_open", fate_on=APRIL)
    movements.online_gift(make, campaign, 90_00, APRIL, "dispute_lost", fate_on=MAY)
    movements.online_gift(make, campaign, 60_00, APRIL, "dispute_won", fate_on=MAY)
    movements.online_gift(make, campaign, 20_00, APRIL, "refunded", fate_on=APRIL)
    movements.offline_gift(campaign, 300_00, APRIL, "partly_refunded")  # refunded today
    return campaign


def this_month() -> date:
    return datetime.now(UTC).date().replace(day=1)


def test_every_kind_of_movement_adds_up_to_the_campaign_total(db, busy):
    account = campaign_account(busy)
    assert (
        account.closing_minor
        == fresh_total(db, busy)
        == 350_000_00 + 50_00 + 50_00 + 40_00 + 150_00
    )
    assert account.opening.opening_minor == 350_000_00
    assert [month for month, _ in account.months] == [
        date(2025, 3, 1),
        date(2025, 4, 1),
        date(2025, 5, 1),
        this_month(),
    ]
    march, april, may, today = (movement for _month, movement in account.months)
    assert march.online_minor == 180_00 and march.offline_minor == 0
    assert march.out_minor == 0  # its refunds and disputes came later
    assert april.online_minor == 170_00 and april.offline_minor == 300_00
    assert april.refunded_minor == 10_00 + 20_00  # before March's dispute; April's refund
    assert april.disputes_held_minor == 20_00 and april.disputes_lost_minor == 0
    assert may.in_minor == 0
    assert may.refunded_minor == 50_00 + 30_00 + 20_00
    assert may.disputes_lost_minor == 60_00 and may.disputes_held_minor == 0
    assert today.in_minor == 0 and today.refunded_minor == 150_00  # the offline refund
    assert sum(m.net_minor for _, m in account.months) + account.opening.net_minor == (
        account.closing_minor
    )
    assert ledger.reconcile() == []


def test_pending_failed_and_expired_gifts_are_not_money_in(db, make):
    campaign = make.campaign(tiers=())
    make.donation(campaign, amount_minor=999)
    account = campaign_account(campaign)
    assert account.total.gifts == 0 and account.months == [] and account.closing_minor == 0


gift = st.one_of(
    st.tuples(
        st.just("online"),
        st.integers(1, 10**7),
        st.integers(0, 30),
        st.sampled_from(movements.ONLINE_FATES),
    ),
    st.tuples(
        st.sampled_from(["offline", "opening"]),
        st.integers(1, 10**7),
        st.integers(0, 30),
        st.sampled_from(movements.DIRECT_FATES),
    ),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(gifts=st.lists(gift, max_size=8))
def test_the_closing_line_is_the_total_whatever_happened(db, make, gifts):
    campaign = make.campaign(tiers=())
    expected_in: dict[date, int] = {}
    for kind, amount, months_ago, fate in gifts:
        day = date(2024, 1, 15) + timedelta(days=31 * months_ago)
        if kind == "online":
            movements.online_gift(make, campaign, amount, day, fate)
        elif kind == "offline":
            movements.offline_gift(campaign, amount, day, fate)
        else:
            movements.opening_balance(campaign, amount, day, fate)
        if kind != "opening":
            month = day.replace(day=1)
            expected_in[month] = expected_in.get(month, 0) + amount
    account = campaign_account(campaign)
    assert account.closing_minor == fresh_total(db, campaign)
    money_in = {month: m.online_minor + m.offline_minor for month, m in account.months}
    assert {month: amount for month, amount in money_in.items() if amount} == expected_in
    assert account.total.in_minor == sum(amount for _, amount, _, _ in gifts)
    assert ledger.reconcile() == []


def test_the_page_shows_months_refunds_disputes_and_the_total(client, db, busy):
    page = client.get("/campaigns/busy/account").get_data(as_text=True)
    assert "March 2025" in page and "April 2025" in page and "May 2025" in page
    assert "Opening balance" in page
    assert "Refunds" in page and "Disputes" in page
    assert "-$100.00" in page  # May's refunds, shown going out
    assert "-$60.00" in page  # the dispute lost in May
    assert "-$150.00" in page  # the offline refund made today
    assert "shown in the month they happened" in page
    assert "<bdi>$20.00</bdi> of the disputes is held while they are open" in page
    assert "Total raised: <bdi>$350,290.00</bdi>" in page
    assert "<script" not in page and "<img" not in page


def test_the_page_in_arabic(client, db, busy):
    response = client.get("/ar/campaigns/busy/account")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'dir="rtl"' in page
    assert "أين تذهب الأموال" in page
    assert "مارس 2025" in page or "آذار 2025" in page
    assert "350,290.00" in page
    for english in ("Where the money goes", "Online gifts", "Refunds", "Total raised", "Month"):
        assert english not in page


def test_the_campaign_page_links_to_its_account(client, db, busy):
    page = client.get("/campaigns/busy").get_data(as_text=True)
    assert 'href="/campaigns/busy/account"' in page
    assert 'href="/ar/campaigns/busy/account"' in client.get("/ar/campaigns/busy").get_data(
        as_text=True
    )


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_no_account_for_campaigns_the_public_cannot_see(client, make, state):
    campaign = make.campaign(state=state)
    assert client.get(f"/campaigns/{campaign.slug}/account").status_code == 404
    assert client.get(f"/ar/campaigns/{campaign.slug}/account").status_code == 404
    assert client.get("/campaigns/no-such-campaign/account").status_code == 404


def test_spending_reports_are_listed_and_other_updates_are_not(client, make):
    campaign = make.campaign(slug="reported", tiers=())
    make.update(campaign, category=UpdateCategory.SPENDING_REPORT, title_en="Spent in March")
    make.update(campaign, category=UpdateCategory.NEWS, title_en="Just news")
    make.update(
        campaign,
        category=UpdateCategory.SPENDING_REPORT,
        title_en="Not yet published",
        published_at=None,
    )
    make.update(
        campaign,
        category=UpdateCategory.SPENDING_REPORT,
        title_en="Scheduled",
        published_at=datetime.now(UTC) + timedelta(days=3),
    )
    page = client.get("/campaigns/reported/account").get_data(as_text=True)
    assert "Spent in March" in page
    assert "Just news" not in page and "Not yet published" not in page and "Scheduled" not in page
    assert "No gifts yet." in page


def test_the_account_is_two_queries_however_many_gifts(app, client, db, busy):
    from sqlalchemy import event

    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        client.get("/campaigns/busy/account")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    donations = [s for s in statements if "donations" in s]
    assert len(donations) == 1 and "GROUP BY" in donations[0]
