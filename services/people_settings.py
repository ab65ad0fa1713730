"""A person's own settings: the language and format they read Cyd in.

The pages' settings page calls `set_preferences` with the signed-in person's email
(never an email from the form). What it stores is what every later page and message
uses: the pages read `person.language` and `person.format` when the browser has not
chosen, and the relay renders the person's messages in them. Choosing a language
counts as being asked it: messages then come in that language alone, not both.

One unit of work, audited as `person.preferences-changed` (the replay does it again
from the log). Saving what is already stored changes nothing and records nothing.
"""

from __future__ import annotations

from models import audit, queries
from models import tables as t
from models.db import unit_of_work
from services.commands import Cyd, NotFound
from services.reminders import local_zone

PREFERENCES_CHANGED = "person.preferences-changed"


def set_preferences(cyd: Cyd, *, by: str, language: str, format: str) -> bool:
    """Store `language` ("en" or "cy") and `format` ("standard" or "easy-read") as the
    settings of the person whose email is `by`; True if anything changed.

    Raises NotFound for an unknown or inactive person, ValueError for a language or
    format Cyd does not have (the pages offer only those it has)."""
    if language not in t.LANGUAGES:
        raise ValueError(f"no such language: {language!r}")
    if format not in t.FORMATS:
        raise ValueError(f"no such format: {format!r}")
    now = cyd.clock()
    with unit_of_work(cyd.engine) as session:
        person = queries.person_by_email(session, by)
        if person is None or not person.active:
            raise NotFound("person-not-found", email=by)
        was = {"language": person.language, "format": person.format}
        asked = person.language_asked_on
        if asked is None or language != person.language:
            asked = now.astimezone(local_zone()).date()
        if (person.language, person.format, person.language_asked_on) == (
            language,
            format,
            asked,
        ):
            return False
        person.language, person.format, person.language_asked_on = language, format, asked
        session.add(person)
        audit.append(
            session,
            person.email,
            PREFERENCES_CHANGED,
            None,
            {
                "language": language,
                "format": format,
                "language_asked_on": asked.isoformat(),
                "was": was,
            },
            at=now,
        )
    return True
