"""What the command line and the core import: printing paths never pay for Textual or aiortc.

Each check runs in a fresh interpreter, so that what other tests imported does not hide a leak.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("textual", "aiortc", "av", "aiohttp", "screens", "textual_serve", "textual_plotext", "plotext")

RUN_CLI = textwrap.dedent(
    """
    import json, sys
    from huddle.cli import main
    code = 0
    try:
        main(sys.argv[1:])
    except SystemExit as e:
        code = e.code
    heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
    sys.stderr.write("\\nHYGIENE " + json.dumps({"code": code, "heavy": heavy}) + "\\n")
    """
).replace("HEAVY", repr(HEAVY))


def _run(code: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        env={**os.environ, "HUDDLE_LANG": "en", **(env or {})},
        timeout=120,
    )


def _hygiene(r: subprocess.CompletedProcess) -> dict:
    line = [ln for ln in r.stderr.splitlines() if ln.startswith("HYGIENE ")]
    assert line, r.stderr
    return json.loads(line[-1][len("HYGIENE "):])


@pytest.fixture(scope="module")
def store_with_a_patient(tmp_path_factory):
    db = tmp_path_factory.mktemp("hygiene") / "h.db"
    r = _run(RUN_CLI, "--db", str(db), "patient", "add", "--pnr", "19121212-1212", "--name", "Tolvan Tolvansson",
             "--unit", "Avd 12", "--municipality", "Oskarshamn", "--date", "2030-01-07")
    assert _hygiene(r) == {"code": 0, "heavy": []}, r.stderr
    return db


@pytest.mark.parametrize(
    "args",
    [
        ["agenda", "--date", "2030-01-07", "--format", "json"],
        ["agenda", "--date", "2030-01-07", "--format", "csv"],
        ["agenda", "--date", "2030-01-07"],
        ["init"],
        ["--help"],
        ["stats", "--help"],
        ["agenda", "--help"],
        ["patient", "add", "--help"],
        ["import", "--help"],
        ["demo", "--help"],
        ["room", "--help"],
        ["serve", "--help"],
        ["patient", "add", "--pnr", "19121212-1213", "--name", "x", "--unit", "u", "--municipality", "m"],
        ["stats", "--from", "2030-01-01", "--to", "2030-01-31"],
        ["export", "--from", "2030-01-01", "--to", "2030-01-31"],
    ],
    ids=lambda a: " ".join(a[:3]),
)
def test_printing_paths_import_neither_textual_nor_aiortc(store_with_a_patient, args):
    r = _run(RUN_CLI, "--db", str(store_with_a_patient), *args)
    h = _hygiene(r)
    assert h["heavy"] == [], f"huddle {' '.join(args)} imported {h['heavy']}"
    assert h["code"] in (0, 2, None), r.stderr


def test_demo_without_the_app_imports_neither(tmp_path):
    r = _run(RUN_CLI, "--db", str(tmp_path / "demo.db"), "demo", "--no-tui", "--weeks", "1")
    assert _hygiene(r) == {"code": None, "heavy": []} or _hygiene(r) == {"code": 0, "heavy": []}, r.stderr
    assert (tmp_path / "demo.db").exists()


def test_agenda_json_really_printed_the_patient(store_with_a_patient):
    r = _run(RUN_CLI, "--db", str(store_with_a_patient), "agenda", "--date", "2030-01-07", "--format", "json")
    assert json.loads(r.stdout)[0]["pnr"] == "19121212-1212"


BLOCKED_IMPORT = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    class Block:
        # Any attempt to import Textual or aiortc fails loudly.
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("textual", "aiortc", "av", "screens"):
                raise ImportError("blocked for the hygiene test: " + name)
            return None

    sys.meta_path.insert(0, Block())
    import huddle
    failed = []
    names = []
    for info in pkgutil.walk_packages(huddle.__path__, "huddle."):
        name = info.name
        if name in ("huddle.cli.app", "huddle.__main__") or name == "huddle.room" or name.startswith("huddle.room."):
            continue
        names.append(name)
        try:
            importlib.import_module(name)
        except Exception as exc:
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    print(len(names))
    print("\\n".join(failed))
    """
)


def test_the_core_imports_without_textual():
    r = _run(BLOCKED_IMPORT)
    assert r.returncode == 0, r.stderr
    count, *failed = r.stdout.splitlines()
    assert int(count) >= 15  # huddle.*, huddle.services.*, huddle.messages.*, huddle.cli.*
    assert [f for f in failed if f] == []


def test_layers_contract_holds():
    """screens -> huddle -> db, one way (import-linter contract in pyproject.toml)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is part of the test extra"
    r = subprocess.run([exe, "--no-cache"], capture_output=True, text=True, cwd=str(ROOT), timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contracts: 1 kept, 0 broken." in r.stdout or "0 broken" in r.stdout
