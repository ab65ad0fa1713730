"""A SQLite database checked, backed up and restored while Cyd runs (`cyd backup`,
`cyd restore`, and the check `cyd audit verify` and the sweep make first).

SQLite's online backup API copies a consistent snapshot page by page, under SQLite's
own locks, so other processes may go on reading and writing meanwhile; a restore
copies the backup *into* the live database the same way, so every open connection
sees the restored state at once, and a copy of what it replaces is kept beside it.
PostgreSQL has its own tools (`pg_dump`, `pg_restore`): Cyd names them, and does not
wrap them."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

PG_GUIDANCE = (
    "on PostgreSQL, use its own tools: `pg_dump --format=custom --file=cyd.dump DBNAME` "
    "to back up, and `pg_restore --clean --if-exists --dbname=DBNAME cyd.dump` to restore"
)


class BackupError(Exception):
    """A backup or restore that could not be made; nothing was changed."""


def sqlite_path(engine: Engine) -> Path | None:
    """The engine's SQLite database file, or None (PostgreSQL, or in memory)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database or ""
    if database in {"", ":memory:"} or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def integrity_problem(engine: Engine) -> str | None:
    """The first problem `PRAGMA quick_check` finds in a SQLite database (damaged pages,
    broken indexes), or None when it is sound or is not SQLite. PostgreSQL checks its
    own pages (checksums) as it reads them."""
    if engine.dialect.name != "sqlite":
        return None
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA quick_check").all()
    except Exception as error:  # too damaged even to check
        return f"{type(error).__name__}: {error}"
    found = [str(row[0]) for row in rows]
    return None if found == ["ok"] else found[0]


class DatabaseDamaged(Exception):
    """The database failed its check: nothing is written to it until it is restored."""


def require_sound(engine: Engine) -> None:
    """DatabaseDamaged, in one line, unless the database passes its check (SQLite's
    `quick_check`; PostgreSQL checks its own pages). Run before a sweep writes: a
    damaged database must not go on sending messages as if it were sound."""
    problem = integrity_problem(engine)
    if problem is not None:
        raise DatabaseDamaged(
            f"the database is damaged ({problem}): nothing was written to it; "
            "restore the last backup (`cyd restore FILE`)"
        )


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = [str(r[0]) for r in copy.execute("PRAGMA quick_check")]
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path}: not a sound SQLite database ({error})") from None
    finally:
        copy.close()
    if found != ["ok"]:
        raise BackupError(f"{path}: the file is damaged ({found[0]})")
    if not {"alembic_version", "audit_entry", "venture"} <= tables:
        raise BackupError(f"{path}: not a Cyd database (no audit log or ventures in it)")


def _copy(source: sqlite3.Connection, target: Path) -> None:
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()


def backup(engine: Engine, target: Path) -> Path:
    """A consistent copy of the live SQLite database in `target` (a new file, 0600),
    checked after it is written."""
    path = sqlite_path(engine)
    if path is None:
        raise BackupError(PG_GUIDANCE if engine.dialect.name == "postgresql" else "no file")
    if target.exists():
        raise BackupError(f"{target}: already exists (a backup never overwrites a file)")
    problem = integrity_problem(engine)
    if problem is not None:
        raise BackupError(f"the database is damaged ({problem}): restore a backup instead")
    target.parent.mkdir(parents=True, exist_ok=True)
    live = sqlite3.connect(path)
    try:
        _copy(live, target)
    finally:
        live.close()
    _check_file(target)
    return target


def restore(engine: Engine, source: Path, *, now: dt.datetime) -> Path:
    """Replace the live SQLite database's content with the backup `source` (checked
    first: sound, and Cyd's). What it replaces is kept first, beside the database, as
    `<name>.before-restore-<time>`; that path is returned."""
    path = sqlite_path(engine)
    if path is None:
        raise BackupError(PG_GUIDANCE if engine.dialect.name == "postgresql" else "no file")
    _check_file(source)
    kept = path.with_name(f"{path.name}.before-restore-{now:%Y%m%dT%H%M%SZ}")
    if kept.exists():
        raise BackupError(f"{kept}: already exists; try again in a second")
    live = sqlite3.connect(path, timeout=30)
    try:
        if integrity_problem(engine) is None:  # a damaged one cannot be copied whole
            _copy(live, kept)
        else:
            kept = kept.with_name(kept.name + ".damaged")
            live.close()
            os.replace(path, kept)
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            live = sqlite3.connect(path, timeout=30)
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup_file.backup(live)
        finally:
            backup_file.close()
    finally:
        live.close()
    engine.dispose()  # connections opened before see the new pages, but start afresh
    return kept
