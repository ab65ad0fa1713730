"""A person's own settings (language and format), on SQLite and PostgreSQL: stored for
the person, audited once per change, and done again the same by the replay."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from checklists.loader import Library
from models import tables as t
from models.db import read_session
from services.commands import Cyd, NotFound
from services.people_settings import PREFERENCES_CHANGED, set_preferences
from services.replay import compare, replay
from tests.services.test_replay import target  # noqa: F401  (a fixture)

NIA = "nia.morgan@example.org"  # Welsh, Easy Read, asked on 2026-09-05
GARETH = "gareth.jones@example.org"  # English, standard


def person(cyd: Cyd, email: str) -> t.Person:
    with read_session(cyd.engine) as session:
        return session.exec(select(t.Person).where(t.Person.email == email)).one()


def changes(cyd: Cyd) -> list[t.AuditEntry]:
    with read_session(cyd.engine) as session:
        return list(
            session.exec(
                select(t.AuditEntry)
                .where(t.AuditEntry.action == PREFERENCES_CHANGED)
                .order_by(col(t.AuditEntry.seq))
            )
        )


def test_a_person_changes_their_language_and_format(cyd: Cyd) -> None:
    assert set_preferences(cyd, by=GARETH, language="cy", format="easy-read") is True
    gareth = person(cyd, GARETH)
    assert (gareth.language, gareth.format) == ("cy", "easy-read")
    [entry] = changes(cyd)
    assert entry.actor == GARETH
    assert entry.venture_id is None
    assert entry.payload == {
        "language": "cy",
        "format": "easy-read",
        "language_asked_on": gareth.language_asked_on.isoformat(),  # type: ignore[union-attr]
        "was": {"language": "en", "format": "standard"},
    }
    # Choosing a language is being asked it: the day is the day of the choice.
    assert gareth.language_asked_on == entry.at.date()


def test_only_the_format_changed_keeps_the_day_the_language_was_asked(cyd: Cyd) -> None:
    asked = person(cyd, NIA).language_asked_on
    assert asked == dt.date(2026, 9, 5)
    set_preferences(cyd, by=NIA, language="cy", format="standard")
    nia = person(cyd, NIA)
    assert (nia.language, nia.format, nia.language_asked_on) == ("cy", "standard", asked)


def test_saving_the_same_settings_changes_and_records_nothing(cyd: Cyd) -> None:
    assert set_preferences(cyd, by=NIA, language="cy", format="easy-read") is False
    assert changes(cyd) == []


def test_an_unknown_person_or_setting_is_refused(cyd: Cyd) -> None:
    with pytest.raises(NotFound):
        set_preferences(cyd, by="nobody@example.org", language="cy", format="standard")
    with pytest.raises(ValueError, match="language"):
        set_preferences(cyd, by=GARETH, language="fr", format="standard")
    with pytest.raises(ValueError, match="format"):
        set_preferences(cyd, by=GARETH, language="en", format="large-print")
    assert changes(cyd) == []


def test_a_log_with_changed_settings_replays_and_compares_equal(
    cyd: Cyd,
    target: Engine,  # noqa: F811  (the fixture)
    library: Library,
) -> None:
    set_preferences(cyd, by=GARETH, language="cy", format="easy-read")
    set_preferences(cyd, by=NIA, language="en", format="easy-read")
    result = replay(cyd.engine, target, library)
    assert result.problems == []
    assert compare(cyd.engine, target) == []
