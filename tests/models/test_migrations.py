"""The Alembic migrations build exactly the schema the tables declare, on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables)
from models.db import make_engine
from models.migrate import (
    HEAD_REVISION,
    alembic_config,
    current_revision,
    downgrade,
    is_current,
    upgrade,
)
from models.tables import ddl_metadata
from tests.models.conftest import PostgresServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A database with nothing in it at all."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
        engine = make_engine(url)
        try:
            yield url, engine
        finally:
            engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database()
    engine = make_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()
        server.drop_database(url)


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def test_upgrade_builds_exactly_the_declared_schema(empty_database: tuple[str, Engine]) -> None:
    _, engine = empty_database
    assert current_revision(engine) is None
    assert not is_current(engine)
    upgrade(engine)
    assert schema_differences(engine) == []
    assert current_revision(engine) == HEAD_REVISION
    assert is_current(engine)
    tables = set(inspect(engine).get_table_names())
    assert tables == set(SQLModel.metadata.tables) | {"alembic_version"}
    if engine.dialect.name == "sqlite":  # switched off while migrating, and back on
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upgrade_twice_changes_nothing(empty_database: tuple[str, Engine]) -> None:
    _, engine = empty_database
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    assert schema_differences(engine) == []


def test_downgrade_to_nothing_and_back(empty_database: tuple[str, Engine]) -> None:
    url, engine = empty_database
    upgrade(url)  # a URL works as well as an engine
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert current_revision(engine) is None
    upgrade(engine)
    assert schema_differences(engine) == []


def test_a_difference_would_be_noticed(empty_database: tuple[str, Engine]) -> None:
    """The comparison is not vacuous: a missing index is reported."""
    _, engine = empty_database
    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX ix_venture_state_deadline")
    differences = schema_differences(engine)
    assert len(differences) == 1
    assert "ix_venture_state_deadline" in str(differences[0])


def _checks(engine: Engine, table: str) -> dict[str, str]:
    found = inspect(engine).get_check_constraints(table)
    return {str(c["name"]): " ".join(str(c["sqltext"]).split()) for c in found}


def test_check_constraints_follow_the_declared_values(empty_database: tuple[str, Engine]) -> None:
    """Alembic's comparison does not look at CHECK constraints: a migration that widens
    one (0009: reminders to translators) is checked here, both ways."""
    _, engine = empty_database
    upgrade(engine)
    assert "'translate'" in _checks(engine, "reminder_sent")["ck_reminder_sent_action"]
    verdict = _checks(engine, "easy_read_summary")["ck_easy_read_summary_verdict"]
    assert "'agreed'" in verdict
    assert "'changes'" in verdict
    downgrade(engine, "0008")
    assert "'translate'" not in _checks(engine, "reminder_sent")["ck_reminder_sent_action"]
    assert "easy_read_summary" not in inspect(engine).get_table_names()


CURRENT_ROW_INDEXES = ("uq_answer_current", "uq_review_current", "uq_vote_current")


def test_the_current_row_indexes_are_partial_as_declared(
    empty_database: tuple[str, Engine],
) -> None:
    """Alembic does not compare an index's WHERE: checked here, for the indexes that
    allow one current row per key."""
    _, engine = empty_database
    upgrade(engine)
    option = f"{engine.dialect.name}_where"
    declared = {
        str(index.name): str(index.dialect_kwargs[option])
        for table in ddl_metadata().tables.values()
        for index in table.indexes
        if index.dialect_kwargs.get(option) is not None
    }
    assert declared == dict.fromkeys(CURRENT_ROW_INDEXES, "is_current")
    inspector = inspect(engine)
    migrated = {
        str(index["name"]): str(index["dialect_options"][option])
        for table in SQLModel.metadata.tables
        for index in inspector.get_indexes(table)
        if option in index.get("dialect_options", {})
    }
    assert migrated == declared


_TABLES_PROBE = """
import json, sys
import models.tables
loaded = sorted(m for m in sys.modules if m.startswith("sqlalchemy.dialects."))
from sqlalchemy import create_engine
from sqlmodel import SQLModel
engine = create_engine("sqlite://")
SQLModel.metadata.create_all(engine)
with engine.connect() as connection:
    made = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE name LIKE 'uq_%_current'"
    ).all()
print(json.dumps({"loaded": loaded, "made": dict(made)}))
"""


def test_the_tables_load_no_dialect_and_create_all_still_makes_partial_indexes() -> None:
    # Each command imports the tables; the dialect options of the partial indexes are
    # attached only when DDL is made from them.
    run = subprocess.run(
        [sys.executable, "-c", _TABLES_PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["loaded"] == []
    assert sorted(report["made"]) == sorted(CURRENT_ROW_INDEXES)
    for sql in report["made"].values():
        assert sql.endswith(" WHERE is_current"), sql


def test_head_revision_constant_matches_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD_REVISION]


def test_the_migrations_are_self_contained() -> None:
    """A revision must not import the application's types: later changes to them must
    not change what an old migration does."""
    versions = Path(alembic_config().get_main_option("script_location") or "") / "versions"
    for script in versions.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        assert "sqlmodel" not in text, script.name
        assert "models." not in text, script.name


def test_migrate_runs_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "CYD_DATABASE_URL": url}
    for args, expected in (
        (["current"], "(not migrated)"),
        (["upgrade"], ""),
        (["current"], HEAD_REVISION),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "models.migrate", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == expected
