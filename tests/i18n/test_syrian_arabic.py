"""Arabic as it is read in Syria: the Levantine month names, and user text that keeps its
own direction inside an Arabic page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from campaigns.i18n import date_locale, date_text, money_text, month_year_text, number_text
from campaigns.models import DatePrecision, OfflineMethod
from campaigns.payments import ledger

#: CLDR's ar_SY month names, January to December.
SYRIAN_MONTHS = (
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران",
    "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول",
)  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_has_its_syrian_name(app, month):
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert date_locale() == "ar_SY"
        assert month_year_text(date(2025, month, 1)) == f"{SYRIAN_MONTHS[month - 1]} 2025"


def test_english_dates_numbers_and_money_do_not_change(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert date_locale() == "en"
        assert date_text(date(2012, 11, 5), "long") == "November 5, 2012"
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert number_text(1234567) == "1,234,567"
        assert money_text(123450, "USD") == "\u200f1,234.50\xa0US$\u200e"


def test_a_moment_is_dated_in_the_site_time_zone(app):
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert date_text(datetime(2024, 11, 30, 23, 30, tzinfo=UTC)) == "30 تشرين الثاني 2024"


def test_a_november_chapter_on_the_arabic_page_says_tishreen_al_thani(client, make):
    campaign = make.campaign(title_ar="مياه")
    make.chapter(campaign, happened_on=date(2012, 11, 1), precision=DatePrecision.MONTH)
    make.chapter(campaign, happened_on=date(2013, 11, 14), precision=DatePrecision.DAY)
    html = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert '<time class="timeline-date" datetime="2012-11-01">تشرين الثاني 2012</time>' in html
    assert '<time class="timeline-date" datetime="2013-11-14">14 تشرين الثاني 2013</time>' in html
    assert "نوفمبر" not in html
    english = client.get(f"/en/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "November 2012" in english and "November 14, 2013" in english


def test_update_dates_use_the_syrian_months(client, make):
    update = make.update(published_at=datetime(2025, 4, 9, 10, 0, tzinfo=UTC))
    html = client.get(f"/ar/updates/{update.slug}").get_data(as_text=True)
    assert "9 نيسان 2025" in html and "أبريل" not in html


def test_arabic_indic_digits_still_follow_the_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "ARABIC_DIGITS", "arab")
    with app.test_request_context("/", headers={"Accept-Language": "ar"}):
        assert date_text(date(2012, 11, 5), "long") == "٥ تشرين الثاني ٢٠١٢"


def test_a_donors_english_message_keeps_its_own_direction(client, make, db):
    campaign = make.campaign(title_ar="مياه")
    ledger.record_offline_gift(
        campaign,
        2500,
        donor_name="John Smith",
        method=OfflineMethod.CASH,
        reference=None,
        received_on=date.today(),
        message="Thank you, all!",
    )
    db.session.commit()
    html = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    # dir="auto" lays the English sentence out left to right: "!" stays at its end.
    assert '<q class="donor-message" dir="auto">Thank you, all!</q>' in html
    # <bdi> isolates the name and takes its direction from its own text already.
    assert "<bdi>John Smith</bdi>" in html


def test_user_titles_in_lists_take_their_own_direction(client, make):
    campaign = make.campaign(title_ar="Water (in English)", featured=True)
    update = make.update(campaign, title_ar="News, in English!")
    home = client.get("/ar/").get_data(as_text=True)
    assert re.search(r'<a href="/ar/campaigns/[^"]+" dir="auto">Water \(in English\)</a>', home)
    page = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert f'<a href="/ar/updates/{update.slug}" dir="auto">News, in English!</a>' in page


def test_mail_written_outside_a_request_gets_the_same_dates(app):
    """A job renders a receipt with the app context only, in the donor's language."""
    from flask_babel import force_locale

    with app.app_context(), force_locale("ar"):
        assert date_locale() == "ar_SY"
        assert date_text(datetime(2025, 11, 2, 9, 0, tzinfo=UTC)) == "2 تشرين الثاني 2025"
    with app.app_context(), force_locale("en"):
        assert date_text(date(2025, 11, 2)) == "Nov 2, 2025"
