"""Generated cover pictures for the demo campaigns, so the demo ships no photographs."""

from __future__ import annotations

import hashlib
from io import BytesIO


def cover_image(slug: str, dark: str, light: str) -> str | None:
    """A quiet generated cover: a diagonal wash and a few soft circles, stored like an
    upload. Drawn small and enlarged, which softens the edges for free. Returns None when
    the upload folder cannot be written (the page then shows its placeholder)."""
    from PIL import Image, ImageDraw

    from campaigns.media import save_image

    width, height = 720, 405
    seed = hashlib.sha256(slug.encode()).digest()
    start, end = _rgb(dark), _rgb(light)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(width + height):
        t = x / (width + height)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
        draw.line([(x, 0), (x - height, height)], fill=colour, width=2)
    overlay = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for i in range(5):
        cx, cy = seed[i] * width // 255, seed[i + 5] * height // 255
        radius = 60 + seed[i + 10] % 110
        alpha = 28 + seed[i + 15] % 30
        shapes.ellipse(
            [cx - radius, cy - radius, cx + radius, cy + radius], fill=(255,) * 3 + (alpha,)
        )
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    image = image.resize((1440, 810), Image.Resampling.BICUBIC)
    buffer = BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    buffer.seek(0)
    try:
        return save_image(buffer)
    except OSError:
        return None


def _rgb(colour: str) -> tuple[int, int, int]:
    """``#0b6e4f`` -> ``(11, 110, 79)``; anything else is refused with a clear message."""
    digits = colour.removeprefix("#")
    if len(digits) != 6:
        raise ValueError(f"{colour!r} is not a colour written #rrggbb.")
    try:
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    except ValueError:
        raise ValueError(f"{colour!r} is not a colour written #rrggbb.") from None
