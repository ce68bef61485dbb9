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


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if request.endpoint in FRAMEABLE_ENDPOINTS:
        headers.setdefault("Content-Security-Policy", FRAMEABLE_CONTENT_SECURITY_POLICY)
    else:
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
    if is_production(app.config):

        @app.after_request
        def strict_transport(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            return response
