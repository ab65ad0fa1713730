"""`cyd remind`: one reminder sweep, for cron. Never imports Prefect.

It reminds the people who have not acted yet, on the programme's cadence, and
escalates after several reminders (see `governance.reminders`); each reminder
goes once however often it runs, with a copy to each of the person's supporters.
The messages wait in the outbox: `cyd notify send-due` (or the relay's flow)
sends them, quiet hours and digests applied.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from cli.output import console, fail, print_json


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"--now {text!r} is not an ISO 8601 date and time, like 2026-12-01T09:00+00:00")
    if moment.tzinfo is None:
        fail(f"--now {text!r} has no time zone: add one, like +00:00 or Z")
    return moment.astimezone(dt.UTC)


def remind(
    now: Annotated[
        str | None,
        typer.Option(
            "--now", metavar="ISO", help="Sweep as if it were this moment (default: now)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Run one reminder sweep now: remind those who have not acted, escalate gently."""
    from cli import context
    from services.programme_import import NoProgrammeError
    from services.reminders import sweep

    at = _moment(now) if now is not None else None
    engine = context.engine()
    try:
        report = sweep(engine, at)
        swept = _sweep_ideas(engine, at)
    except NoProgrammeError as error:
        fail(str(error))
    finally:
        engine.dispose()
    if as_json:
        print_json(report.as_json() | {"ideas": swept})
        return
    from cli.output import safe as escape

    out = console()
    out.print(
        f"Reminders: {report.reminders} sent, {report.escalations} escalation(s), about"
        f" {report.ventures} venture(s); {report.copies} copy(ies) to supporters;"
        f" {report.messages} message(s) queued."
    )
    out.print(
        f"Ideas: {len(swept['reminded'])} reminder(s), {len(swept['escalated'])} past their"
        f" promise, {len(swept['updates'])} proposer(s) told, {len(swept['erased'])} erased."
    )
    for item in report.details:
        about = "" if item["kind"] == "reminder" else f" about {item['person']}"
        copies = f"; a copy to {', '.join(item['copies'])}" if item.get("copies") else ""
        out.print(
            f"  • {escape(item['venture'])}: {item['kind']} to {escape(item['to'])}{escape(about)}"
            f" ({item['action']}, {item['step']}, {item['days_left']} day(s) left"
            f"{escape(copies)})"
        )


def _sweep_ideas(engine: Any, at: Any) -> dict[str, list[str]]:
    """The ideas' part of the sweep (services.ideas.sweep_ideas), at the same moment."""
    from checklists.loader import load_library
    from models.db import utcnow
    from services.commands import Cyd
    from services.ideas import sweep_ideas

    moment = at or utcnow()
    return sweep_ideas(Cyd(engine, load_library(), clock=lambda: moment)).as_json()
