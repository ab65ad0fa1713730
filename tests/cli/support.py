"""What the command-line tests share: a data folder with the example programme (and a
few ventures started), and the installed `cyd` run in it as a person would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from checklists.loader import load_library
from models.db import make_engine
from models.migrate import upgrade
from services.commands import Cyd, start_venture
from services.programme_import import import_programme, load_programme

ROOT = Path(__file__).resolve().parents[2]
CYD = Path(sys.executable).with_name("cyd")
PROGRAMME = ROOT / "examples" / "programme.yaml"
LEAD = "gareth.jones@example.org"


def example_folder(folder: Path, titles: tuple[str, ...] = ("Café",)) -> Path:
    """`folder` as a data folder: the example programme loaded, and a venture started
    by the lead for each of `titles` (v-0001, v-0002, ...)."""
    library = load_library()
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        cyd = Cyd(engine, library)
        for title in titles:
            start_venture(cyd, workstream="day-opportunities", title=title, lead=LEAD)
    finally:
        engine.dispose()
    return folder


def run_cyd(
    data: Path, *args: str, columns: int = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`cyd ARGS` in its own process on the data folder `data` (SQLite unless `env` says
    otherwise, no Prefect); `env`: more variables, or other values."""
    given = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CYD_DATA", "CYD_ORCH"))}
    env |= {"CYD_DATA_DIR": str(data), "CYD_DATABASE_URL": "", "COLUMNS": str(columns)}
    env |= given
    return subprocess.run(
        [str(CYD), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
