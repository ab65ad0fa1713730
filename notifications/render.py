"""Render a notification for one person: subject, plain text and HTML, in their language.

Pure apart from reading the template and pictogram files (once; the Jinja2
Environment is cached). Each event has one template per language and format,

    notifications/templates/<lang>/<format>/<event>.j2

with `lang` in LANGUAGES ("cy", "en") and `format` in FORMATS ("standard",
"easy-read"), loaded three times: as `<event>.subject.txt`, `<event>.txt` and
`<event>.html`. The name decides autoescaping (HTML only) and the variable `mode`
("subject", "text" or "html") what it writes; the macros in `templates/_m.j2`
write a paragraph, a list or an Easy Read point as plain text or as HTML, so the
text and the HTML of a message always say the same thing. The HTML fragments are
wrapped in one document by `templates/_document.html`.

Welsh templates are written whole, never English with Welsh words slotted in;
counted nouns follow CLDR plural rules for `cy` through `counted()` and `noun()`,
and `plural(n, one=..., two=..., other=...)` picks any form by category (see
notifications/words.py). Easy Read templates put each point beside a pictogram
(`picture()`, notifications/pictograms/): in the HTML an `<img>` whose `src` is
`cid:` the MIME part that carries its PNG (notifications/pictures.py), never a
`data:` URI, which mail programs strip; `Rendered.pictures` names the pictures a
message shows, each once, for the channel to attach. StrictUndefined: a template
that needs a value the payload lacks raises `jinja2.UndefinedError`, so it fails a
test, never a person.

    render_message(event, person=Recipient(...), payload={...},
                   language="cy" | "en" | None, easy_read=bool, bilingual=bool) -> Rendered

Language: `language`, or else the person's own; `bilingual=True` or no language at
all (never asked) gives one message in Welsh and English together, Welsh first:
subject "Welsh / English", and a body with the Welsh part then the English part (in
HTML `<div lang="cy">…</div><div lang="en">…</div>`). A group's news goes in each
person's own language like any message (notifications.compose decides).
`event` may carry the outbox's "venture." prefix.

The payload's keys become template variables (beside `lang`, `person`, `easy_read`,
`mode`, `codes` (the set of the payload's reason codes) and `contact`, which Cyd sets).

Every message ends, after its footer, with `<lang>/<format>/_contact.j2`: that Welsh
is welcome in correspondence, and whom to ask (the programme's `contact:`, a name, a
phone number and an email: notifications.contact), or, when the programme names
nobody, to reply to the message.

What each event needs (keys in [brackets] are optional; `venture` is {"id",
"title"}; `gate` and `next_gate` are {"id", "title": {"en","cy"}, "easy_read":
{"en","cy"}}, and a gate with only an "id" is shown by its id; deadlines are ISO 8601
date-times, shown as "Thursday 10 December 2026 at 9am" / "dydd Iau 10 Rhagfyr 2026
am 9 y bore" in the programme's local time (`CYD_TIMEZONE`, see `local_zone()`);
`reasons` are [{"code", "text", "params"}]: the English standard version shows the
recorded English `text`, Welsh and Easy Read write each reason from its code and
params through the catalogue (governance/catalogue.yaml, `reason_text()` and the
`reason_list`/`reason_points` macros of `_m.j2`); a reason recorded without params
that its text needs is quoted as recorded (English) in the standard Welsh version
and left out of Easy Read; every message that is given reasons shows them all, in
every language and format, each in HTML as `<span data-reason="code">`):

    returned          venture, gaps: [{"problem": "missing"|"invalid", "question":
                      {en,cy}, "reason": {en,cy}, "easy_read": {en,cy}}], [gate],
                      [reasons], [audit_seq]
    review-requested  venture, [gate], [reasons] (code "reviews-stale": review again)
    sent-to-board     venture, [gate], [ballot: {"number", "deadline"}], [reasons]
    board-papers      venture, ballot: {"number", "deadline"}, [gate], [reasons]; or, for a
                      meeting's papers: meeting, agenda, pack: {"html", "pdf"},
                      [attached] (the files go with the message), [supporting:
                      {"name", "email"}] (a supporter's copy of a member's pack)
    vote-requested    venture, ballot: {"number", "deadline"}, [gate], [reasons]
    reminder          action: "answer"|"review"|"vote", venture, deadline,
                      [count] (this is reminder number N), [days_left] (whole days
                      to the deadline: 0 today, below 0 when it has passed),
                      [supporting: {"name"}] (a copy to a supporter of the person
                      reminded, saying whom it is about)
    escalation        about: {"name"}, action: "answer"|"review"|"vote", reminders: N,
                      venture, [deadline], [days_left]
    vote-extended     venture, ballot: {"number", "deadline"}, [more_time_granted]
                      (the members who said "I need more time"), [extended_by:
                      {"name"}] (a lead's or the chair's extension), [reasons]
    no-quorum         venture, ballot: {"number", "deadline"}, [reasons]
    decision          venture, decision: {"outcome": approved | approved_with_conditions
                      | recycled | rejected | on_hold, "conditions": [str], "reasons",
                      "tally": {"voted", "approve", "approve_with_conditions", "recycle",
                      "reject", "hold", "abstain", ...}, ["closed_by"],
                      ["casting_vote_used"]}, [gate], [next_gate]
    next-gate-opened  venture, next_gate, [gate] (the gate just passed), [reasons] (the
                      decision's)
    you-said-we-did   venture, items: [{"said": {en,cy}, "did": {en,cy}}]
    test              [channel] (a masked description of the channel)
    digest            day (ISO date), count (the messages it carries), [attached]
                      (some carry files: True, they go with it; False, the channel
                      carries none). The template is the digest's cover; the messages
                      themselves are `enclosed` (below)
    delivery-failed   failed: {"message_id", "event", "venture_id" (or None),
                      "person", "channel" (masked), "attempts", "reason" (English,
                      redacted), "kind": "delivery" | "configuration" | "template" |
                      "attachment"} (to an admin; notifications.compose fills in
                      "kind" and masks the rest again before rendering)
    sign-in           link (the one-time link), code (six digits), expires_at,
                      minutes (how long they work). The link and the code are never
                      stored: the relay is handed them in memory (`send_now`)

    confirm-recorded  venture, what: "vote" | "answer", recorded_by: {"name"} (the
                      clerk), link (the page to confirm it on: /confirm/{id})
    summary-to-check  venture, written_by: {"name"}, link (the venture's page): its Easy
                      Read summary waits for a co-producer's check
    summary-changes   venture, checked_by: {"name"}, note (what to change), link: to the
                      lead, a co-producer asked for changes to the summary

Ideas from anyone (a local person, group or employer; `idea` is {"id", "what"}, `what`
in the proposer's own words, so hostile text is possible: HTML escapes it like every
value). The first three go to the proposer, who may have no account (the relay finds
their address through the idea; `person.name` may be ""):

    idea-received     idea, due (ISO: the promise of an answer), recorded_by (the
                      officer who wrote it down for them, or None), on_behalf_of (a
                      group's or employer's name, or None)
    idea-answered     idea, outcome: "adopted" | "merged" | "not-now" |
                      "not-for-programme", reason, what_next (each {"en", "cy",
                      "en-easy", "cy-easy"}, any key missing, what_next may be {}: the
                      templates show `texts|for_reader`), venture ({"id", "title"}: the
                      new work, or the work it joined; or None), invited (bool: asked to
                      help as a co-producer, someone from the work will get in touch)
    idea-update       idea, venture, state (the venture's: draft, submitted, returned,
                      in_review, awaiting_board, approved, approved_with_conditions,
                      recycled, rejected, on_hold, withdrawn), gate ({"id", "title":
                      {"en", "cy"}})
    idea-to-answer    idea, due, past (bool: the promise has passed, an escalation),
                      workstream ({"id", "name"} or None), received (ISO): to the
                      people who triage ideas, or the leads of the workstream it went to

A daily digest is one message carrying others: `render_message("digest", ...,
enclosed=[Rendered, ...])` renders the cover (the `digest` template, in the person's
language(s) and format) and puts each enclosed message after it, as it would have
been sent alone, under a heading "[n/N] its subject": in the text after a rule, in
the HTML as a `<section lang=...>` (its `id`s made unique). The Rendered's
`languages` are then those of the cover and of every message it carries.

Secrets: the `delivery-failed` templates show the channel through `|mask` and the
reason through `|redact` (models.tables.mask_url / redact_urls), so an apprise URL
never reaches an admin, whatever the payload holds. HTML is autoescaped throughout.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

import settings
from governance.catalogue import CatalogueError
from governance.catalogue import text as catalogue_text
from notifications import pictures, words
from notifications.pictures import PICTOGRAMS, pictogram_index

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from governance.programme import Contact

__all__ = [
    "EVENTS",
    "FORMATS",
    "LANGUAGES",
    "PICTOGRAMS",
    "TEMPLATES",
    "WELSH_REVIEWED",
    "Recipient",
    "Rendered",
    "TemplateMissing",
    "environment",
    "for_reader",
    "local_zone",
    "pictogram_index",
    "render_message",
    "sentences",
]

EVENTS: tuple[str, ...] = (
    "returned",
    "review-requested",
    "sent-to-board",
    "board-papers",
    "vote-requested",
    "reminder",
    "escalation",
    "vote-extended",
    "no-quorum",
    "decision",
    "next-gate-opened",
    "you-said-we-did",
    "test",
    "audit-anchor",
    "digest",
    "delivery-failed",
    "sign-in",
    "confirm-recorded",
    "summary-to-check",
    "summary-changes",
    "idea-received",
    "idea-answered",
    "idea-update",
    "idea-to-answer",
)
LANGUAGES: tuple[str, ...] = ("cy", "en")  # Welsh first, always
FORMATS: tuple[str, ...] = ("standard", "easy-read")
PARTS: tuple[str, ...] = ("subject.txt", "txt", "html")
MODES: tuple[str, ...] = ("subject", "text", "html")  # the `mode` each part renders in

# The Welsh templates (and the Welsh nouns in notifications/words.py) have not yet
# been reviewed by a Welsh speaker. Each Welsh template says so in its header too.
WELSH_REVIEWED = False

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
_LOCALES = {"en": "en_GB", "cy": "cy"}
# Set by Cyd, never taken from a payload (nor the template globals' names).
_RESERVED = frozenset(
    {
        "lang",
        "person",
        "title_coming",
        "text_coming",
        "again_with_text",
        "easy_read",
        "codes",
        "mode",
        "counted",
        "noun",
        "plural",
        "picture",
        "unknown",
        "reason_text",
        "contact",
    }
)


class TemplateMissing(KeyError):
    """No template for this event, language or format."""


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    language: str | None  # None: never asked, so both languages


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str  # plain text body
    html: str  # a full HTML document (<html lang=...>)
    languages: tuple[str, ...]  # ("en",), ("cy",) or ("cy", "en")
    format: str  # "standard" | "easy-read"
    # The pictograms the HTML shows (by `cid:`), each once, in order of first use.
    pictures: tuple[str, ...] = ()


def render_message(
    event: str,
    *,
    person: Recipient,
    payload: Mapping[str, Any],
    language: str | None,
    easy_read: bool,
    bilingual: bool,
    enclosed: Sequence[Rendered] = (),
    contact: Contact | None = None,
) -> Rendered:
    """Render `event` for `person`: see the module's docstring for the payload keys.

    `enclosed`: messages already rendered that this one carries (a daily digest),
    put after it in the text and the HTML. `contact`: the programme's contact, named
    at the end of the message (None: the message asks people to reply).

    Raises TemplateMissing for an unknown event or language, and jinja2's
    UndefinedError when the payload lacks something the template needs.
    """
    name = event.removeprefix("venture.")
    if name not in EVENTS:
        raise TemplateMissing(f"no templates for the event {event!r}")
    chosen = language if language is not None else person.language
    if chosen is not None and chosen not in LANGUAGES:
        raise TemplateMissing(f"no templates in the language {chosen!r}")
    languages: tuple[str, ...] = LANGUAGES if bilingual or chosen is None else (chosen,)
    fmt = "easy-read" if easy_read else "standard"
    env = environment()
    subjects: list[str] = []
    texts: list[str] = []
    parts: list[dict[str, Any]] = []
    for lang in languages:
        context = _context(payload, lang=lang, person=person, easy_read=easy_read)
        context["contact"] = _contact_words(contact)
        base = f"{lang}/{fmt}/{name}"
        subject, text, html = (
            _template(env, f"{base}.{part}").render(context, mode=mode)
            for part, mode in zip(PARTS, MODES, strict=True)
        )
        subjects.append(" ".join(subject.split()))
        texts.append(_tidy(text))
        parts.append({"lang": lang, "html": Markup(html.strip())})  # noqa: S704 (autoescaped)
    subject = " / ".join(subjects)
    if len(languages) > 1:
        text = "\n\n".join(
            [
                "Mae'r neges yma yn Gymraeg ac yn Saesneg.\nMae'r Saesneg isod.\n"
                "This message is in Welsh and English.\nThe English is below.",
                texts[0],
                "----------------------------------------",
                texts[1],
            ]
        )
    else:
        text = texts[0]
    carried = [_enclosed(n, len(enclosed), item) for n, item in enumerate(enclosed, start=1)]
    if carried:
        text = "\n\n".join([text, *(f"{_RULE}\n{c['heading']}\n\n{c['text']}" for c in carried)])
        shown = {lang for part in (languages, *(i.languages for i in enclosed)) for lang in part}
        languages = tuple(lang for lang in LANGUAGES if lang in shown)
    html = _template(env, "_document.html").render(
        title=subject,
        parts=parts,
        html_lang=parts[0]["lang"],  # the message's own (first) language
        easy_read=easy_read,
        enclosed=carried,
    )
    return Rendered(subject, text + "\n", html, languages, fmt, pictures.names_in(html))


_RULE = "-" * 40
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)
# The anchors _document.html writes (autoescaping leaves no bare `"` in any text, so
# these are only ever Cyd's own attributes).
_ANCHOR = re.compile(r'\b(id="|href="#)(cy|en)"')


def _enclosed(number: int, total: int, item: Rendered) -> dict[str, Any]:
    """One message a digest carries: its heading, its text, and its HTML body with
    its anchors made unique within the digest."""
    match = _BODY.search(item.html)
    inner = (match.group(1) if match else item.html).strip()
    inner = _ANCHOR.sub(lambda m: f'{m.group(1)}m{number}-{m.group(2)}"', inner)
    return {
        "id": f"m{number}",
        "lang": item.languages[0],
        "heading": f"[{number}/{total}] {item.subject}",
        "text": item.text.strip(),
        "html": Markup(inner),  # noqa: S704 (rendered, and autoescaped, by this module)
    }


_PART = re.compile(
    r"^(?P<base>(?:en|cy)/(?:standard|easy-read)/[a-z-]+)\.(?:subject\.txt|txt|html)$"
)
_AS = (".html", ".txt")  # what a shared .j2 template is loaded as: its user's kind


class _Loader(jinja2.FileSystemLoader):
    """`<lang>/<format>/<event>.{subject.txt,txt,html}` all load `<event>.j2`, and
    `<name>.j2.html` / `<name>.j2.txt` load `<name>.j2`."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        match = _PART.match(template)
        if match:
            template = f"{match['base']}.j2"
        for suffix in _AS:
            if template.endswith(f".j2{suffix}"):
                template = template.removesuffix(suffix)
        return super().get_source(environment, template)


class _Environment(jinja2.Environment):
    """A template that an HTML template extends or imports is loaded as HTML too, so
    it is autoescaped as well (autoescaping goes by the name a template is loaded by)."""

    def join_path(self, template: str, parent: str) -> str:
        for suffix in _AS:
            if parent.endswith(suffix) and template.endswith(".j2"):
                return template + suffix
        return template


def _template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound:
        raise TemplateMissing(f"no template {name}") from None


def _context(
    payload: Mapping[str, Any], *, lang: str, person: Recipient, easy_read: bool
) -> dict[str, Any]:
    codes = {
        str(r.get("code"))
        for r in payload.get("reasons") or ()
        if isinstance(r, Mapping) and r.get("code")
    }
    given = {k: v for k, v in payload.items() if k not in _RESERVED}
    venture, coming = venture_in(given.get("venture"), lang)
    if venture is not None:
        given["venture"] = venture
    return {
        **given,
        "lang": lang,
        "person": person,
        "easy_read": easy_read,
        "codes": codes,
        "title_coming": coming,
        # A text the message quotes (a condition, a note, an answer: services.free_text)
        # is in the other language until its translation is given.
        "text_coming": _text_coming(given, lang),
        # Sent again once the venture's title was translated (services.translations),
        # or a text it quotes ("text").
        "again_with_translation": given.get("again_with_translation") is True,
        "again_with_text": given.get("again_with_translation") == "text",
    }


def _text_coming(payload: Mapping[str, Any], lang: str) -> bool:
    """Whether the payload quotes a free text written in the other language whose
    translation is not given yet."""

    def walk(value: Any) -> bool:
        if isinstance(value, Mapping):
            if "free" in value:
                written = value.get("lang")
                return written in LANGUAGES and written != lang and not value.get("other")
            return any(walk(v) for k, v in value.items() if k != "venture")
        if isinstance(value, list | tuple):
            return any(walk(v) for v in value)
        return False

    return walk(payload)


def for_reader(texts: Any, lang: str, easy_read: bool) -> tuple[str, str] | None:
    """The text for one reader from {"en", "cy", "en-easy", "cy-easy"} (any key may be
    missing), and its language: the reader's own variant, else the same language's
    other format, else the other language's (the reader's format first). None when
    none is given (an empty or missing mapping, or only empty strings)."""
    if not isinstance(texts, Mapping):
        return None
    other = next(o for o in LANGUAGES if o != lang)
    order: list[tuple[str, str]] = []
    for language in (lang, other):
        formats = ("-easy", "") if easy_read else ("", "-easy")
        order += [(f"{language}{f}", language) for f in formats]
    for key, language in order:
        text = texts.get(key)
        if isinstance(text, str) and text.strip():
            return text, language
    return None


@jinja2.pass_context
def _for_reader(context: jinja2.runtime.Context, texts: Any) -> Any:
    """`for_reader` in a template: the text for this reader, "" when none; in HTML a
    text in the other language is marked with its `lang` (and escaped)."""
    lang = context["lang"]
    found = for_reader(texts, lang, bool(context.get("easy_read")))
    if found is None:
        return ""
    text, written = found
    if written != lang and context.get("mode") == "html":
        return Markup('<span lang="{}">{}</span>').format(written, text)
    return text


@jinja2.pass_context
def _free(context: jinja2.runtime.Context, value: Any) -> Any:
    """A text a person wrote (services.free_text: {free, lang, other}, or a plain string)
    in the reader's language once it is translated; else as written, and in HTML marked
    with its language (`lang`)."""
    lang = context["lang"]
    if not isinstance(value, Mapping):
        return value
    written = value.get("lang")
    other = value.get("other")
    text = str(value.get("free", ""))
    if written == lang or written not in LANGUAGES:
        return text
    if isinstance(other, str) and other:
        return other
    if context.get("mode") == "html":
        return Markup('<span lang="{}">{}</span>').format(written, text)
    return text


def venture_in(venture: Any, lang: str) -> tuple[Any, bool]:
    """The payload's `venture` with its title in `lang`, and whether that title is still
    being translated. A title is written in one language (`title_lang`, English when
    not said); `title_other`, once a translator gave it, is the other language's."""
    if not isinstance(venture, Mapping) or "title" not in venture:
        return venture, False
    if "title_lang" not in venture:  # queued before titles had a language: nothing asked
        return venture, False
    written = venture["title_lang"]
    if written == lang:
        return venture, False
    other = venture.get("title_other")
    if isinstance(other, str) and other:
        return {**venture, "title": other}, False
    return venture, written in LANGUAGES


def _contact_words(contact: Contact | None) -> dict[str, Any] | None:
    """The contact as the templates read it: {"name", "role" ({"en", "cy"} or None),
    "phone", "email"}, or None."""
    if contact is None:
        return None
    role = {"en": contact.role.en, "cy": contact.role.cy} if contact.role else None
    return {"name": contact.name, "role": role, "phone": contact.phone, "email": contact.email}


def _tidy(text: str) -> str:
    """Trailing spaces off, at most one blank line in a row, no blank start or end."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


# --- what the templates can use --------------------------------------------------


def local_zone() -> ZoneInfo:
    """The zone every time a person reads is shown in: the programme's (`CYD_TIMEZONE`),
    as for reminder days, quiet hours and digests. Read at each use, not at import."""
    return settings.current().timezone


def _moment(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(local_zone())


@jinja2.pass_context
def _day(context: jinja2.runtime.Context, value: Any) -> str:
    """'Thursday 10 December 2026' / 'dydd Iau 10 Rhagfyr 2026' (mid-sentence)."""
    return words.weekday_date(_moment(value).date(), context["lang"])


@jinja2.pass_context
def _clock(context: jinja2.runtime.Context, value: Any) -> str:
    """'9am', '2:30pm', 'midday' / '9 y bore', '2:30 y prynhawn', 'hanner dydd'."""
    lang = context["lang"]
    moment = _moment(value)
    hour, minute = moment.hour, moment.minute
    if (hour, minute) == (12, 0):
        return "hanner dydd" if lang == "cy" else "midday"
    if (hour, minute) == (0, 0):
        return "hanner nos" if lang == "cy" else "midnight"
    twelve = hour % 12 or 12
    shown = f"{twelve}" if minute == 0 else f"{twelve}:{minute:02d}"
    if lang == "cy":
        part = "y bore" if hour < 12 else "y prynhawn" if hour < 18 else "yr hwyr"
        return f"{shown} {part}"
    return f"{shown}{'am' if hour < 12 else 'pm'}"


@jinja2.pass_context
def _when(context: jinja2.runtime.Context, value: Any) -> str:
    """'Thursday 10 December 2026 at 5pm' / 'dydd Iau 10 Rhagfyr 2026 am 5 y prynhawn';
    in Easy Read the day and date only: deadlines fall at the end of a working day, and
    one thing to hold is easier than two."""
    if context.get("easy_read"):
        return _day(context, value)
    at = "am" if context["lang"] == "cy" else "at"
    return f"{_day(context, value)} {at} {_clock(context, value)}"


@jinja2.pass_context
def _by(context: jinja2.runtime.Context, value: Any) -> str:
    """'by 5pm on Thursday 24 December 2026' / 'erbyn 5 y.h. ddydd Iau 24 Rhagfyr 2026';
    Easy Read: 'by Thursday 24 December 2026' / 'erbyn dydd Iau 24 Rhagfyr 2026'."""
    return words.deadline_by(
        _moment(value), context["lang"], easy_read=bool(context.get("easy_read"))
    )


@jinja2.pass_context
def _count(context: jinja2.runtime.Context, n: int, name: str) -> str:
    """'3 questions' / '3 chwestiwn' (CLDR plural category, Welsh mutations)."""
    return words.count(context["lang"], int(n), name)


@jinja2.pass_context
def _noun(context: jinja2.runtime.Context, n: int, name: str) -> str:
    """The noun alone, in the form that follows the number n."""
    return words.noun(context["lang"], int(n), name)


@jinja2.pass_context
def _plural(context: jinja2.runtime.Context, n: int, **forms: str) -> str:
    """Choose among forms by CLDR category: plural(n, one="has", other="have")."""
    category = words.plural_category(context["lang"], int(n))
    return forms.get(category, forms["other"])


@jinja2.pass_context
def _name_of(context: jinja2.runtime.Context, thing: Mapping[str, Any]) -> str:
    """A gate's (or anything's) title in this language, else its id."""
    title = thing.get("title")
    if isinstance(title, Mapping):
        return str(title[context["lang"]])
    if isinstance(title, str):
        return title
    return str(thing["id"])


@jinja2.pass_context
def _tr(context: jinja2.runtime.Context, texts: Mapping[str, Any]) -> str:
    """The text in this language from {"en": ..., "cy": ...}."""
    return str(texts[context["lang"]])


def _mask(value: Any) -> str:
    """A channel shown as its scheme only ('mailto://***'), whatever was given."""
    from models.tables import mask_url  # only the admins' alert needs it

    return mask_url(str(value))


def _redact(value: Any) -> str:
    """Text (an error) with every URL in it masked."""
    from models.tables import redact_urls

    return redact_urls(str(value))


@jinja2.pass_context
def _reason_text(context: jinja2.runtime.Context, reason: Mapping[str, Any]) -> str | None:
    """A reason ({"code", "text", "params"}) in this message's language and format.

    The English standard version says what was recorded (`text`); the others are
    written from the catalogue. None when the catalogue cannot write it: an unknown
    code, or a reason recorded before reasons kept the params its text needs.
    """
    lang, easy_read = context["lang"], context["easy_read"]
    if lang == "en" and not easy_read and reason.get("text"):
        return str(reason["text"])
    params = reason.get("params")
    try:
        return catalogue_text(
            str(reason.get("code")),
            lang,
            params if isinstance(params, Mapping) else {},
            easy_read,
            local_zone(),
        )
    except (CatalogueError, KeyError, TypeError, ValueError):
        return None


def _unknown(what: str, value: Any) -> str:
    """Fail loudly on a value no template sentence is written for."""
    raise jinja2.UndefinedError(f"no words for the {what} {value!r}")


def sentences(text: str) -> list[str]:
    """Split text into sentences (after . ? or !), for one sentence a line."""
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", " ".join(str(text).split())) if s]


def _squash(text: str) -> str:
    """All runs of white space to one space, trimmed (Markup stays Markup: white space
    is no markup, so squashing escaped text leaves it escaped)."""
    squashed = " ".join(str(text).split())
    return Markup(squashed) if isinstance(text, Markup) else squashed  # noqa: S704


@jinja2.pass_context
def _picture(context: jinja2.runtime.Context, name: str, decorative: bool = False) -> Markup:
    """A pictogram as an <img> of the PNG the message carries (`cid:`), with alt text:
    what the picture means in this language, or "" when it is `decorative` (beside
    words that already say it: see the `point` macro of _m.j2)."""
    alt = "" if decorative else str(pictogram_index()[name]["alt"][context["lang"]])
    return pictures.img(name, alt)


@cache
def _pictogram_data(file: str) -> str:
    """The SVG, without comments or white space between tags, in base64 (for a Board
    pack's web page, a file opened in a browser, where a data: URI shows)."""
    svg = (PICTOGRAMS / file).read_text("utf-8")
    svg = re.sub(r">\s+<", "><", re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)).strip()
    return base64.b64encode(svg.encode("utf-8")).decode("ascii")


@cache
def environment() -> jinja2.Environment:
    """The one Jinja2 Environment: StrictUndefined, HTML autoescaped, templates cached."""
    env = _Environment(
        loader=_Loader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,
    )
    env.filters.update(
        day=_day,
        clock=_clock,
        when=_when,
        by=_by,
        name_of=_name_of,
        tr=_tr,
        sentences=sentences,
        squash=_squash,
        mask=_mask,
        redact=_redact,
        free=_free,
        for_reader=_for_reader,
    )
    env.globals.update(
        counted=_count,
        noun=_noun,
        plural=_plural,
        picture=_picture,
        unknown=_unknown,
        reason_text=_reason_text,
    )
    return env
