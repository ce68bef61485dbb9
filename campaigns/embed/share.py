"""What the campaign page offers for sharing outside the site: the embed code and the
Open Graph image's address."""

from __future__ import annotations

from flask import request, url_for
from markupsafe import escape

from campaigns.i18n import current_language, url_locale

#: The card's size in a host page: room for a two-line title, narrow enough for a sidebar.
CARD_WIDTH, CARD_HEIGHT = 340, 230


def card_path(slug: str) -> str:
    return _in_page_language(url_for("embed.campaign_card", slug=slug))


def image_path(slug: str) -> str:
    return _in_page_language(url_for("embed.campaign_image", slug=slug))


def _in_page_language(path: str) -> str:
    """The path with the page's language in it (``/en/...`` too), so the card or image is
    the same for every visitor: no choice by cookie or ``Accept-Language``, and one copy
    in a shared cache."""
    if url_locale():
        return path
    base = request.script_root
    return f"{base}/{current_language()}{path[len(base) :]}"


def iframe_code(card_url: str, title: str) -> str:
    """The snippet another site pastes into its page; a text, shown escaped."""
    return (
        f'<iframe src="{escape(card_url)}" title="{escape(title)}" '
        f'width="{CARD_WIDTH}" height="{CARD_HEIGHT}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>'
    )
