"""The pages' test fixtures give each test a database of its own, cheaply."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import tables as t

from .conftest import _engine_on_copy


def _people(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(t.Person.email)).all())


def test_each_test_gets_its_own_copy_of_the_example_programme(
    example_engine: Engine,
    web_engine: Engine,
    example_database: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    assert {"gareth.jones@example.org", "nia.morgan@example.org"} <= _people(example_engine)
    assert _people(web_engine) == set()
    with Session(example_engine) as session:
        session.add(t.Person(email="only.here@example.org", name="Only Here"))
        session.commit()
    another = _engine_on_copy(example_database, tmp_path_factory.mktemp("another"))
    try:
        assert "only.here@example.org" not in _people(another)
    finally:
        another.dispose()
