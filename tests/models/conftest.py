"""The persistence suite runs on SQLite and on a real PostgreSQL server.

`backend` gives each test an empty, migrated database: a fresh SQLite file, or a
PostgreSQL database created once per test session (`cyd_test_<random>`, dropped at
the end) whose tables are emptied before each test.

PostgreSQL is found at `CYD_TEST_POSTGRES_URL` (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres, a database to connect to
while creating the test database). If it does not answer, the PostgreSQL tests FAIL
with a message saying so; they are skipped only when `CYD_SKIP_POSTGRES=1` is set
explicitly, for local work.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

from models.db import make_engine
from models.migrate import upgrade

ADMIN_URL = os.environ.get(
    "CYD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SKIP_POSTGRES = os.environ.get("CYD_SKIP_POSTGRES") == "1"


@dataclass(frozen=True)
class Backend:
    name: str  # "sqlite" or "postgresql"
    url: str
    engine: Engine


class PostgresServer:
    """The PostgreSQL server of this test session: makes and drops databases."""

    def __init__(self, admin_url: str) -> None:
        url = make_url(admin_url).set(drivername="postgresql+psycopg")
        # Fail within seconds, not minutes, when the host does not answer at all.
        self.admin_url = url.update_query_dict({"connect_timeout": "5"})
        self.engine = make_engine(self.admin_url)
        self.admin = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def check(self) -> None:
        try:
            with self.admin.connect() as connection:
                connection.execute(text("SELECT 1"))
            return
        except OperationalError as error:
            problem = " ".join(str(error.orig).split())
        where = self.admin_url.render_as_string(hide_password=True)
        pytest.fail(
            f"PostgreSQL did not answer at {where}: {problem}\n"
            "The persistence tests need it (.ci/run installs and starts it). Start it,"
            " point CYD_TEST_POSTGRES_URL at one, or set CYD_SKIP_POSTGRES=1 to skip"
            " the PostgreSQL tests locally.",
            pytrace=False,
        )

    def create_database(self) -> str:
        name = f"cyd_test_{secrets.token_hex(5)}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    if SKIP_POSTGRES:
        pytest.skip("CYD_SKIP_POSTGRES=1: PostgreSQL tests skipped on request")
    server = PostgresServer(ADMIN_URL)
    server.check()
    try:
        yield server
    finally:
        server.engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_server: PostgresServer) -> Iterator[Backend]:
    """One migrated database for the whole session."""
    url = postgres_server.create_database()
    engine = make_engine(url)
    try:
        upgrade(engine)
        yield Backend("postgresql", url, engine)
    finally:
        engine.dispose()
        postgres_server.drop_database(url)


def _empty(engine: Engine) -> None:
    # DELETE is much quicker than TRUNCATE on tables this small.
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    """An empty database at the newest schema, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'cyd.db'}"
        engine = make_engine(url)
        upgrade(engine)
        try:
            yield Backend("sqlite", url, engine)
        finally:
            engine.dispose()
    else:
        database: Backend = request.getfixturevalue("postgres_database")
        _empty(database.engine)
        yield database


@pytest.fixture
def engine(backend: Backend) -> Engine:
    return backend.engine
