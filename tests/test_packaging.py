"""``pip install .`` gives a working Arabic site: the wheel carries the compiled catalogues
(built from the ``.po`` sources by the build itself), the demo data files, the templates,
static files and migrations, and the installed package serves an Arabic page."""

from __future__ import annotations

import gettext
import io
import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = "campaigns/translations/ar/LC_MESSAGES/messages"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built once from a clean copy of the sources, where no compiled catalogue is
    lying around."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md", "MANIFEST.in"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("campaigns", "templates", "static", "migrations"):
        shutil.copytree(
            ROOT / folder,
            source / folder,
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
    (built,) = out.glob("campaigns-*.whl")
    return built


#: Run by the installed package alone: site-packages is on the path, but none of its ``.pth``
#: files, so the editable install of the checkout cannot answer instead.
SERVE_ARABIC_PAGE = """
import json, sys
from flask_migrate import upgrade
import campaigns
from campaigns import create_app
from campaigns.demo import load_demo_data
from campaigns.extensions import db

folder = sys.argv[1]
app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/site.db",
                  "UPLOAD_DIR": f"{folder}/uploads", "SECRET_KEY": "packaging-test"})
with app.app_context():
    upgrade()
    load_demo_data()
    db.session.commit()
response = app.test_client().get("/ar/campaigns/medical-support-damascus-countryside")
print(json.dumps({"package": campaigns.__file__, "status": response.status_code,
                  "html": response.get_data(as_text=True)}))
"""


def test_the_wheel_carries_compiled_catalogues_and_the_site(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert f"{CATALOGUE}.mo" in names
        assert {
            "campaigns/demo/data/organizations.toml",
            "campaigns/demo/data/campaigns.toml",
            "campaigns/demo/data/projects.toml",
            "campaigns/demo/data/updates.toml",
            "campaigns/templates/base.html",
            "campaigns/static/css/site.css",
            "campaigns/migrations/env.py",
        } <= names
        compiled = gettext.GNUTranslations(io.BytesIO(archive.read(f"{CATALOGUE}.mo")))
    with (ROOT / f"{CATALOGUE}.po").open("rb") as source:
        catalogue = read_po(source)
    translated = [m for m in catalogue if m.id and m.string and not m.fuzzy and not m.pluralizable]
    assert len(translated) > 100
    for message in translated:
        if message.context:
            assert compiled.pgettext(message.context, message.id) == message.string, message.id
        else:
            assert compiled.gettext(message.id) == message.string, message.id


def test_the_installed_wheel_serves_the_arabic_site(wheel, tmp_path):
    target = tmp_path / "installed"
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
            "--target", str(target), str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    result = subprocess.run(
        [sys.executable, "-S", "-c", SERVE_ARABIC_PAGE, str(tmp_path)],
        cwd=tmp_path,  # not the checkout, which -c would put first on the path
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": ":".join([str(target), *dependencies]), "PATH": "/usr/bin:/bin"},
    )
    page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page["package"].startswith(str(target))
    assert page["status"] == 200
    html = page["html"]
    assert '<html lang="ar" dir="rtl">' in html
    with (ROOT / f"{CATALOGUE}.po").open("rb") as source:
        ended = read_po(source).get("Ended").string
    assert ended and ended in html
