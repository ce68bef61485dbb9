"""Fixtures of the news tests: a campaign, and donors who gave to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from campaigns import news
from campaigns.models import DonationStatus


@pytest.fixture
def campaign(make):
    return make.campaign(title_en="Clean water", title_ar="مياه نظيفة")


@pytest.fixture
def subscriber(make, db, campaign):
    """``subscriber(email, locale)``: a donor whose gift went through and who asked for news."""

    def add(email: str, locale: str = "en", *, gave: bool = True, to=None):
        target = to or campaign
        status = DonationStatus.SUCCEEDED if gave else DonationStatus.FAILED
        make.donation(
            target,
            donor_email=email,
            status=status,
            succeeded_at=datetime.now(UTC) if gave else None,
            locale=locale,
        )
        return news.subscribe(target, email, locale)

    return add


def inbox_by_recipient(smtp_server) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in smtp_server.messages:
        found.setdefault(str(message["To"]), []).append(message)
    return found
