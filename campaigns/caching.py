"""Public pages served from a cache, fresh within seconds, with nothing of one visitor in them.

What is stored. The HTML of the home page, the campaign list, a campaign page and an
organization page, rendered for no one in particular: the donate form's CSRF field is a
placeholder (:data:`CSRF_SLOT`), filled with the visitor's own token each time the page is
sent. A request that carries something of its visitor (flash messages, a signed-in account)
is rendered afresh and never stored; so are the donate form with errors and the cancelled
payment's prefilled form, which never come through here. Only the body is stored, never a
response: no cookie, header or error page can be replayed to someone else.

How it stays fresh. The key holds what the page shows, read in one cheap query: for a
campaign page its ``updated_at`` (content writes and the ledger both move it), its totals,
its organization's ``updated_at`` and its updates' latest change and how many are published
by now (so a scheduled one appears on time); for the lists the same figures over the whole
site. Today's date, the locale, the full URL (language prefix, host, query) and the settings
pages show are in the key too. A change shows on the next request; anything the key misses
(a donation whose state changes without moving any total) is bounded by the entry's
lifetime, ``CACHE_DEFAULT_TIMEOUT`` seconds.

What a cache hit costs. Each process keeps the pages it served lately, by what names them
without the database (the address, the language, the day, the settings). A page checked
less than ``PAGE_CACHE_RECHECK_SECONDS`` ago (2) is sent as it is: no query, no cache read,
no render; only the visitor's CSRF field is laid into it, and its gzip is made once per
entry, the field then spliced in as a stored block (:class:`~campaigns.compression.SplicedGzip`).
Anything this process writes (a flush, a DML statement, a commit) empties that memory, so
its own changes show on the next request; a change made by another process shows once the
page is checked again, within the recheck interval.

What browsers and a CDN may keep. Each page carries an ``ETag`` and answers 304 to it.
A page with a donate form carries a token bound to its visitor's session, so it is sent
``private, no-cache``: the visitor's browser may keep it and revalidate (its ETag covers the
session's CSRF secret, so a 304 never revives a token the session no longer accepts), but a
shared cache must not: it would hand one visitor's token, or worse their session cookie, to
the next. Serving that page to a CDN would need HTML without a token, the token then fetched
per visitor by a script, or asked for in a second, confirming step from donors without
JavaScript (the donation path must work without it); neither is worth its cost while the
in-app cache brings the page down to one query and one cache read. Pages with no
per-visitor part are ``public`` with ``s-maxage=CACHE_SHARED_MAX_AGE`` (0 by default: a CDN
revalidates every time with the ETag). A response that sets a cookie is never ``public``,
and an error answer is ``no-store``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, make_response, request, request_finished
from flask import session as flask_session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session

from campaigns import timeutil
from campaigns.compression import SplicedGzip, accepts_gzip
from campaigns.csrf import masked_csrf_token
from campaigns.extensions import cache, db
from campaigns.models import (
    Campaign,
    Chapter,
    DonationTier,
    ImpactFigure,
    Organization,
    Update,
)
from campaigns.models.base import utcnow

log = logging.getLogger(__name__)

#: Stands for the CSRF field in stored HTML. User content cannot produce it: text is
#: escaped and Markdown is sanitised, which drops comments.
CSRF_SLOT = Markup("<!--csrf-token-->")
#: Bumped when a change of templates or code alters pages whose data did not change.
RENDER_VERSION = "1"


def today() -> date:
    """The day pages are rendered for: one source for the key and for "days left"."""
    return timeutil.today()


# --- the CSRF field ---------------------------------------------------------------------


def csrf_field(form) -> Markup:
    """The form's CSRF field, or its placeholder while a page is rendered to be shared."""
    if g.get("rendering_shared_page"):
        return CSRF_SLOT
    return form.csrf_token()


def _csrf_input() -> str:
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = masked_csrf_token()
    return f'<input id="{name}" name="{name}" type="hidden" value="{escape(token)}">'


def _csrf_secret() -> str:
    """What a visitor's tokens are checked against: the same secret, the same valid tokens."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return str(flask_session.get(name) or g.get(name) or "")


@contextmanager
def _shared_rendering():
    g.rendering_shared_page = True
    try:
        yield
    finally:
        g.rendering_shared_page = False


# --- who may be served the shared copy --------------------------------------------------


def shareable_request() -> bool:
    """Nothing in this request belongs to its visitor: no flash waiting, nobody signed in."""
    if "_flashes" in flask_session or "_user_id" in flask_session:
        return False
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return remember not in request.cookies


# --- what the key holds -----------------------------------------------------------------


def _published_updates(*where) -> sa.ScalarSelect:
    return (
        sa.select(sa.func.count(Update.id))
        .where(Update.published_at.is_not(None), Update.published_at <= sa.bindparam("now"), *where)
        .scalar_subquery()
    )


@functools.cache
def _campaign_query() -> sa.Select:
    """Built once: the statement is the same on every request, only its parameters change."""
    from campaigns.catalog.visibility import PUBLIC_STATES

    return (
        sa.select(
            Campaign.id,
            Campaign.updated_at,
            Campaign.raised_minor,
            Campaign.donor_count,
            Organization.updated_at,
            sa.select(sa.func.max(Update.updated_at))
            .where(Update.campaign_id == Campaign.id)
            .scalar_subquery(),
            _published_updates(Update.campaign_id == Campaign.id),
        )
        .join(Organization, Organization.id == Campaign.organization_id)
        .where(Campaign.slug == sa.bindparam("slug"), Campaign.state.in_(PUBLIC_STATES))
    )


@functools.cache
def _site_query() -> sa.Select:
    def scalar(column) -> sa.ScalarSelect:
        return sa.select(column).scalar_subquery()

    return sa.select(
        scalar(sa.func.count(Campaign.id)),
        scalar(sa.func.max(Campaign.updated_at)),
        scalar(sa.func.sum(Campaign.raised_minor)),
        scalar(sa.func.sum(Campaign.donor_count)),
        scalar(sa.func.count(Organization.id)),
        scalar(sa.func.max(Organization.updated_at)),
        scalar(sa.func.max(Update.updated_at)),
        _published_updates(),
    )


def campaign_generation(slug: str) -> tuple | None:
    """Everything a campaign page shows that can change, in one query; None if not public."""
    row = db.session.execute(_campaign_query(), {"slug": slug, "now": datetime.now(UTC)}).first()
    return None if row is None else tuple(row)


def site_generation() -> tuple:
    """The same figures over every campaign, organization and update, in one query."""
    return tuple(db.session.execute(_site_query(), {"now": datetime.now(UTC)}).one())


# --- serving ----------------------------------------------------------------------------


class _Entry:
    """A stored page as this process serves it: split around its CSRF slots, with its ETag
    and (once asked for) its gzip made once, however many visitors it is sent to."""

    __slots__ = ("_gzip", "born", "checked", "etag", "key", "parts")

    def __init__(self, key: str, html: str, etag: str, now: float):
        self.key, self.etag = key, etag
        self.parts = [part.encode() for part in html.split(CSRF_SLOT)]
        self.born = self.checked = now
        self._gzip: SplicedGzip | None = None

    @property
    def personal(self) -> bool:
        return len(self.parts) > 1

    def body(self, filler: bytes, gzipped: bool) -> bytes:
        if gzipped:
            if self._gzip is None:
                self._gzip = SplicedGzip(self.parts)
            return self._gzip.body(filler)
        return filler.join(self.parts)


class _Recent(dict):
    """This process's pages, by what identifies a page without asking the database."""


#: Every app's table of recent pages in this process, emptied whenever this process writes.
_TABLES: weakref.WeakValueDictionary[int, _Recent] = weakref.WeakValueDictionary()
#: Past this many pages (addresses with odd queries), a table starts again empty.
_MAX_RECENT = 256
_clock = time.monotonic


def _recent() -> _Recent:
    table = current_app.extensions.get("page_cache_recent")
    if table is None:
        table = current_app.extensions["page_cache_recent"] = _Recent()
        _TABLES[id(table)] = table
    return table


def forget_recent_pages() -> None:
    """Ask the database again on the next request for every page (this process's writes)."""
    for table in list(_TABLES.values()):
        table.clear()


def _address(name: str) -> tuple:
    """What names a page before its generation is known: cheap, no database."""
    from campaigns.i18n import select_locale

    config = current_app.config
    environ = request.environ
    return (
        name,
        environ.get("wsgi.url_scheme"),
        request.host,
        environ.get("SCRIPT_NAME"),
        environ.get("PATH_INFO"),
        environ.get("QUERY_STRING"),
        select_locale(),
        today(),
        bool(config.get("STRIPE_SECRET_KEY")),
        config.get("CAMPAIGNS_ENV"),
        config.get("ARABIC_DIGITS"),
        config.get("PUBLIC_URL"),
    )


def cached_page(
    name: str, generation: Callable[[], tuple | None], render: Callable[[], str]
) -> Response:
    """The page from the cache (rendered and stored on a miss), for this visitor.

    ``generation`` reads what the page shows (None: there is no such page, a 404). It is
    asked at most once every ``PAGE_CACHE_RECHECK_SECONDS`` per page and process, and at
    once after this process wrote anything; in between the page is sent as it was.
    """
    if not shareable_request():
        if generation() is None:
            abort(404)
        g.page_cache_control = "private, no-cache"
        return make_response(render())
    entry = _current_entry(name, generation, render)
    return _send(entry)


def _current_entry(name: str, generation: Callable[[], tuple | None], render) -> _Entry:
    config = current_app.config
    now = _clock()
    table = _recent()
    address = _address(name)
    entry = table.get(address)
    if entry is not None and now - entry.checked < config["PAGE_CACHE_RECHECK_SECONDS"]:
        return entry
    figures = generation()
    if figures is None:
        table.pop(address, None)
        abort(404)
    key = _key(address, figures)
    if (
        entry is not None
        and entry.key == key
        and now - entry.born < config["CACHE_DEFAULT_TIMEOUT"]
    ):
        entry.checked = now
        return entry
    stored = _stored(key)
    if stored is None:
        with _shared_rendering():
            html = render()
        stored = {"html": html, "etag": hashlib.sha256(html.encode()).hexdigest()[:32]}
        _store(key, stored)
    entry = _Entry(key, stored["html"], stored["etag"], now)
    if len(table) >= _MAX_RECENT:
        table.clear()
    table[address] = entry
    return entry


def _key(address: tuple, generation: tuple) -> str:
    parts = (RENDER_VERSION, address, generation)
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _send(entry: _Entry) -> Response:
    etag, filler = entry.etag, b""
    if entry.personal:
        filler = _csrf_input().encode()  # first, so that a new visitor's secret is in the ETag
        salted = f"{etag}:{_csrf_secret()}:{_token_period()}"
        etag = hashlib.sha256(salted.encode()).hexdigest()[:32]
    g.page_cache_control = "private, no-cache" if entry.personal else _public_control()
    if request.if_none_match.contains_weak(etag):
        response = current_app.response_class(status=304)
        response.set_etag(etag, weak=accepts_gzip())
        response.vary.add("Accept-Encoding")
        return response
    gzipped = accepts_gzip()
    response = current_app.response_class(entry.body(filler, gzipped), mimetype="text/html")
    response.set_etag(etag, weak=gzipped)
    response.vary.add("Accept-Encoding")
    if gzipped:
        # Same resource, other bytes: only a weak validator still holds (as nginx does).
        response.headers["Content-Encoding"] = "gzip"
    return response


def _token_period() -> int:
    """With expiring tokens, a browser's kept copy is revalidated only while its token is
    young (half the lifetime); tokens here do not expire unless WTF_CSRF_TIME_LIMIT is set."""
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT")
    return int(time.time() // max(int(limit) // 2, 1)) if limit else 0


def _stored(key: str) -> dict | None:
    """The stored page, or None; a cache that is down costs a render, never an error page."""
    try:
        return cache.get(key)
    except Exception:
        log.warning("Page cache unreachable; rendering without it", exc_info=True)
        return None


def _store(key: str, entry: dict) -> None:
    try:
        cache.set(key, entry)
    except Exception:
        log.warning("Page cache unreachable; page not stored", exc_info=True)


def _public_control() -> str:
    shared = int(current_app.config.get("CACHE_SHARED_MAX_AGE") or 0)
    return f"public, max-age=0, s-maxage={shared}, must-revalidate"


def _final_cache_headers(sender: Flask, response: Response, **_extra) -> None:
    """The last word on caching, once every hook and the session have set their headers."""
    control = g.get("page_cache_control")
    if response.status_code >= 400:
        response.headers.setdefault("Cache-Control", "no-store")
        return
    if control is None or "Cache-Control" in response.headers:
        return
    if control.startswith("public") and (
        "Set-Cookie" in response.headers or response.status_code not in (200, 304)
    ):
        control = "private, no-cache"
    response.headers["Cache-Control"] = control


# --- content writes move the campaign's updated_at --------------------------------------

#: Rows shown on a campaign page that have no timestamp of their own.
_CAMPAIGN_PARTS = (DonationTier, Chapter, ImpactFigure)


def _touch_changed_campaigns(session: Session, _context, _instances) -> None:
    """A tier, chapter or impact figure that changes marks its campaign as changed, so that
    the campaign's ``updated_at`` (in the page's key) moves with it."""
    touched: set[Campaign] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, _CAMPAIGN_PARTS) and obj.campaign is not None:
            touched.add(obj.campaign)
        elif (
            isinstance(obj, Campaign)
            and obj not in session.deleted
            and obj not in session.new
            and session.is_modified(obj)
        ):
            touched.add(obj)
    for campaign in touched:
        if campaign not in session.deleted and campaign not in session.new:
            campaign.updated_at = utcnow()


# --- the session cookie -----------------------------------------------------------------


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its serializer built once per key instead of twice per
    request: every new visitor of a cached page gets a session (for the form's CSRF token),
    and building the serializer was a good part of that cost. Cookies are unchanged."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        built = app.extensions.get("session_serializer")
        if built is None or built[0] != keys:
            built = (keys, super().get_signing_serializer(app))
            app.extensions["session_serializer"] = built
        return built[1]


# --- this process's writes --------------------------------------------------------------


def _wrote(session: Session, *_args) -> None:
    """Anything this process writes may be on a page: its recent pages are asked about
    again, now (so a request that follows a flush sees it) and once it is committed (so no
    page read in between stays)."""
    session.info["page_cache_wrote"] = True
    forget_recent_pages()


def _wrote_by_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _wrote(state.session)


def _committed(session: Session) -> None:
    if session.info.pop("page_cache_wrote", False):
        forget_recent_pages()


_SESSION_EVENTS = (
    ("after_flush", _wrote),
    ("do_orm_execute", _wrote_by_statement),
    ("after_commit", _committed),
    ("before_flush", _touch_changed_campaigns),
)


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_RECHECK_SECONDS", 2.0)
    app.session_interface = SessionInterface()
    cache.init_app(app)
    app.jinja_env.globals["csrf_field"] = csrf_field
    request_finished.connect(_final_cache_headers, app)
    for name, listener in _SESSION_EVENTS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
