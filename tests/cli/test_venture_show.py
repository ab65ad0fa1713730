"""`cyd venture show` runs without Typer (cli.main) and says exactly what the Typer
app says, text and JSON, found or not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from checklists.loader import load_library
from models.db import make_engine
from models.migrate import upgrade
from services.commands import Cyd, record_review, start_venture, submit, vote
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"

_PROBE = """
import contextlib, importlib.abc, io, json, sys

tried = []

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("typer", "click"):
            tried.append(name)
        return None

sys.meta_path.insert(0, Watch())
if sys.argv[1] == "typer":
    from cli.app import app

    def run(args):
        app(args=args, prog_name="cyd")
else:
    from cli.main import main as run

runs = []
for args in json.loads(sys.argv[2]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            run(args)
            code = None
        except SystemExit as exc:
            code = exc.code
    runs.append({"args": args, "code": code, "out": out.getvalue(), "err": err.getvalue()})
print("PROBE " + json.dumps({"runs": runs, "tried": tried}))
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose venture v-0001 is at the Board, with one vote cast."""
    folder = tmp_path_factory.mktemp("data")
    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        cyd = Cyd(engine, library)
        venture = start_venture(cyd, workstream="day-opportunities", title="Café", lead=LEAD)
        answer_missing(cyd, venture.venture_id, ["nia.morgan@example.org"])
        submit(cyd, venture.venture_id, by=LEAD)
        for reviewer in ("elin.davies@example.org", "owen.walker@example.org"):
            record_review(cyd, venture.venture_id, by=reviewer, recommend="go")
        vote(cyd, venture.venture_id, member="megan.lloyd@example.org", choice="approve")
    finally:
        engine.dispose()
    return folder


def probe(data: Path, way: str, runs: list[list[str]]) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_ORCH"))}
    env |= {"CYD_DATA_DIR": str(data), "COLUMNS": "100", "CYD_DATABASE_URL": ""}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, way, json.dumps(runs)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.rsplit("PROBE ", 1)[1])
    return report


def test_show_without_typer_says_what_the_typer_app_says(data: Path) -> None:
    runs = [
        ["venture", "show", "v-0001"],
        ["venture", "show", "v-0001", "--json"],
        ["venture", "show", "--json", "v-0001"],
        ["venture", "show", "v-0404"],
        ["venture", "show", "v-0404", "--json"],
    ]
    fast = probe(data, "main", runs)
    # The connections were closed: SQLite folded its write-ahead log back in.
    assert not (data / "cyd.db-wal").exists()
    typer = probe(data, "typer", runs)
    assert fast["tried"] == []  # not even looked for
    assert typer["tried"] != []
    assert fast["runs"] == typer["runs"]
    found, as_json, json_first, missing, missing_json = fast["runs"]
    assert found["code"] == 0
    assert "Vote 1, closes" in found["out"]
    assert "megan.lloyd@example.org: approve" in found["out"]
    shown = json.loads(as_json["out"])
    assert (shown["id"], shown["state"]) == ("v-0001", "awaiting_board")
    assert json_first == {**as_json, "args": json_first["args"]}
    for run in (missing, missing_json):
        assert (run["code"], run["out"]) == (1, "")
        assert run["err"] == "cyd: no venture 'v-0404'\n"


def test_other_forms_of_show_go_through_the_typer_app(data: Path) -> None:
    runs = [
        ["venture", "show", "--help"],
        ["venture", "show"],
        ["venture", "show", "v-0001", "v-0002"],
        ["venture", "show", "v-0001", "--json", "--json"],
    ]
    fast = probe(data, "main", runs)
    assert fast["tried"] != []
    assert fast["runs"] == probe(data, "typer", runs)["runs"]
    helped, bare, two, twice = fast["runs"]
    assert helped["code"] == 0
    assert "Everything about a venture" in helped["out"]
    assert bare["code"] == two["code"] == 2  # usage errors
    assert twice["code"] == 0
