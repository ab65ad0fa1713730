"""Keeping history: a changed answer, review or vote is a new row, never an update.

`supersede` stores `new` as the current row and retires the row it replaces, in the
order the partial unique index on current rows needs (retire, then insert, then link).
"""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from models.tables import Answer, Review, Vote

Row = TypeVar("Row", Answer, Review, Vote)


def supersede(session: Session, current: Row | None, new: Row) -> Row:
    """Store `new` as the current row; `current` (if any) is kept, marked superseded by it.

    The caller finds `current` (the row with `is_current` true for the same key) inside
    the same unit of work. Returns `new`, flushed, with its id set.
    """
    if current is not None:
        if current is new:
            raise ValueError("a row cannot supersede itself")
        current.is_current = False
        session.add(current)
        session.flush()
    new.is_current = True
    session.add(new)
    session.flush()
    if current is not None:
        current.superseded_by_id = new.id
        session.add(current)
        session.flush()
    return new
