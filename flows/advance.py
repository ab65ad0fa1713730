"""`advance-venture`: take one venture as far as the rules allow, then stop.

Each round of `services.advance` is one task: it reads the stored state, plans the
effects with the pure rules and applies them in one unit of work (state change,
audit entry, outbox messages). A task is named by the round's key: the venture,
its state and gate, and the last audit entry about it, where the round starts.
A round that commits moves that head, so after a crash a re-run starts from the
first round that did not commit: the database, not Prefect, knows what was done.
The tasks therefore cache nothing (a cached "nothing to do" could hide a deadline
that has passed since).

The run is named after the venture and tagged `venture:<id>`; it publishes the
venture's state and decision record (English and Welsh) as the markdown artifact
`<programme>-venture-<id>`, and the tally of a decision as the table artifact
`<programme>-venture-<id>-tally`. Its task runs do not carry the venture's tag (see
`_without_tag`).

Database work is synchronous (SQLAlchemy): it runs in a worker thread
(`asyncio.to_thread`) from async tasks, which measured quicker than sync tasks in
an async flow, and lets two runs on one venture wait for each other at the
database (the write transactions are serialized) without blocking the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from prefect import flow, tags, task
from prefect.artifacts import Artifact, acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import TagsContext
from prefect.runtime import flow_run

from flows import config
from flows.records import Record, venture_record
from models.db import utcnow
from services import advance as rounds
from services.advance import AdvanceReport

FLOW_NAME = "advance-venture"


def venture_tag(venture_id: str) -> str:
    return f"venture:{venture_id}"


def _round(venture_id: str, now: dt.datetime | None) -> rounds.Round:
    return rounds.advance_round(config.engine(), venture_id, config.library(), now=now)


@task(
    name="advance-round",
    task_run_name="{venture_id}-{state}-{gate_id}-{audit_seq}",
    cache_policy=NO_CACHE,
    persist_result=False,
)
async def advance_round(
    venture_id: str, state: str, gate_id: str, audit_seq: int, now: dt.datetime | None = None
) -> dict[str, Any]:
    """One round, from the head named by (state, gate_id, audit_seq)."""
    done = await asyncio.to_thread(_round, venture_id, now)
    return {
        "effects": done.effects,
        "state": done.state,
        "gate": done.gate_id,
        "audit_seq": done.audit_seq,
        "settled": done.settled,
    }


@flow(
    name=FLOW_NAME,
    flow_run_name="advance-{venture_id}",
    description="Take a venture as far as the rules allow, then stop.",
    persist_result=False,
)
async def advance_venture(venture_id: str, now: dt.datetime | None = None) -> dict[str, Any]:
    """Advance one venture; `now` (default: the clock) is for simulated time only."""
    await _tag_this_run(venture_id)
    with _without_tag(venture_tag(venture_id)):
        return await _advance(venture_id, now)


async def _advance(venture_id: str, now: dt.datetime | None) -> dict[str, Any]:
    rounds_done: list[list[dict[str, Any]]] = []
    head = await asyncio.to_thread(rounds.venture_head, config.engine(), venture_id)
    state, gate, seq = head.state, head.gate_id, head.audit_seq
    for _ in range(rounds.MAX_ROUNDS):
        done = await advance_round(venture_id, state, gate, seq, now)
        state, gate = done["state"], done["gate"]
        if done["effects"]:
            rounds_done.append(done["effects"])
        if done["settled"]:
            break
        seq = done["audit_seq"]  # where the next round starts: this round's entry
    else:
        raise RuntimeError(f"venture {venture_id} did not settle after {rounds.MAX_ROUNDS} rounds")
    decided = any(e["effect"] == "RecordDecision" for r in rounds_done for e in r)
    await publish(venture_id, now, decided=decided, changed=bool(rounds_done))
    return {"venture_id": venture_id, "state": state, "gate": gate, "rounds": rounds_done}


@contextmanager
def _without_tag(tag: str) -> Iterator[None]:
    """Task runs started in here do not carry `tag` (the run itself keeps it).

    A task run takes the tags of the `tags()` context it starts in (`run_here` and
    the sweep create the run in one, so that it is tagged from the start), and
    Prefect asks its server for the concurrency limits of each new set of task-run
    tags (remembered for 5 s): one more request for each venture's run, which a
    Prefect server on SQLite now and then answers 503 (database locked), and the
    client tries again 2 s later (measured: runs of 0.13 s took 2 s about half the
    time); and a thread and a client are kept for each set until the process ends.
    Cyd sets no such limits: the database serializes a venture's rounds.
    """
    current = TagsContext.get().current_tags
    if tag not in current:
        yield
        return
    with TagsContext(current_tags=current - {tag}):
        yield


async def _tag_this_run(venture_id: str) -> None:
    """Tag the run `venture:<id>` (a deployment's run is created without it)."""
    tag = venture_tag(venture_id)
    have = list(flow_run.get_tags())
    run_id = flow_run.get_id()
    if tag in have or run_id is None:
        return
    async with get_client() as client:
        await client.update_flow_run(UUID(run_id), tags=[*have, tag])


async def publish(
    venture_id: str, now: dt.datetime | None, *, decided: bool, changed: bool = True
) -> Record:
    """The venture's record as artifacts: the markdown when it changed, the tally of a
    decision when it is new.

    A run that changed nothing (a repeat, the sweep's look) reads the latest of both in
    one request and writes only what differs from them: after a crash between a change
    and its artifacts, the next run publishes what the crashed one did not."""
    record = await asyncio.to_thread(
        venture_record, config.engine(), venture_id, config.library(), now or utcnow()
    )
    description = f"{venture_id}: {record.state} at gate {record.gate_id}"
    tally_description = f"{venture_id}: the tally of decision {record.decision}"
    write_record, write_tally = True, decided and record.decision is not None
    if not changed:
        latest = await _latest_artifacts(record.key, record.tally_key)
        shown = latest.get(record.key)
        write_record = shown is None or (shown.data, shown.description) != (
            record.markdown,
            description,
        )
        if record.decision is not None:
            tallied = latest.get(record.tally_key)
            write_tally = tallied is None or tallied.description != tally_description
    elif record.decision is not None and not decided:
        # Changed without deciding (a new gate's draft): the tally is still the last one,
        # unless a crash kept it from being published.
        latest_tally = await Artifact.aget(record.tally_key)
        write_tally = latest_tally is None or latest_tally.description != tally_description
    writes = []
    if write_record:
        writes.append(
            acreate_markdown_artifact(record.markdown, key=record.key, description=description)
        )
    if write_tally:
        writes.append(
            acreate_table_artifact(
                record.tally, key=record.tally_key, description=tally_description
            )
        )
    # Both at once: a server on PostgreSQL writes them side by side (one on SQLite takes
    # them in turn, no slower than one after the other).
    await asyncio.gather(*writes)
    return record


async def _latest_artifacts(*keys: str) -> dict[str, Any]:
    """The latest artifact of each key, in one request."""
    from prefect.client.schemas.filters import (
        ArtifactCollectionFilter,
        ArtifactCollectionFilterKey,
    )

    async with get_client() as client:
        found = await client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(
                key=ArtifactCollectionFilterKey(any_=list(keys))
            )
        )
    return {a.key: a for a in found}


def report_of(result: dict[str, Any]) -> AdvanceReport:
    return AdvanceReport(
        venture_id=result["venture_id"],
        rounds=result["rounds"],
        state=result["state"],
        gate_id=result["gate"],
    )


def run_here(venture_id: str, *, now: dt.datetime | None = None) -> AdvanceReport:
    """Run the flow in this process and wait for it (the embedded mode and the demo)."""
    with tags(venture_tag(venture_id)):
        result = asyncio.run(advance_venture(venture_id, now=now))
    return report_of(result)
