"""The signed link: it opens the gift's page in the donor's language, and nothing else."""

from __future__ import annotations

import itsdangerous

from campaigns.monthly.links import manage_url, read_token
from tests.monthly.conftest import give_monthly


def _path(url: str) -> str:
    assert url.startswith("http://localhost/")
    return url.removeprefix("http://localhost")


def test_the_link_opens_the_gift_page_privately(client, db, monthly_gift):
    url = manage_url(monthly_gift)
    assert url.startswith("http://localhost/en/monthly/")
    response = client.get(_path(url))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    page = response.get_data(as_text=True)
    assert "Your monthly gift" in page
    assert "$25.00" in page
    assert "Active" in page
    assert "<script" not in page.split("</header>")[-1]


def test_a_renewal_links_to_the_gift_that_started_it(client, db, app, monthly_gift, make):
    renewal = make.donation(
        monthly_gift.campaign, parent=monthly_gift, frequency=monthly_gift.frequency
    )
    assert manage_url(renewal) == manage_url(monthly_gift)


def test_the_link_is_in_the_donors_language(client, db, campaign):
    gift = give_monthly(client, db, campaign, lang="ar")
    url = manage_url(gift)
    assert url.startswith("http://localhost/ar/monthly/")
    page = client.get(_path(url)).get_data(as_text=True)
    assert "تبرّعك الشهري" in page
    assert 'dir="rtl"' in page


def test_a_tampered_link_is_refused_plainly(client, db, monthly_gift):
    path = _path(manage_url(monthly_gift))
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 403
    assert "This link is not valid" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.post(tampered + "/stop").status_code == 403
    db.session.refresh(monthly_gift)
    assert monthly_gift.stop_requested_at is None
    assert monthly_gift.subscription_ended_at is None


def test_a_link_signed_with_another_key_is_refused(client, db, app, monthly_gift):
    forged = itsdangerous.URLSafeTimedSerializer("guessed", salt="monthly-gift-management")
    token = forged.dumps({"d": monthly_gift.id, "r": monthly_gift.reference})
    assert client.get(f"/monthly/{token}").status_code == 403


def test_an_expired_link_is_refused(client, db, app, monthly_gift, monkeypatch):
    path = _path(manage_url(monthly_gift))
    monkeypatch.setitem(app.config, "MONTHLY_LINK_MAX_AGE", 60)
    real = itsdangerous.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: real(self) + 61)
    response = client.get(path)
    assert response.status_code == 403
    assert "This link has expired" in response.get_data(as_text=True)
    assert client.post(path + "/stop").status_code == 403
    db.session.refresh(monthly_gift)
    assert monthly_gift.stop_requested_at is None


def test_a_one_time_gift_has_no_monthly_page(client, db, campaign, make):
    once = make.donation(campaign)
    from campaigns.monthly.links import make_token

    response = client.get(f"/monthly/{make_token(once)}")
    assert response.status_code == 403


def test_read_token_names_the_gift(app, db, monthly_gift):
    token = manage_url(monthly_gift).rsplit("/", 1)[1]
    assert read_token(token).id == monthly_gift.id


def test_the_link_can_be_made_outside_a_request(app, db, monthly_gift):
    """Receipts are written by webhooks and jobs, where no page is being answered."""
    with app.app_context():
        url = manage_url(monthly_gift)
    assert url.startswith("http://localhost/en/monthly/")
    assert read_token(url.rsplit("/", 1)[1]).id == monthly_gift.id
