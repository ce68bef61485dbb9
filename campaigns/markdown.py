"""Markdown written by admins, turned into HTML that is safe to show to donors.

Raw HTML in the source is not passed through by the parser, and the result is cleaned
again with an allowlist (nh3), so no script, event handler or ``javascript:`` URL survives
even if the parser ever lets one by.
"""

from __future__ import annotations

import nh3
from flask_babel import gettext as _
from markdown_it import MarkdownIt
from markupsafe import Markup

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote",
        "h2", "h3", "h4", "hr", "code", "pre",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


def render_markdown(text: str | None) -> Markup:
    """Markdown to sanitised HTML; empty text gives empty markup."""
    if not text:
        return Markup("")
    html = _PARSER.render(text)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - cleaned by nh3 just above


def localized_markdown(obj, field: str) -> Markup:
    """A Markdown field in the page's language; the English text, marked, where none exists."""
    from campaigns.i18n import localized

    text = localized(obj, field)
    if not text:
        return Markup("")
    body = render_markdown(text.text)
    if not text.fallback:
        return body
    note = _("This text is not yet available in Arabic; here it is in English.")
    return Markup('<p class="fallback-note">%s</p><div lang="en" dir="ltr">%s</div>') % (
        note,
        body,
    )
