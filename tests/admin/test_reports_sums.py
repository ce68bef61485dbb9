"""Whatever happened to the gifts, and whatever the period: the reports by campaign, by
month and by source have the same nets per currency, each campaign's is what the ledger
counts for its gifts of the period, and over all time it is the campaign's total."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_login import login_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.admin import reports
from campaigns.models import Donation
from campaigns.payments import ledger
from tests import movements

FIRST_DAY = date(2024, 1, 15)

gift = st.one_of(
    st.tuples(
        st.just("online"),
        st.integers(1, 10**7),
        st.integers(0, 700),
        st.sampled_from(movements.ONLINE_FATES),
    ),
    st.tuples(
        st.sampled_from(["offline", "opening"]),
        st.integers(1, 10**7),
        st.integers(0, 700),
        st.sampled_from(movements.DIRECT_FATES),
    ),
)


def _record(make, campaign, kind: str, amount: int, days: int, fate: str) -> None:
    day = FIRST_DAY + timedelta(days=days)
    if kind == "online":
        movements.online_gift(make, campaign, amount, day, fate)
    elif kind == "offline":
        movements.offline_gift(campaign, amount, day, fate)
    else:
        movements.opening_balance(campaign, amount, day, fate)


def _ledger_net(db, campaign, period: reports.Period) -> int:
    low, high = period.bounds()
    gifts = db.session.scalars(
        sa.select(Donation).where(
            Donation.campaign_id == campaign.id,
            Donation.succeeded_at >= low,
            Donation.succeeded_at < high,
        )
    )
    return sum(
        ledger.contribution(g.status, g.amount_minor, g.refunded_minor, donor=False)[0]
        for g in gifts
    )


def _nets(report: reports.Report) -> dict[str, int]:
    return {code: figures.net_minor for code, figures in report.totals.items() if figures.net_minor}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    usd=st.lists(gift, max_size=5),
    eur=st.lists(gift, max_size=3),
    start=st.integers(0, 700),
    length=st.integers(0, 700),
)
def test_the_reports_agree_with_each_other_and_the_ledger(app, db, make, usd, eur, start, length):
    organization = make.organization()
    dollars = make.campaign(organization=organization, tiers=())
    euros = make.campaign(organization=organization, currency="EUR", tiers=())
    for campaign, gifts in ((dollars, usd), (euros, eur)):
        for kind, amount, days, fate in gifts:
            _record(make, campaign, kind, amount, days, fate)
    admin = make.user(is_platform_admin=True)
    db.session.commit()  # the request's end rolls back what is not
    first = FIRST_DAY + timedelta(days=start)
    period = reports.Period(first, first + timedelta(days=length), organization.id)
    always = reports.Period(
        date(reports.FIRST_YEAR, 1, 1), date(reports.LAST_YEAR, 12, 31), organization.id
    )
    with app.test_request_context("/admin/reports/"):
        login_user(admin)
        by = reports.all_reports(period)
        over_all_time = reports.by_campaign(always)
    assert _nets(by["campaigns"]) == _nets(by["months"]) == _nets(by["sources"])
    for campaign in (dollars, euros):
        in_period = [row for row in by["campaigns"].rows if row.key.id == campaign.id]
        assert sum(row.figures.net_minor for row in in_period) == _ledger_net(db, campaign, period)
        db.session.refresh(campaign)
        all_time = [row for row in over_all_time.rows if row.key.id == campaign.id]
        assert sum(row.figures.net_minor for row in all_time) == campaign.raised_minor
    for report in by.values():
        for row in report.rows:
            f = row.figures
            out = f.refunded_minor + f.disputes_held_minor + f.disputes_lost_minor
            assert f.given_minor - out == f.net_minor >= 0
