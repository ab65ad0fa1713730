"""A programme with the example's people, a Board calendar and a reminder policy, and
ventures brought to where the reminder and Board-pack tests need them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from checklists.loader import Library
from services.commands import Cyd, record_review, start_venture, submit
from services.examples import answer_missing
from services.programme_import import import_programme, parse_programme

ROOT = Path(__file__).resolve().parents[2]
LEAD = "gareth.jones@example.org"
CO_PRODUCER = "nia.morgan@example.org"
REVIEWERS = ("elin.davies@example.org", "owen.walker@example.org")
CHAIR = "megan.lloyd@example.org"
BOARD = (
    "aled.evans@example.org",
    "david.hughes@example.org",
    LEAD,
    CHAIR,
    "priya.shah@example.org",
    "sian.roberts@example.org",
)
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
MEETING = dt.date(2026, 12, 8)


def programme_text(
    *,
    meetings: tuple[dt.date, ...] = (MEETING,),
    reminders: str = "",
    unasked: str = "",
    translators: bool = True,
) -> str:
    """The example programme with a meeting calendar and (optionally) a reminder policy;
    `unasked` names a person whose language was never asked (messages in both). Without
    `translators`, nobody has the role: translations are asked but nobody is reminded of
    them (for tests that count the other reminders)."""
    text = (ROOT / "examples" / "programme.yaml").read_text(encoding="utf-8")
    if not translators:
        assert "    roles: [translator]\n" in text
        text = text.replace("    roles: [translator]\n", "    roles: []\n")
    if unasked:
        start = text.index(f"  - email: {unasked}")
        end = text.index("  - email:", start + 1)
        entry = "\n".join(
            line
            for line in text[start:end].splitlines()
            if not line.strip().startswith(("language:", "language_asked_on:"))
        )
        text = text[:start] + entry + "\n" + text[end:]
    dates = ", ".join(d.isoformat() for d in meetings)
    assert "  meetings: []\n" in text
    text = text.replace("  meetings: []\n", f"  meetings: [{dates}]\n", 1)
    if reminders:
        text = text[: text.index("\nreminders:\n")] + "\nreminders:\n"
        text += "".join(f"  {line}\n" for line in reminders.splitlines())
    return text


class Clock:
    def __init__(self, start: dt.datetime = START) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


def make_cyd(engine: Engine, library: Library, text: str | None = None) -> Cyd:
    text = text if text is not None else programme_text()
    programme = parse_programme(text, "programme.yaml", library=library)
    import_programme(engine, programme, text, "admin@example.org", at=START)
    return Cyd(engine, library, clock=Clock())


def to_review(cyd: Cyd, title: str = "Community café", title_other: str | None = None) -> str:
    """Started Mon 2 November (in English; with `title_other`, in Welsh too: else its
    Welsh title is asked of the translators, due Thu 5 November), answered, submitted."""
    venture_id = start_venture(
        cyd, workstream="day-opportunities", title=title, lead=LEAD, title_other=title_other
    ).venture_id
    answer_missing(cyd, venture_id, [CO_PRODUCER])
    outcome = submit(cyd, venture_id, by=LEAD)
    assert outcome.advanced is not None
    assert outcome.advanced.state == "in_review"
    return venture_id


def to_board(cyd: Cyd, title: str = "Community café", title_other: str | None = None) -> str:
    venture_id = to_review(cyd, title, title_other)
    for reviewer in REVIEWERS:
        record_review(cyd, venture_id, by=reviewer, recommend="go", note="Well co-produced.")
    return venture_id
