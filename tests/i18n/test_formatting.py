"""Money, numbers, dates and counted phrases, written the way each reader expects."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask import render_template_string
from flask_babel import ngettext

from campaigns.i18n import (
    date_text,
    days_left_text,
    money,
    money_text,
    month_year_text,
    number_text,
    percent_text,
    year_text,
)

RLM = "\u200f"  # right-to-left mark, part of CLDR's Arabic currency pattern
LRM = "\u200e"  # keeps a Latin symbol such as "US$" in one piece in right-to-left text
NBSP = "\xa0"
TODAY = date(2026, 3, 10)


@contextmanager
def reading(app, lang: str):
    """A request from a visitor who reads ``lang``."""
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        yield


@pytest.fixture
def arabic_digits(app, monkeypatch):
    monkeypatch.setitem(app.config, "ARABIC_DIGITS", "arab")


@pytest.mark.parametrize(
    ("amount_minor", "currency", "english", "arabic"),
    [
        (123450, "USD", "$1,234.50", f"{RLM}1,234.50{NBSP}US${LRM}"),
        (123450, "EUR", "€1,234.50", f"{RLM}1,234.50{NBSP}€"),
        (5000, "JPY", "¥5,000", f"{RLM}5,000{NBSP}JP¥{LRM}"),
        (1234567, "KWD", f"KWD{NBSP}1,234.567", f"{RLM}1,234.567{NBSP}د.ك.{RLM}"),
        (5, "USD", "$0.05", f"{RLM}0.05{NBSP}US${LRM}"),
        (1, "KWD", f"KWD{NBSP}0.001", f"{RLM}0.001{NBSP}د.ك.{RLM}"),
    ],
)
def test_amounts_in_each_locale(app, amount_minor, currency, english, arabic):
    with reading(app, "en"):
        assert money_text(amount_minor, currency) == english
    with reading(app, "ar"):
        assert money_text(amount_minor, currency) == arabic


def test_yen_has_no_decimals_and_dinar_three(app):
    with reading(app, "en"):
        assert money_text(1, "JPY") == "¥1"
        assert money_text(1000, "KWD") == f"KWD{NBSP}1.000"


def test_money_is_isolated_for_bidi(app):
    with reading(app, "ar"):
        assert str(money(2500, "USD")) == f"<bdi>{RLM}25.00{NBSP}US${LRM}</bdi>"
        html = render_template_string('{{ _("%(raised)s raised", raised=money(2500, "USD")) }}')
    assert html == f"جُمع <bdi>{RLM}25.00{NBSP}US${LRM}</bdi>"


def test_numbers_percentages_and_dates(app):
    with reading(app, "en"):
        assert number_text(1234567) == "1,234,567"
        assert percent_text(45) == "45%"
        assert date_text(date(2018, 6, 3)) == "Jun 3, 2018"
        assert date_text(date(2018, 6, 3), "long") == "June 3, 2018"
        assert month_year_text(date(2018, 6, 3)) == "June 2018"
        assert year_text(date(2018, 6, 3)) == "2018"
    with reading(app, "ar"):
        assert number_text(1234567) == "1,234,567"
        assert percent_text(45) == "45%"
        assert date_text(date(2018, 6, 3)) == "3 حزيران 2018"
        assert month_year_text(date(2018, 6, 3)) == "حزيران 2018"
        assert date_text(None) == ""


def test_arabic_indic_digits_when_the_setting_asks_for_them(app, arabic_digits):
    with reading(app, "ar"):
        assert money_text(123450, "USD") == f"{RLM}١٬٢٣٤٫٥٠{NBSP}US${LRM}"
        assert money_text(1234567, "KWD") == f"{RLM}١٬٢٣٤٫٥٦٧{NBSP}د.ك.{RLM}"
        assert money_text(5000, "JPY") == f"{RLM}٥٬٠٠٠{NBSP}JP¥{LRM}"
        assert number_text(12345) == "١٢٬٣٤٥"
        assert percent_text(45) == "٤٥٪"
        assert date_text(date(2018, 6, 3)) == "٣ حزيران ٢٠١٨"
        assert days_left_text(TODAY, TODAY + timedelta(days=11), TODAY) == "بقي ١١ يومًا"


def test_the_digits_setting_leaves_english_pages_alone(app, arabic_digits):
    with reading(app, "en"):
        assert money_text(123450, "USD") == "$1,234.50"
        assert number_text(12345) == "12,345"
        assert date_text(date(2018, 6, 3)) == "Jun 3, 2018"


def test_western_digits_are_the_default(app):
    assert app.config["ARABIC_DIGITS"] == "latn"


@pytest.mark.parametrize(
    ("days", "arabic", "english"),
    [
        (1, "بقي يوم واحد", "1 day left"),
        (2, "بقي يومان", "2 days left"),
        (3, "بقي 3 أيام", "3 days left"),
        (10, "بقي 10 أيام", "10 days left"),
        (11, "بقي 11 يومًا", "11 days left"),
        (99, "بقي 99 يومًا", "99 days left"),
        (100, "بقي 100 يوم", "100 days left"),
        (102, "بقي 102 يوم", "102 days left"),
        (103, "بقي 103 أيام", "103 days left"),
        (111, "بقي 111 يومًا", "111 days left"),
        (1000, "بقي 1,000 يوم", "1,000 days left"),
    ],
)
def test_days_left_in_every_arabic_plural_form(app, days, arabic, english):
    ends_on = TODAY + timedelta(days=days)
    with reading(app, "ar"):
        assert days_left_text(TODAY, ends_on, TODAY) == arabic
    with reading(app, "en"):
        assert days_left_text(TODAY, ends_on, TODAY) == english


def test_zero_days_left(app):
    """On its last day a campaign says so; the catalogue's zero form reads naturally."""
    with reading(app, "ar"):
        assert days_left_text(TODAY, TODAY, TODAY) == "اليوم الأخير"
        assert ngettext("%(days)s day left", "%(days)s days left", 0, days="0") == "لم يبقَ أي يوم"
    with reading(app, "en"):
        assert days_left_text(TODAY, TODAY, TODAY) == "Last day"


@pytest.mark.parametrize(
    ("days", "arabic"),
    [
        (1, "تبدأ غدًا"),
        (2, "تبدأ بعد يومين"),
        (3, "تبدأ بعد 3 أيام"),
        (11, "تبدأ بعد 11 يومًا"),
        (100, "تبدأ بعد 100 يوم"),
    ],
)
def test_days_until_the_start(app, days, arabic):
    with reading(app, "ar"):
        assert days_left_text(TODAY + timedelta(days=days), None, TODAY) == arabic


def test_open_ended_and_ended_campaigns(app):
    with reading(app, "ar"):
        assert days_left_text(TODAY, None, TODAY) == "مفتوحة المدة"
        assert days_left_text(TODAY - timedelta(days=30), TODAY - timedelta(days=1), TODAY) == (
            "انتهت"
        )


@pytest.mark.parametrize(
    ("count", "arabic"),
    [
        (0, "لا يوجد متبرعون بعد"),
        (1, "متبرع واحد"),
        (2, "متبرعان"),
        (3, "<bdi>3</bdi> متبرعين"),
        (11, "<bdi>11</bdi> متبرعًا"),
        (100, "<bdi>100</bdi> متبرع"),
    ],
)
def test_donor_counts_in_templates(app, count, arabic):
    template = '{{ ngettext("%(num)s donor", "%(num)s donors", count, num=number(count)) }}'
    with reading(app, "ar"):
        assert render_template_string(template, count=count) == arabic
