"""Free text a person writes, beyond a venture's title: a Board member's conditions, a
reviewer's note, a free-text answer to a checklist item. Each is written in its
writer's language; recording it asks the translators for the other language (a
`translation` row, in the same unit of work), unless the same text of the venture is
already being, or was already, translated: a text is looked up by (venture, the exact
text, the language wanted), so the same text twice is translated once.

    request_text(session, venture_id, subject, writer, text, now)   ask (or not)
    free_ref(session, venture_id, text) -> dict | str               what a payload carries
    free_refs(session, venture_id) -> Refs                          many, in one query

A payload (and a page) carries such a text as {"free": text, "lang": its language,
"other": the other language's, once given}; under the `wait` policy, while it is
being translated, "held_until" says until when a message to a reader of the other
language waits (notifications.tell). A text that was never asked for (recorded before
texts were translated, or empty) stays a plain string, shown as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from models import tables as t
from services.programme_import import current_programme
from services.titles import TITLE, TITLE_MAX, due_for, other_language

CONDITION = "board-condition"  # a vote's conditions (and so the decision's)
NOTE = "review-note"  # a reviewer's note
ANSWER = "answer"  # a free-text answer to a checklist item
SUMMARY = "easy-read-summary"  # a venture's Easy Read summary (services.easy_read_summaries)
FREE_SUBJECTS = (CONDITION, NOTE, ANSWER, SUMMARY)

# The longest translation of each kind: no longer than the longest text of its kind
# may be, so that it fits wherever the text itself is shown. A title: the venture
# table's bound. Conditions: the vote page's bound (web.routes.board); a note: the
# review page's (web.routes.reviews). An answer: the checklists allow at most 5000
# words (checklists.spec.TextAnswer.max_words), and 8 characters a word (the word and
# its space) is generous for both languages: 40,000 characters.
# An Easy Read summary: at most 120 words (governance.easy_read), so 2,000 characters.
MOST: dict[str, int] = {
    TITLE: TITLE_MAX,
    CONDITION: 2000,
    NOTE: 4000,
    ANSWER: 40_000,
    SUMMARY: 2000,
}


def writer_language(person: t.Person) -> str:
    """The language a person writes in: their own (English when not 'cy')."""
    return person.language if person.language in ("en", "cy") else "en"


def _existing(session: Session, venture_id: str, text: str, target: str) -> t.Translation | None:
    return session.exec(
        select(t.Translation)
        .where(t.Translation.venture_id == venture_id)
        .where(t.Translation.source_text == text)
        .where(t.Translation.target_lang == target)
        .order_by(col(t.Translation.id))
    ).first()


def request_text(
    session: Session,
    venture_id: str,
    subject: str,
    writer: t.Person,
    text: str | None,
    now: dt.datetime,
    *,
    lang: str | None = None,
) -> t.Translation | None:
    """Ask the translators for `text` (exactly as recorded) in the other language than
    its writer's (or than `lang`, the language it says it is in): the new row, or None
    (no text, or asked for already)."""
    if subject not in FREE_SUBJECTS:
        raise ValueError(f"not a free text's subject: {subject}")
    if text is None or not text.strip():
        return None
    source = lang if lang in ("en", "cy") else writer_language(writer)
    target = other_language(source)
    if _existing(session, venture_id, text, target) is not None:
        return None
    row = t.Translation(
        venture_id=venture_id,
        subject=subject,
        source_lang=source,
        source_text=text,
        target_lang=target,
        requested_at=now,
        due_at=due_for(session, now),
    )
    session.add(row)
    session.flush()
    return row


class Refs:
    """A venture's free texts' translations, read once: `ref(text)` is what a payload
    or a page carries of each."""

    def __init__(self, rows: Iterable[t.Translation], wait: bool) -> None:
        self._rows: dict[str, t.Translation] = {}
        for row in rows:
            if row.subject != TITLE:
                self._rows.setdefault(row.source_text, row)
        self._wait = wait

    def ref(self, text: Any) -> Any:
        if not isinstance(text, str) or text not in self._rows:
            return text
        row = self._rows[text]
        ref: dict[str, Any] = {"free": text, "lang": row.source_lang}
        if row.text:
            ref["other"] = row.text
        elif self._wait:
            ref["held_until"] = row.due_at.isoformat()
        return ref


def free_refs(session: Session, venture_id: str) -> Refs:
    rows = session.exec(
        select(t.Translation)
        .where(t.Translation.venture_id == venture_id)
        .order_by(col(t.Translation.id))
    ).all()
    return Refs(rows, current_programme(session).translations.messages == "wait")


def free_ref(session: Session, venture_id: str, text: Any) -> Any:
    return free_refs(session, venture_id).ref(text)
