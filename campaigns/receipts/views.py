"""The printable receipt behind the signed link in each receipt email."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from campaigns.i18n import current_language
from campaigns.receipts.issue import receipt_context
from campaigns.receipts.links import LinkExpired, receipt_for_token

bp = Blueprint("receipts", __name__)


@bp.get("/receipts/<token>")
def show(token: str):
    """A forged link is a 404; an old one says so, with a 410, instead of showing the gift."""
    try:
        receipt = receipt_for_token(token)
    except LinkExpired:
        return _private(render_template("receipts/expired.html"), 410)
    if receipt is None:
        abort(404)
    context = receipt_context(receipt, current_language())
    return _private(render_template("receipts/receipt.html", **context), 200)


def _private(body: str, status: int):
    """A donor's receipt is nobody else's: never cached, never indexed, never referred on."""
    return (
        body,
        status,
        {
            "Cache-Control": "no-store",
            "X-Robots-Tag": "noindex",
            "Referrer-Policy": "no-referrer",
        },
    )
