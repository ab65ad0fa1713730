"""The `send_reminders` flow: the scheduled reminder sweep, thin. It reminds those who
have not acted yet: answers, reviews, votes, and translations not yet given.

One task reads every open venture and asks the pure rules (`governance.reminders`)
what is due now; then each venture with something due is recorded and queued in one
unit of work of its own (`services.reminders.remind_venture`), asking the rules again
under the write lock, so a repeated or concurrent run sends nothing twice. Each
venture has a task of its own (`remind-<venture id>`), up to `PER_VENTURE_TASKS`
ventures; beyond that (a backlog) they go `BATCH` at a time per task, still one
unit of work each: a task run of its own per venture would double the Prefect
records and the UI's list for little, while the sweep of 10,000 ventures in
batches measured within 7% of the same sweep without Prefect (benchmarks). A
reminder's copies to the person's supporters are queued with it. Quiet hours and
digests are the relay's. `cyd remind` runs the same sweep without Prefect
(`services.reminders.sweep`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import engine
from models.db import utcnow
from services.reminders import local_zone, plan, remind_venture


@task(name="plan-reminders", cache_policy=NO_CACHE, persist_result=False)
def plan_reminders(now: dt.datetime) -> dict[str, int]:
    """Venture id → how many reminders and escalations are due now (read only). The
    database is checked first: a damaged one fails the run, with the reason, before
    anything is sent (models.backup.require_sound)."""
    from models.backup import require_sound

    require_sound(engine())
    return {v: len(items) for v, items in plan(engine(), now, tz=local_zone()).items()}


@task(
    name="remind-venture",
    task_run_name="remind-{venture_id}",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=5,
)
def remind_one(venture_id: str, now: dt.datetime) -> dict[str, Any]:
    """Record and queue what is due for one venture, once."""
    return remind_venture(engine(), venture_id, now, tz=local_zone()).as_json()


@task(
    name="remind-ventures",
    task_run_name="remind-{venture_ids[0]}-and-{count}-more",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=5,
)
def remind_batch(venture_ids: list[str], now: dt.datetime, count: int) -> list[dict[str, Any]]:
    """Record and queue what is due for several ventures, each in its own unit of work."""
    zone = local_zone()
    return [remind_venture(engine(), v, now, tz=zone).as_json() for v in venture_ids]


PER_VENTURE_TASKS = 100
BATCH = 100


@flow(name="send-reminders", log_prints=False, persist_result=False)
async def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Remind those who have not acted, escalate gently; counts of what was sent."""
    at = now or utcnow()
    due = sorted(plan_reminders(at))
    results: list[dict[str, Any]] = []
    if len(due) <= PER_VENTURE_TASKS:
        results = [remind_one(venture_id, at) for venture_id in due]
    else:
        for start in range(0, len(due), BATCH):
            chunk = due[start : start + BATCH]
            results += remind_batch(chunk, at, len(chunk) - 1)
    counts = {"ventures": 0, "reminders": 0, "escalations": 0, "copies": 0, "messages": 0}
    for result in results:
        counts["ventures"] += int(bool(result["reminders"] or result["escalations"]))
        for key in ("reminders", "escalations", "copies", "messages"):
            counts[key] += result[key]
    get_run_logger().info(
        "%d reminder(s) and %d escalation(s) about %d venture(s); %d copy(ies) to"
        " supporters; %d message(s) queued",
        counts["reminders"],
        counts["escalations"],
        counts["ventures"],
        counts["copies"],
        counts["messages"],
    )
    return counts
