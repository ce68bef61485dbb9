"""``pip install .`` gives a working Arabic site: the wheel carries the compiled catalogues
(built from the ``.po`` sources by the build itself) and the demo data files."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = "campaigns/translations/ar/LC_MESSAGES/messages"


def build_wheel(tmp_path: Path) -> zipfile.ZipFile:
    """Build from a clean copy of the sources, so no compiled catalogue is lying around."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "campaigns",
        source / "campaigns",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc"),
    )
    assert not list(source.rglob("*.mo"))
    out = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
            "--no-build-isolation", "--wheel-dir", str(out), str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    (wheel,) = out.glob("campaigns-*.whl")
    return zipfile.ZipFile(wheel)


def test_the_wheel_carries_compiled_catalogues_and_the_demo_data(tmp_path):
    with build_wheel(tmp_path) as wheel:
        names = set(wheel.namelist())
        assert f"{CATALOGUE}.mo" in names
        assert {
            "campaigns/demo/data/organizations.toml",
            "campaigns/demo/data/campaigns.toml",
            "campaigns/demo/data/projects.toml",
            "campaigns/demo/data/updates.toml",
        } <= names
        compiled = gettext.GNUTranslations(io.BytesIO(wheel.read(f"{CATALOGUE}.mo")))
    with (ROOT / f"{CATALOGUE}.po").open("rb") as source:
        catalogue = read_po(source)
    translated = [m for m in catalogue if m.id and m.string and not m.fuzzy and not m.pluralizable]
    assert len(translated) > 100
    for message in translated:
        assert compiled.gettext(message.id) == message.string, message.id
