"""Checklist definitions stored once (migration 0012, `models.definitions`), on SQLite
and PostgreSQL: old gate runs holding whole definitions are moved and read the same,
downgrade puts them back as they were, and ventures pinned to the same content share
one row, however many pin it at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import String, cast, func, inspect, text
from sqlalchemy import select as core_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from checklists.loader import load_library
from checklists.spec import ChecklistDefinition
from models import definitions
from models.db import read_session, unit_of_work
from models.migrate import downgrade, upgrade
from models.tables import GateRun, StoredDefinition, Workstream
from services.advance import pinned_checklists
from tests.models.conftest import Backend
from tests.models.factories import add_person, add_venture
from tests.models.test_migrations import empty_database  # noqa: F401  (a fixture)

LIBRARY = load_library()
START = LIBRARY.checklist("coproduction-start")
# A venture's own copy: its answers at earlier gates pinned with it (as
# services.advance._with_earlier_answers makes them), so different content.
OWN = START.model_copy(update={"earlier_answers": {"design/coproduction-start/x": "yes"}})


def as_stored(checklist: ChecklistDefinition) -> dict[str, Any]:
    """A definition as Cyd before 0012 stored it in a gate run's pins."""
    return {
        "id": checklist.id,
        "version": checklist.version,
        "definition": checklist.model_dump(mode="json", by_alias=True, exclude_none=True),
    }


def raw_pins(engine: Engine) -> dict[str, str]:
    """Each venture's pins as the stored text, byte for byte."""
    with engine.connect() as connection:
        query = core_select(GateRun.venture_id, cast(GateRun.checklists, String))
        return {str(v): str(pins) for v, pins in connection.execute(query)}


@pytest.fixture
def at_0011(empty_database: tuple[str, Engine]) -> Engine:  # noqa: F811
    """A database at revision 0011 with three ventures pinned the old way: two to the
    same definition, one to its own copy, each with the Board's conditions too."""
    _url, engine = empty_database
    upgrade(engine, "0011")
    conditions = LIBRARY.checklist("delivery-review").model_copy(update={"id": "board-conditions"})
    with unit_of_work(engine) as session:
        session.add(Workstream(id="day-services", name="Day services"))
        session.flush()
        lead, _ = add_person(session, "gareth@example.org")
        for venture_id, start in (("v-0001", START), ("v-0002", START), ("v-0003", OWN)):
            add_venture(session, venture_id, lead=lead, with_ballot=False)
            run = session.get(GateRun, (venture_id, "design"))
            assert run is not None
            run.checklists = [as_stored(start), as_stored(conditions)]
            session.add(run)
    return engine


def test_migration_0012_moves_the_definitions_and_downgrade_puts_them_back(
    at_0011: Engine,
) -> None:
    before = raw_pins(at_0011)
    with read_session(at_0011) as session:
        old = {r.venture_id: r.checklists for r in session.exec(select(GateRun))}
    assert len(before["v-0001"]) > 20_000  # two whole definitions each

    upgrade(at_0011)
    with read_session(at_0011) as session:
        stored = {d.sha256: d for d in session.exec(select(StoredDefinition))}
        # v-0001 and v-0002 share both rows; v-0003 shares the conditions only.
        assert len(stored) == 3
        for run in session.exec(select(GateRun)):
            was = old[run.venture_id]
            assert [(p["id"], p["version"]) for p in run.checklists] == [
                (p["id"], p["version"]) for p in was
            ]
            for pin, old_pin in zip(run.checklists, was, strict=True):
                # The application's hash is the migration's, and the body is as stored.
                assert pin["sha256"] == definitions.content_hash(old_pin["definition"])
                assert stored[pin["sha256"]].body == old_pin["definition"]
            # Compared as data: a definition this process already evaluated carries
            # the evaluator's compiled form (a private attribute pydantic compares).
            assert [c.model_dump() for c in pinned_checklists(session, run)] == [
                ChecklistDefinition.model_validate(p["definition"]).model_dump() for p in was
            ]
    after = raw_pins(at_0011)
    assert all(len(pins) <= 2048 for pins in after.values()), after

    downgrade(at_0011, "0011")
    assert "checklist_definition" not in inspect(at_0011).get_table_names()
    assert raw_pins(at_0011) == before  # the very text, key order and all

    upgrade(at_0011)  # and again: the same rows, the same pins
    assert raw_pins(at_0011) == after


def test_the_same_content_is_stored_once(backend: Backend) -> None:
    body = START.model_dump(mode="json", by_alias=True, exclude_none=True)
    with unit_of_work(backend.engine) as session:
        first = definitions.pin(session, body)
        assert definitions.pin(session, dict(reversed(body.items()))) == first  # key order
    with unit_of_work(backend.engine) as session:
        assert definitions.pin(session, body) == first
        other = definitions.pin(
            session, OWN.model_dump(mode="json", by_alias=True, exclude_none=True)
        )
    assert other["sha256"] != first["sha256"]
    assert (first["id"], first["version"]) == (START.id, START.version)
    with read_session(backend.engine) as session:
        count = session.exec(select(func.count()).select_from(StoredDefinition)).one()
        assert count == 2
        assert definitions.bodies(session, [first["sha256"]]) == {first["sha256"]: body}


def test_two_writers_pinning_the_same_content_at_once_both_succeed(
    backend: Backend,
) -> None:
    """Without the write lock (`unit_of_work` takes one): the second insert waits for
    the first transaction, then does nothing, where a plain insert would fail."""
    if backend.name != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    body = START.model_dump(mode="json", by_alias=True, exclude_none=True)
    failures: list[BaseException] = []
    with Session(backend.engine) as first:
        first.begin()
        definitions.pin(first, body)  # holds the row, uncommitted

        def second_writer() -> None:
            try:
                with Session(backend.engine) as second, second.begin():
                    second.execute(text("SET LOCAL lock_timeout = '20s'"))
                    definitions.pin(second, body)
            except BaseException as error:  # reported below, in the test's thread
                failures.append(error)

        writer = threading.Thread(target=second_writer)
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()  # waiting for the first
        first.commit()
    writer.join(timeout=20)
    assert not writer.is_alive()
    assert failures == []
    with read_session(backend.engine) as session:
        count = session.exec(select(func.count()).select_from(StoredDefinition)).one()
        assert count == 1
