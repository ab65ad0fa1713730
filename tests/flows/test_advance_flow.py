"""The `advance-venture`, `sweep` and `deliver-notifications` flows, run on a real
(temporary) Prefect server against Cyd's database on SQLite: the whole path, one
outcome however often and however concurrently they run, crash injection at each
step then a re-run, the run's name and tags, and the artifacts read back through
the Prefect client.

People's actions are recorded with `advance_after=False`, so that only the flows
advance the ventures.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
)
from prefect.client.schemas.objects import FlowRun
from prefect.states import State
from sqlalchemy import Engine
from sqlmodel import col, func, select

from checklists.loader import Library, load_library
from flows import config
from flows.advance import advance_venture, run_here
from flows.outbox import deliver_notifications
from flows.records import artifact_key, tally_key
from flows.sweep import sweep
from models import audit, outbox
from models import tables as t
from models.db import DATABASE_URL_ENV, make_engine, read_session, utcnow
from models.migrate import upgrade
from services import advance as rounds
from services.commands import Cyd, close_vote, declare_interest, record_review, submit, vote
from services.programme_import import import_programme, load_programme

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "programme.yaml"
PROGRAMME = str(yaml.safe_load(EXAMPLE.read_text("utf-8"))["id"])  # names the artifacts
LEAD = "gareth.jones@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
CHAIR = "megan.lloyd@example.org"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
VOTERS = ("aled.evans@example.org", "sian.roberts@example.org", "priya.shah@example.org", CHAIR)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated SQLite database that the flows in this test find."""
    url = f"sqlite:///{tmp_path / 'cyd.db'}"
    engine = make_engine(url)
    upgrade(engine)
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    monkeypatch.setenv("CYD_MAILBOX_DIR", str(tmp_path / "mailbox"))
    config.provide(engine)
    yield engine
    config.forget(engine)
    engine.dispose()


@pytest.fixture
def cyd(db: Engine, library: Library) -> Cyd:
    programme = load_programme(EXAMPLE, library=library)
    import_programme(db, programme, EXAMPLE.read_text(encoding="utf-8"), "admin@example.org")
    # Every test's ventures are v-0001…, on one Prefect server: its own moments tell
    # its decisions (and their artifacts) apart.
    clock = Clock(START + dt.timedelta(seconds=secrets.randbelow(10**6)))
    return Cyd(db, library, clock=clock, advance_after=False)  # only the flows advance


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def run(venture_id: str, now: dt.datetime | None = None) -> tuple[dict[str, Any], FlowRun]:
    """Run the flow; its result and its flow run as the server has it."""

    async def go() -> tuple[dict[str, Any], FlowRun]:
        state: State[Any] = await advance_venture(venture_id, now=now, return_state=True)
        result = await state.result()
        run_id = state.state_details.flow_run_id
        assert run_id is not None
        async with get_client() as client:
            flow_run = await client.read_flow_run(run_id)
        return result, flow_run

    return asyncio.run(go())


def artifacts(flow_run: FlowRun, key: str) -> list[Any]:
    async def go() -> list[Any]:
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    key=ArtifactFilterKey(any_=[key]),
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id]),
                )
            )

    return asyncio.run(go())


def count(engine: Engine, model: Any, *where: Any) -> int:
    with read_session(engine) as session:
        statement = select(func.count()).select_from(model)
        for clause in where:
            statement = statement.where(clause)
        return int(session.exec(statement).one())


def state_of(engine: Engine, venture_id: str) -> tuple[str, str]:
    with read_session(engine) as session:
        venture = session.get(t.Venture, venture_id)
        assert venture is not None
        return venture.state, venture.gate_id


def assert_one_outcome(engine: Engine, venture_id: str) -> None:
    """Exactly one decision, every message once, the audit chain intact."""
    assert state_of(engine, venture_id) == ("draft", "delivery")
    assert count(engine, t.Decision, col(t.Decision.venture_id) == venture_id) == 1
    with read_session(engine) as session:
        keys = session.exec(select(t.OutboxMessage.idempotency_key)).all()
        assert len(keys) == len(set(keys)) > 0
        assert audit.verify(session).ok
        events = list(
            session.exec(
                select(t.OutboxMessage.event).where(t.OutboxMessage.venture_id == venture_id)
            )
        )
    # Everyone concerned is told of the decision once per channel.
    decision_messages = events.count("venture.decision")
    assert decision_messages > 0
    with read_session(engine) as session:
        advanced = session.exec(
            select(t.AuditEntry).where(t.AuditEntry.action == "venture.advanced")
        ).all()
    decided = [
        e for e in advanced if any(x["effect"] == "RecordDecision" for x in e.payload["effects"])
    ]
    assert len(decided) == 1


def submitted(cyd: Cyd) -> str:
    """A venture with a complete checklist, submitted (not yet advanced)."""
    from services.commands import start_venture
    from services.examples import answer_missing

    venture_id = start_venture(
        cyd, workstream="day-opportunities", title="Community café", lead=LEAD
    ).venture_id
    answer_missing(cyd, venture_id, ["nia.morgan@example.org"])
    submit(cyd, venture_id, by=LEAD)
    return venture_id


def voted_and_closed(cyd: Cyd, venture_id: str) -> None:
    """Reviews in, and (once the flow put it on the agenda) votes cast and closed."""
    for member in VOTERS:
        vote(cyd, venture_id, member=member, choice="approve")
    close_vote(cyd, venture_id, by=CHAIR)


def at_the_board(cyd: Cyd) -> str:
    venture_id = submitted(cyd)
    run(venture_id, cyd.clock())
    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go")
    run(venture_id, cyd.clock())
    assert state_of(cyd.engine, venture_id) == ("awaiting_board", "design")
    return venture_id


# --- the path --------------------------------------------------------------------------------


def test_the_flow_takes_a_submitted_venture_to_the_next_gate(cyd: Cyd) -> None:
    venture_id = submitted(cyd)
    result, flow_run = run(venture_id, cyd.clock())
    assert (result["state"], result["gate"]) == ("in_review", "design")
    assert [e["effect"] for e in result["rounds"][0]][:2] == ["Transition", "AssignReviewers"]
    assert flow_run.name == f"advance-{venture_id}"
    assert f"venture:{venture_id}" in flow_run.tags
    [record] = artifacts(flow_run, artifact_key(PROGRAMME, venture_id))
    assert record.type == "markdown"
    assert "## English" in record.data
    assert "## Cymraeg" in record.data
    assert "with the reviewers" in record.data
    assert "gyda'r adolygwyr" in record.data
    assert artifacts(flow_run, tally_key(PROGRAMME, venture_id)) == []  # no decision yet

    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go")
    result, _ = run(venture_id, cyd.clock())
    assert result["state"] == "awaiting_board"

    declare_interest(cyd, venture_id, member="david.hughes@example.org", interest="A café")
    voted_and_closed(cyd, venture_id)
    result, flow_run = run(venture_id, cyd.clock())
    assert (result["state"], result["gate"]) == ("draft", "delivery")
    [decision] = [e for r in result["rounds"] for e in r if e["effect"] == "RecordDecision"]
    assert decision["outcome"] == "approved"
    assert_one_outcome(cyd.engine, venture_id)

    [record] = artifacts(flow_run, artifact_key(PROGRAMME, venture_id))
    assert "Decision record" in record.data
    assert "Cofnod penderfyniadau" in record.data
    assert "wedi'i chymeradwyo" in record.data
    [tally] = artifacts(flow_run, tally_key(PROGRAMME, venture_id))
    assert tally.type == "table"
    assert "Cymeradwyo" in tally.data
    assert f"decision design-{decision['ballot']} " in (tally.description or "")

    # Running again changes nothing, and publishes neither again (the latest of each,
    # read in one request, is still the record and the tally).
    again, flow_run = run(venture_id, cyd.clock())
    assert again["rounds"] == []
    assert_one_outcome(cyd.engine, venture_id)
    assert artifacts(flow_run, tally_key(PROGRAMME, venture_id)) == []
    assert artifacts(flow_run, artifact_key(PROGRAMME, venture_id)) == []
    # Until the record says something new: answers to the next gate's draft leave the
    # rules nothing to do, yet the record's count of answers changes.
    from services.examples import answer_missing

    answer_missing(cyd, venture_id, ["nia.morgan@example.org"])
    again, flow_run = run(venture_id, cyd.clock())
    assert again["rounds"] == []
    [newer] = artifacts(flow_run, artifact_key(PROGRAMME, venture_id))
    assert newer.data != record.data
    assert artifacts(flow_run, tally_key(PROGRAMME, venture_id)) == []


def test_a_run_created_without_the_tag_tags_itself(cyd: Cyd) -> None:
    """A deployment's run (from the event trigger) is created without the venture's tag."""
    venture_id = submitted(cyd)
    _, flow_run = run(venture_id, cyd.clock())
    assert f"venture:{venture_id}" in flow_run.tags


def test_a_run_created_with_the_tag_keeps_it_off_its_task_runs(cyd: Cyd) -> None:
    """As `run_here` and the sweep create it: the run is tagged, its task runs are not
    (each new set of task-run tags costs a request to the Prefect server)."""
    from prefect import tags
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    venture_id = submitted(cyd)
    tag = f"venture:{venture_id}"
    with tags(tag, "cyd-test"):
        _, flow_run = run(venture_id, cyd.clock())
    assert tag in flow_run.tags

    async def task_runs() -> list[Any]:
        async with get_client() as client:
            return await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run.id]))
            )

    found = asyncio.run(task_runs())
    assert found
    assert all(tag not in r.tags and "cyd-test" in r.tags for r in found)


def test_the_embedded_hook_runs_the_flow_in_this_process(cyd: Cyd) -> None:
    from flows.trigger import run_flow

    cyd.advance_after = True
    cyd.advancer = run_flow
    venture_id = submitted(cyd)  # submitting runs the flow, which sends it to review
    assert state_of(cyd.engine, venture_id) == ("in_review", "design")
    report = run_here(venture_id, now=cyd.clock())
    assert not report.changed


# --- crashes and concurrency -----------------------------------------------------------------


class PowerCut(Exception):
    pass


def crash_on(
    monkeypatch: pytest.MonkeyPatch, target: Any, name: str, k: int, after: bool
) -> dict[str, int]:
    """Make `target.name` raise on its k-th call: before it does anything, or `after`
    it did its work (for a round: after it committed)."""
    if isinstance(target, str):
        target = importlib.import_module(target)
    real = getattr(target, name)
    calls = {"n": 0}

    def crashing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == k and not after:
            raise PowerCut(f"{name} call {k}")
        result = real(*args, **kwargs)
        if calls["n"] == k:
            raise PowerCut(f"after {name} call {k}")
        return result

    monkeypatch.setattr(target, name, crashing)
    return calls


@pytest.mark.parametrize(
    ("target", "name", "k", "after"),
    [
        pytest.param(rounds, "venture_head", 1, False, id="before-the-first-round"),
        pytest.param(rounds, "apply_effects", 1, False, id="applying-the-effects"),
        pytest.param(rounds, "apply_effects", 1, True, id="effects-applied-not-committed"),
        # The round queues each effect's messages together: the decision's, then the
        # next gate's.
        pytest.param(outbox, "enqueue_many", 1, False, id="first-message"),
        pytest.param(outbox, "enqueue_many", 1, True, id="some-messages-queued"),
        pytest.param(outbox, "enqueue_many", 2, True, id="last-message"),
        pytest.param("flows.advance", "_round", 1, True, id="after-the-round-committed"),
        pytest.param("flows.advance", "venture_record", 1, False, id="publishing-the-record"),
    ],
)
def test_a_crash_at_any_step_then_a_rerun_gives_one_outcome(
    cyd: Cyd, monkeypatch: pytest.MonkeyPatch, target: Any, name: str, k: int, after: bool
) -> None:
    venture_id = at_the_board(cyd)
    voted_and_closed(cyd, venture_id)
    calls = crash_on(monkeypatch, target, name, k, after)
    with pytest.raises(PowerCut):
        run(venture_id, cyd.clock())
    assert calls["n"] >= k
    monkeypatch.undo()
    config.provide(cyd.engine)  # undo() took the test's environment away too
    monkeypatch.setenv(DATABASE_URL_ENV, cyd.engine.url.render_as_string(hide_password=False))
    committed = count(cyd.engine, t.Decision) == 1
    assert committed == (name in {"_round", "venture_record"})  # a crash mid-round undoes it
    # The decision is committed with its audit entry and messages, or not at all.
    with read_session(cyd.engine) as session:
        assert audit.verify(session).ok
        messages = count(
            cyd.engine, t.OutboxMessage, col(t.OutboxMessage.event) == "venture.decision"
        )
    assert (messages > 0) == committed
    _, flow_run = run(venture_id, cyd.clock())
    assert_one_outcome(cyd.engine, venture_id)
    if name == "venture_record":
        # The re-run publishes the tally the crashed run did not get to.
        assert len(artifacts(flow_run, tally_key(PROGRAMME, venture_id))) == 1
    _, flow_run = run(venture_id, cyd.clock())
    assert_one_outcome(cyd.engine, venture_id)


def test_two_runs_at_once_on_one_venture_give_one_outcome(cyd: Cyd) -> None:
    venture_id = at_the_board(cyd)
    voted_and_closed(cyd, venture_id)
    now = cyd.clock()

    async def both() -> list[dict[str, Any]]:
        return list(
            await asyncio.gather(
                advance_venture(venture_id, now=now), advance_venture(venture_id, now=now)
            )
        )

    results = asyncio.run(both())
    decided = [
        e
        for result in results
        for r in result["rounds"]
        for e in r
        if e["effect"] == "RecordDecision"
    ]
    assert len(decided) == 1
    assert all((r["state"], r["gate"]) == ("draft", "delivery") for r in results)
    assert_one_outcome(cyd.engine, venture_id)


# --- the sweep and the outbox ----------------------------------------------------------------


def test_the_sweep_decides_a_vote_whose_deadline_passed(cyd: Cyd) -> None:
    venture_id = at_the_board(cyd)
    for member in VOTERS:
        vote(cyd, venture_id, member=member, choice="approve")
    waiting = submitted(cyd)  # another venture, its event lost
    with read_session(cyd.engine) as session:
        ballot = session.exec(select(t.Ballot).where(t.Ballot.venture_id == venture_id)).one()
        deadline = ballot.deadline
    before = asyncio.run(sweep(now=deadline - dt.timedelta(hours=1)))
    assert before == [waiting]  # the vote is still open; the submitted one moves on
    assert state_of(cyd.engine, waiting) == ("in_review", "design")
    after = asyncio.run(sweep(now=deadline + dt.timedelta(minutes=1)))
    assert after == [venture_id]
    assert_one_outcome(cyd.engine, venture_id)
    assert asyncio.run(sweep(now=deadline + dt.timedelta(minutes=2))) == []


def test_deliver_notifications_sends_to_the_local_mailboxes(cyd: Cyd, tmp_path: Path) -> None:
    venture_id = submitted(cyd)
    run(venture_id, cyd.clock())
    queued = count(cyd.engine, t.OutboxMessage)
    assert queued > 0
    # Messages are queued at the real time: send at noon two days on (no quiet hours).
    noon = dt.datetime.combine(utcnow().date() + dt.timedelta(days=2), dt.time(12), tzinfo=dt.UTC)
    report = asyncio.run(deliver_notifications(limit=1000, now=noon))
    assert report["sent"] > 0
    assert report["dead"] == 0
    letters = list((tmp_path / "mailbox").rglob("*.eml"))
    assert len(letters) >= report["sent"] - report["digests"] > 0
    again = asyncio.run(deliver_notifications(limit=1000, now=noon + dt.timedelta(minutes=1)))
    assert again["sent"] == 0
