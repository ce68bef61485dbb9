"""A shared page compressed once, with each visitor's part laid between its pieces."""

from __future__ import annotations

import gzip
import zlib

import pytest

from campaigns.compression import SplicedGzip


@pytest.mark.parametrize(
    "parts",
    [
        [b"<p>" * 3000, b"</form>" * 500],
        [b"only one piece, no hole " * 50],
        [b"", b"middle", b""],
        [b"a" * 70_000, b"b" * 10, b"c" * 5],
    ],
)
@pytest.mark.parametrize("filler", [b"", b'<input value="token-1">', bytes(range(256)) * 300])
def test_each_body_decompresses_to_the_page_with_its_filler(parts, filler):
    spliced = SplicedGzip(parts)
    body = spliced.body(filler)
    assert gzip.decompress(body) == filler.join(parts)
    stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert stream.decompress(body) == filler.join(parts) and stream.eof  # one gzip member


def test_the_filler_is_stored_as_it_is_and_the_page_compressed():
    page = [b"<main>" + b"same for everyone " * 400, b"</main>" * 200]
    spliced = SplicedGzip(page)
    token = b'<input name="csrf_token" value="9f86d081884c7d659a2feaa0c55ad015">'
    body = spliced.body(token)
    assert token in body  # not compressed against anything on the page
    assert len(body) < len(token) + sum(map(len, page)) // 10
    assert spliced.body(b"x" * len(token)) != body
