"""``.ci/system-packages`` installs each Debian package the suite needs when, and only when,
this machine lacks it, without asking anything."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "system-packages"


def fake_machine(tmp_path: Path, installed: set[str], commands: set[str]) -> Path:
    """A PATH holding stand-ins for dpkg, apt-get, id and the given commands; apt-get
    writes what it was asked into ``apt.log``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    scripts = {
        "dpkg": 'case " {} " in *" $2 "*) exit 0;; esac; exit 1'.format(" ".join(installed)),
        "apt-get": f'echo "$*" >> {log}',
        "id": "echo 0",
        "env": 'while [ "${1#*=}" != "$1" ]; do export "$1"; shift; done; exec "$@"',
    }
    scripts |= dict.fromkeys(commands, "exit 0")
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)
    return bin_dir


def run(tmp_path: Path, installed: set[str], commands: set[str]) -> list[str]:
    bin_dir = fake_machine(tmp_path, installed, commands)
    subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        check=True,
        stdin=subprocess.DEVNULL,
        env={"PATH": f"{bin_dir}:/nonexistent", "CI": "true", "HOME": str(tmp_path)},
        timeout=30,
    )
    log = tmp_path / "apt.log"
    return log.read_text().splitlines() if log.exists() else []


ALL = {"chromium", "fonts-noto-core", "python3-venv", "nodejs", "npm"}


def test_nothing_missing_means_no_apt_get_at_all(tmp_path):
    assert run(tmp_path, ALL, set()) == []


def test_fonts_are_installed_on_a_machine_that_already_has_chromium(tmp_path):
    calls = run(tmp_path, ALL - {"fonts-noto-core"}, set())
    assert calls == ["update -q", "install -y -q fonts-noto-core"]


def test_tools_installed_by_other_means_count_as_present(tmp_path):
    # NodeSource's nodejs brings npm without a Debian npm package; python3 may have venv.
    calls = run(tmp_path, {"chromium", "fonts-noto-core"}, {"node", "npm", "python3"})
    assert calls == []


def test_a_bare_machine_gets_everything_in_one_install(tmp_path):
    calls = run(tmp_path, set(), set())
    assert calls == [
        "update -q",
        "install -y -q chromium fonts-noto-core python3-venv nodejs npm",
    ]
