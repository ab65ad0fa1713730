"""The `send_reminders` flow: the scheduled reminder sweep, thin. It reminds those who
have not acted yet: answers, reviews, votes, and translations not yet given.

It reads only the ventures whose next reminder time has come (`venture.next_reminder_at`,
indexed: models.due), `BATCH` at a time by (time, id), one task per batch
(`remind-due-<n>`): each batch is one unit of work that asks the pure rules
(`governance.reminders`) again under the write lock, records and queues what is due,
and sets each venture's next time (`services.reminders.remind_due`), so a repeated or
concurrent run sends nothing twice. An hourly run with nothing new due reads one empty
range of the index. A reminder's copies to the person's supporters are queued with it.
Quiet hours and digests are the relay's. `cyd remind` runs the same sweep without
Prefect (`services.reminders.sweep`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import engine
from models.db import utcnow
from services.reminders import local_zone, remind_due

BATCH = 200  # ventures per task (services.reminders.BATCH)
_COUNTS = ("ventures", "reminders", "escalations", "copies", "messages")


@task(name="check-database", cache_policy=NO_CACHE, persist_result=False)
def check_database() -> None:
    """A damaged database fails the run, with the reason, before anything is sent
    (models.backup.require_sound)."""
    from models.backup import require_sound

    require_sound(engine())


@task(
    name="remind-due",
    task_run_name="remind-due-{number}",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=5,
)
def remind_batch(
    now: dt.datetime, after: tuple[dt.datetime, str] | None, number: int
) -> dict[str, Any]:
    """Record and queue what is due for the next batch of ventures whose time has come:
    the counts of what was sent (not each message: a run's memory stays bounded)."""
    done = remind_due(engine(), now, after, tz=local_zone(), batch=BATCH)
    counts = dict.fromkeys(_COUNTS, 0)
    for result in done.results:
        counts["ventures"] += int(bool(result.reminders or result.escalations))
        counts["reminders"] += result.reminders
        counts["escalations"] += result.escalations
        counts["copies"] += result.copies
        counts["messages"] += result.messages
    return {"counts": counts, "after": done.after}


@task(
    name="ideas",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=2,
    retry_delay_seconds=5,
)
def sweep_ideas_task(now: dt.datetime) -> dict[str, list[str]]:
    """Ideas waiting for an answer (reminded before the promise, flagged past it),
    proposers told where the work from their idea stands, contact details past the
    programme's retention erased: each step once (services.ideas.sweep_ideas)."""
    from flows.config import library
    from services.commands import Cyd
    from services.ideas import sweep_ideas

    return sweep_ideas(Cyd(engine(), library(), clock=lambda: now)).as_json()


@flow(name="send-reminders", log_prints=False, persist_result=False)
async def send_reminders(now: dt.datetime | None = None) -> dict[str, int]:
    """Remind those who have not acted, escalate gently; counts of what was sent."""
    at = now or utcnow()
    check_database()
    counts = dict.fromkeys(_COUNTS, 0)
    after: tuple[dt.datetime, str] | None = None
    number = 1
    while True:
        done = remind_batch(at, after, number)
        for key in _COUNTS:
            counts[key] += done["counts"][key]
        if done["after"] is None:
            break
        after, number = done["after"], number + 1
    swept = sweep_ideas_task(at)
    get_run_logger().info(
        "ideas: %d reminded, %d past their promise, %d proposer(s) told, %d erased",
        *(len(swept[k]) for k in ("reminded", "escalated", "updates", "erased")),
    )
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
