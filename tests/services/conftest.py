"""Fixtures of the services suite: an empty migrated database on SQLite and on
PostgreSQL (the persistence suite's fixtures, tests/models/conftest.py)."""

from __future__ import annotations

from tests.models.conftest import (  # noqa: F401  (fixtures shared with the models suite)
    backend,
    engine,
    postgres_database,
    postgres_server,
)
