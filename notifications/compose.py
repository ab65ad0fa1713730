"""What a person is sent: the rules that choose language and format, and the two
messages Cyd composes itself (the daily digest and the admins' delivery alert).

- An outbox event is named `venture.<event>` (the governance events) or a bare name
  (`test`, `digest`, `delivery-failed`, `sign-in`); templates are named by the bare
  event.
- Every message, a person's own or news to a group (`payload["group"]`), goes in
  the language the person chose: a group's news in both languages at once would
  double its length (for an Easy Read reader most of all) and tell a Welsh reader
  nothing more. Only a person never asked (`language_asked_on` is None) gets Welsh
  and English together, Welsh first, as the Welsh Language Standards ask. The format
  is the person's.
- The daily digest (`compose_digest`) carries a person's held messages, each rendered
  as it would have been sent alone, after a cover written by the `digest` templates
  in the person's language(s) and format, rendered like any other message.
- Every message ends by saying that Welsh is welcome and whom to ask: the
  programme's contact (`contact`, read by the relay from the programme in force:
  notifications.contact), or, when it names nobody, to reply.
- The alert to admins when a message is given up on (`render_alert`) is the
  `delivery-failed` template, in the admin's language(s) and format. Its payload is
  cleaned before rendering, whatever it holds: the channel masked, every text in it
  with its URLs redacted (`models.tables.mask_url`, `redact_urls`), and the kind of
  failure (`failure_kind`) worked out from the reason when it is not given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from notifications.render import Recipient, Rendered, render_message

if TYPE_CHECKING:
    from governance.programme import Contact

DIGEST_EVENT = "digest"
ALERT_EVENT = "delivery-failed"
TEST_EVENT = "test"
SIGN_IN_EVENT = "sign-in"
VENTURE_PREFIX = "venture."
BOTH = ("cy", "en")  # Welsh first, as the Welsh Language Standards expect


@dataclass(frozen=True)
class Addressee:
    """The person a message is for, as the rules need them."""

    name: str
    email: str
    language: str  # 'en' or 'cy' (stored 'en' when never asked)
    asked: bool  # was asked their language (language_asked_on set)
    format: str  # 'standard' or 'easy-read'
    # Where it goes, when `email` only names them for reports and logs (a reply to an
    # idea's proposer: their address is kept out of both).
    address: str | None = field(default=None, repr=False)

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.name, self.email, self.language if self.asked else None)

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language,) if self.asked else BOTH

    @property
    def to(self) -> str:
        from email.headerregistry import Address

        try:
            return str(Address(display_name=self.name, addr_spec=self.address or self.email))
        except (ValueError, IndexError):
            return self.address or self.email


def addressee(person: Any) -> Addressee:
    """The Addressee of a `models.tables.Person` (or anything with its fields)."""
    return Addressee(
        name=person.name,
        email=person.email,
        language=person.language,
        asked=person.language_asked_on is not None,
        format=person.format,
    )


def template_name(event: str) -> str:
    """`venture.returned` → `returned`; bare names stay as they are."""
    return event.removeprefix(VENTURE_PREFIX)


def render_for(
    person: Addressee,
    event: str,
    payload: Mapping[str, Any],
    *,
    language: str | None = None,
    easy_read: bool | None = None,
    enclosed: Sequence[Rendered] = (),
    contact: Contact | None = None,
) -> Rendered:
    """Render `event` as `person` gets it. `language`/`easy_read` override their
    choice (for previews). The language is the person's own, for a group's news too;
    both (Welsh first) only for a person never asked and no language given.
    `enclosed`: the messages a digest carries. `contact`: the programme's, named at
    the end (notifications.contact). An alert's payload is cleaned first
    (`alert_payload`)."""
    if template_name(event) == ALERT_EVENT:
        payload = alert_payload(payload)
    if language is None:
        bilingual = not person.asked
        chosen = person.language if person.asked else None
    else:
        bilingual, chosen = False, language
    return render_message(
        template_name(event),
        person=person.recipient,
        payload=payload,
        language=chosen,
        easy_read=person.format == "easy-read" if easy_read is None else easy_read,
        bilingual=bilingual,
        enclosed=enclosed,
        contact=contact,
    )


# --- the daily digest ----------------------------------------------------------------------


def compose_digest(
    person: Addressee,
    day: dt.date,
    items: Sequence[Rendered],
    *,
    attached: bool | None = None,
    language: str | None = None,
    easy_read: bool | None = None,
    contact: Contact | None = None,
) -> Rendered:
    """One message carrying `items` (each already rendered for the person), after
    the `digest` cover. `attached`: None when none of them has files; True when
    their files go with the digest; False when the channel carries none (each item
    then says where its files are). `language`/`easy_read`: as for `render_for`."""
    payload: dict[str, Any] = {"group": False, "day": day.isoformat(), "count": len(items)}
    if attached is not None:
        payload["attached"] = attached
    return render_for(
        person,
        DIGEST_EVENT,
        payload,
        language=language,
        easy_read=easy_read,
        enclosed=items,
        contact=contact,
    )


# --- the admins' alert -----------------------------------------------------------------------

FAILURE_KINDS = ("delivery", "configuration", "template", "attachment")


def failure_kind(reason: str) -> str:
    """What kind of failure a dead message's reason tells of (the relay's and
    notifications.channels' wording): the alert says each in its own words."""
    if reason.startswith("configuration error"):
        return "configuration"
    if reason.startswith(("template error", "the digest has no message")):
        return "template"
    if reason.startswith("attachment"):
        return "attachment"
    return "delivery"


def alert_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The `delivery-failed` payload as it is rendered: the channel masked, URLs
    redacted from every text, and the kind of failure filled in."""
    from models.tables import mask_url, redact_urls

    cleaned = dict(payload)
    failed = payload.get("failed")
    if isinstance(failed, Mapping):
        shown = {
            key: redact_urls(value) if isinstance(value, str) else value
            for key, value in failed.items()
        }
        if "channel" in shown:
            shown["channel"] = mask_url(str(shown["channel"]))
        if "kind" not in shown:
            shown["kind"] = failure_kind(str(shown.get("reason") or ""))
        cleaned["failed"] = shown
    return cleaned


def render_alert(
    person: Addressee,
    payload: Mapping[str, Any],
    *,
    language: str | None = None,
    easy_read: bool | None = None,
    contact: Contact | None = None,
) -> Rendered:
    """The `delivery-failed` message for an admin, in their language and format."""
    return render_for(
        person, ALERT_EVENT, payload, language=language, easy_read=easy_read, contact=contact
    )
