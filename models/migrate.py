"""Bring a database's schema up to date with Alembic, with no alembic.ini.

`upgrade(engine_or_url)` runs `alembic upgrade head` in one transaction (IMMEDIATE
on SQLite, under the write lock on PostgreSQL), so two `cyd` processes starting at
once on a fresh database migrate it once. `is_current(engine)` is a cheap check
(one query, no Alembic import) that commands can make before they run.

For developers, after changing `models/tables.py`:

    uv run python -m models.migrate revision "add the thing"   # autogenerate, then review
    uv run python -m models.migrate upgrade                     # CYD_DATABASE_URL or the default
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from models.db import WRITE_LOCK_KEY, make_engine, read_only

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest revision in models/migrations/versions (a test keeps this in step).
HEAD_REVISION = "0013"
VERSION_TABLE = "alembic_version"


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine_or_url: Engine | str | None = None, revision: str = "head") -> None:
    """Migrate the database up to `revision` (default: the newest), in one transaction.

    Takes an Engine, a URL, or nothing (then `CYD_DATABASE_URL` or the default file).
    """
    from alembic import command

    _run(engine_or_url, lambda config: command.upgrade(config, revision))


def downgrade(engine_or_url: Engine | str | None, revision: str) -> None:
    """Migrate the database down to `revision` ("base": no tables), in one transaction."""
    from alembic import command

    _run(engine_or_url, lambda config: command.downgrade(config, revision))


def _run(engine_or_url: Engine | str | None, step: Callable[[Config], None]) -> None:
    owned = not isinstance(engine_or_url, Engine)
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            raw = connection.connection.dbapi_connection
            if sqlite and raw is not None:
                # SQLite alters a table by copying it (batch mode); with foreign keys
                # on, dropping the old copy would trip them. The pragma only works
                # outside a transaction; the keys are checked before the commit.
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with connection.begin():
                    if connection.dialect.name == "postgresql":
                        connection.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                        )
                    config = alembic_config()
                    config.attributes["connection"] = connection
                    step(config)
                    if sqlite:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                        if broken:
                            raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
            finally:
                if sqlite and raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")
    finally:
        if owned:
            engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None if it was never migrated (read without
    waiting for a writer)."""
    with read_only(engine).connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == HEAD_REVISION


def revision(message: str) -> None:
    """Autogenerate a new revision against a scratch SQLite database at head."""
    from alembic import command

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            upgrade(engine)
            with engine.begin() as connection:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.revision(config, message=message, autogenerate=True)
        finally:
            engine.dispose()


def main(argv: list[str]) -> int:
    usage = (
        "usage: python -m models.migrate upgrade [REVISION] | downgrade REVISION"
        " | current | revision MESSAGE"
    )
    if not argv:
        print(usage, file=sys.stderr)
        return 2
    match argv:
        case ["upgrade"]:
            upgrade()
        case ["upgrade", target]:
            upgrade(None, target)
        case ["downgrade", target]:
            downgrade(None, target)
        case ["current"]:
            engine = make_engine()
            try:
                print(current_revision(engine) or "(not migrated)")
            finally:
                engine.dispose()
        case ["revision", message]:
            revision(message)
        case _:
            print(usage, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
