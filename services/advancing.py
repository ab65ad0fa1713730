"""One way to advance a venture after something changed, for every caller.

A person's action is recorded first (`services.commands`); then the venture is taken
as far as the rules allow. *How* is chosen once, by `CYD_ORCHESTRATION`, by the outer
layer that builds the `Cyd` context (`flows.trigger.advancer`): here and now through
`services.advance` (`direct`), by running the `advance-venture` flow in this process
(`flows`), or by handing it to Prefect with an event (`events`). Whichever it is, the
caller gets one typed answer, `Advanced`: advanced here, handed to Prefect, or nothing
to do, and why. The CLI, the pages, `cyd venture advance` and the sweep all read it
the same way; none of them needs to know which mode ran.

Services never import Prefect: an `Advancer` is any callable with this signature,
and only `advance_directly` lives here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.library import Library
from governance.advance import may_advance, next_advance
from governance.lifecycle import VentureState
from models import due
from models import tables as t
from models.db import read_session, unit_of_work
from services.advance import AdvanceReport, People, advance_venture, load_snapshot


class How(StrEnum):
    HERE = "here"  # the venture moved on, in this process (directly or by a flow run here)
    HANDED = "handed"  # handed to Prefect by an event: a worker takes it on
    NOTHING = "nothing"  # the rules had nothing to do for it now


class Why(StrEnum):
    DIRECT = "direct"  # advanced through services.advance (CYD_ORCHESTRATION=direct)
    FLOW_RUN = "flow-run"  # advanced by the advance-venture flow, run in this process
    EVENT_SENT = "event-sent"  # the Prefect server took the event
    EVENT_NOT_SENT = "event-not-sent"  # it did not: the venture was advanced here instead
    SETTLED = "settled"  # the rules have nothing to do now (a draft's answer, an open vote)
    NOT_ASKED = "not-asked"  # the caller records without advancing (replay, tests)


@dataclass(frozen=True)
class Advanced:
    """What became of a venture after an action: the one answer every caller reads."""

    venture_id: str
    how: How
    why: Why
    # Where the venture stands, when this process knows it (None: handed to Prefect,
    # or not asked): its state, gate and the effects of each round.
    report: AdvanceReport | None = None
    detail: str = ""  # why an event was not sent, for the person who ran the command

    @property
    def changed(self) -> bool:
        return self.report is not None and self.report.changed

    @property
    def handed(self) -> bool:
        return self.how is How.HANDED

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"venture": self.venture_id, "how": self.how, "why": self.why}
        if self.report is not None:
            data |= {
                "state": self.report.state,
                "gate": self.report.gate_id,
                "advanced": self.report.rounds,
            }
        if self.detail:
            data["detail"] = self.detail
        return data


class Advancer(Protocol):
    """Takes a venture as far as the rules allow, or hands it to whoever will."""

    def __call__(
        self, engine: Engine, library: Library, venture_id: str, now: dt.datetime
    ) -> Advanced: ...


def from_report(report: AdvanceReport, why_if_moved: Why) -> Advanced:
    """An advance that ran here: moved on (for `why_if_moved`) or settled."""
    if report.changed:
        return Advanced(report.venture_id, How.HERE, why_if_moved, report)
    return Advanced(report.venture_id, How.NOTHING, Why.SETTLED, report)


def advance_directly(
    engine: Engine, library: Library, venture_id: str, now: dt.datetime
) -> Advanced:
    """Here and now, through `services.advance`: no Prefect at all."""
    return from_report(advance_venture(engine, venture_id, library, now=now), Why.DIRECT)


def cannot_move(venture_id: str, state: str, gate_id: str) -> Advanced | None:
    """What advancing a venture left in `state` (by the action just committed) would
    report, when the rules prove that nothing can change in that state
    (`governance.advance.may_advance`: a draft, returned, on hold, decided...); None
    when they must look. No unit of work is spent, nor any event sent: a venture that
    cannot move now moves only after another action, which advances it."""
    if may_advance(VentureState(state)):
        return None
    return Advanced(
        venture_id,
        How.NOTHING,
        Why.SETTLED,
        AdvanceReport(venture_id, state=state, gate_id=gate_id),
    )


# The states in which a venture waits for the rules rather than for a person alone:
# the sweep and `cyd venture advance` look at these (a draft moves only when its lead
# acts; a decided or withdrawn venture never moves again).
WAITING_STATES = (VentureState.SUBMITTED, VentureState.IN_REVIEW, VentureState.AWAITING_BOARD)
_WAITING_VALUES = frozenset(s.value for s in WAITING_STATES)


# Ventures per unit of work of the sweep's check: a command waits for at most one batch.
CHECK_BATCH = 50


def waiting_ventures(
    engine: Engine,
    library: Library,
    now: dt.datetime,
    *,
    limit: int | None = None,
    only_due: bool = True,
) -> list[str]:
    """The waiting ventures, in id order; with `only_due`, those the rules would move on
    now, up to `limit` of them.

    With `only_due`, only the ventures whose advance time has come are read
    (`venture.next_advance_at`, indexed: models.due), `CHECK_BATCH` at a time by (time,
    id). Each batch is checked in one unit of work, under the write lock, so that no
    command changes a venture between its check and the setting of its next time
    (governance.advance.next_advance); a venture the rules would move on keeps its
    time (it is due until it has moved on, and moving it on marks it due again)."""
    if not only_due:
        with read_session(engine) as session:
            ids = list(
                session.exec(
                    select(t.Venture.id)
                    .where(col(t.Venture.state).in_([s.value for s in WAITING_STATES]))
                    .order_by(col(t.Venture.id))
                ).all()
            )
        return ids[:limit] if limit is not None else ids
    found: list[str] = []
    after: tuple[dt.datetime, str] | None = None
    while limit is None or len(found) < limit:
        with unit_of_work(engine) as session:
            rows = due.due_batch(session, "advance", now, after, CHECK_BATCH)
            people = People(session)
            times: dict[str, dt.datetime | None] = {}
            for _, venture_id in rows:
                venture = session.get(t.Venture, venture_id)
                if venture is None or venture.state not in _WAITING_VALUES:
                    times[venture_id] = None  # waits for people alone
                    continue
                at = next_advance(load_snapshot(session, venture, library, now, people=people))
                if at is not None and at <= now:
                    found.append(venture_id)
                else:
                    times[venture_id] = at
            due.set_next(session, "advance", times.items())
        if len(rows) < CHECK_BATCH:
            break
        after = rows[-1]
    found.sort()
    return found[:limit] if limit is not None else found


def advance_waiting(
    engine: Engine,
    library: Library,
    now: dt.datetime,
    advancer: Advancer = advance_directly,
    *,
    limit: int | None = None,
    only_due: bool = True,
) -> list[Advanced]:
    """The waiting ventures (with `only_due`, those the rules would move on now), each
    through `advancer`."""
    return [
        advancer(engine, library, venture_id, now)
        for venture_id in waiting_ventures(engine, library, now, limit=limit, only_due=only_due)
    ]
