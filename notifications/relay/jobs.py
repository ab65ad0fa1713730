"""What the relay's parts share: the event names it treats apart, a claimed message
(`Job`), and what a run did (`RelayReport`)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from models.tables import Person, mask_url

if TYPE_CHECKING:
    from governance.programme import Contact
    from notifications.compose import Addressee


# One logger for the relay, as when it was one module.
log = logging.getLogger(__package__)

# The event names (as in notifications.compose, which is imported only to render:
# `cyd notify status` needs neither the templates nor apprise).
DIGEST_EVENT = "digest"
ALERT_EVENT = "delivery-failed"
TEST_EVENT = "test"
ANCHOR_EVENT = "audit-anchor"  # the audit head sent for safe keeping (services.audit_anchor)
SIGN_IN_EVENT = "sign-in"


@dataclass
class Problem:
    message_id: int
    event: str
    person: str
    channel: str  # masked
    reason: str  # masked
    dead: bool

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RelayReport:
    """What one run did. `sent` counts messages delivered, digest contents included."""

    sent: int = 0
    failed: int = 0  # attempts that failed and will be tried again
    dead: int = 0  # messages given up on
    deferred: int = 0  # moved to the end of quiet hours or to the digest time
    digests: int = 0  # daily digests made
    alerts: int = 0  # alerts queued for the admins
    rerouted: int = 0  # copies made for a person's current channels
    offered_again: int = 0  # given up on in an outage, offered again as the channel works
    problems: list[Problem] = field(default_factory=list)

    def add(self, other: RelayReport) -> None:
        """Count what `other` (a part of this run) did too."""
        for name in (
            "sent",
            "failed",
            "dead",
            "deferred",
            "digests",
            "alerts",
            "rerouted",
            "offered_again",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [p.as_json() for p in self.problems]
        return data


@dataclass(frozen=True)
class Job:
    """A claimed message, with all that sending it needs (read in the claim)."""

    message_id: int
    key: str
    event: str
    payload: dict[str, Any] = field(repr=False)  # a sign-in's holds its link and code
    url: str = field(repr=False)  # a secret
    person: Addressee
    attempts: int
    digest_day: dt.date | None = None
    # a digest's carried messages: (id, event, payload, attachments)
    items: tuple[tuple[int, str, dict[str, Any], tuple[str, ...]], ...] = ()
    attachments: tuple[str, ...] = ()  # paths in the data folder
    # The programme's contact when it is sent (named at the end of every message).
    contact: Contact | None = None

    @property
    def masked(self) -> str:
        return mask_url(self.url)


def addressee(person: Person) -> Addressee:
    from notifications.compose import addressee as of

    return of(person)
