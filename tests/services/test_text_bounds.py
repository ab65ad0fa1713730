"""Every text a person writes has a character bound as well as any word bound, checked
in the domain before anything is stored, and the same input gets the same answer on
SQLite and on PostgreSQL (issue 14: a 301-character title, a NUL, a 131,000-character
"word")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import func, select

from checklists.loader import Library, load_library
from governance.text_bounds import CONDITIONS_MAX, INTEREST_MAX, NOTE_MAX
from models import tables as t
from models.db import make_engine, read_session
from models.migrate import upgrade
from services.commands import (
    CommandError,
    Cyd,
    answer,
    declare_interest,
    record_review,
    start_venture,
    submit,
    vote,
)
from services.examples import answer_missing
from tests.models.conftest import PostgresServer
from tests.services.test_commands import Clock

ROOT = Path(__file__).resolve().parents[2]
LEAD = "gareth.jones@example.org"
REVIEWER = "elin.davies@example.org"
MEMBER = "aled.evans@example.org"


def _ready(engine: Engine, library: Library) -> tuple[Cyd, str]:
    from services.programme_import import import_programme, load_programme

    upgrade(engine)
    path = ROOT / "examples" / "programme.yaml"
    programme = load_programme(path, library=library)
    import_programme(engine, programme, path.read_text(encoding="utf-8"), "admin@example.org")
    cyd = Cyd(engine, library, clock=Clock())
    venture = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer_missing(cyd, venture, ["nia.morgan@example.org"])
    submit(cyd, venture, by=LEAD)  # in review: one reviewer's note keeps it there
    return cyd, venture


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> Iterator[list[tuple[Cyd, str]]]:
    library = load_library()
    url = postgres_server.create_database()
    sqlite = make_engine(f"sqlite:///{tmp_path_factory.mktemp('bounds') / 'cyd.db'}")
    postgres = make_engine(url)
    try:
        yield [_ready(sqlite, library), _ready(postgres, library)]
    finally:
        sqlite.dispose()
        postgres.dispose()
        postgres_server.drop_database(url)


def _outcome(action: Callable[[], Any]) -> str:
    try:
        action()
    except CommandError as refused:
        return f"refused: {refused.code} {refused.params}"
    return "done"


def _try_both_texts(cyd: Cyd, venture: str, text: str) -> tuple[str, str]:
    before = _audit_count(cyd.engine)
    found = (
        _outcome(lambda: record_review(cyd, venture, by=REVIEWER, recommend="go", note=text)),
        _outcome(lambda: declare_interest(cyd, venture, member=MEMBER, interest=text)),
    )
    refused = sum(outcome.startswith("refused") for outcome in found)
    # A refusal of a bad value stores nothing: no row, no audit entry.
    assert _audit_count(cyd.engine) - before == len(found) - refused
    return found


def _audit_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(t.AuditEntry)).one())


HOSTILE = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.sampled_from("x\x00 ŵ\u202e\n"), max_size=30),
    st.integers(min_value=0, max_value=4).map(
        lambda n: "x" * [NOTE_MAX, NOTE_MAX + 1, CONDITIONS_MAX + 1, INTEREST_MAX + 1, 131_000][n]
    ),
)


@pytest.mark.postgres
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=HOSTILE)
def test_the_same_text_gets_the_same_answer_on_both_databases(
    both: list[tuple[Cyd, str]], text: str
) -> None:
    results = [_try_both_texts(cyd, venture, text) for cyd, venture in both]
    assert results[0] == results[1]
    if len(text) > NOTE_MAX:
        assert results[0][0] == f"refused: text-over-limit {{'what': 'note', 'most': {NOTE_MAX}}}"
    if "\x00" in text:
        assert results[0][0] == "refused: text-nul {}"


def test_each_kind_of_text_has_its_bound(tmp_path: Path) -> None:
    library = load_library()
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    try:
        cyd, venture = _ready(engine, library)

        def note(text: str) -> Any:
            return record_review(cyd, venture, by=REVIEWER, recommend="go", note=text)

        def conditions(text: str) -> Any:
            return vote(cyd, venture, member=MEMBER, choice="approve-with-conditions", reason=text)

        def interest(text: str) -> Any:
            return declare_interest(cyd, venture, member=MEMBER, interest=text)

        cases: list[tuple[Callable[[str], Any], int, str]] = [
            (note, NOTE_MAX, "note"),
            (conditions, CONDITIONS_MAX, "conditions"),
            (interest, INTEREST_MAX, "interest"),
        ]
        for action, most, what in cases:
            with pytest.raises(CommandError) as refused:
                action("x" * (most + 1))
            assert (refused.value.code, refused.value.params) == (
                "text-over-limit",
                {"what": what, "most": most},
            )
            assert "characters" in str(refused.value)
        # A title with a NUL is refused on every database alike, before anything.
        with pytest.raises(CommandError, match="NUL"):
            start_venture(cyd, workstream="day-opportunities", title="Caf\x00é", lead=LEAD)
    finally:
        engine.dispose()


def test_a_text_answer_of_one_enormous_word_is_refused(tmp_path: Path) -> None:
    from services.commands import InvalidAnswer

    library = load_library()
    engine = make_engine(f"sqlite:///{tmp_path / 'cyd.db'}")
    try:
        cyd, _ = _ready(engine, library)
        venture = start_venture(
            cyd, workstream="day-opportunities", title="Gardd", lead=LEAD
        ).venture_id
        with pytest.raises(InvalidAnswer) as refused:
            answer(cyd, venture, "coproduction-start/venture-summary", "x" * 131_000, by=LEAD)
        assert "characters or fewer" in str(refused.value.params)
    finally:
        engine.dispose()
