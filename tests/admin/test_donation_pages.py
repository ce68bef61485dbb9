"""The donations list read a page at a time through cursors, in the console: every gift
once and in order (gifts at the same moment too), the filters kept, the count bounded,
both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from campaigns.admin import donations as service
from campaigns.models import Campaign, DonationStatus
from tests.admin.world import fresh


def _page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return response.get_data(as_text=True)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _walk(client, address: str) -> list[list[str]]:
    """The donors' names on each page, from ``address`` to the end through "Older"."""
    pages = []
    while address:
        html = _page(client, address)
        pages.append(re.findall(r">(Gift [0-9]+)<", html))
        address = _link(html, "next")
        assert len(pages) < 50
    return pages


def test_gifts_at_the_same_moment_are_each_shown_once(client, db, make, manager):
    """A page may end in the middle of gifts confirmed in the same second (a batch import,
    a renewal run): the id orders them, so none is skipped or shown twice."""
    campaign = fresh(db, Campaign, manager.campaign)
    moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    ids = []
    for n in range(service.PER_PAGE * 2 + 3):
        at = moment if 20 <= n < 90 else moment + timedelta(minutes=n)
        donation = make.donation(
            campaign, donor_name=f"Gift {n}", status=DonationStatus.SUCCEEDED, succeeded_at=at
        )
        ids.append((at, donation.id, f"Gift {n}"))
    db.session.commit()

    pages = _walk(client, f"/admin/donations/?campaign={manager.campaign}&q=gift")

    assert [len(p) for p in pages] == [service.PER_PAGE, service.PER_PAGE, 3]
    expected = [name for _at, _id, name in sorted(ids, reverse=True)]
    assert [name for page in pages for name in page] == expected


def test_the_filters_follow_every_link_and_newer_leads_back(client, db, make, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(2 * service.PER_PAGE + 10):
        make.donation(
            campaign,
            donor_name=f"Gift {n}",
            donor_email="kept@example.net" if n % 2 else "other@example.org",
            status=DonationStatus.SUCCEEDED,
            succeeded_at=start + timedelta(hours=n),
        )
    db.session.commit()
    address = "/admin/donations/?status=succeeded&q=example.net&date_from=2026-01-01"
    first = _page(client, address)
    assert "55 donations" in first
    older = _link(first, "next")
    assert older and {"status=succeeded", "q=example.net", "date_from=2026-01-01"} <= set(
        older.split("?", 1)[1].split("&")
    )
    assert _link(first, "prev") is None

    matches = [f"Gift {n}" for n in range(2 * service.PER_PAGE + 9, 0, -2)]
    assert _walk(client, address) == [matches[: service.PER_PAGE], matches[service.PER_PAGE :]]


def test_newer_from_the_second_page_is_the_first_page(client, db, make, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(service.PER_PAGE + 20):
        make.donation(
            campaign,
            donor_name=f"Gift {n}",
            status=DonationStatus.SUCCEEDED,
            succeeded_at=start + timedelta(hours=n),
        )
    db.session.commit()
    address = f"/admin/donations/?campaign={manager.campaign}&q=gift"
    first = _page(client, address)
    second = _page(client, _link(first, "next"))
    assert "Gift 19" in second and "Gift 20" not in second
    back = _page(client, _link(second, "prev"))
    names = re.findall(r">(Gift [0-9]+)<", back)
    assert names == re.findall(r">(Gift [0-9]+)<", first)
    assert len(names) == service.PER_PAGE
    assert 'href="/admin/donations/?campaign=' in second  # "First page" keeps the filter


def test_a_long_list_says_more_than_rather_than_counting_it_all(
    client, db, make, manager, monkeypatch
):
    monkeypatch.setattr(service, "COUNT_UP_TO", 3)
    campaign = fresh(db, Campaign, manager.campaign)
    for n in range(4):
        make.donation(campaign, donor_name=f"Gift {n}")
    db.session.commit()
    assert "More than 3 donations" in _page(client, f"/admin/donations/?campaign={campaign.id}")
    page = _page(client, f"/admin/donations/?campaign={campaign.id}&q=gift%203")
    assert "1 donation" in page and "More than" not in page


@pytest.mark.parametrize("path", ["/ar/admin/donations/", "/ar/admin/audit/"])
def test_the_pages_links_are_in_arabic(client, db, make, manager, path):
    from campaigns.admin.views.audit_log import PER_PAGE as AUDIT_PER_PAGE
    from campaigns.models import AuditEntry

    campaign = fresh(db, Campaign, manager.campaign)
    for n in range(max(service.PER_PAGE, AUDIT_PER_PAGE) + 1):
        make.donation(campaign, donor_name=f"Gift {n}")
        db.session.add(
            AuditEntry(organization_id=manager.org, action="campaign.edit", object_type="campaign")
        )
    db.session.commit()
    first = _page(client, path)
    assert 'dir="rtl"' in first
    assert ">الأقدم</a>" in first
    second = _page(client, _link(first, "next"))
    assert ">الصفحة الأولى</a>" in second
    assert ">Older<" not in second and ">First page<" not in second
