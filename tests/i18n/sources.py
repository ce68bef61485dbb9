"""Where the project's sources are, and the interface strings ``pybabel extract`` finds in
them: shared by the catalogue test and the Arabic pages test."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def extract_source_messages(folder: Path):
    """The messages the code and templates use today, as ``pybabel extract`` finds them."""
    pot = folder / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", "--mapping-file", str(ROOT / "babel.cfg"),
         "--keyword", "_l", "--keyword", "lazy_gettext", "--output-file", str(pot), str(ROOT)]
    )  # fmt: skip
    with pot.open("rb") as f:
        return read_po(f)
