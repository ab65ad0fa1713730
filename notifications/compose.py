"""What a person is sent: the rules that choose language and format, and the two
messages Cyd composes itself (the daily digest and the admins' delivery alert).

- An outbox event is named `venture.<event>` (the governance events) or a bare name
  (`test`, `digest`, `delivery-failed`); templates are named by the bare event.
- A message to a group (`payload["group"]`) goes in Welsh and English together; a
  person's own message goes in the language they chose, or in both when they were
  never asked (`language_asked_on` is None). The format is the person's.
- The daily digest carries a person's held messages, each rendered as it would
  have been sent alone, under one heading in the person's language(s).
- The alert to admins, when a message is given up on, uses the `delivery-failed`
  template when there is one, else the short text below (English and Welsh).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date

from notifications.render import EVENTS, Recipient, Rendered, render_message

DIGEST_EVENT = "digest"
ALERT_EVENT = "delivery-failed"
TEST_EVENT = "test"
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
            return str(Address(display_name=self.name, addr_spec=self.email))
        except (ValueError, IndexError):
            return self.email


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
) -> Rendered:
    """Render `event` as `person` gets it. `language`/`easy_read` override their
    choice (for previews); a group message is bilingual unless a language is given."""
    if language is None:
        bilingual = bool(payload.get("group")) or not person.asked
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
    )


# --- the daily digest ----------------------------------------------------------------------

_DIGEST_SUBJECT = {
    "en": "Your Cyd messages for {date}",
    "cy": "Eich negeseuon Cyd ar gyfer {date}",
}
_DIGEST_INTRO = {
    "en": "Here are your Cyd messages for {date}.",
    "cy": "Dyma eich negeseuon Cyd ar gyfer {date}.",
}
_LOCALES = {"en": "en_GB", "cy": "cy"}
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)


def _date(day: dt.date, language: str) -> str:
    return format_date(day, format="long", locale=_LOCALES[language])


def compose_digest(person: Addressee, day: dt.date, items: Sequence[Rendered]) -> Rendered:
    """One message carrying `items` (each already rendered for the person)."""
    languages = person.languages
    subject = " / ".join(_DIGEST_SUBJECT[lang].format(date=_date(day, lang)) for lang in languages)
    intro = [_DIGEST_INTRO[lang].format(date=_date(day, lang)) for lang in languages]
    rule = "-" * 40
    text_parts = ["\n".join(intro)]
    html_parts = [f"<h1>{html.escape(subject)}</h1>"]
    html_parts += [
        f'<p lang="{lang}">{html.escape(line)}</p>'
        for lang, line in zip(languages, intro, strict=True)
    ]
    for number, item in enumerate(items, start=1):
        heading = f"[{number}/{len(items)}] {item.subject}"
        text_parts.append(f"{rule}\n{heading}\n\n{item.text.strip()}")
        match = _BODY.search(item.html)
        inner = match.group(1) if match else item.html
        item_lang = item.languages[0] if len(item.languages) == 1 else languages[0]
        html_parts.append(
            f'<section lang="{item_lang}"><h2>{html.escape(heading)}</h2>{inner}</section>'
        )
    all_languages = tuple(
        lang for lang in BOTH if lang in languages or any(lang in i.languages for i in items)
    )
    lang_attr = languages[0]
    document = (
        f'<!DOCTYPE html>\n<html lang="{lang_attr}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n"
        + "\n<hr>\n".join(html_parts)
        + "\n</body>\n</html>\n"
    )
    return Rendered(
        subject=subject,
        text="\n\n".join(text_parts) + "\n",
        html=document,
        languages=all_languages,
        format=person.format,
    )


# --- the admins' alert -----------------------------------------------------------------------

_ALERT_SUBJECT = {
    "en": "Cyd could not deliver a message",
    "cy": "Methodd Cyd ag anfon neges",
}
_ALERT_BODY = {
    "en": (
        "A message could not be delivered after {attempts} attempt(s). Cyd has stopped "
        "trying.\n\nMessage: {event} (outbox message {message_id})\nFor: {person}\n"
        "Channel: {channel}\nReason: {reason}\n\nCheck the channel in the programme file, "
        "then run 'cyd notify status'."
    ),
    "cy": (
        "Nid oedd modd anfon neges ar ôl {attempts} cynnig. Mae Cyd wedi rhoi'r gorau "
        "iddi.\n\nNeges: {event} (neges outbox {message_id})\nAr gyfer: {person}\n"
        "Sianel: {channel}\nRheswm: {reason}\n\nGwiriwch y sianel yn ffeil y rhaglen, "
        "yna rhedwch 'cyd notify status'."
    ),
}


def render_alert(person: Addressee, payload: Mapping[str, Any]) -> Rendered:
    """The `delivery-failed` message for an admin: the template if there is one."""
    if ALERT_EVENT in EVENTS:
        return render_for(person, ALERT_EVENT, payload)
    failed = payload.get("failed") or {}
    values = {
        key: failed.get(key, "?")
        for key in ("attempts", "event", "message_id", "person", "channel", "reason")
    }
    languages = person.languages
    subject = " / ".join(_ALERT_SUBJECT[lang] for lang in languages)
    texts = [_ALERT_BODY[lang].format(**values) for lang in languages]
    sections = "\n<hr>\n".join(
        f'<section lang="{lang}"><p>{html.escape(text).replace(chr(10), "<br>")}</p></section>'
        for lang, text in zip(languages, texts, strict=True)
    )
    document = (
        f'<!DOCTYPE html>\n<html lang="{languages[0]}">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n{sections}\n</body>\n</html>\n"
    )
    return Rendered(
        subject=subject,
        text=("\n\n" + "-" * 40 + "\n\n").join(texts) + "\n",
        html=document,
        languages=languages,
        format="standard",
    )
