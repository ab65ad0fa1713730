"""Fixtures of the services suite: an empty migrated database on SQLite and on
PostgreSQL (the persistence suite's fixtures, tests/models/conftest.py), and `cyd`,
the example programme imported into it with a clock that ticks once per action."""

from __future__ import annotations

from tests.models.conftest import (  # noqa: F401  (fixtures shared with the models suite)
    backend,
    engine,
    postgres_database,
    postgres_server,
)
from tests.services.test_commands import cyd, library  # noqa: F401  (fixtures)
