"""Alembic environment for Cyd: migrates the database that `models.db` connects to.

`models.migrate.upgrade` passes an open connection (in `config.attributes`), so no
alembic.ini is needed. Run by hand (`python -m models.migrate ...`), it connects to
the `sqlalchemy.url` option, else to `models.db.database_url()`.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from models.db import WRITE_LOCK_KEY, make_engine
from models.tables import ddl_metadata

config = context.config
# Every table, with the options only DDL needs (so that autogenerate renders them).
target_metadata = ddl_metadata()


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite alters tables by copying them: later migrations must use batch mode.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # One migrator at a time, and not while a command is writing.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    try:
        # One transaction for the whole upgrade (IMMEDIATE on SQLite).
        with engine.begin() as own:
            _run(own)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
