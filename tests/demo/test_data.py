"""The demo content is data: its files are strict about what they say, and dated from the
day it is loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from campaigns import demo
from campaigns.demo.images import _rgb
from campaigns.models import Campaign, Update


def test_every_data_file_reads_and_names_only_known_keys():
    for name, kind, keys in [
        ("organizations.toml", "organization", demo.ORGANIZATION_KEYS),
        ("campaigns.toml", "campaign", demo.CAMPAIGN_KEYS),
        ("projects.toml", "project", demo.PROJECT_KEYS),
        ("updates.toml", "update", demo.UPDATE_KEYS),
    ]:
        assert demo._entries(name, kind, keys), name


def test_a_misspelt_key_is_refused_rather_than_dropped(monkeypatch):
    real = demo.read_data

    def with_typo(name):
        data = real(name)
        if name == "campaigns.toml":
            data["campaign"][0]["sumary"] = data["campaign"][0].pop("summary")
        return data

    monkeypatch.setattr(demo, "read_data", with_typo)
    with pytest.raises(demo.DemoDataError, match="sumary"):
        demo._entries("campaigns.toml", "campaign", demo.CAMPAIGN_KEYS)


def test_an_unknown_sector_names_the_choices():
    with pytest.raises(demo.DemoDataError, match="health"):
        demo._enum(demo.Sector, "medicine", "x")


def test_a_text_needs_both_languages():
    with pytest.raises(demo.DemoDataError, match=r"\.en and \.ar"):
        demo._set_texts(object(), {"slug": "x", "title": {"en": "Only English"}}, ("title",))


def test_cover_colours_are_checked():
    assert _rgb("#0b6e4f") == (11, 110, 79)
    with pytest.raises(ValueError, match="rrggbb"):
        _rgb("#0b6e4")


def test_open_campaigns_and_news_are_dated_from_the_loading_day(db):
    today = date(2031, 3, 10)
    demo.load_demo_data(today)
    hajin = db.session.scalar(select(Campaign).where(Campaign.slug == "safe-spaces-children-hajin"))
    assert (hajin.starts_on, hajin.ends_on) == (date(2031, 2, 17), date(2031, 4, 18))
    earliest = min(d.succeeded_at for d in hajin.donations)
    assert earliest.date() == date(2031, 2, 19)
    kasra = db.session.scalar(select(Update).where(Update.slug == "kasra-streets-rehabilitation"))
    published = kasra.published_at
    published = published if published.tzinfo else published.replace(tzinfo=UTC)
    assert published == datetime.combine(date(2031, 2, 26), time(9, 0), UTC)
