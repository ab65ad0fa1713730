"""`cyd backup` and `cyd restore` on a real SQLite data folder, while it is open; the
data folder and database kept private; a damaged database noticed before anything
trusts it (issue 14: durability)."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlmodel import select

from checklists.loader import load_library
from models.backup import BackupError, backup, integrity_problem, restore
from models.db import make_engine, read_session, utcnow
from models.tables import Venture
from services.commands import Cyd, start_venture
from tests.cli.support import LEAD, example_folder, run_cyd


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return example_folder(tmp_path / "data")


def _titles(folder: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{folder / 'cyd.db'}")
    try:
        with read_session(engine) as session:
            return sorted(session.exec(select(Venture.title)).all())
    finally:
        engine.dispose()


def test_a_new_data_folder_and_database_are_private(data: Path) -> None:
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "cyd.db").stat().st_mode) == 0o600
    wal = data / "cyd.db-wal"
    if wal.exists():  # SQLite gives it the database file's mode
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_backup_while_open_then_restore(data: Path, tmp_path: Path) -> None:
    library = load_library()
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        cyd = Cyd(engine, library)
        copy = tmp_path / "backups" / "monday.db"
        made = run_cyd(data, "backup", str(copy), "--json")  # another process, the same file
        assert made.returncode == 0, made.stderr
        assert json.loads(made.stdout)["backup"] == str(copy)
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        again = run_cyd(data, "backup", str(copy))
        assert again.returncode == 1
        assert "already exists" in again.stderr
        # Work goes on after the backup; then the backup is put back.
        start_venture(cyd, workstream="day-opportunities", title="Gardd", lead=LEAD)
        assert _titles(data) == ["Café", "Gardd"]
        restored = run_cyd(data, "restore", str(copy), "--json")
        assert restored.returncode == 0, restored.stderr
        kept = Path(json.loads(restored.stdout)["replaced_kept_in"])
        assert _titles(data) == ["Café"]
        # The engine opened before the restore reads the restored state.
        with read_session(engine) as session:
            assert list(session.exec(select(Venture.title))) == ["Café"]
        with sqlite3.connect(kept) as replaced:
            assert sorted(r[0] for r in replaced.execute("SELECT title FROM venture")) == [
                "Café",
                "Gardd",
            ]
        verified = run_cyd(data, "audit", "verify")
        assert verified.returncode == 0, verified.stderr
    finally:
        engine.dispose()


def test_restore_refuses_what_is_not_a_sound_cyd_backup(data: Path, tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not a database at all " * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE t (x)")
    for bad, says in (
        (tmp_path / "missing.db", "no such file"),
        (text, "not a sound SQLite database"),
        (other, "not a Cyd database"),
    ):
        result = run_cyd(data, "restore", str(bad))
        assert result.returncode == 1
        assert says in result.stderr
        assert result.stderr.strip().endswith("nothing was changed")
        assert result.stderr.count("\n") == 1
    assert _titles(data) == ["Café"]


def _damage(database: Path) -> None:
    """Overwrite the middle of the venture table's pages (the WAL folded in first)."""
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = connection.execute("SELECT rootpage FROM sqlite_master WHERE name='venture'")
        root = int(page.fetchone()[0])
        size = int(connection.execute("PRAGMA page_size").fetchone()[0])
    connection.close()
    with database.open("r+b") as raw:
        raw.seek((root - 1) * size + 8)
        raw.write(b"\xff" * 200)


def test_a_damaged_database_is_noticed_and_a_backup_restores_it(data: Path, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        copy = backup(engine, tmp_path / "good.db")
        assert integrity_problem(engine) is None
    finally:
        engine.dispose()
    _damage(data / "cyd.db")
    verified = run_cyd(data, "audit", "verify")
    assert verified.returncode == 1
    assert verified.stderr.startswith("cyd: the database is damaged (")
    assert "restore the last backup" in verified.stderr
    # The reminder sweep does not write to it, nor send from it.
    swept = run_cyd(data, "remind")
    assert swept.returncode == 1
    assert "Traceback" not in swept.stderr
    assert swept.stderr.startswith("cyd: the database is damaged (")
    assert "nothing was written to it" in swept.stderr
    engine = make_engine(f"sqlite:///{data / 'cyd.db'}")
    try:
        with pytest.raises(BackupError, match="damaged"):
            backup(engine, tmp_path / "bad.db")
        kept = restore(engine, copy, now=utcnow())
        assert kept.name.endswith(".damaged")
        assert integrity_problem(engine) is None
    finally:
        engine.dispose()
    assert _titles(data) == ["Café"]
    assert run_cyd(data, "audit", "verify").returncode == 0


def test_postgresql_is_pointed_to_its_own_tools() -> None:
    from tests.models.conftest import ADMIN_URL

    engine = make_engine(ADMIN_URL)
    try:
        with pytest.raises(BackupError, match="pg_dump"):
            backup(engine, Path("/nonexistent/x.db"))
    finally:
        engine.dispose()
