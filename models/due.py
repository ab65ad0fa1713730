"""When the sweeps next look at a venture: `venture.next_reminder_at` and
`venture.next_advance_at`, kept with each venture and indexed.

Why times kept with each venture. A sweep that read every open venture and asked the
rules about each cost ~10 ms a venture and passed every id in one statement (refused by
PostgreSQL past 65,535 parameters). Now each sweep reads only the ventures whose time
has come, in bounded batches by (time, id), and sets each one's next time after
handling it (services.reminders, services.advancing).

How they stay right. A time too early costs one wasted look; a time too late loses a
reminder or a move. So:
- whatever changes a venture writes an audit entry about it in the same unit of work,
  and `models.audit.append` marks the venture due at once (`mark_due`): answers,
  submissions, reviews, votes, gate changes, hold and extend, translations, reminders
  sent, the rules moving it on. Nothing is missed for want of a hook in one command;
- a change to the programme or its people (roles, the Board, supporters, the reminder
  policy, the Board's meetings) marks every venture due at once (`mark_all_due`): one
  statement, no list of ids;
- "at once" is `LOOK_AT_ONCE` (1970), not the clock of the command: a sweep may run
  at a simulated time earlier than the clock that changed the venture, and it must
  still look;
- a sweep that has looked sets the exact next time the pure rules give
  (governance.reminders.next_due), or None when only a change can make anything due.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal

from sqlalchemy import bindparam, select, tuple_, update
from sqlmodel import Session

from models import tables as t

Kind = Literal["reminder", "advance"]
_V = t.Venture.__table__  # type: ignore[attr-defined]
_COLUMN = {"reminder": _V.c.next_reminder_at, "advance": _V.c.next_advance_at}
# `updated_at` set to itself: a due time is not a change to the venture, and the column's
# `onupdate` would otherwise stamp it with the clock (a replay would then differ).
_KEEP = {"updated_at": _V.c.updated_at}
_MARK = update(_V).values(next_reminder_at=t.LOOK_AT_ONCE, next_advance_at=t.LOOK_AT_ONCE, **_KEEP)


def mark_due(session: Session, venture_id: str) -> None:
    """Both sweeps look at this venture next time they run (in the caller's unit of work)."""
    session.execute(_MARK.where(_V.c.id == venture_id))


def mark_all_due(session: Session) -> None:
    """Both sweeps look at every venture not yet closed next time they run: after a change
    to the programme or its people. One statement, whatever the number of ventures."""
    session.execute(_MARK.where(_V.c.closed_at.is_(None)))


def due_batch(
    session: Session,
    kind: Kind,
    now: dt.datetime,
    after: tuple[dt.datetime, str] | None,
    limit: int,
) -> list[tuple[dt.datetime, str]]:
    """Up to `limit` (time, id) of the ventures due by `now`, after the keyset `after`, in
    (time, id) order: one indexed range read, never a list of ids."""
    column = _COLUMN[kind]
    statement = select(column, _V.c.id).where(column <= now)
    if after is not None:
        statement = statement.where(tuple_(column, _V.c.id) > tuple_(*after))
    statement = statement.order_by(column, _V.c.id).limit(limit)
    return [(at, vid) for at, vid in session.execute(statement)]


def set_next(session: Session, kind: Kind, times: Iterable[tuple[str, dt.datetime | None]]) -> None:
    """Set each venture's next time of this kind (one statement, executed for many rows)."""
    rows: Sequence[dict[str, object]] = [{"vid": vid, "at": at} for vid, at in times]
    if not rows:
        return
    column = _COLUMN[kind]
    statement = (
        update(_V)
        .where(_V.c.id == bindparam("vid"))
        .values({column.name: bindparam("at", type_=column.type), **_KEEP})
    )
    session.connection().execute(statement, list(rows))
