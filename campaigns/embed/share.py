"""What the campaign page offers for sharing outside the site: the embed code and the
Open Graph image's address."""

from __future__ import annotations

from flask import url_for
from markupsafe import escape

#: The card's size in a host page: room for a two-line title, narrow enough for a sidebar.
CARD_WIDTH, CARD_HEIGHT = 340, 230


def card_path(slug: str) -> str:
    return url_for("embed.campaign_card", slug=slug)


def image_path(slug: str) -> str:
    return url_for("embed.campaign_image", slug=slug)


def iframe_code(card_url: str, title: str) -> str:
    """The snippet another site pastes into its page; a text, shown escaped."""
    return (
        f'<iframe src="{escape(card_url)}" title="{escape(title)}" '
        f'width="{CARD_WIDTH}" height="{CARD_HEIGHT}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>'
    )
