"""CSRF tokens written differently into every response, against BREACH.

Flask-WTF's signed token carries the session's raw token in clear, so the same secret
string appears on every page of a session, and pages are gzipped. Someone who can put
text into a page the victim loads and watch the size of the compressed answers can then
guess it a character at a time (BREACH). Every token written into a page is therefore
XOR-ed with a fresh random pad, which is sent along: ``base64(pad + (pad XOR token))``.
No two tokens on the wire are alike, nothing constant is left to compress against, and
pages stay compressed for donors on metered connections. A token that comes back is
unmasked and then checked by Flask-WTF exactly as before; only masked tokens are taken.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from flask import Flask
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf

#: What an unreadable token unmasks to: not a signed token, so Flask-WTF refuses it.
_UNREADABLE = "unreadable"


def mask(token: str) -> str:
    """``token`` under a one-time pad, different on every call."""
    raw = token.encode("ascii")
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + _xor(pad, raw)).decode("ascii").rstrip("=")


def _xor(left: bytes, right: bytes) -> bytes:
    """Two strings of bytes of the same length, XOR-ed as two big integers (byte by byte in
    Python took a twentieth of the CPU of a cached page)."""
    size = len(left)
    return (int.from_bytes(left) ^ int.from_bytes(right)).to_bytes(size)


def unmask(sent: str | None) -> str | None:
    """The token a masked one stands for; None when nothing was sent."""
    if not sent:
        return None
    try:
        data = base64.urlsafe_b64decode(sent + "=" * (-len(sent) % 4))
    except (binascii.Error, ValueError):
        return _UNREADABLE
    half, odd = divmod(len(data), 2)
    if odd or not half:
        return _UNREADABLE
    raw = _xor(data[:half], data[half:])
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return _UNREADABLE


def masked_csrf_token() -> str:
    """``csrf_token()`` in templates: the request's token, masked anew at each use."""
    return mask(generate_csrf())


class MaskedFormCSRF(_FlaskFormCSRF):
    """The ``csrf_token`` field of every form, rendered masked and unmasked when read."""

    def generate_csrf_token(self, csrf_token_field):
        return mask(super().generate_csrf_token(csrf_token_field))

    def validate_csrf_token(self, form, field):
        sent = field.data
        field.data = unmask(sent)
        try:
            super().validate_csrf_token(form, field)
        finally:
            field.data = sent


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's protection of every POST, reading masked tokens."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = masked_csrf_token
        app.context_processor(lambda: {"csrf_token": masked_csrf_token})
        # Every FlaskForm of the process renders and reads its token masked.
        FlaskForm.Meta.csrf_class = MaskedFormCSRF

    def _get_csrf_token(self):
        return unmask(super()._get_csrf_token())
