"""Fixtures of the flow tests.

- `backend` / `engine`: an empty migrated database on SQLite and on PostgreSQL (the
  persistence suite's fixtures, tests/models/conftest.py).
- `prefect_harness` (session): a temporary Prefect server and database for the
  tests that run real flows (`prefect_test_harness`, ~20 s once per session). Those
  tests are marked `slow`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from flows import config
from models.db import DATABASE_URL_ENV
from tests.models.conftest import (  # noqa: F401  (fixtures shared with the models suite)
    backend,
    engine,
    postgres_database,
    postgres_server,
)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """Flows in this session run against a temporary local Prefect server."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flows_use(
    engine: Engine,  # noqa: F811 (the `engine` fixture, imported above)
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Engine]:
    """Flows in this test find the test's database (and a data folder of its own)."""
    monkeypatch.setenv(DATABASE_URL_ENV, engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CYD_DATA_DIR", str(tmp_path / "data"))
    config.provide(engine)
    yield engine
    config.forget(engine)
