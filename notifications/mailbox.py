"""The local mailbox: an apprise channel, `mailbox://NAME`, that writes .eml files.

The embedded default needs no mail server: each message is written as one RFC 5322
file (`<mailbox folder>/NAME/<id>.eml`) that any mail program opens. The mailbox
folder is `CYD_MAILBOX_DIR`, else `mailbox/` in Cyd's data folder.

It is an ordinary apprise plugin, registered with apprise's documented decorator
(`@apprise.decorators.notify(on="mailbox")`) when this module is imported, so the
relay sends to it exactly as it sends to `mailto://` or `json://`, and reads its
answer the same way. What it writes:

- `Subject` (the title), `From`, `To`, `Date`, `Message-ID`;
- every `+Header=value` of the URL as a header, the convention apprise's email and
  HTTP plugins use (`mailbox://megan?+Content-Language=cy`); the relay passes
  `X-Cyd-Idempotency-Key` and `Content-Language` this way;
- an HTML body with a plain-text alternative. The plugin declares HTML as its
  format (apprise converts a text body to HTML for it, as for email). Apprise
  carries one body, so the relay hands the plain text it rendered alongside
  (`letter(...)`, a context variable); without it the plain text is apprise's own
  conversion of the HTML.

- the files sent with it (apprise's `attach=`, e.g. a Board member's papers) as
  attachments: MIME parts of the message, so a mail program shows them as an email's
  attachments. A file apprise cannot read fails the write: the message is never
  written without its files.
- the pictures its HTML shows (an image file the HTML names as `cid:<file name>`, as
  apprise's email plugin with `inline=yes` takes them): inline, beside the HTML in a
  `multipart/related` part, each with that Content-ID, so a mail program shows them in
  the text (`multipart/alternative` [text, `multipart/related` [HTML, pictures]], then
  the attachments).

A message with an idempotency key is written to `<key>.eml` with Message-ID
`<key@cyd.mailbox>`: a resend of the same message overwrites the file, so a mailbox
never holds a message twice. Files are written whole (a temporary file, then an
atomic rename), so a reader never sees half a message.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, cast

from apprise import NotifyFormat, logger
from apprise.conversion.format import convert_between
from apprise.decorators import notify

import settings
from models.db import utcnow
from settings import MAILBOX_DIR_ENV as MAILBOX_DIR_ENV

# apprise's decorator and converter carry no type annotations.
_Plugin = Callable[..., bool]
_register = cast(Callable[..., Callable[[_Plugin], _Plugin]], notify)
_convert = cast(Callable[[str, str, str], str], convert_between)

SCHEME = "mailbox"
IDEMPOTENCY_HEADER = "X-Cyd-Idempotency-Key"
SENDER = "Cyd <cyd@mailbox.invalid>"
MESSAGE_ID_DOMAIN = "cyd.mailbox"

# A mailbox name is one safe path component; an idempotency key becomes a file name.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# The parts an HTML body names to show inline (`<img src="cid:...">`).
_CID = re.compile(r"""\bsrc=["']cid:([^"'\s>]+)["']""")
# Long header lines are not folded (RFC 5322 allows 998 characters): a folded
# idempotency key would come back with a space in front of it from some readers.
_POLICY = policy.default.clone(max_line_length=998)
# Headers the message builds itself: a URL cannot set or repeat them.
_OWN_HEADERS = frozenset(
    {
        "subject",
        "from",
        "to",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
    }
)


@dataclass(frozen=True)
class File:
    """A file written into a message as an attachment."""

    name: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass(frozen=True)
class Letter:
    """What apprise's (title, body) cannot carry, for mailbox writes in this context."""

    text: str | None = None  # the plain-text alternative of an HTML body
    to: str | None = None  # 'Name <address>'


_LETTER: ContextVar[Letter | None] = ContextVar("cyd_mailbox_letter", default=None)


@contextmanager
def letter(*, text: str | None = None, to: str | None = None) -> Iterator[None]:
    """Hand the plain text (and the To address) of the next send to the mailbox plugin."""
    token = _LETTER.set(Letter(text=text, to=to))
    try:
        yield
    finally:
        _LETTER.reset(token)


def mailbox_dir() -> Path:
    """Where mailboxes live: `CYD_MAILBOX_DIR`, else `<data folder>/mailbox`."""
    return settings.current().mailbox_dir


def folder(name: str) -> Path:
    """The folder of the mailbox `name` (ValueError if the name is not a safe one)."""
    if not _NAME.match(name) or ".." in name:
        raise ValueError("a mailbox name is letters, digits, '.', '_' and '-' (e.g. megan.lloyd)")
    return mailbox_dir() / name


def messages(name: str) -> list[EmailMessage]:
    """The messages in mailbox `name`, oldest file first (for `cyd demo` and tests)."""
    path = folder(name)
    if not path.is_dir():
        return []
    files = sorted(path.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    return [read_message(p) for p in files]


def read_message(path: Path) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def _header_name(key: str) -> str:
    # Apprise gives the URL's keys in lower case: write them the usual way.
    return "-".join(part.capitalize() for part in key.split("-"))


def build_message(
    *,
    title: str,
    body: str,
    body_format: NotifyFormat | str,
    qsd: dict[str, str],
    name: str,
    extra: Letter | None,
    files: Iterable[File] = (),
) -> tuple[EmailMessage, str | None]:
    """The message to write, and its idempotency key (None if the URL gave none)."""
    headers = {
        _header_name(k[1:]): v
        for k, v in qsd.items()
        if k.startswith("+") and len(k) > 1 and k[1:].lower() not in _OWN_HEADERS
    }
    key = headers.get(IDEMPOTENCY_HEADER) or None
    if key is not None and not _KEY.match(key):
        raise ValueError("the idempotency key must be letters, digits, '_' and '-'")
    message = EmailMessage(policy=_POLICY)
    message["Subject"] = title
    message["From"] = qsd.get("from") or SENDER
    message["To"] = (extra.to if extra else None) or qsd.get("to") or f"{name}@mailbox.invalid"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = (
        f"<{key}@{MESSAGE_ID_DOMAIN}>" if key else make_msgid(domain=MESSAGE_ID_DOMAIN)
    )
    files = list(files)
    inline: list[File] = []
    if body_format == NotifyFormat.HTML:
        text = (extra.text if extra else None) or _convert(
            NotifyFormat.HTML, NotifyFormat.TEXT, body
        )
        message.set_content(text)
        message.add_alternative(body, subtype="html")
        named = set(_CID.findall(body))
        inline = [f for f in files if f.name in named and f.mimetype.startswith("image/")]
        *_, html_part = message.iter_parts()  # the HTML alternative: the last
        for picture in inline:
            _, _, subtype = picture.mimetype.partition("/")
            html_part.add_related(
                picture.content,
                maintype="image",
                subtype=subtype,
                cid=f"<{picture.name}>",
                disposition="inline",
                filename=picture.name,
            )
    else:
        message.set_content(body)
    for file in files:
        if file in inline:
            continue
        maintype, _, subtype = file.mimetype.partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(
            file.content, maintype=maintype, subtype=subtype, filename=_file_name(file.name)
        )
    # After the body and the files: setting them moves or clears any Content-* header
    # of the message (e.g. Content-Language).
    for header, value in headers.items():
        message[header] = value
    return message, key


def _file_name(name: str) -> str:
    """An attachment's name as one safe file name (a receiver may save it as it is)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?')
    return cleaned.strip(". ") or "attachment"


def files_of(attach: Any) -> list[File]:
    """The files apprise hands a plugin (`attach=`: its attachments), read; ValueError
    if one cannot be read."""
    files = []
    for attachment in attach or ():
        if not attachment:  # apprise could not get the content
            raise ValueError("an attachment could not be read")
        try:
            with attachment.open() as handle:
                content = handle.read()
        except OSError as error:
            raise ValueError(f"an attachment could not be read: {error.strerror}") from None
        files.append(
            File(
                name=str(attachment.name or "attachment"),
                content=content,
                mimetype=str(attachment.mimetype or "application/octet-stream"),
            )
        )
    return files


def write_atomically(path: Path, data: bytes) -> None:
    """`data` at `path`, whole or not at all: a temporary file, flushed, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@_register(on=SCHEME, name="Cyd mailbox (.eml files)", body_format=NotifyFormat.HTML)
def _deliver(
    body: str, title: str, notify_type: str, *args: Any, meta: dict[str, Any], **kwargs: Any
) -> bool:
    """The apprise plugin: write one message into the mailbox named by the URL's host."""
    body_format = kwargs.get("body_format") or NotifyFormat.TEXT
    try:
        where = folder(str(meta.get("host") or ""))
        message, key = build_message(
            title=title,
            body=body,
            body_format=body_format,
            qsd=dict(meta.get("qsd") or {}),
            name=where.name,
            extra=_LETTER.get(),
            files=files_of(kwargs.get("attach")),
        )
    except ValueError as error:
        logger.warning("Cyd mailbox: %s", error)
        return False
    stem = key or f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex}"
    try:
        write_atomically(where / f"{stem}.eml", message.as_bytes())
    except OSError as error:
        # The folder is not a secret, but say only what went wrong.
        logger.warning("Cyd mailbox: could not write the message: %s", error.strerror)
        return False
    return True
