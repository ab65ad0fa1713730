"""Send one rendered message to one apprise URL, and read apprise's answer strictly.

`deliver(url, message)` builds a fresh `apprise.Apprise()` holding only that URL
(one target at a time: the answer is about this channel alone) and tells what
happened:

- delivered: apprise said success;
- failed: apprise said failure (or timed out, or raised); worth trying again later;
- a configuration error: no apprise service matches the URL, or the URL does not
  parse (`Apprise.add` refuses it; apprise 1.x answers `None`, 2.x `NOMATCH`).
  Trying again cannot help; `Delivery.permanent` is True.
- refused for good: an email server answered the message itself with a permanent
  refusal (an SMTP 5xx reply to its sender, a recipient or its content, read from the
  exception apprise logs). Trying again cannot help either: `permanent`, so the
  relay gives up at once and the admins hear now, not hours later. A refused login
  (530, 534, 535, 538) is not such a refusal: it is the channel's, and an admin who
  puts the password right expects the waiting messages to go.

The reason for a failure is what apprise logged while sending, with every part of
the URL scrubbed. It is captured per send (`captured_apprise_log`: like
`apprise.LogCapture`, but a send collects only its own records, even when several
run at once in threads), and apprise's records are kept from the application's log
handlers while a send runs, as they may name a host or an address. Apprise URLs
are secrets: they are shown only masked (`mailto://***`).

Headers. Apprise's email and HTTP plugins (and Cyd's `mailbox://`) take extra headers
as `+Name=value` URL parameters, so for those schemes the URL sent to gets
`+X-Cyd-Idempotency-Key=<key>` (the receiver's means to drop a resend) and
`+Content-Language=<languages>`. A service that can show HTML gets the HTML body
(email: apprise adds a plain-text alternative; the mailbox uses Cyd's own text);
any other gets the plain text Cyd rendered, never a conversion of the HTML.

Attachments. `Outgoing.attachments` are files already read by the caller (the relay
reads them from the data folder, after checking the paths), handed to apprise as
in-memory attachments (`attach=` of `Apprise.notify`), so apprise opens no path
itself. A service that cannot carry files (`attachment_support` false) would drop
them without a word: `takes_attachments(url)` says so before the message is
rendered, so that the message can say where the files are instead.

Pictures. An Easy Read message's HTML shows its pictograms as `<img src="cid:...">`
and `Outgoing.pictures` names them, each once (notifications/pictures.py). Email
(`mailto://`, `mailtos://`) and the local mailbox carry each as a PNG, once per
message however often it is used, in a `multipart/related` part with the HTML: an
inline part whose Content-ID the `cid:` names (apprise's email plugin does this for
the image attachments its HTML names when the URL says `inline=yes`, which is added
here; the mailbox plugin does the same). Any other service gets the HTML without the
pictures (a decorative picture goes, a meaningful one leaves its alt text), or the
plain text, which never had any: never a `data:` URI, which mail programs strip.

TLS for email. Apprise's email plugin makes a new `ssl.create_default_context()` for
every send, encrypted or not, and that loads the system's certificate authorities
again: about 20 ms of CPU a message, two thirds of a send to a mail server nearby.
While `deliver` sends, the plugin gets instead a context of the same settings made
once per process (`_SharedTls`: each distinct choice of settings, e.g. a URL's
`verify=no`, has its own, so none changes another's). Certificate authorities added
to the system later are read when the relay starts again.

SMTP connections kept. Apprise's email plugin opens a connection, secures it, logs in,
sends and quits for every message: on a mail server nearby, most of a message's time.
While a relay run keeps them (`kept_smtp`, entered by `notifications.relay.send_due`),
the plugin's `smtplib.SMTP` is instead a connection kept from an earlier send to the
same server (host, port, TLS settings), if one is idle and still answers a NOOP, used
only when it was secured and logged in as this send asks (else a new one is opened);
its `quit` gives it back. Each message is still its own SMTP transaction with its own
answer; a connection on which anything failed or was refused is closed, not kept, as
is one that has carried `SMTP_MESSAGES_PER_CONNECTION` messages or stood idle longer
than `SMTP_IDLE_S`. Outside a relay run (a test message, a sign-in message) every send
has its own connection, as apprise makes it.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any, cast
from urllib.parse import quote, unquote

import apprise
from apprise.attachment.memory import AttachMemory as _AttachMemory

from models.tables import mask_url, redact_urls
from notifications import mailbox, pictures
from notifications.pictures import MIMETYPE

IDEMPOTENCY_HEADER = mailbox.IDEMPOTENCY_HEADER
# Schemes whose plugins put the pictures an HTML body names by `cid:` inline beside it.
INLINE_PICTURE_SCHEMES = frozenset({"mailto", "mailtos", mailbox.SCHEME})
# Schemes whose plugins turn `+Name=value` URL parameters into message headers.
HEADER_SCHEMES = frozenset(
    {"mailto", "mailtos", "json", "jsons", "xml", "xmls", "form", "forms", mailbox.SCHEME}
)
SEND_TIMEOUT_S = 120.0  # the longest one send may take, all apprise retries included
_REASON_MAX = 1500
# Loggers that may name parts of a channel URL: kept from the application's handlers.
_QUIET_LOGGERS = (apprise.LOGGER_NAME, "urllib3")
# apprise 2 answers with an AppriseResult and takes a whole-call timeout; 1.x did not.
_RESULT_STATUS: Any = getattr(apprise, "AppriseResultStatus", None)
_TAKES_TIMEOUT = "timeout" in inspect.signature(apprise.Apprise.notify).parameters
# apprise's in-memory attachment carries no type annotations.
_memory_file = cast(Callable[..., Any], _AttachMemory)


FORMAT_HEADER = "X-Cyd-Format"


# --- one TLS context per process for email (see the module's text) -----------------------

# Whether the send running in this context is Cyd's (apprise copies the context into
# the threads it sends from): only Cyd's sends share a context.
_SENDING: ContextVar[bool] = ContextVar("cyd_sending", default=False)


@cache
def _tls_context(settings: tuple[tuple[str, Any], ...]) -> ssl.SSLContext:
    """The default context with these attributes set in this order, made once."""
    context = ssl.create_default_context()
    for name, value in settings:
        setattr(context, name, value)
    return context


class _SharedTls:
    """What the email plugin gets for a new context: the attributes it sets are kept,
    and the shared context with those settings (`_tls_context`) does the work when the
    connection is secured (a plain connection never needs one)."""

    def __init__(self) -> None:
        object.__setattr__(self, "_settings", {})

    def __setattr__(self, name: str, value: Any) -> None:
        self._settings[name] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_tls_context(tuple(self._settings.items())), name)


class _SslForApprise:
    """The `ssl` module as apprise's email plugin sees it: the same, but a context asked
    for during Cyd's send is a `_SharedTls`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(ssl, name)

    @staticmethod
    def create_default_context(*args: Any, **kwargs: Any) -> Any:
        if _SENDING.get() and not args and not kwargs:
            return _SharedTls()
        return ssl.create_default_context(*args, **kwargs)


def _share_tls_contexts() -> None:
    try:
        from apprise.plugins.email import smtp as plugin
    except ImportError:  # an apprise whose email plugin is laid out otherwise: as it is
        return
    if getattr(plugin, "ssl", None) is ssl:
        setattr(plugin, "ssl", _SslForApprise())  # noqa: B010 (a module's global)


_share_tls_contexts()


# --- SMTP connections kept across a relay run (see the module's text) ----------------------

# How many messages one kept connection carries before it is closed and another opened
# (some servers refuse more than about a hundred a connection), and how long an idle
# one is kept (servers drop a quiet client after a minute or more).
SMTP_MESSAGES_PER_CONNECTION = 100
SMTP_IDLE_S = 30.0
_OK_KEPT = (250, b"kept open")


def _tls_settings(context: Any) -> Any:
    """What names a TLS context's settings, to tell whether a kept connection was
    secured as a new one would be (a `_SharedTls` by its settings, any other by itself)."""
    if context is None:
        return None
    if isinstance(context, _SharedTls):
        return tuple(object.__getattribute__(context, "_settings").items())
    return ("context", id(context))


def _login_key(user: str, password: str) -> str:
    """What a kept connection remembers of its login: enough to compare, never the password."""
    return hashlib.sha256(f"{user}\0{password}".encode()).hexdigest()


@dataclass
class _Kept:
    """An open SMTP connection and what was done on it: secured how, logged in as whom,
    how many messages it carried, when it was last given back."""

    connection: smtplib.SMTP
    tls: Any = None
    login: str | None = None
    sent: int = 0
    idle_since: float = 0.0


class _SmtpPool:
    """The SMTP connections idle between sends, by server (class, host, port, TLS of
    the connection itself), while at least one relay run keeps them (`kept_smtp`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[tuple[Any, ...], list[_Kept]] = {}
        self._runs = 0

    @property
    def active(self) -> bool:
        return self._runs > 0

    def enter(self) -> None:
        with self._lock:
            self._runs += 1

    def leave(self) -> None:
        with self._lock:
            self._runs -= 1
            closing = [] if self._runs else [k for kept in self._idle.values() for k in kept]
            if not self._runs:
                self._idle.clear()
        for kept in closing:
            _quit(kept.connection)

    def take(self, key: tuple[Any, ...]) -> _Kept | None:
        """An idle connection to this server that still answers (NOOP), or None."""
        while True:
            with self._lock:
                idle = self._idle.get(key)
                kept = idle.pop() if idle else None
            if kept is None:
                return None
            if time.monotonic() - kept.idle_since <= SMTP_IDLE_S:
                try:
                    if kept.connection.noop()[0] == 250:
                        return kept
                except (OSError, smtplib.SMTPException):
                    pass
            _quit(kept.connection)

    def give(self, key: tuple[Any, ...], kept: _Kept) -> bool:
        """Keep `kept` for the next send to this server (False: not kept, close it)."""
        kept.idle_since = time.monotonic()
        with self._lock:
            if not self._runs or kept.sent >= SMTP_MESSAGES_PER_CONNECTION:
                return False
            self._idle.setdefault(key, []).append(kept)
            return True


_POOL = _SmtpPool()


def _quit(connection: smtplib.SMTP) -> None:
    with suppress(OSError, smtplib.SMTPException):
        connection.quit()
    with suppress(OSError):
        connection.close()


@contextmanager
def kept_smtp() -> Iterator[None]:
    """While this block runs, email sends (`deliver`) keep their SMTP connection open for
    the next message to the same server, logged in as the same user and secured the
    same way, instead of a new connection, TLS handshake and login per message (the
    relay's run: `notifications.relay.send_due`). Each message is still its own SMTP
    transaction, with its own answer: one that fails fails alone, and its connection
    is closed, not kept. On leaving (the last block, if several run at once), the
    idle connections are closed."""
    _POOL.enter()
    try:
        yield
    finally:
        _POOL.leave()


class _KeptSmtp:
    """What apprise's email plugin gets for a new `smtplib.SMTP` (or `SMTP_SSL`) during
    Cyd's send while connections are kept: an idle connection to the same server if
    there is one, secured and logged in as this send asks (else a new one, as apprise
    would open it); `quit` gives it back instead of closing it, unless anything failed
    on it."""

    def __init__(self, factory: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self._factory, self._args, self._kwargs = factory, args, kwargs
        host = args[0] if args else kwargs.get("host", "")
        port = args[1] if len(args) > 1 else kwargs.get("port", 0)
        self._key = (factory.__name__, host, port, _tls_settings(kwargs.get("context")))
        self._want_tls: tuple[Any, Any] | None = None  # (settings, context) of STARTTLS
        self._want_login: tuple[str, str] | None = None
        self._failed = False
        kept = _POOL.take(self._key)
        self._reused = kept is not None
        self._kept = kept if kept is not None else _Kept(self._open())

    def _open(self) -> smtplib.SMTP:
        return cast(smtplib.SMTP, self._factory(*self._args, **self._kwargs))

    def _matches(self) -> bool:
        want_tls = self._want_tls[0] if self._want_tls else None
        want_login = _login_key(*self._want_login) if self._want_login else None
        return self._kept.tls == want_tls and self._kept.login == want_login

    def _afresh(self) -> None:
        """A kept connection that is not as this send asks: a new one, brought to
        where this send's requests so far have taken it."""
        _quit(self._kept.connection)
        self._reused = False
        self._kept = _Kept(self._open())
        if self._want_tls is not None:
            self._kept.connection.starttls(context=self._want_tls[1])
            self._kept.tls = self._want_tls[0]
        if self._want_login is not None:
            self._kept.connection.login(*self._want_login)
            self._kept.login = _login_key(*self._want_login)

    def _guarded(self, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except BaseException:
            self._failed = True
            raise

    def starttls(self, *args: Any, **kwargs: Any) -> Any:
        context = kwargs.get("context", args[2] if len(args) > 2 else None)
        self._want_tls = (_tls_settings(context), context)
        if self._reused:
            if self._kept.tls == self._want_tls[0]:
                return (220, b"kept secure")
            return self._guarded(self._afresh) or (220, b"secured afresh")

        def secure() -> Any:
            answer = self._kept.connection.starttls(*args, **kwargs)
            self._kept.tls = self._want_tls[0] if self._want_tls else None
            return answer

        return self._guarded(secure)

    def login(self, user: str, password: str, **kwargs: Any) -> Any:
        self._want_login = (user, password)
        if self._reused:
            if self._matches():
                return (235, b"kept logged in")
            return self._guarded(self._afresh) or (235, b"logged in afresh")

        def log_in() -> Any:
            answer = self._kept.connection.login(user, password, **kwargs)
            self._kept.login = _login_key(user, password)
            return answer

        return self._guarded(log_in)

    def sendmail(self, *args: Any, **kwargs: Any) -> Any:
        if self._reused and not self._matches():
            self._guarded(self._afresh)
        answer = self._guarded(lambda: self._kept.connection.sendmail(*args, **kwargs))
        self._kept.sent += 1
        if answer:  # recipients refused: the server's state is its own; not kept
            self._failed = True
        return answer

    def quit(self) -> Any:
        if not self._failed and _POOL.give(self._key, self._kept):
            return (221, b"kept open")
        _quit(self._kept.connection)
        return (221, b"closed")

    def close(self) -> None:
        self._failed = True
        with suppress(OSError):
            self._kept.connection.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kept.connection, name)


class _SmtplibForApprise:
    """The `smtplib` module as apprise's email plugin sees it: the same, but during
    Cyd's send while connections are kept (`kept_smtp`), a new connection may be a
    kept one (`_KeptSmtp`)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(smtplib, name)

    @staticmethod
    def SMTP(*args: Any, **kwargs: Any) -> Any:
        if _SENDING.get() and _POOL.active:
            return _KeptSmtp(smtplib.SMTP, args, kwargs)
        return smtplib.SMTP(*args, **kwargs)

    @staticmethod
    def SMTP_SSL(*args: Any, **kwargs: Any) -> Any:
        if _SENDING.get() and _POOL.active:
            return _KeptSmtp(smtplib.SMTP_SSL, args, kwargs)
        return smtplib.SMTP_SSL(*args, **kwargs)


def _keep_smtp_connections() -> None:
    try:
        from apprise.plugins.email import smtp as plugin
    except ImportError:  # an apprise whose email plugin is laid out otherwise: as it is
        return
    if getattr(plugin, "smtplib", None) is smtplib:
        setattr(plugin, "smtplib", _SmtplibForApprise())  # noqa: B010 (a module's global)


_keep_smtp_connections()


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: the name the receiver sees, and its bytes."""

    name: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass(frozen=True)
class Outgoing:
    """One message for one person, as rendered."""

    subject: str
    text: str
    html: str
    languages: tuple[str, ...]
    key: str  # the outbox idempotency key
    to: str | None = None  # 'Name <address>', for channels that show one
    format: str = "standard"  # or 'easy-read': told to the receiver in a header
    attachments: tuple[Attachment, ...] = ()
    pictures: tuple[str, ...] = ()  # the pictograms the HTML shows by `cid:`, each once


@dataclass(frozen=True)
class Delivery:
    ok: bool
    reason: str | None = None  # why not (masked); None when delivered
    permanent: bool = False  # a configuration error or a refusal for good: retrying cannot help


def scheme_of(url: str) -> str:
    scheme, sep, _ = url.partition("://")
    return scheme.lower() if sep else ""


def with_headers(url: str, headers: dict[str, str]) -> str:
    """`url` with `+Name=value` parameters added, for schemes that take them."""
    if scheme_of(url) not in HEADER_SCHEMES or not headers:
        return url
    extra = "&".join(f"+{name}={quote(value, safe='')}" for name, value in headers.items())
    base, _, fragment = url.partition("#")
    joined = f"{base}{'&' if '?' in base else '?'}{extra}"
    return f"{joined}#{fragment}" if fragment else joined


def with_parameters(url: str, parameters: dict[str, str]) -> str:
    """`url` with query parameters added (after any it has: apprise reads the last)."""
    if not parameters:
        return url
    extra = "&".join(f"{name}={quote(value, safe='')}" for name, value in parameters.items())
    base, _, fragment = url.partition("#")
    joined = f"{base}{'&' if '?' in base else '?'}{extra}"
    return f"{joined}#{fragment}" if fragment else joined


def picture_files(names: tuple[str, ...]) -> tuple[Attachment, ...]:
    """The PNGs of these pictograms, each named by its Content-ID."""
    return tuple(
        Attachment(name=pictures.content_id(name), content=pictures.png(name), mimetype=MIMETYPE)
        for name in dict.fromkeys(names)
    )


def url_secrets(url: str) -> set[str]:
    """Every part of an apprise URL that could be a secret (user, password, host,
    path, parameter values), as written and decoded, for scrubbing them from text."""
    _, sep, rest = url.partition("://")
    rest = rest if sep else url
    address, _, query = rest.partition("?")
    pieces = [url, rest, address, *re.split(r"[/:@]", address)]
    for pair in re.split(r"[&;]", query):
        _, _, value = pair.partition("=")
        pieces += [value, *re.split(r"[,\s]", value)]
    found = set()
    for piece in pieces:
        for form in (piece, unquote(piece), unquote(piece).replace("+", " ")):
            if len(form.strip()) >= 3:
                found.add(form.strip())
    return found


def scrub(text: str, url: str) -> str:
    """`text` with every URL masked and every part of `url` hidden."""
    text = redact_urls(text)
    for secret in sorted(url_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


# The records of the send running in this context (apprise copies the context into
# the worker threads it sends from, so their records land here too).
_CAPTURE: ContextVar[list[logging.LogRecord] | None] = ContextVar(
    "cyd_apprise_capture", default=None
)


class _ContextHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sink = _CAPTURE.get()
        if sink is not None:
            sink.append(record)


_HANDLER = _ContextHandler(level=logging.DEBUG)
_lock = threading.Lock()
_active = 0
_saved: list[tuple[logging.Logger, bool, int]] = []


def _enter() -> None:
    global _active
    with _lock:
        if _active == 0:
            for name in _QUIET_LOGGERS:
                each = logging.getLogger(name)
                _saved.append((each, each.propagate, each.level))
                each.propagate = False
            apprise_logger = logging.getLogger(apprise.LOGGER_NAME)
            apprise_logger.setLevel(logging.DEBUG)
            apprise_logger.addHandler(_HANDLER)
        _active += 1


def _leave() -> None:
    global _active
    with _lock:
        _active -= 1
        if _active == 0:
            logging.getLogger(apprise.LOGGER_NAME).removeHandler(_HANDLER)
            for each, propagate, level in _saved:
                each.propagate = propagate
                each.setLevel(level)
            _saved.clear()


@contextmanager
def captured_apprise_log() -> Iterator[list[str]]:
    """Collect what apprise logs for the send made in this block: the lines worth
    keeping (warnings, errors, and the debug lines that carry an exception's text)
    are in the list on exit.

    While any send runs, apprise's and urllib3's records do not reach the
    application's log handlers: they may name a host or an address from a URL.
    """
    lines: list[str] = []
    records: list[logging.LogRecord] = []
    token = _CAPTURE.set(records)
    _enter()
    try:
        yield lines
    finally:
        _leave()
        _CAPTURE.reset(token)
        lines.extend(_worth_keeping(records))


def _worth_keeping(records: list[logging.LogRecord]) -> list[str]:
    kept = []
    for record in records:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format
            message = str(record.msg)
        if record.levelno >= logging.WARNING or "Exception" in message:
            kept.append(" ".join(message.split()))
    return kept


def _reason(lines: list[str], fallback: str, url: str) -> str:
    unique = list(dict.fromkeys(line for line in lines if line))
    text = "; ".join(unique) if unique else fallback
    if unique and fallback not in text:
        text = f"{fallback}: {text}"
    return scrub(text, url)[:_REASON_MAX]


def _asset() -> apprise.AppriseAsset:
    """Apprise's settings for one send: nothing kept on disk between sends."""
    try:
        return apprise.AppriseAsset(storage_mode="memory")
    except (TypeError, AttributeError):  # an apprise without persistent storage
        return apprise.AppriseAsset()


def _accepts_html(service: apprise.NotifyBase) -> bool:
    """Whether the service shows HTML by nature (email, the mailbox) or by its URL's
    `?format=html`. A service that merely passes any format through (json://) gets
    the plain text."""
    resolve = getattr(service, "resolve_format", None)
    if resolve is not None:  # apprise 2
        return bool(resolve(None) == apprise.NotifyFormat.HTML)
    formats = service.notify_format
    if isinstance(formats, tuple | list):
        formats = formats[0] if formats else None
    return bool(formats == apprise.NotifyFormat.HTML)


def takes_attachments(url: str) -> bool:
    """Whether the service for `url` sends files with a message. False when no
    service takes the URL (sending will say so); never raises."""
    try:
        with captured_apprise_log():
            sender = apprise.Apprise(asset=_asset())
            if not sender.add(url) or len(sender) != 1:
                return False
            return bool(getattr(sender[0], "attachment_support", False))
    except Exception:  # a plugin that raises while parsing: sending will report it
        return False


def _attach(
    files: tuple[Attachment, ...], asset: apprise.AppriseAsset
) -> apprise.AppriseAttachment:
    attach = apprise.AppriseAttachment(asset=asset)
    for file in files:
        attach.add(_memory_file(content=file.content, name=file.name, mimetype=file.mimetype))
    return attach


def deliver(url: str, message: Outgoing, *, timeout: float = SEND_TIMEOUT_S) -> Delivery:
    """Send `message` to the one channel `url` now; never raises."""
    masked = mask_url(url)
    target = with_headers(
        url,
        {
            IDEMPOTENCY_HEADER: message.key,
            "Content-Language": ", ".join(message.languages),
            FORMAT_HEADER: message.format,
        },
    )
    inline = bool(message.pictures) and scheme_of(url) in INLINE_PICTURE_SCHEMES
    if inline and scheme_of(url) != mailbox.SCHEME:
        target = with_parameters(target, {"inline": "yes"})  # apprise's email plugin
    lines: list[str] = []
    added = False
    result: object = None
    sending = _SENDING.set(True)
    try:
        with captured_apprise_log() as lines:
            asset = _asset()
            sender = apprise.Apprise(asset=asset)
            added = bool(sender.add(target)) and len(sender) == 1
            if added:
                html = _accepts_html(sender[0])
                body = message.html
                files = message.attachments
                if html and inline and getattr(sender[0], "attachment_support", False):
                    files = (*files, *picture_files(message.pictures))
                elif html and message.pictures:
                    body = pictures.without_pictures(body)
                options: dict[str, Any] = {"timeout": timeout} if _TAKES_TIMEOUT else {}
                if files:
                    options["attach"] = _attach(files, asset)
                with mailbox.letter(text=message.text, to=message.to):
                    result = sender.notify(
                        body=body if html else message.text,
                        title=message.subject,
                        body_format=(
                            apprise.NotifyFormat.HTML if html else apprise.NotifyFormat.TEXT
                        ),
                        **options,
                    )
    except Exception as error:  # a plugin that raises is a failed send, not a crash
        detail = f"{type(error).__name__}: {error}"
        return Delivery(False, _reason([*lines, detail], f"sending to {masked} raised", url))
    finally:
        _SENDING.reset(sending)
    status = getattr(result, "status", None)
    if _RESULT_STATUS is not None and status is not None:
        if status == _RESULT_STATUS.NOMATCH:
            return _configuration_error(lines, masked, url)
        if status == _RESULT_STATUS.SUCCESS:
            return Delivery(True)
    if not added or result is None:  # apprise 1.x: None is "no service matched"
        return _configuration_error(lines, masked, url)
    if result is True:
        return Delivery(True)
    name = status.name.lower() if status is not None else repr(result)
    refused = refused_for_good(lines) if scheme_of(url) in _EMAIL_SCHEMES else None
    if refused is not None:
        fallback = f"{masked} refused the message for good (SMTP {refused})"
        return Delivery(False, _reason(lines, fallback, url), permanent=True)
    return Delivery(False, _reason(lines, f"{masked} did not take the message ({name})", url))


_EMAIL_SCHEMES = frozenset({"mailto", "mailtos"})
# smtplib's exceptions print as "(550, b'...')" (sender, data) or within a dict of
# recipients "{'a@example.org': (550, b'...')}"; apprise logs them as "Socket Exception: ...".
_SMTP_REPLY = re.compile(r"Socket Exception: .*?\((5\d\d), b?['\"]")
_LOGIN_CODES = frozenset({"530", "534", "535", "538"})


def refused_for_good(lines: list[str]) -> str | None:
    """The SMTP reply code of a permanent refusal of the message, if apprise logged one."""
    for line in lines:
        found = _SMTP_REPLY.search(line)
        if found and found.group(1) not in _LOGIN_CODES:
            return found.group(1)
    return None


def known_schemes() -> frozenset[str]:
    """The URL schemes some notification service takes: apprise's and Cyd's mailbox.
    Listing apprise's loads every plugin (a second or two): asked only where a
    programme file is checked (`cyd init`, `cyd programme validate`), never per send."""
    from apprise import manager_plugins

    plugins: Any = manager_plugins  # (apprise's manager is not typed)
    manager = plugins.NotificationManager()
    return frozenset(cast(list[str], manager.schemas())) | {mailbox.SCHEME}


def _configuration_error(lines: list[str], masked: str, url: str) -> Delivery:
    fallback = f"configuration error: no notification service takes the channel URL {masked}"
    return Delivery(False, _reason(lines, fallback, url), permanent=True)
