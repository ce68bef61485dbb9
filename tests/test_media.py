"""Uploaded images are checked by what they contain, re-encoded, and served cacheably."""

from io import BytesIO

import pytest
from PIL import Image

from campaigns.media import WIDTHS, ImageError, dimensions, save_image


def _jpeg_with_metadata(width=2000, height=1000) -> bytes:
    image = Image.new("RGB", (width, height), (30, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x010E] = "Taken at home, 33.5N 36.3E"  # ImageDescription
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_image_is_resized_reencoded_and_stripped(app, client):
    with app.test_request_context():
        name = save_image(BytesIO(_jpeg_with_metadata()))
        assert dimensions(name) == (2000, 1000)
    for width in WIDTHS:
        with client.get(f"/media/{name}-{width}.webp") as response:
            data = response.get_data()
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        with Image.open(BytesIO(data)) as image:
            assert image.format == "WEBP"
            assert image.width == width
            assert not image.getexif(), "metadata must not survive the re-encoding"
        assert b"CameraMaker" not in data
        assert b"33.5N" not in data


def test_small_image_is_not_enlarged(app):
    buffer = BytesIO()
    Image.new("RGB", (300, 200)).save(buffer, "PNG")
    buffer.seek(0)
    with app.test_request_context():
        name = save_image(buffer)
        from pathlib import Path

        folder = Path(app.config["UPLOAD_DIR"])
    with Image.open(folder / f"{name}-1440.webp") as stored:
        assert stored.width == 300


@pytest.mark.parametrize(
    "payload",
    [
        b"<?php echo 'hello'; ?>",
        b"%PDF-1.4 not an image",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"",
    ],
)
def test_non_images_are_refused_whatever_their_name(app, payload):
    with app.test_request_context(), pytest.raises(ImageError):
        save_image(BytesIO(payload))


def test_truncated_jpeg_is_refused(app):
    data = _jpeg_with_metadata()[:400]
    with app.test_request_context(), pytest.raises(ImageError):
        save_image(BytesIO(data))


def test_oversized_upload_is_refused(app):
    with app.test_request_context(), pytest.raises(ImageError) as info:
        save_image(BytesIO(b"\xff\xd8" + b"0" * (6 * 1024 * 1024)))
    assert "5 MB" in str(info.value)


def test_media_route_serves_only_generated_files(client):
    assert client.get("/media/..%2Finstance.sqlite3").status_code == 404
    assert client.get("/media/missing-480.webp").status_code == 404
    assert client.get("/media/notes.txt").status_code == 404
