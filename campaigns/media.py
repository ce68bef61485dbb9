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
MAX_PIXELS = 40_000_000
QUALITY = 72


class ImageError(ValueError):
    """The upload is not an image this site accepts; the message says why."""


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open_checked(stream: BinaryIO) -> Image.Image:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImageError(_("The image is larger than 5 MB."))
    if not data:
        raise ImageError(_("The file is empty."))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise ImageError(_("Only JPEG, PNG or WebP images are accepted."))
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageError(_("The image has too many pixels."))
            probe.verify()
            image = Image.open(BytesIO(data))
            image.load()
    except ImageError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):  # fmt: skip
        raise ImageError(_("This file is not a JPEG, PNG or WebP image.")) from None
    return image


def save_image(stream: BinaryIO) -> str:
    """Check, re-encode and store an uploaded image; return the name to keep on the model."""
    image = _open_checked(stream)
    image = ImageOps.exif_transpose(image)
    image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    name = secrets.token_hex(10)
    folder = _folder()
    for width in WIDTHS:
        copy = image.copy()
        if copy.width > width:
            height = max(1, round(copy.height * width / copy.width))
            copy = copy.resize((width, height), Image.Resampling.LANCZOS)
        copy.save(folder / f"{name}-{width}.webp", "WEBP", quality=QUALITY, method=4)
    (folder / f"{name}.size").write_text(f"{image.width}x{image.height}")
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
