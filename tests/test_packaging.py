"""The wheel a new user installs: its contents, and that it works outside the checkout.

An editable install hides missing data files (migrations, .tcss, the room's static files);
this builds the real wheel, installs it into a fresh virtual environment (dependencies borrowed
from the test environment, so nothing is downloaded) and runs it from an unrelated directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("huddle", "screens", "db")


def _package_files() -> set[str]:
    """Every file of the three packages in the checkout (tracked by git when git can tell)."""
    try:
        out = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        tracked = {p for p in out.splitlines() if p}
    except (OSError, subprocess.CalledProcessError):
        tracked = set()
    if not tracked:
        tracked = {str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*") if p.is_file()}
    return {p for p in tracked if "__pycache__" not in p and not p.endswith(".pyc") and (ROOT / p).exists()}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    wheels = list(out.glob("huddle_tui-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_the_wheel_holds_the_three_packages_and_their_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "huddle/__init__.py", "huddle/cli/__init__.py", "screens/__init__.py", "db/__init__.py", "db/models.py",
        "db/migrations/env.py", "db/migrations/script.py.mako",
    ):
        assert required in names, required
    assert any(n.startswith("db/migrations/versions/0001_") and n.endswith(".py") for n in names)
    missing = sorted(_package_files() - names)
    assert missing == [], f"files of the packages that the wheel leaves out: {missing}"
    data = [n for n in names if n.endswith((".tcss", ".css", ".js", ".html", ".mako"))]
    assert any(n.endswith(".tcss") for n in data), data
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


def test_the_wheel_metadata(wheel):
    z = zipfile.ZipFile(wheel)
    meta = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    entry = z.read(next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "Name: huddle-tui" in meta
    assert "Requires-Python: >=3.11" in meta
    assert "Provides-Extra: test" in meta
    assert "huddle = huddle.cli:main" in entry


def test_the_installed_wheel_works_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # Dependencies come from the test environment's site-packages, added as a plain path:
    # its .pth files (the editable install of this checkout) are not processed.
    (site / "zz_borrowed_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HUDDLE_DB")}
    env["HUDDLE_LANG"] = "en"
    probe = subprocess.run(
        [str(py), "-c", "import huddle, db, screens, db.migrate as m; print(huddle.__file__); print(m.head_revision())"],
        capture_output=True, text=True, cwd=work, env=env, timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    where, head = probe.stdout.split()
    assert Path(where).is_relative_to(venv), f"imported {where}, not the installed wheel"
    assert head == __import__("db").SCHEMA_HEAD

    huddle = venv / "bin" / "huddle"
    store = work / "store.db"
    r = subprocess.run([str(huddle), "--db", str(store), "init"], capture_output=True, text=True, cwd=work, env=env, timeout=120)
    assert r.returncode == 0 and str(store) in r.stdout, r.stderr
    r = subprocess.run([str(huddle), "--db", str(store), "patient", "add", "--pnr", "121212+1212", "--name", "Tolvan",
                        "--unit", "Avd 12", "--municipality", "Oskarshamn", "--date", "2030-01-07"],
                       capture_output=True, text=True, cwd=work, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(huddle), "--db", str(store), "agenda", "--date", "2030-01-07", "--format", "json"],
                       capture_output=True, text=True, cwd=work, env=env, timeout=120)
    assert json.loads(r.stdout)[0]["pnr"] == "19121212-1212"
    # The styles the app needs are files next to the installed screens package.
    tcss = subprocess.run([str(py), "-c", "import screens, pathlib; print(len(list(pathlib.Path(screens.__file__).parent.glob('*.tcss'))))"],
                          capture_output=True, text=True, cwd=work, env=env, timeout=120)
    assert int(tcss.stdout.strip()) >= 1
