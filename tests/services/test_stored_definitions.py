"""Ventures made through the commands keep exactly what they were pinned to when their
definitions move out of the gate runs (migration 0012) and back (its downgrade): the
same definitions, answers and decisions, on SQLite and PostgreSQL; and the pins of a
venture gate are small."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, String, cast, func
from sqlalchemy import select as core_select
from sqlmodel import select

from checklists.loader import Library, load_library
from checklists.spec import ChecklistDefinition
from models import tables as t
from models.db import make_engine, read_session
from models.migrate import HEAD_REVISION, current_revision, downgrade, upgrade
from services import advance
from services.advance import pinned_checklists
from services.commands import start_venture
from services.history import answer_history
from services.replay import _state, compare, replay
from services.venture_checklist import venture_checklists
from tests.models.conftest import PostgresServer
from tests.models.test_migrations import empty_database  # noqa: F401  (a fixture)
from tests.services.test_commands import LEAD
from tests.services.test_replay import imported, whole_path

PIN_BUDGET = 2048  # bytes of a gate run's pins (issue 15: was ~33 KB a venture gate)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def engine(empty_database: tuple[str, Engine]) -> Engine:  # noqa: F811
    """A database of its own (it is migrated down and up): not the shared test one."""
    _url, engine = empty_database
    upgrade(engine)
    return engine


def forget_decoded() -> None:
    """Empty this process's caches, so that reads go to the database."""
    advance._CHECKLIST_CACHE.clear()
    advance._PIN_HASHES.clear()


def pins_text(engine: Engine) -> dict[tuple[str, str], str]:
    """Each gate run's pins as stored, byte for byte."""
    gr = t.GateRun.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        rows = connection.execute(
            core_select(gr.c.venture_id, gr.c.gate_id, cast(gr.c.checklists, String))
        )
        return {(str(v), str(g)): str(text) for v, g, text in rows}


def what_ventures_read(engine: Engine, library: Library) -> dict[str, object]:
    """Every gate run's pinned definitions, each venture's checklist page's read, an
    answer's history, and every table a replay compares (answers, decisions, ...)."""
    forget_decoded()
    seen: dict[str, object] = {}
    with read_session(engine) as session:
        for run in session.exec(select(t.GateRun)):
            seen[f"pins {run.venture_id} {run.gate_id}"] = pinned_checklists(session, run)
        ventures = [v.id for v in session.exec(select(t.Venture))]
        state = _state(session)
    state.pop("checklist definitions")  # not at 0011: compared in the tests below
    seen |= {table: sorted(rows) for table, rows in state.items()}  # in no set order
    for venture_id in ventures:
        read = venture_checklists(engine, library, venture_id)
        seen[f"page {venture_id}"] = (read.checklists, read.answers)
        seen[f"history {venture_id}"] = answer_history(
            engine, venture_id, "venture-summary", gate="design"
        )
    return seen


def test_ventures_read_the_same_after_the_migration_and_its_downgrade(
    engine: Engine, library: Library, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    cyd = imported(engine, library)
    whole_path(cyd)  # three ventures; one at its next gate with the Board's conditions
    now = what_ventures_read(engine, library)
    assert any(
        [c.id for c in pins] == ["delivery-review", "board-conditions"]
        for key, pins in now.items()
        if key.startswith("pins ") and isinstance(pins, tuple)
    )
    pins_now = pins_text(engine)

    downgrade(engine, "0011")  # as a database made before 0012 holds them
    old = pins_text(engine)
    forget_decoded()
    for text in old.values():
        assert all("definition" in pin and "sha256" not in pin for pin in json.loads(text))
    with read_session(engine) as session:
        for run in session.exec(select(t.GateRun)):
            # What Cyd before 0012 read: the whole definitions in the pins.
            assert (
                tuple(ChecklistDefinition.model_validate(p["definition"]) for p in run.checklists)
                == now[f"pins {run.venture_id} {run.gate_id}"]
            )

    upgrade(engine)
    assert current_revision(engine) == HEAD_REVISION
    assert pins_text(engine) == pins_now
    assert what_ventures_read(engine, library) == now

    # The audit replay rebuilds the migrated database, definitions table and all.
    if engine.dialect.name == "sqlite":
        target = make_engine(f"sqlite:///{tmp_path / 'replayed.db'}")
        dispose = target.dispose
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database()
        target = make_engine(url)

        def dispose() -> None:
            target.dispose()
            server.drop_database(url)

    try:
        upgrade(target)
        result = replay(engine, target, library)
        assert result.ok, "\n".join(result.problems)
        assert compare(engine, target) == []
    finally:
        dispose()


def test_two_ventures_with_the_same_pins_share_one_row(engine: Engine, library: Library) -> None:
    cyd = imported(engine, library)
    first = start_venture(cyd, workstream="day-opportunities", title="Café", lead=LEAD).venture_id
    second = start_venture(cyd, workstream="day-opportunities", title="Walk", lead=LEAD).venture_id
    with read_session(engine) as session:
        runs = [session.get(t.GateRun, (v, "design")) for v in (first, second)]
        assert runs[0] is not None
        assert runs[1] is not None
        assert runs[0].checklists == runs[1].checklists
        count = session.exec(select(func.count()).select_from(t.StoredDefinition)).one()
    assert count == len(runs[0].checklists)


def test_a_venture_gates_pins_fit_the_budget(engine: Engine, library: Library) -> None:
    cyd = imported(engine, library)
    whole_path(cyd)
    now = pins_text(engine)
    downgrade(engine, "0011")
    before = pins_text(engine)
    upgrade(engine)
    for key, text in now.items():
        assert len(text.encode()) <= PIN_BUDGET, (key, len(text))
        assert len(before[key].encode()) > 10 * PIN_BUDGET  # whole definitions, before
