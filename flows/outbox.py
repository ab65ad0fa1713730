"""`deliver-notifications`: relay what is due in the outbox (every minute when served).

The relay (`notifications.relay.send_due`) claims, renders, sends and marks each
message in transactions of its own, so runs that overlap, or a run after a crash,
send nothing twice (see the relay's description).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import config

FLOW_NAME = "deliver-notifications"


def _send(limit: int, now: dt.datetime | None) -> dict[str, Any]:
    from notifications.relay import send_due

    return send_due(config.engine(), now=now, limit=limit).as_json()


@task(name="send-due", cache_policy=NO_CACHE, persist_result=False)
async def send_due(limit: int, now: dt.datetime | None = None) -> dict[str, Any]:
    return await asyncio.to_thread(_send, limit, now)


@flow(
    name=FLOW_NAME,
    description="Send what is due in Cyd's outbox, each message once.",
    persist_result=False,
)
async def deliver_notifications(limit: int = 500, now: dt.datetime | None = None) -> dict[str, Any]:
    """Send up to `limit` due messages; `now` (default: the clock) is for simulated time."""
    return await send_due(limit, now)
