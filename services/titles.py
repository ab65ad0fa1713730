"""A venture's title in each language: what a message's payload carries of it
(`venture_ref`), and asking the translators for its other language (`request_title`).
Apart from services.translations (the translators' commands) so that the commands and
the advancing, which tell people of a venture, can use it without a cycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from governance.working_days import deadline_after
from models import tables as t
from services.programme_import import current_programme
from services.working_calendar import working_calendar

TITLE = "venture-title"  # the subject of a venture title's translation
TITLE_MAX = 300  # venture.title and venture.title_other


def other_language(lang: str) -> str:
    return "cy" if lang == "en" else "en"


def due_for(session: Session, now: dt.datetime) -> dt.datetime:
    """When a translation asked for at `now` is due: the programme's working days on."""
    days = current_programme(session).translations.days
    return deadline_after(now, days, working_calendar(now.date()))


def request_title(session: Session, venture: t.Venture, now: dt.datetime) -> t.Translation:
    """Ask the translators for the venture's title in its other language."""
    row = t.Translation(
        venture_id=venture.id,
        subject=TITLE,
        source_lang=venture.title_lang,
        source_text=venture.title,
        target_lang=other_language(venture.title_lang),
        requested_at=now,
        due_at=due_for(session, now),
    )
    session.add(row)
    session.flush()
    return row


def _open_title(session: Session, venture_id: str) -> t.Translation | None:
    return session.exec(
        select(t.Translation)
        .where(t.Translation.venture_id == venture_id)
        .where(t.Translation.subject == TITLE)
        .where(col(t.Translation.done_at).is_(None))
        .order_by(col(t.Translation.id).desc())
    ).first()


def venture_ref(session: Session, venture: t.Venture) -> dict[str, Any]:
    """The `venture` of a message's payload: id, title (as written), gate, the title's
    language and, once given, its other language. Under the `wait` policy, while the
    title is being translated, `held_until` (ISO 8601) says until when a message to a
    reader of the other language waits (notifications.tell holds it)."""
    ref: dict[str, Any] = {
        "id": venture.id,
        "title": venture.title,
        "gate": venture.gate_id,
        "title_lang": venture.title_lang,
    }
    if venture.title_other:
        ref["title_other"] = venture.title_other
        return ref
    if current_programme(session).translations.messages == "wait":
        pending = _open_title(session, venture.id)
        if pending is not None:
            ref["held_until"] = pending.due_at.isoformat()
    return ref
