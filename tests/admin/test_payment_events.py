"""The page of payment events that need a person: for platform admins only, newest first,
a page at a time, with what an admin needs and none of the donor's details."""

from __future__ import annotations

import html
import re

import pytest

from campaigns.admin import payment_events as service
from campaigns.models import Campaign, DonationSource, DonationStatus
from tests.admin.world import request, sign_in
from tests.stripe_server.events import (
    charge_refunded,
    deliver,
    dispute_created,
    session_event,
)

URL = "/admin/payment-events/"


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _rows(response) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", response.get_data(as_text=True), re.S)


@pytest.fixture
def events(client, db, make, world):
    """One event of each kind, delivered through the signed webhook, and one that went well."""
    campaign = db.session.get(Campaign, world.campaign)

    def gift(**kw):
        return make.donation(
            campaign,
            source=DonationSource.STRIPE,
            amount_minor=40_00,
            donor_name="Rania Haddad",
            donor_email="rania.private@example.org",
            **kw,
        )

    fine, short, waiting, mismatched = gift(), gift(), gift(), gift()
    db.session.commit()
    sent = {}

    def send(name, event):
        assert deliver(client, event).status_code == 200
        sent[name] = event

    send("fine", session_event("checkout.session.completed", fine))
    charged_more = session_event("checkout.session.completed", short)
    charged_more["data"]["object"]["amount_total"] = 55_00
    send("contradicted", charged_more)
    send("waiting", charge_refunded(waiting, amount_refunded=10_00, with_metadata=False))
    unreadable = session_event("checkout.session.completed", fine)
    unreadable["data"]["object"] = "cs_test_123"
    send("malformed", unreadable)
    other_reference = session_event("checkout.session.completed", mismatched)
    other_reference["data"]["object"]["metadata"]["donation_reference"] = "someone-else"
    send("disagreed", other_reference)
    return {
        "sent": sent,
        "fine": fine,
        "short": short,
        "waiting": waiting,
        "mismatched": mismatched,
    }


def test_each_kind_is_listed_newest_first_with_what_an_admin_needs(client, db, world, events):
    sign_in(client, world.users["admin"])
    response = client.get(URL)
    assert response.status_code == 200
    rows = _rows(response)[1:]  # after the header row
    sent = events["sent"]
    order = ["disagreed", "malformed", "waiting", "contradicted"]
    assert len(rows) == len(order)
    for row, name in zip(rows, order, strict=True):
        assert sent[name]["id"] in row, name
    assert sent["fine"]["id"] not in response.get_data(as_text=True)

    text = _text(response)
    assert "Contradicted its donation" in rows[3] and "amount_total 5500" in html.unescape(rows[3])
    assert "checkout.session.completed" in rows[3]
    assert f'href="/admin/donations/{events["short"].id}"' in rows[3]
    assert events["short"].reference in rows[3]
    assert "Never matched a donation" in rows[2] and "charge.refunded" in rows[2]
    assert f"ch_{events['waiting'].reference}" in rows[2]  # to look it up at Stripe
    assert "/admin/donations/" not in rows[2]
    assert "Malformed" in rows[1]
    assert "Contradicted its donation" in rows[0]
    assert f'href="/admin/donations/{events["mismatched"].id}"' in rows[0]
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[0])
    # What the payloads hold about the donor stays out of the page.
    assert "rania.private@example.org" not in text
    assert "Rania Haddad" not in text
    # Nothing moved: the contradicted gift is still pending.
    db.session.refresh(events["short"])
    assert events["short"].status is DonationStatus.PENDING


@pytest.mark.parametrize(
    ("problem", "names"),
    [
        ("waiting", ["waiting"]),
        ("malformed", ["malformed"]),
        ("contradicted", ["disagreed", "contradicted"]),
        ("nonsense", ["disagreed", "malformed", "waiting", "contradicted"]),
    ],
)
def test_one_kind_at_a_time(client, world, events, problem, names):
    sign_in(client, world.users["admin"])
    response = client.get(URL, query_string={"problem": problem})
    rows = _rows(response)[1:]
    assert [next(n for n in events["sent"] if events["sent"][n]["id"] in row) for row in rows] == (
        names
    )


def test_pages_of_bounded_size_follow_each_other_by_id(client, world, events, monkeypatch):
    monkeypatch.setattr(service, "PER_PAGE", 3)
    sign_in(client, world.users["admin"])
    sent = events["sent"]
    first = client.get(URL)
    assert [
        sent[n]["id"] in r
        for n, r in zip(["disagreed", "malformed", "waiting"], _rows(first)[1:], strict=True)
    ] == [True] * 3
    older = re.search(r'href="([^"]*older_than=\d+)" rel="next"', first.get_data(as_text=True))
    assert older, "no link to older events"
    second = client.get(html.unescape(older.group(1)))
    rows = _rows(second)[1:]
    assert len(rows) == 1 and sent["contradicted"]["id"] in rows[0]
    assert 'rel="next"' not in second.get_data(as_text=True)  # the last page
    assert "Newest" in _text(second)
    # An id nobody could have is dropped, not an error.
    assert client.get(URL, query_string={"older_than": "99999999999"}).status_code == 200


def test_arabic_page_is_right_to_left_and_in_arabic(client, world, events):
    sign_in(client, world.users["admin"])
    page = client.get("/ar" + URL).get_data(as_text=True)
    assert 'dir="rtl"' in page
    for words in ("أحداث الدفع", "لم يطابق أي تبرع", "خالف تبرعه", "تالف البنية", "المشكلة"):
        assert words in page
    assert "Never matched a donation" not in page


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 403), ("editor", 403), ("outsider", 403), ("nobody", 403)],
)
def test_only_platform_admins_see_it(client, world, events, who, status):
    sign_in(client, world.users[who])
    response = request(client, "GET", URL)
    assert response.status_code == status
    assert events["sent"]["waiting"]["id"] not in response.get_data(as_text=True)
    console = request(client, "GET", "/admin/").get_data(as_text=True)
    assert f'href="{URL}"' not in console


def test_signed_out_it_asks_to_sign_in(client, world):
    response = request(client, "GET", URL)
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_platform_admin_finds_it_in_the_console(client, world):
    sign_in(client, world.users["admin"])
    console = request(client, "GET", "/admin/").get_data(as_text=True)
    assert f'href="{URL}"' in console
    empty = request(client, "GET", URL)
    assert "No such events: every payment event matched its donation." in _text(empty)


def test_a_dispute_waiting_for_its_payment_leaves_the_page_once_applied(client, db, make, world):
    campaign = db.session.get(Campaign, world.campaign)
    gift = make.donation(campaign, source=DonationSource.STRIPE, amount_minor=30_00)
    db.session.commit()
    dispute = dispute_created(gift)
    deliver(client, dispute)
    sign_in(client, world.users["admin"])
    assert dispute["id"] in client.get(URL).get_data(as_text=True)
    deliver(client, session_event("checkout.session.completed", gift))
    assert dispute["id"] not in client.get(URL).get_data(as_text=True)
