"""Absolute links to this site, for use outside it: Stripe's return URLs, the API's ``url``,
``next`` and ``prev``, canonical and Open Graph addresses, share links.

Every one is built on ``PUBLIC_URL``, which is fixed when the app starts (see
:func:`campaigns.config.settle_public_url`), never on the request's ``Host`` header: a client
chooses that header, and a forged one must not reach a link that a donor, a search engine or
a cache will follow.
"""

from __future__ import annotations

from flask import current_app, url_for


def public_address() -> str:
    """``https://give.example.org``: the site's address, without a trailing slash."""
    return current_app.config["PUBLIC_URL"]


def absolute(path: str) -> str:
    """A path of this site (``/ar/campaigns/water``) as a full URL on the public address."""
    return public_address() + path


def external_url(endpoint: str, **values) -> str:
    """``url_for`` as a full URL on the public address.

    The language prefix of the current page is kept (``url_for`` carries it), so a donor sent
    away and back comes back in their language; nothing of the request's parameters is used.
    """
    return absolute(url_for(endpoint, **values))
