"""Images whose pixels would not fit a worker's memory are refused before decoding; normal
ones are decoded at the size they are served at, the right way up."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from campaigns.media import MAX_PIXELS, WIDTHS, ImageError, dimensions, save_image


def _png(width: int, height: int, mode: str = "RGB") -> bytes:
    buffer = BytesIO()
    Image.new(mode, (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _stored(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_a_small_file_with_too_many_pixels_is_refused_before_decoding(app):
    data = _png(6300, 6300)  # the report's decompression bomb: 40 megapixels
    assert len(data) < 200_000
    before = _stored(app)
    with app.test_request_context(), pytest.raises(ImageError) as info:
        save_image(BytesIO(data))
    assert "6300 x 6300 pixels" in str(info.value)
    assert "25 megapixels" in str(info.value)
    assert _stored(app) == before


def test_the_limit_is_the_number_of_pixels_not_the_shape(app):
    with app.test_request_context(), pytest.raises(ImageError):
        save_image(BytesIO(_png(MAX_PIXELS // 100 + 1, 100, mode="1")))


def test_a_large_palette_png_within_the_limit_is_accepted(app):
    data = _png(4000, 3000, mode="P")
    with app.test_request_context():
        name = save_image(BytesIO(data))
        assert dimensions(name) == (4000, 3000)
    folder = Path(app.config["UPLOAD_DIR"])
    for width in WIDTHS:
        with Image.open(folder / f"{name}-{width}.webp") as stored:
            assert stored.size == (width, width * 3 // 4)
            assert stored.mode in ("RGB", "RGBA")


def test_a_turned_photo_is_stored_upright_with_its_upright_size(app):
    image = Image.new("RGB", (2000, 1000), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: turn a quarter to show it
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    with app.test_request_context():
        name = save_image(BytesIO(buffer.getvalue()))
        assert dimensions(name) == (1000, 2000)
    folder = Path(app.config["UPLOAD_DIR"])
    with Image.open(folder / f"{name}-480.webp") as stored:
        assert stored.size == (480, 960)
    with Image.open(folder / f"{name}-1440.webp") as stored:
        assert stored.size == (1000, 2000), "never enlarged"
