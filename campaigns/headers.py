"""Security headers on every response.

The pages need nothing from other sites: scripts, styles, images and fonts all come from
this origin, and forms post here (the donate form then redirects to Stripe Checkout, which
Chromium checks against ``form-action``).
"""

from __future__ import annotations

from flask import Flask, Response, request

from campaigns.config import is_production

#: The only pages other sites may put in a frame: the campaign progress card. Every other
#: page refuses, so no one can overlay the donate form or the admin console (clickjacking).
FRAMEABLE_ENDPOINTS = frozenset({"embed.campaign_card"})


def _policy(frame_ancestors: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Inline style attributes carry computed widths (the progress bar); no inline
            # scripts.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self' https://checkout.stripe.com",
            f"frame-ancestors {frame_ancestors}",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = _policy("'none'")
#: The same policy, but any site may frame the page.
FRAMEABLE_CONTENT_SECURITY_POLICY = _policy("*")


#: The headers every page carries, unless its view set its own.
_EVERY_PAGE = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_NOT_FRAMEABLE = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Frame-Options", "DENY"),
    *_EVERY_PAGE,
)
_FRAMEABLE = (("Content-Security-Policy", FRAMEABLE_CONTENT_SECURITY_POLICY), *_EVERY_PAGE)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    wanted = _FRAMEABLE if request.endpoint in FRAMEABLE_ENDPOINTS else _NOT_FRAMEABLE
    # One pass over the headers already set (each ``setdefault`` would scan them again).
    present = {name.lower() for name, _value in headers.items()}
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    if is_production(app.config):

        @app.after_request
        def strict_transport(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
