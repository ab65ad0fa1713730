"""`cyd venture summary write|check|show`, run as a person runs it (the installed console
script, in a subprocess): the lead writes, a co-producer checks, a refusal is a clear
line in the person's language and nothing is stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checklists.loader import load_library
from models.db import make_engine
from models.migrate import upgrade
from services.commands import Cyd, start_venture
from services.programme_import import import_programme, load_programme

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"
NIA = "nia.morgan@example.org"  # chose Welsh
REVIEWER = "owen.walker@example.org"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    library = load_library()
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        start_venture(Cyd(engine, library), workstream="day-opportunities", title="Café", lead=LEAD)
    finally:
        engine.dispose()
    return tmp_path


def cyd(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_ORCH"))}
    env |= {"CYD_DATA_DIR": str(data), "COLUMNS": "200", "CYD_DATABASE_URL": ""}
    result = subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_write_check_and_show(data: Path) -> None:
    shown = cyd(data, "venture", "summary", "show", "v-0001")
    assert "no Easy Read summary yet" in shown.stdout
    text = "We want to open a café.\nPeople who use day services run it."
    written = cyd(data, "venture", "summary", "write", "v-0001", "--as", LEAD, "--text", text)
    assert written.returncode == 0, written.stderr
    assert "a co-producer checks it next" in written.stdout
    # The lead never checks their own: refused, in English for Gareth.
    refused = cyd(data, "venture", "summary", "check", "v-0001", "--as", LEAD, "--agree")
    assert refused.returncode != 0
    assert "Only the venture's co-producers" in refused.stderr
    # Changes need a note: said in Nia's Welsh.
    no_note = cyd(data, "venture", "summary", "check", "v-0001", "--by", NIA, "--changes")
    assert no_note.returncode != 0
    assert "dywedwch beth sydd angen ei newid" in no_note.stderr
    agreed = cyd(data, "venture", "summary", "check", "v-0001", "--by", NIA, "--agree")
    assert agreed.returncode == 0, agreed.stderr
    state = json.loads(cyd(data, "venture", "summary", "show", "v-0001", "--json").stdout)
    assert (state["state"], state["checked_by"], state["lang"]) == ("agreed", NIA, "en")
    assert "agreed by Nia Morgan" in cyd(data, "venture", "summary", "show", "v-0001").stdout


def test_a_sentence_too_long_and_a_writer_who_may_not(data: Path) -> None:
    long = "We will open a café in the old library for people who use day services and friends."
    too_long = cyd(data, "venture", "summary", "write", "v-0001", "--as", LEAD, "--text", long)
    assert too_long.returncode != 0
    assert "sentence 1 of the summary has 17 words" in too_long.stderr
    refused = cyd(
        data, "venture", "summary", "write", "v-0001", "--as", REVIEWER, "--text", "A café."
    )
    assert refused.returncode != 0
    assert "Only the venture's lead or an admin" in refused.stderr
