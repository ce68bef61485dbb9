"""The site's own pages: the privacy notice and the terms of use.

A page is shown from its saved row when a platform admin has written one, and from the
default text otherwise, so a fresh installation already tells donors what it stores.
Resetting a page deletes its row and brings the default back.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from campaigns.audit import record
from campaigns.catalog import ContentError
from campaigns.extensions import db
from campaigns.models import SitePage
from campaigns.site_pages.defaults import DEFAULTS

#: The pages, in the order the console lists them; each slug is also its address.
SLUGS = tuple(DEFAULTS)
TEXT_FIELDS = ("title_en", "title_ar", "body_en", "body_ar")


def default_page(slug: str) -> SitePage:
    """The page as written by default, not stored."""
    return SitePage(slug=slug, **DEFAULTS[slug])


def saved_page(slug: str) -> SitePage | None:
    return db.session.scalars(select(SitePage).where(SitePage.slug == slug)).first()


def page(slug: str) -> SitePage:
    """The page to show: the saved one, or the default."""
    if slug not in DEFAULTS:
        raise KeyError(slug)
    return saved_page(slug) or default_page(slug)


def save_page(slug: str, data: dict) -> SitePage:
    """Write a page from the console's form; English title and text are required."""
    if slug not in DEFAULTS:
        raise KeyError(slug)
    values = {name: (data.get(name) or "").strip() or None for name in TEXT_FIELDS}
    errors = {}
    if not values["title_en"]:
        errors["title_en"] = _("An English title is required.")
    if not values["body_en"]:
        errors["body_en"] = _("An English text is required.")
    if errors:
        raise ContentError(errors)
    row = saved_page(slug)
    if row is None:
        row = SitePage(slug=slug)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    record("site_page.edit", row, {"slug": slug})
    return row


def reset_page(slug: str) -> None:
    """Forget the saved text so the default is shown again."""
    row = saved_page(slug)
    if row is None:
        return
    record("site_page.reset", row, {"slug": slug})
    db.session.delete(row)
    db.session.flush()
