"""The fault-injection suite's ground: a data folder with the example programme and a
venture at the Board (v-0001: answered, submitted, reviewed), copied from one made once
per session; and ways to look into the database from outside `cyd`."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from checklists.loader import load_library
from models.db import make_engine
from models.migrate import upgrade
from services.commands import Cyd, record_review, start_venture, submit
from services.examples import answer_missing
from services.programme_import import import_programme, load_programme
from tests.cli.support import LEAD, PROGRAMME
from tests.models.conftest import (  # noqa: F401  (the PostgreSQL fixtures, shared)
    postgres_database,
    postgres_server,
)

CO_PRODUCER = "nia.morgan@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
# The Board members who may vote on the lead's venture, the chair first.
VOTERS = (
    "megan.lloyd@example.org",
    "aled.evans@example.org",
    "sian.roberts@example.org",
    "david.hughes@example.org",
    "priya.shah@example.org",
)
CHAIR = VOTERS[0]
VENTURE = "v-0001"


def at_the_board(url: str) -> None:
    """The example programme in the database at `url`, and v-0001 at the Board."""
    library = load_library()
    engine = make_engine(url)
    try:
        upgrade(engine)
        programme = load_programme(PROGRAMME, library=library)
        import_programme(engine, programme, PROGRAMME.read_text(encoding="utf-8"), "admin")
        cyd = Cyd(engine, library)
        venture = start_venture(
            cyd, workstream="day-opportunities", title="Community café", lead=LEAD
        ).venture_id
        assert venture == VENTURE
        answer_missing(cyd, venture, [CO_PRODUCER])
        submit(cyd, venture, by=LEAD)
        for reviewer in REVIEWERS:
            outcome = record_review(cyd, venture, by=reviewer, recommend="go")
        assert outcome.advanced is not None
        assert outcome.advanced.state == "awaiting_board"
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def board_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("board-template")
    at_the_board(f"sqlite:///{folder / 'cyd.db'}")
    return folder


@pytest.fixture
def board(board_template: Path, tmp_path: Path) -> Path:
    """A data folder of its own, v-0001 at the Board."""
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    shutil.copy2(board_template / "cyd.db", folder / "cyd.db")
    return folder


def count(folder: Path, sql: str, *params: object) -> int:
    """One number from the folder's database, read with SQLite alone."""
    connection = sqlite3.connect(f"file:{folder / 'cyd.db'}?mode=ro", uri=True)
    try:
        return int(connection.execute(sql, params).fetchone()[0])
    finally:
        connection.close()


def votes(folder: Path, member: str | None = None) -> int:
    """The current votes on v-0001 (of `member` alone, if given)."""
    if member is None:
        return count(
            folder, "SELECT count(*) FROM vote WHERE venture_id = ? AND is_current", VENTURE
        )
    return count(
        folder,
        "SELECT count(*) FROM vote WHERE venture_id = ? AND is_current"
        " AND member_id = (SELECT id FROM person WHERE email = ?)",
        VENTURE,
        member,
    )


def one_line(stderr: str) -> str:
    """A refusal's stderr: one line, no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def in_process(folder: Path) -> Cyd:
    """The services on the folder's database, in this process (what a fault is not
    injected into: the ground a test stands on, and what it checks with)."""
    return Cyd(make_engine(f"sqlite:///{folder / 'cyd.db'}"), load_library())


def chain_sound(folder: Path) -> int:
    """The audit chain verified (in this process); its number of entries."""
    from models import audit
    from models.db import read_session

    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        with read_session(engine) as session:
            result = audit.verify(session)
    finally:
        engine.dispose()
    assert result.ok, result.message()
    return result.entries
