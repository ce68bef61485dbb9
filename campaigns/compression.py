"""Gzip for text responses: donors on metered connections pay for every byte.

A reverse proxy may do this too; doing it here keeps a bare gunicorn deployment light.
Images are already compressed and are left alone.
"""

from __future__ import annotations

import gzip
import struct
import zlib

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
        not accepts_gzip()
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


# --- a stored page with per-visitor holes, compressed once --------------------------------

_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


class SplicedGzip:
    """Gzip of ``parts[0] + filler + parts[1] + filler ...``, the parts compressed once.

    Each part is its own run of deflate blocks, started afresh and ended on a byte boundary
    (a full flush), so runs can be laid end to end; the filler of each response (a visitor's
    CSRF field) goes between them as a stored block, not compressed: nothing else on the page
    compresses against it. Per response only the filler's bytes and the checksum are new.
    """

    def __init__(self, parts: list[bytes]):
        self.parts = parts
        self.runs = [self._run(part, last=i == len(parts) - 1) for i, part in enumerate(parts)]

    @staticmethod
    def _run(data: bytes, *, last: bool) -> bytes:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        return compressor.compress(data) + compressor.flush(
            zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH
        )

    def body(self, filler: bytes) -> bytes:
        stored = _stored_blocks(filler)
        out = [_GZIP_HEADER, self.runs[0]]
        crc = zlib.crc32(self.parts[0])
        for part, run in zip(self.parts[1:], self.runs[1:], strict=True):
            out += [stored, run]
            crc = zlib.crc32(part, zlib.crc32(filler, crc))
        size = sum(map(len, self.parts)) + len(filler) * (len(self.parts) - 1)
        out.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
        return b"".join(out)


def _stored_blocks(data: bytes) -> bytes:
    """``data`` as non-final stored deflate blocks, starting on a byte boundary."""
    out = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)
