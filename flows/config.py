"""What a flow run needs from Cyd: the database and the checklist definitions.

A flow finds them as the CLI does: `CYD_DATABASE_URL`, else `cyd.db` in the data
folder (`CYD_DATA_DIR`); the definitions shipped with the project. A worker's flow
run reads them from its environment. One engine per database URL is kept for the
life of the process, so runs in one process (the demo, the tests, `cyd serve`'s
runner) share it; a caller that has an engine already can `provide` it.

No prefect here: the CLI imports this module to decide how to advance a venture.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

    from checklists.loader import Library

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _key(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def database_url() -> URL:
    from models.db import database_url as configured
    from models.db import normalize_url

    return normalize_url(configured())


def engine() -> Engine:
    """The engine for the configured database, which must exist (`cyd init`)."""
    from models.db import make_engine

    url = database_url()
    with _lock:
        found = _engines.get(_key(url))
        if found is not None:
            return found
        database = url.database or ""
        if url.get_backend_name() == "sqlite" and database not in {"", ":memory:"}:
            from pathlib import Path

            if not database.startswith("file:") and not Path(database).expanduser().is_file():
                raise RuntimeError(
                    f"no Cyd database at {database}: run 'cyd init' (or set CYD_DATABASE_URL)"
                )
        made = make_engine(url)
        _engines[_key(url)] = made
        return made


def provide(engine: Engine) -> None:
    """Let flow runs in this process use `engine` for its database."""
    with _lock:
        _engines[_key(engine.url)] = engine


def forget(engine: Engine) -> None:
    """Stop sharing `engine` (it is about to be disposed of)."""
    with _lock:
        if _engines.get(_key(engine.url)) is engine:
            del _engines[_key(engine.url)]


@cache
def library() -> Library:
    """The valid checklist definitions (loaded once per process)."""
    from checklists.loader import load_library

    return load_library()
