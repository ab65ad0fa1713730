"""How long the texts people write may be, in characters, the same on every database
and on every way in (pages, command line, replay): checked in the domain before
anything is stored (issue 14). A word bound (a checklist's `max_words`) does not bound
the characters: one 131,000-character "word" is one word.

The bounds are the pages' own (web.routes.reviews, web.routes.board), which people
meet first; a longer text belongs in a document the note links to."""

from __future__ import annotations

NOTE_MAX = 4000  # a reviewer's note: a few paragraphs
CONDITIONS_MAX = 2000  # a Board member's conditions
INTEREST_MAX = 1000  # a declared interest
REASON_MAX = 1000  # why more time, why an interest is withdrawn, and the like

LIMITS: dict[str, int] = {
    "note": NOTE_MAX,
    "conditions": CONDITIONS_MAX,
    "interest": INTEREST_MAX,
    "reason": REASON_MAX,
}


def over_limit(what: str, text: str | None) -> int | None:
    """The bound `text` goes over (None: within it, or no text)."""
    most = LIMITS[what]
    return most if text is not None and len(text) > most else None
