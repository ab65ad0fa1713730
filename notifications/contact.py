"""The programme's contact, as messages and pages name it at their end.

`programme_contact(session)` is the `contact:` of the programme in force (the latest
imported version, `models.tables.ProgrammeVersion`), or None when the programme names
nobody, or none is imported yet (messages then ask people to reply). It is read from
the stored text, like the reminder policy, so a changed contact is a new version of
the programme like any other change; a message takes the contact in force when it is
sent, not when it was queued.

Cheap to call for every message and page: one row of two short columns (the latest
version's id and digest) is read; its text only when this process has not read that
version yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Table
from sqlalchemy import select as core_select

from checklists.yamlsource import parse
from governance.programme import Contact
from models.tables import ProgrammeVersion

if TYPE_CHECKING:
    from sqlmodel import Session

__all__ = ["Contact", "contact_from_source", "programme_contact"]

_VERSION = cast(Table, ProgrammeVersion.__table__)  # type: ignore[attr-defined]
_LATEST = core_select(_VERSION.c.id, _VERSION.c.sha256).order_by(_VERSION.c.id.desc()).limit(1)
# By (version id, sha256): a stored version never changes, and the digest tells two
# databases' versions of the same id apart.
_READ: dict[tuple[int, str], Contact | None] = {}


def programme_contact(session: Session) -> Contact | None:
    """The contact of the programme in force, or None (see the module's docstring)."""
    return from_programme_in_force(session, _READ, lambda v: contact_from_source(v.source))


_T = TypeVar("_T")


def from_programme_in_force(
    session: Session,
    kept: dict[tuple[int, str], _T | None],
    read: Callable[[ProgrammeVersion], _T | None],
) -> _T | None:
    """What `read` finds in the programme in force (None if none is imported), read
    once per stored version in this process and kept in `kept`: one row of two short
    columns is read each time, the version itself only when it is new here."""
    found = session.connection().execute(_LATEST).first()
    if found is None:
        return None
    key = (int(found.id), str(found.sha256))
    if key not in kept:
        version = session.get(ProgrammeVersion, found.id)
        if version is None:  # deleted since: as if read a moment later
            return None
        if len(kept) >= 16:
            kept.clear()
        kept[key] = read(version)
    return kept[key]


def contact_from_source(source: str) -> Contact | None:
    """The `contact:` of a programme file's text (checked in full when it was imported)."""
    data: Any = parse(source).data
    raw = data.get("contact") if isinstance(data, dict) else None
    return Contact.model_validate(raw) if raw is not None else None
