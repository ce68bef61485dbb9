"""The donate form's news box, and the unsubscribe link (one click, and a page)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaigns.models import NewsSubscription


def _gift(**overrides) -> dict:
    data = {"amount": "25", "frequency": "once", "name": "Sami", "email": "Sami@Example.org"}
    data.update(overrides)
    return data


def _subscriptions(db) -> list[NewsSubscription]:
    db.session.expire_all()
    return db.session.scalars(sa.select(NewsSubscription)).all()


def test_the_news_box_is_offered_unticked(client, campaign):
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    [box] = re.findall(r"<input[^>]*name=\"news\"[^>]*>", page)
    assert "checked" not in box
    assert "Send me this campaign&#39;s news by email" in page or "news by email" in page


def test_a_gift_without_the_box_subscribes_nobody(client, db, campaign):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=_gift())
    assert response.status_code == 303
    assert _subscriptions(db) == []


def test_ticking_the_box_stores_the_consent_in_the_donors_language(client, db, campaign):
    response = client.post(f"/ar/campaigns/{campaign.slug}/donate", data=_gift(news="y"))
    assert response.status_code == 303
    [subscription] = _subscriptions(db)
    assert (subscription.campaign_id, subscription.email, subscription.locale) == (
        campaign.id, "sami@example.org", "ar",
    )  # fmt: skip
    assert len(subscription.token) >= 40

    # A second gift with the box keeps one subscription, in the newer language.
    client.post(f"/en/campaigns/{campaign.slug}/donate", data=_gift(news="y"))
    [again] = _subscriptions(db)
    assert (again.id, again.locale) == (subscription.id, "en")


def test_a_bad_gift_with_the_box_stores_nothing(client, db, campaign):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=_gift(news="y", email="x"))
    assert response.status_code == 422
    assert _subscriptions(db) == []


def test_one_click_unsubscribe_needs_no_csrf_token(client, app, db, subscriber, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    subscription = subscriber("amal@example.org")
    response = client.post(
        f"/news/unsubscribe/{subscription.token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [stored] = _subscriptions(db)
    assert stored.unsubscribed_at is not None
    # A second click changes nothing and still answers kindly.
    assert client.post(f"/news/unsubscribe/{subscription.token}").status_code == 200


def test_the_unsubscribe_page_asks_first_in_the_donors_language(client, db, subscriber):
    subscription = subscriber("omar@example.org", "ar")
    page = client.get(f"/ar/news/unsubscribe/{subscription.token}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'dir="rtl"' in text and '<form method="post"' in text
    [stored] = _subscriptions(db)
    assert stored.unsubscribed_at is None  # looking is not unsubscribing

    done = client.post(f"/ar/news/unsubscribe/{subscription.token}")
    assert done.status_code == 200
    assert "<form" not in done.get_data(as_text=True).split("<main", 1)[-1].split("</main>")[0]
    assert _subscriptions(db)[0].unsubscribed_at is not None


def test_an_unknown_token_is_not_found(client, db):
    assert client.get("/news/unsubscribe/nope").status_code == 404
    assert client.post("/news/unsubscribe/nope").status_code == 404
    assert client.get("/news/unsubscribe/" + "x" * 300).status_code == 404
