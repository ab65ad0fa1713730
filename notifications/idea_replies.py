"""Where a reply to an idea's proposer goes.

A proposer need not be in the programme: they gave an email (or not) with their idea.
The programme names one reply channel (`ideas.reply_channel`, a notification URL and
a secret: masked in the stored copy, read here from the file as loaded), and each
reply goes through it to the proposer's address, given as apprise's `to=`. Read when a
reply is sent, not when it was queued, as the programme's contact is: a changed
channel is a new version of the programme like any other change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from sqlmodel import Session

# By (version id, sha256), as the programme's contact is read (notifications.contact).
_READ: dict[tuple[int, str], str | None] = {}


def reply_channel(session: Session) -> str | None:
    """The programme's reply channel in force (a secret), or None when it names none."""
    from notifications.contact import from_programme_in_force

    return from_programme_in_force(session, _READ, lambda v: channel_from_source(v.as_loaded))


def channel_from_source(source: str) -> str | None:
    from checklists.yamlsource import parse

    data: Any = parse(source).data
    ideas = data.get("ideas") if isinstance(data, dict) else None
    url = ideas.get("reply_channel") if isinstance(ideas, dict) else None
    return url.strip() if isinstance(url, str) and "://" in url else None


def to_address(channel: str, email: str) -> str:
    """`channel` sending to `email`: its `to=` replaced by the proposer's address."""
    parts = urlsplit(channel)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "to"]
    query.append(("to", email))
    return urlunsplit(parts._replace(query=urlencode(query)))
