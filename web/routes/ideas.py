"""Ideas from anyone: the public pages (no account needed; services.ideas does the rest).

    GET  /ideas/new        the form: what the idea is, why, who it would help, on whose
                           behalf, contact details only with consent, consent to
                           publish, the reply's language and format, a workstream
    POST /ideas/new        services.ideas.submit_idea (route "online"): the confirmation,
                           with the idea's id and the private reference, shown once
    GET  /ideas            the public list (services.ideas.public_ideas)
    GET  /ideas/withdraw   the proposer types their reference ...
    POST /ideas/withdraw   ... services.ideas.withdraw_by_reference: withdrawn, and their
                           contact details erased

Keeping machines out without a puzzle (a puzzle shuts out the people this route is
for: many cannot solve one, or not in time). Three checks, none of which a person
meets:

- a honeypot: a field (`HONEYPOT`) people never see or reach (visually hidden,
  aria-hidden, out of the tab order, no autofill; its label says to leave it empty).
  A post that fills it gets the same thank-you page and nothing is kept;
- a minimum time to fill: the form carries when it was served, signed with the
  server's secret (`stamp`); a post sooner than `settings.idea_min_seconds` after is
  treated like the honeypot. A stamp missing or not ours is a 400 that shows the form
  again as typed (nothing is lost), with a new stamp. A form sent back for a slip
  keeps its first stamp, so putting the slip right quickly is not too quick;
- posts per address: `settings.idea_posts_per_minute` a minute and
  `idea_posts_per_hour` an hour (web.limits, a limiter of their own, so a burst here
  does not lock anyone out of signing in), 429 with Retry-After past them.

A refused post is quiet (its sender learns nothing to adjust to) and never touches
the database, so spam neither fills the tables nor takes the connections real ideas
need. The confirmation is the post's own answer (not a redirect): the reference is
shown once and kept nowhere but in the proposer's hands. The acknowledgement is sent
straight after the answer (`notifications.relay.send_now`), as a sign-in message is;
if that fails, the relay's next run sends it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    HTTPException,
    Path,
    Request,
    UploadFile,
)
from fastapi.responses import HTMLResponse, Response

from governance.ideas import Behalf, IdeaState
from notifications.relay import send_now
from services import idea_files, ideas
from services.commands import CommandError, NotFound
from services.overview import workstream_names
from web.limits import client_address
from web.page import Page, PageContext

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

router = APIRouter()
log = logging.getLogger("cyd.web")

NEW = "/ideas/new"
LIST = "/ideas"
WITHDRAW = "/ideas/withdraw"
HONEYPOT = "website"  # a name a form-filling machine fills in
STAMP = "served"
DONT_KNOW = ""  # the workstream "I don't know"
REFERENCE_MAX = 64

Text = Annotated[str, Form(max_length=ideas.TEXT_MAX + 100)]
Short = Annotated[str, Form(max_length=ideas.NAME_MAX + 100)]
Choice = Annotated[str, Form(max_length=64)]
Stamp = Annotated[str, Form(max_length=128)]  # "<ms>.<nonce>.<HMAC>": about 75 characters

# Field ids, by the service's field names (services.ideas.checked's CommandErrors).
FIELD_IDS = {
    "what": "what",
    "why": "why",
    "who_helps": "who-helps",
    "on_behalf_of": "on-behalf-of",
    "contact_name": "contact-name",
}
CODE_FIELDS = {
    "idea-group-name-missing": "on-behalf-of",
    "idea-email-invalid": "contact-email",
    "idea-phone-invalid": "contact-phone",
    "idea-behalf-unknown": "behalf",
    "idea-language-unknown": "reply-language",
    "idea-format-unknown": "reply-format",
    "workstream-not-found": "workstream",
    "idea-file-type": "files",
    "idea-file-too-big": "files",
    "idea-files-too-many": "files",
}
# The order of the fields on the page: the error summary lists them in it.
FIELD_ORDER = (
    "what",
    "why",
    "who-helps",
    "files",
    "behalf",
    "on-behalf-of",
    "contact-name",
    "contact-email",
    "contact-phone",
    "consent-contact",
    "reply-language",
    "reply-format",
    "workstream",
)


# --- the minimum time: a signed stamp of when the form was served --------------------------


# A form left open this long is served again rather than taken (a stamp is not kept
# for ever: one copied off a page cannot be posted next year).
STAMP_LIFETIME_S = 7 * 24 * 3600


def _signature(secret: bytes, served_ms: int, nonce: str) -> str:
    message = b"cyd-idea-form\0" + str(served_ms).encode() + b"\0" + nonce.encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def stamp(secret: bytes, served_at: float) -> str:
    """When the form was served (epoch seconds) and a one-time nonce, signed:
    "<milliseconds>.<nonce>.<HMAC>". The services keep one idea per stamp (its hash):
    a form sent twice, by a reload or a double press, is one idea."""
    served_ms = int(served_at * 1000)
    nonce = secrets.token_urlsafe(12)
    return f"{served_ms}.{nonce}.{_signature(secret, served_ms, nonce)}"


def served_at(secret: bytes, value: str, now: float | None = None) -> float | None:
    """The time a stamp says, or None when it is missing, not one of ours, or older
    than STAMP_LIFETIME_S."""
    given_ms, _, rest = value.partition(".")
    nonce, _, signature = rest.partition(".")
    if not given_ms.isdigit() or len(given_ms) > 16 or not nonce or len(nonce) > 32:
        return None
    expected = _signature(secret, int(given_ms), nonce)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    served = int(given_ms) / 1000
    if (now if now is not None else time.time()) - served > STAMP_LIFETIME_S:
        return None
    return served


# --- posts per address -----------------------------------------------------------------------


def limit_idea_posts(request: Request) -> None:
    """Refuse (429) a post from an address that has posted too often this minute or hour."""
    address = client_address(request)
    for limiter in request.app.state.idea_limiters:
        if not limiter.allow(address):
            raise HTTPException(429, headers={"Retry-After": str(limiter.retry_after(address))})


LIMITED = [Depends(limit_idea_posts)]


# --- the form --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Typed:
    """The form as typed (shown again when something needs changing)."""

    what: str = ""
    why: str = ""
    who_helps: str = ""
    behalf: str = Behalf.INDIVIDUAL.value
    on_behalf_of: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    consent_contact: bool = False
    consent_publish: bool = False
    reply_language: str = "en"
    reply_format: str = "standard"
    workstream: str = DONT_KNOW

    def idea(self, language: str) -> ideas.NewIdea:
        return ideas.NewIdea(
            what=self.what,
            why=self.why,
            who_helps=self.who_helps,
            lang=language,
            route="online",
            behalf=self.behalf,
            # A name typed but "myself" chosen is not kept (the services drop it).
            on_behalf_of=self.on_behalf_of or None,
            contact_name=self.contact_name,
            contact_email=self.contact_email,
            contact_phone=self.contact_phone,
            consent_contact=self.consent_contact,
            consent_publish=self.consent_publish,
            reply_language=self.reply_language,
            reply_format=self.reply_format,
            workstream=self.workstream or None,
        )


def _said(page: PageContext, error: CommandError) -> str:
    said = error.say(page.language, page.easy_read)
    return said[:1].upper() + said[1:]


def _field_of(error: CommandError) -> str:
    if error.code in CODE_FIELDS:
        return CODE_FIELDS[error.code]
    return FIELD_IDS.get(str(error.params.get("field", "")), "what")


# What stands in for a field the services refused, to find what else they would refuse
# (the services say one thing at a time; the page lists them all).
_STAND_INS: Mapping[str, dict[str, Any]] = {
    "what": {"what": "-"},
    "why": {"why": ""},
    "who-helps": {"who_helps": ""},
    "on-behalf-of": {"on_behalf_of": "-"},
    "contact-name": {"contact_name": None},
    "contact-email": {"contact_email": None},
    "contact-phone": {"contact_phone": None},
    "behalf": {"behalf": Behalf.INDIVIDUAL.value},
    "reply-language": {"reply_language": "en"},
    "reply-format": {"reply_format": "standard"},
}


def problems(
    page: PageContext, typed: Typed, uploads: tuple[idea_files.Upload, ...] = ()
) -> dict[str, str]:
    """Every field the services would refuse, with their words, in the page's order;
    and the one thing only the page can see (contact agreed, but no way to reach them)."""
    found: dict[str, str] = {}
    try:
        idea_files.checked(uploads)
    except CommandError as error:
        found["files"] = _said(page, error)
    idea = typed.idea(page.language)
    for _ in range(len(_STAND_INS)):
        try:
            ideas.checked(idea)
        except CommandError as error:
            field = _field_of(error)
            if field in found or field not in _STAND_INS:
                found.setdefault(field, _said(page, error))
                break
            found[field] = _said(page, error)
            idea = replace(idea, **_STAND_INS[field])
        else:
            break
    has_contact = typed.contact_email.strip() or typed.contact_phone.strip()
    if typed.consent_contact and not has_contact and "contact-email" not in found:
        found["contact-email"] = (
            page.pgettext("easy-read", "Write your email or phone number. Or do not tick the box.")
            if page.easy_read
            else page.gettext(
                "Enter an email address or a phone number so that we can reply,"
                " or untick the box to agree to be contacted"
            )
        )
    if typed.workstream and typed.workstream not in workstream_names(page.engine):
        found["workstream"] = _said(
            page, NotFound("workstream-not-found", workstream=typed.workstream)
        )
    return {field: found[field] for field in FIELD_ORDER if field in found}


def _form(
    page: PageContext,
    typed: Typed,
    *,
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
    served: str | None = None,
) -> HTMLResponse:
    """The form; `served`: the stamp it carries (default: now)."""
    names = workstream_names(page.engine)
    errors = dict(errors or {})
    return page.render(
        "idea_new.html",
        status_code=status_code,
        typed=typed,
        errors=errors,
        error_list=[{"text": said, "href": f"#{field}"} for field, said in errors.items()],
        workstreams=sorted(
            ((key, name.get(page.language) or name["en"]) for key, name in names.items()),
            key=lambda pair: pair[1].casefold(),
        ),
        stamp=served or stamp(page.request.app.state.settings.secret, time.time()),
        honeypot=HONEYPOT,
        stamp_field=STAMP,
        text_max=ideas.TEXT_MAX,
    )


@router.get(NEW, response_class=HTMLResponse)
def new_idea(page: Page) -> Response:
    # The reply in the page's own language and format, unless they choose otherwise.
    return _form(page, Typed(reply_language=page.language, reply_format=page.format))


@router.post(NEW, response_class=HTMLResponse, dependencies=LIMITED)
def put_forward(
    page: Page,
    background: BackgroundTasks,
    what: Text = "",
    why: Text = "",
    who_helps: Text = "",
    behalf: Choice = Behalf.INDIVIDUAL.value,
    on_behalf_of: Short = "",
    contact_name: Short = "",
    contact_email: Short = "",
    contact_phone: Short = "",
    consent_contact: Choice = "",
    consent_publish: Choice = "",
    reply_language: Choice = "",
    reply_format: Choice = "",
    workstream: Choice = DONT_KNOW,
    website: Short = "",
    served: Stamp = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    typed = Typed(
        what=what,
        why=why,
        who_helps=who_helps,
        behalf=behalf,
        on_behalf_of=on_behalf_of,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        consent_contact=consent_contact == "yes",
        consent_publish=consent_publish == "yes",
        reply_language=reply_language or page.language,
        reply_format=reply_format or page.format,
        workstream=workstream,
    )
    settings = page.request.app.state.settings
    opened = served_at(settings.secret, served)
    if opened is None:
        said = (
            page.pgettext("easy-read", "Something went wrong. Check your idea and send it again.")
            if page.easy_read
            else page.gettext(
                "We could not tell when this form was opened. Check your idea and send it again."
            )
        )
        return _form(page, typed, errors={"what": said}, status_code=400)
    if website.strip():
        # A machine's: the same thank-you page, and nothing kept.
        return _received(page, None, ideas.new_reference(), None, acknowledged=False)
    uploads = _uploads(files or [])
    found = problems(page, typed, uploads)
    if found:
        # The form again with the stamp it was first served with: a person who puts a
        # slip right in a moment is not taken for a machine.
        return _form(page, typed, errors=found, status_code=400, served=served)
    if time.time() - opened < settings.idea_min_seconds:
        return _received(page, None, ideas.new_reference(), None, acknowledged=False)
    try:
        got = ideas.submit_idea(
            page.cyd, replace(typed.idea(page.language), submission=served, files=uploads)
        )
    except ideas.AlreadyReceived as again:
        return _received(page, again.idea_id, "", None, acknowledged=False, again=True)
    except CommandError as error:  # changed meanwhile (a workstream gone), among others
        return _form(page, typed, errors={_field_of(error): _said(page, error)}, status_code=400)
    if got.message_id is not None:
        # The acknowledgement goes at once (after the answer), not at the relay's next
        # run: the page has just said it is on its way.
        background.add_task(_acknowledge, page.engine, got.message_id)
    return _received(page, got.idea_id, got.reference, got.due_at, acknowledged=got.acknowledged)


def _uploads(files: list[UploadFile]) -> tuple[idea_files.Upload, ...]:
    """The files as sent, each read up to one byte past the largest a file may be (the
    services refuse it then: the request's own bound, `idea_upload_bytes`, holds the
    rest). A file input left empty sends a part with no name and no bytes."""
    taken = []
    for upload in files:
        data = upload.file.read(idea_files.MEDIA_MAX + 1)
        if upload.filename or data:
            taken.append(idea_files.Upload(upload.filename or "", data))
    return tuple(taken)


def _acknowledge(engine: Engine, message_id: int) -> None:
    try:
        send_now(engine, [message_id])
    except Exception as error:
        # The message stays in the outbox: the relay's next run sends it.
        log.warning("an idea's acknowledgement was left to the relay (%s)", type(error).__name__)


def _received(
    page: PageContext,
    idea_id: str | None,
    reference: str,
    due_at: dt.datetime | None,
    *,
    acknowledged: bool,
    again: bool = False,
) -> HTMLResponse:
    return page.render(
        "idea_received.html",
        idea_id=idea_id,
        reference=reference,
        due_at=due_at,
        acknowledged=acknowledged,
        again=again,
    )


# --- the public list -------------------------------------------------------------------------

# Where the answer's words are looked for, by the reader's variant: their own, the same
# language in the other format, the other language in theirs, then the last.
_FALLBACKS = {
    "en": ("en", "en-easy", "cy", "cy-easy"),
    "en-easy": ("en-easy", "en", "cy-easy", "cy"),
    "cy": ("cy", "cy-easy", "en", "en-easy"),
    "cy-easy": ("cy-easy", "cy", "en-easy", "en"),
}


def reader_words(words: Mapping[str, str] | None, variant: str) -> tuple[str, str] | None:
    """(text, its language) of the answer's words for a reader of `variant`, or None."""
    for choice in _FALLBACKS[variant]:
        text = (words or {}).get(choice, "")
        if text.strip():
            return text, choice.split("-")[0]
    return None


@dataclass(frozen=True)
class Listed:
    idea: ideas.PublicIdea
    reason: tuple[str, str] | None
    what_next: tuple[str, str] | None


@router.get(LIST, response_class=HTMLResponse)
def public_list(page: Page) -> Response:
    return _list(page)


def _list(
    page: PageContext, *, supported: str | None = None, refused: str | None = None
) -> HTMLResponse:
    """The list; `supported`: the idea just supported (a success banner); `refused`:
    why a support was not taken (an important banner)."""
    variant = page.language + ("-easy" if page.easy_read else "")
    listed = []
    for idea in ideas.public_ideas(page.engine):
        answer = idea.answer or {}
        listed.append(
            Listed(
                idea=idea,
                reason=reader_words(answer.get("reason"), variant),
                what_next=reader_words(answer.get("what_next"), variant),
            )
        )
    return page.render(
        "ideas.html",
        listed=listed,
        linked_states=(IdeaState.ADOPTED.value, IdeaState.MERGED.value),
        open_states=(IdeaState.RECEIVED.value, IdeaState.TRIAGED.value),
        supported=supported,
        refused=refused,
    )


@router.post("/ideas/{idea_id}/support", response_class=HTMLResponse)
def support_idea(page: Page, idea_id: Annotated[str, Path(max_length=32)]) -> Response:
    """A person in the programme supports an idea (one each: a count, never a vote).
    Signed out: to the sign-in page, and back to the list after."""
    if page.signed_in is None:
        return page.redirect(f"/sign-in?next={LIST}")
    try:
        ideas.support(page.cyd, idea_id, by=page.signed_in.person.email)
    except CommandError as error:  # refused (theirs, supported already, answered) or gone
        return _list(page, refused=_said(page, error))
    return _list(page, supported=idea_id)


# --- withdrawing -----------------------------------------------------------------------------


@router.get(WITHDRAW, response_class=HTMLResponse)
def withdraw_page(page: Page) -> Response:
    return page.render("idea_withdraw.html", reference="", error=None, withdrawn=None)


@router.post(WITHDRAW, response_class=HTMLResponse, dependencies=LIMITED)
def withdraw(
    page: Page, reference: Annotated[str, Form(max_length=REFERENCE_MAX)] = ""
) -> Response:
    if not reference.strip():
        said = (
            page.pgettext("easy-read", "Write the number we gave you.")
            if page.easy_read
            else page.gettext("Enter the reference you were given when you put your idea forward")
        )
        return page.render(
            "idea_withdraw.html", status_code=400, reference="", error=said, withdrawn=None
        )
    try:
        idea_id = ideas.withdraw_by_reference(page.cyd, reference)
    except CommandError as error:
        return page.render(
            "idea_withdraw.html",
            status_code=400,
            reference=reference,
            error=_said(page, error),
            withdrawn=None,
        )
    return page.render("idea_withdraw.html", reference="", error=None, withdrawn=idea_id)
