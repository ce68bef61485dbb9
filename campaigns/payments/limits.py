"""Limits on the donate form that spare families.

Many donors share one address (a mobile carrier's NAT, a family on one connection), so the
form is never limited by how often it is shown, nor by gifts that go through. Two things
are counted:

* per address, attempts that did not go through: a form sent back with errors, a payment
  page the gateway would not open, and checkouts abandoned (the donor came back from the
  payment page without paying, or the payment was declined or expired);
* per email address, gifts started.

The counters are moving windows of the ``limits`` library, in
``RATELIMIT_STORAGE_URI``: Redis in production (by default the one of ``CACHE_REDIS_URL``),
this process's memory otherwise. The gifts an address has started and not seen end are
noted in the app's cache (Redis in production too; ``NullCache`` forgets them) for as long
as a checkout can stay open; the next attempt from that address counts those that ended
unpaid.
Concurrent requests from one address may each miss the other's note: the limit can only
count too little that way, never stop a donor it should not.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from campaigns.extensions import cache, db
from campaigns.models import Donation, DonationStatus

#: Attempts that did not go through, per address: a family of several donors, each with a
#: typo or a change of mind, stays well inside it; a script trying cards does not.
DEFAULT_ADDRESS_FAILURES = "20 per hour"
#: Gifts started with one email address (a household often shares one).
DEFAULT_EMAIL_GIFTS = "10 per hour"
#: How long a started gift is watched for its end (Stripe's Checkout lives 24 hours).
WATCH_SECONDS = 24 * 3600
#: At most this many open gifts are watched per address.
WATCH_MAX = 50
#: A gift that ended in one of these without being paid was abandoned or declined.
UNPAID_ENDS = frozenset({DonationStatus.FAILED, DonationStatus.EXPIRED})
#: A marker that lets one thing happen once a day (an abandoned gift counted once).
_ONCE = parse("1 per day")
_EXTENSION = "campaigns.donate_limits"


@dataclass(frozen=True)
class Stopped:
    """A limit was reached: ``which`` (``address`` or ``email``), and when to try again."""

    which: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _limiter() -> MovingWindowRateLimiter:
    """This app's limiter (each app has its own storage, as the tests build several)."""
    found = current_app.extensions.get(_EXTENSION)
    if found is None:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        found = MovingWindowRateLimiter(storage_from_string(uri))
        current_app.extensions[_EXTENSION] = found
    return found


def _item(setting: str, default: str) -> RateLimitItem:
    return parse(current_app.config.get(setting) or default)


def _address_item() -> RateLimitItem:
    return _item("DONATE_FAILURES_PER_ADDRESS", DEFAULT_ADDRESS_FAILURES)


def _email_item() -> RateLimitItem:
    return _item("DONATE_GIFTS_PER_EMAIL", DEFAULT_EMAIL_GIFTS)


def client_address() -> str:
    """The donor's address (ProxyFix has already applied ``PROXY_COUNT``)."""
    return request.remote_addr or "unknown"


def _email_key(email: str) -> str:
    """The email by its hash: the shared store never holds the address itself."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]


def _stopped(which: str, item: RateLimitItem, *identifiers: str) -> Stopped | None:
    limiter = _limiter()
    if limiter.test(item, *identifiers):
        return None
    reset_at, _remaining = limiter.get_window_stats(item, *identifiers)
    return Stopped(which, max(1, math.ceil(reset_at - time.time())))


def address_stopped(address: str) -> Stopped | None:
    """Whether this address has used up its failed attempts (after counting the gifts it
    started that ended unpaid since its last attempt)."""
    if not _enabled():
        return None
    _count_unpaid_ends(address)
    return _stopped("address", _address_item(), "donate-failures", address)


def email_stopped(email: str) -> Stopped | None:
    """Whether this email has started its allowance of gifts lately."""
    if not _enabled() or not email:
        return None
    return _stopped("email", _email_item(), "donate-gifts", _email_key(email))


def note_failure(address: str) -> None:
    """An attempt from this address did not go through."""
    if _enabled():
        _limiter().hit(_address_item(), "donate-failures", address)


def note_gift_started(address: str, email: str | None, donation: Donation) -> None:
    """A gift went to its payment page: count it for the email, and watch how it ends."""
    if not _enabled():
        return
    if email:
        _limiter().hit(_email_item(), "donate-gifts", _email_key(email))
    watched = _watched(address)
    watched.append(donation.id)
    cache.set(_watch_key(address), watched[-WATCH_MAX:], timeout=WATCH_SECONDS)


def note_abandoned(address: str, donation: Donation) -> None:
    """The donor came back from the payment page without paying: one failed attempt,
    counted once however often the page is opened again."""
    if not _enabled():
        return
    if not _limiter().hit(_ONCE, "donate-abandoned", str(donation.id)):
        return
    watched = _watched(address)
    if donation.id in watched:
        watched.remove(donation.id)
        cache.set(_watch_key(address), watched, timeout=WATCH_SECONDS)
    note_failure(address)


def _watch_key(address: str) -> str:
    return "donate-watch:" + address


def _watched(address: str) -> list[int]:
    found = cache.get(_watch_key(address))
    return [i for i in found if isinstance(i, int)] if isinstance(found, list) else []


def _count_unpaid_ends(address: str) -> None:
    """Count, once, the watched gifts that have ended unpaid; stop watching any that ended."""
    watched = _watched(address)
    if not watched:
        return
    states = dict(
        db.session.execute(
            sa.select(Donation.id, Donation.status).where(Donation.id.in_(watched))
        ).all()
    )
    still_open = [i for i in watched if states.get(i) == DonationStatus.PENDING]
    if len(still_open) == len(watched):
        return
    cache.set(_watch_key(address), still_open, timeout=WATCH_SECONDS)
    for donation_id in watched:
        if states.get(donation_id) in UNPAID_ENDS:
            note_failure(address)
