"""The build steps that pyproject.toml cannot declare, so that ``pip install .`` gives a
working Arabic site.

The site reads compiled catalogues (``.mo``); only their sources (``.po``) are committed. A
wheel gets them compiled into its build folder; an editable install compiles them beside
their sources, where it reads them. A wheel also carries the templates, static files and
migrations, which live beside the package in a checkout (``campaigns.ROOT`` finds them).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CATALOGUES = "campaigns/translations"
#: Folders beside the package that the installed site needs.
SITE_FOLDERS = ("templates", "static", "migrations")


class BuildPyWithCatalogues(build_py):
    """``build_py``, then every ``.po`` compiled to ``.mo``, and for a wheel the site's
    folders copied into the package."""

    def run(self) -> None:
        super().run()
        target = HERE if self.editable_mode else Path(self.build_lib)
        for po in sorted((HERE / CATALOGUES).glob("*/LC_MESSAGES/*.po")):
            compile_catalogue(po, target / po.relative_to(HERE).with_suffix(".mo"))
        if not self.editable_mode:
            for folder in SITE_FOLDERS:
                shutil.copytree(
                    HERE / folder,
                    target / "campaigns" / folder,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                    dirs_exist_ok=True,
                )


def compile_catalogue(po: Path, mo: Path) -> None:
    """What ``pybabel compile`` does for one catalogue (fuzzy entries are left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalogue = read_po(source, abort_invalid=True)
    mo.parent.mkdir(parents=True, exist_ok=True)
    partial = mo.with_suffix(".mo.partial")
    with partial.open("wb") as compiled:
        write_mo(compiled, catalogue)
    partial.replace(mo)


setup(cmdclass={"build_py": BuildPyWithCatalogues})
