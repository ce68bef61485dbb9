"""Gzip for text responses: donors on metered connections pay for every byte.

A reverse proxy may do this too; doing it here keeps a bare gunicorn deployment light.
Images are already compressed and are left alone.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSIBLE = frozenset(
    {
        "text/html",
        "text/css",
        "text/plain",
        "text/csv",
        "application/javascript",
        "text/javascript",
        "application/json",
        "image/svg+xml",
    }
)
MIN_SIZE = 500
MAX_SIZE = 2 * 1024 * 1024


def compress_response(response: Response) -> Response:
    if (
        "gzip" not in request.headers.get("Accept-Encoding", "").lower()
        or response.mimetype not in COMPRESSIBLE
        or response.status_code < 200
        or response.status_code in (204, 206, 304)
        or "Content-Encoding" in response.headers
        or (response.is_streamed and not response.direct_passthrough)
    ):
        return response
    length = response.content_length
    if length is not None and (length < MIN_SIZE or length > MAX_SIZE):
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(gzip.compress(data, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag, _weak = response.get_etag()
    if etag:
        # Same resource, different bytes: only a weak validator still holds (as nginx does).
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_response)
