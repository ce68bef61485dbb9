"""Peak memory of one image upload: what a worker needs to check and re-encode it.

Each case runs in a fresh Python process (Linux), which imports the app, resets its peak
resident memory, reads its resident memory (``VmRSS``), hands one generated upload to
``save_image`` and reads the peak (``VmHWM``); the difference is what the upload cost.
``--media FILE`` measures another version of ``campaigns/media.py`` (for example the one
before a change, from ``git show``).

    .venv/bin/python bench/image_memory.py
    git show main:campaigns/media.py > /tmp/media_before.py
    .venv/bin/python bench/image_memory.py --media /tmp/media_before.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: name: (format, width, height, mode). The first is the report's 131 KB PNG.
CASES = {
    "png-6300x6300-flat": ("PNG", 6300, 6300, "RGB"),
    "png-4000x3000-photo": ("PNG", 4000, 3000, "RGB"),
    "jpeg-6000x4000-photo": ("JPEG", 6000, 4000, "RGB"),
    "jpeg-2400x1350-photo": ("JPEG", 2400, 1350, "RGB"),
}

CHILD = r"""
import importlib.util, io, json, sys
sys.path.insert(0, {root!r})
from campaigns import create_app

upload, media_file, upload_dir = {args!r}
app = create_app({{"TESTING": True, "SECRET_KEY": "bench", "UPLOAD_DIR": upload_dir,
                   "SQLALCHEMY_DATABASE_URI": "sqlite://"}})
if media_file:
    spec = importlib.util.spec_from_file_location("media_under_test", media_file)
    media = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(media)
else:
    from campaigns import media
data = open(upload, "rb").read()


def status(field):
    text = open("/proc/self/status").read()
    return int(text.split(field + ":")[1].split()[0])


# Reset the peak (Linux: "5" clears VmHWM), so that importing the app, which peaks higher
# than where it settles, does not hide what the upload costs.
open("/proc/self/clear_refs", "w").write("5")
before = status("VmRSS")
outcome = "stored"
with app.test_request_context():
    try:
        media.save_image(io.BytesIO(data))
    except media.ImageError as exc:
        outcome = "refused: " + str(exc)
after = status("VmHWM")
print(json.dumps({{"bytes": len(data), "before_kb": before, "after_kb": after,
                   "outcome": outcome}}))
"""


def make_upload(name: str, folder: Path) -> Path:
    """The upload for one case, written to a file (built here, never in the measured process)."""
    from PIL import Image, ImageDraw

    fmt, width, height, mode = CASES[name]
    image = Image.new(mode, (width, height), (40, 110, 90))
    if "flat" not in name:  # some detail, so that the file has a realistic size
        draw = ImageDraw.Draw(image)
        for x in range(0, width, 37):
            draw.line([(x, 0), (width - x, height)], fill=(x % 255, 80, 200 - x % 200), width=3)
    path = folder / f"{name}.{fmt.lower()}"
    image.save(path, fmt, **({"quality": 90} if fmt == "JPEG" else {"optimize": True}))
    return path


def run_case(name: str, media_file: str | None) -> dict:
    with tempfile.TemporaryDirectory() as work:
        upload = make_upload(name, Path(work))
        upload_dir = str(Path(work) / "uploads")
        code = CHILD.format(root=str(ROOT), args=(str(upload), media_file, upload_dir))
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["case"] = name
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--media", help="another media.py to measure instead of the app's")
    parser.add_argument("cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    print(f"{'case':24} {'file':>9} {'rss before':>12} {'peak after':>11} {'upload':>8}  outcome")
    for name in args.cases:
        r = run_case(name, args.media)
        cost = max(0, r["after_kb"] - r["before_kb"]) // 1024
        print(
            f"{name:24} {r['bytes'] // 1024:>6} KB {r['before_kb'] // 1024:>9} MB"
            f" {r['after_kb'] // 1024:>8} MB {cost:>5} MB  {r['outcome'][:60]}"
        )


if __name__ == "__main__":
    main()
