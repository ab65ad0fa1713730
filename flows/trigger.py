"""How a person's recorded action makes its venture advance, by `CYD_ORCHESTRATION`.

- `direct`: the command advances the venture itself (`services.advance`), no Prefect.
- `flows`: the command runs the `advance-venture` flow in its own process and waits
  for it; with no Prefect server configured, prefect starts its ephemeral local one
  (10-20 s the first time in a process). The demo runs this way.
- `events`: when the rules have something to do for the venture now (the command
  checks, read only), the command posts the Prefect event `cyd.venture.changed`
  about the resource `cyd.venture.<id>` to the configured server and returns at
  once; the deployment trigger of `advance-venture/on-change` (prefect.yaml) runs
  the flow on a worker. Should the server not take the event, the command advances
  the venture itself and says so: nothing waits, nothing is lost (and the hourly
  sweep would catch it anyway).
- `auto` (the default): `events` when a Prefect server is configured
  (`PREFECT_API_URL` in the environment or in the active Prefect profile), else
  `direct`, so that a plain `cyd venture ...` stays quick.

The event is posted with the standard library (one HTTP request to the server's
`POST /api/events`), not through prefect, whose import alone costs 2-3 s.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tomllib
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from checklists.library import Library
    from services.advancing import Advanced, Advancer

MODE_ENV = settings.ORCHESTRATION_ENV
AUTO, DIRECT, FLOWS, EVENTS = settings.ORCHESTRATION_MODES
MODES = settings.ORCHESTRATION_MODES

EVENT = "cyd.venture.changed"
RESOURCE_PREFIX = "cyd.venture."
VENTURE_LABEL = "cyd.venture.id"
PROGRAMME_LABEL = "cyd.programme.id"
TIMEOUT_S = 5.0


class EventNotSent(Exception):
    """The Prefect server did not take the event."""


def prefect_setting(name: str) -> str | None:
    """A Prefect setting from the environment, else from the active Prefect profile."""
    value = os.environ.get(name)
    if value:
        return value
    home = Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    found = profiles.get("profiles", {}).get(active, {}).get(name)
    return str(found) if found else None


def api_url() -> str | None:
    """The configured Prefect server's API URL, if any."""
    url = prefect_setting("PREFECT_API_URL")
    return url.rstrip("/") if url else None


def mode() -> str:
    """The orchestration mode in force (`auto` resolved); settings.SettingsError (a
    ValueError) if `CYD_ORCHESTRATION` is not one of MODES."""
    chosen: str = settings.current().orchestration
    if chosen == AUTO:
        return EVENTS if api_url() else DIRECT
    return chosen


def advancer(chosen: str | None = None) -> Advancer:
    """The `Cyd.advancer` for a mode (by default the one `CYD_ORCHESTRATION` says)."""
    chosen = chosen or mode()
    if chosen == FLOWS:
        return run_flow
    if chosen == EVENTS:
        return emit_or_advance
    from services.advancing import advance_directly

    return advance_directly


def use_local_prefect() -> None:
    """With no Prefect server configured, let prefect start its ephemeral one, and give
    it time to come up on a busy machine (prefect's default is 20 s). Before prefect
    is imported; settings already made in the environment win."""
    if api_url() is None:
        os.environ.setdefault("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "true")
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def quiet(engine: Engine, library: Library, venture_id: str, now: dt.datetime) -> Advanced | None:
    """ "Nothing to do", if the rules have nothing to do for the venture now (read only),
    else None. No flow run, no event, for those: each would start a flow run that
    changes nothing."""
    from services.advance import settled_report
    from services.advancing import Advanced, How, Why

    report = settled_report(engine, venture_id, library, now=now)
    return None if report is None else Advanced(venture_id, How.NOTHING, Why.SETTLED, report)


def run_flow(engine: Engine, library: Library, venture_id: str, now: dt.datetime) -> Advanced:
    """Run `advance-venture` in this process, on this engine and clock (unless the
    rules have nothing to do for the venture now)."""
    idle = quiet(engine, library, venture_id, now)
    if idle is not None:
        return idle
    use_local_prefect()
    from flows import config
    from flows.advance import run_here
    from services.advancing import Why, from_report

    config.provide(engine)
    return from_report(run_here(venture_id, now=now), Why.FLOW_RUN)


def venture_event(
    venture_id: str, *, programme_id: str | None = None, occurred: dt.datetime | None = None
) -> dict[str, Any]:
    """The event that says a venture changed and may advance.

    The programme's id is a label of its own: several programmes (each its own Cyd
    database, its own deployments) may share one Prefect server, and each one's
    deployment trigger can match its own programme (see the README's scale-out part).
    """
    at = occurred or dt.datetime.now(dt.UTC)
    resource = {
        "prefect.resource.id": RESOURCE_PREFIX + venture_id,
        "prefect.resource.name": venture_id,
        VENTURE_LABEL: venture_id,
    }
    if programme_id:
        resource[PROGRAMME_LABEL] = programme_id
    return {
        "id": str(uuid.uuid4()),
        "occurred": at.isoformat(),
        "event": EVENT,
        "resource": resource,
        "related": [],
        "payload": {"venture_id": venture_id},
    }


def post_event(
    venture_id: str, url: str | None = None, *, programme_id: str | None = None
) -> dict[str, Any]:
    """Post the event to the Prefect server (`POST <api>/events`); returns it."""
    from urllib import request
    from urllib.error import URLError

    url = url or api_url()
    if not url:
        raise EventNotSent("no Prefect server is configured (PREFECT_API_URL)")
    if not url.startswith(("http://", "https://")):
        raise EventNotSent(f"PREFECT_API_URL is not an http(s) URL: {url!r}")
    event = venture_event(venture_id, programme_id=programme_id)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    auth = prefect_setting("PREFECT_API_AUTH_STRING")
    key = prefect_setting("PREFECT_API_KEY")
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    elif key:
        headers["Authorization"] = f"Bearer {key}"
    body = json.dumps([event]).encode("utf-8")
    sent = request.Request(f"{url}/events", data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with request.urlopen(sent, timeout=TIMEOUT_S) as answer:  # noqa: S310 (http(s) only)
            if answer.status >= 300:
                raise EventNotSent(f"the Prefect server answered {answer.status}")
    except (URLError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise EventNotSent(f"the Prefect server at {url} did not answer: {reason}") from None
    return event


def emit_or_advance(
    engine: Engine, library: Library, venture_id: str, now: dt.datetime
) -> Advanced:
    """Hand the venture to Prefect by an event; if that fails, advance it here.

    When the rules have nothing to do for the venture now (an answer to a draft, a
    vote that leaves the ballot open), no event is sent: every event starts a flow run
    (a process on a worker), and one that changes nothing only loads the workers.
    """
    from services.advancing import Advanced, How, Why, advance_directly

    idle = quiet(engine, library, venture_id, now)
    if idle is not None:
        return idle
    try:
        post_event(venture_id, programme_id=_programme_id(engine))
    except EventNotSent as problem:
        here = advance_directly(engine, library, venture_id, now)
        return Advanced(
            venture_id,
            here.how,
            Why.EVENT_NOT_SENT,
            here.report,
            detail=f"{problem}; advancing {venture_id} here instead",
        )
    return Advanced(venture_id, How.HANDED, Why.EVENT_SENT)


def _programme_id(engine: Engine) -> str | None:
    from models.db import read_session
    from services.programme_import import NoProgrammeError, current_programme

    with read_session(engine) as session:
        try:
            return current_programme(session).id
        except NoProgrammeError:
            return None
