"""Uploaded images: checked by content, re-encoded, resized, and served with long caching.

An upload is trusted only after Pillow has decoded it as JPEG, PNG or WebP. It is then
re-encoded from pixels into WebP at a few widths, which drops every byte of metadata
(EXIF, GPS, comments) and anything hidden after the image data. File names are random and
never reused, so the files can be cached for a year.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import warnings
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from werkzeug.security import safe_join

bp = Blueprint("media", __name__)

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
#: Widths produced for every image; the smallest is what a phone downloads.
WIDTHS = (480, 960, 1440)
MAX_BYTES = 5 * 1024 * 1024
#: The most pixels an upload may have: a 24-megapixel camera photo (6000 x 4000) passes.
#: A PNG or WebP is decoded whole (4 bytes a pixel with transparency, so at most 100 MB for
#: a moment); a JPEG is decoded straight at a reduced scale. A few kilobytes of PNG can
#: declare far more pixels than this, which is why the header is checked before decoding.
MAX_PIXELS = 25_000_000
QUALITY = 72
#: EXIF orientations that turn the picture a quarter: its width is the stored height.
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112


class ImageError(ValueError):
    """The upload is not an image this site accepts; the message says why."""


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open_checked(stream: BinaryIO) -> Image.Image:
    """The upload opened (not decoded yet) once its type and size are known to be fine."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageError(_("The image is larger than 5 MB."))
    if not data:
        raise ImageError(_("The file is empty."))
    probe = Image.open(BytesIO(data))
    if probe.format not in ACCEPTED_FORMATS:
        raise ImageError(_("Only JPEG, PNG or WebP images are accepted."))
    if probe.width * probe.height > MAX_PIXELS:
        raise ImageError(
            _(
                "The image is %(width)s x %(height)s pixels; please upload one of at most "
                "%(megapixels)s megapixels (for example 6000 x 4000).",
                width=probe.width,
                height=probe.height,
                megapixels=MAX_PIXELS // 1_000_000,
            )
        )
    probe.verify()
    return Image.open(BytesIO(data))


def _decode(stream: BinaryIO) -> tuple[Image.Image, tuple[int, int]]:
    """The upload decoded, upright, no wider than the largest width served, and the size of
    the original as it is seen (after its EXIF rotation).

    Only one large copy ever exists: a JPEG is decoded at a reduced scale (``draft``), a PNG
    or WebP is reduced in place (``thumbnail``) before anything else is done with it.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = _open_checked(stream)
            turned = image.getexif().get(_EXIF_ORIENTATION) in _QUARTER_TURNS
            original = (image.height, image.width) if turned else image.size
            if image.format != "JPEG" and image.mode not in ("RGB", "RGBA"):
                # Palette and grey images are resized well only once they are RGB(A).
                image = image.convert("RGBA" if image.mode in ("LA", "P", "PA") else "RGB")
            image.thumbnail(_box(image.size, turned), Image.Resampling.LANCZOS, reducing_gap=2.0)
            image = ImageOps.exif_transpose(image)
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):  # fmt: skip
        raise ImageError(_("This file is not a JPEG, PNG or WebP image.")) from None
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGB")
    return image, original


def _box(size: tuple[int, int], turned: bool) -> tuple[int, int]:
    """The exact size (before turning) at which the upright image is the largest width served.

    Exact, not a loose bound: ``thumbnail`` asks the JPEG decoder for a scale from it.
    """
    width, height = size
    if turned:
        return max(1, round(width * WIDTHS[-1] / height)), WIDTHS[-1]
    return WIDTHS[-1], max(1, round(height * WIDTHS[-1] / width))


def save_image(stream: BinaryIO) -> str:
    """Check, re-encode and store an uploaded image; return the name to keep on the model."""
    image, (width_seen, height_seen) = _decode(stream)
    name = secrets.token_hex(10)
    folder = _folder()
    for width in WIDTHS:
        sized = image
        if image.width > width:
            height = max(1, round(image.height * width / image.width))
            sized = image.resize((width, height), Image.Resampling.LANCZOS)
        sized.save(folder / f"{name}-{width}.webp", "WEBP", quality=QUALITY, method=4)
    (folder / f"{name}.size").write_text(f"{width_seen}x{height_seen}")
    return name


def dimensions(name: str) -> tuple[int, int] | None:
    """The original's width and height, for the <img> width/height attributes."""
    try:
        text = (_folder() / f"{name}.size").read_text()
        width, height = text.split("x")
        return int(width), int(height)
    except (OSError, ValueError):
        return None


def image_url(name: str, width: int = WIDTHS[0]) -> str:
    return url_for("media.file", filename=f"{name}-{width}.webp")


def srcset(name: str) -> str:
    """``srcset`` for the widths produced; browsers never pick more than they need."""
    return ", ".join(f"{image_url(name, width)} {width}w" for width in WIDTHS)


@bp.get("/media/<filename>")
def file(filename: str):
    """Serve an uploaded image; names are random and immutable, so cache for a year."""
    if "/" in filename or "\\" in filename or not filename.endswith(".webp"):
        abort(404)
    path = safe_join(str(_folder()), filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    # Read whole (the largest rendition is a few hundred KB): no file handle outlives the
    # request, even when a client drops the connection halfway through the transfer.
    with open(path, "rb") as f:
        body = f.read()
    response = Response(body, mimetype="image/webp")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.make_conditional(request)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def template_helpers() -> dict:
    return {"image_url": image_url, "image_srcset": srcset, "image_size": dimensions}
