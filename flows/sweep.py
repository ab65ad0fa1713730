"""`sweep`: the safety net. Advance every venture that rules could move on now.

The waiting ventures (submitted, in review or waiting for the Board) whose advance
time has come (`venture.next_advance_at`, indexed: models.due) are checked with the
pure rules, in bounded batches; each that would change gets an `advance-venture` run
of its own (a subflow, named after it), so an event lost while the Prefect server
was down, or a vote deadline that passed with nobody acting, is caught within the
hour; the others are given their next time (services.advancing.waiting_ventures).
"""

from __future__ import annotations

import asyncio
import datetime as dt

from prefect import flow, tags, task
from prefect.cache_policies import NO_CACHE

from flows import config
from flows.advance import advance_venture, venture_tag
from models.db import utcnow
from services.advancing import waiting_ventures

FLOW_NAME = "sweep"


def _due(now: dt.datetime, limit: int | None) -> list[str]:
    return waiting_ventures(config.engine(), config.library(), now, limit=limit)


@task(name="find-due", cache_policy=NO_CACHE, persist_result=False)
async def find_due(now: dt.datetime, limit: int | None = None) -> list[str]:
    """The waiting ventures the rules would move on now."""
    return await asyncio.to_thread(_due, now, limit)


@flow(
    name=FLOW_NAME,
    description="Advance every waiting venture the rules could move on now.",
    persist_result=False,
)
async def sweep(limit: int | None = None, now: dt.datetime | None = None) -> list[str]:
    """Returns the ids of the ventures advanced. `now` is for simulated time only."""
    due = await find_due(now or utcnow(), limit)
    for venture_id in due:
        # One at a time: on SQLite the writes queue anyway.
        with tags(venture_tag(venture_id)):
            await advance_venture(venture_id, now=now)
    return due
