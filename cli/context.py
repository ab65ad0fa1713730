"""What the commands that use the database share: where it is, and an engine for it.

Imports of SQLAlchemy and of `models` stay inside the functions, so that merely
building the Typer app (e.g. for `cyd checklist show`) loads none of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli.output import fail

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

NO_DATABASE = "no database yet: run 'cyd init'"


def database_url() -> URL:
    """The database's URL (`CYD_DATABASE_URL` or the SQLite file in the data folder),
    or one clear line and exit if it is not a URL Cyd can use."""
    from sqlalchemy.exc import ArgumentError

    from models.db import DATABASE_URL_ENV, normalize_url
    from models.db import database_url as configured

    try:
        return normalize_url(configured())
    except ArgumentError:
        # Never echo the value: it may hold a password.
        fail(f"{DATABASE_URL_ENV} is not a database URL (sqlite:///FILE or postgresql://...)")
    except ValueError as error:
        fail(str(error))


def masked(url: URL) -> str:
    """The URL as it may be printed: any password hidden."""
    return url.render_as_string(hide_password=True)


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in {"", ":memory:"}:
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser()


def unreachable(url: URL, error: Exception) -> str:
    """One line saying the database did not answer, and why (no secrets)."""
    from models.tables import redact_urls

    reason = getattr(error, "orig", None) or error
    first = redact_urls(" ".join(str(reason).split())) or type(reason).__name__
    return f"cannot use the database at {masked(url)}: {first}"


def engine() -> Engine:
    """An engine for the database, which must exist and be at the newest schema."""
    from sqlalchemy.exc import SQLAlchemyError

    from models.db import NotRecorded, make_engine, retrying
    from models.migrate import HEAD_REVISION, current_revision

    url = database_url()
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        fail(NO_DATABASE)
    built = make_engine(url)
    try:
        # (a connection lost on the way is tried again: nothing is written here)
        revision = retrying(lambda: current_revision(built))
    except (SQLAlchemyError, NotRecorded) as error:
        built.dispose()
        cause = error.__cause__ if isinstance(error, NotRecorded) else None
        fail(unreachable(url, cause if isinstance(cause, Exception) else error))
    if revision is None:
        built.dispose()
        fail(NO_DATABASE)
    if revision != HEAD_REVISION:
        built.dispose()
        fail(
            f"the database is at schema revision {revision}, this Cyd needs {HEAD_REVISION}:"
            " run 'cyd init' to migrate it"
        )
    return built
