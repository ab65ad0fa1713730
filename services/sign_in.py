"""Signing in without a password or a memory test: a one-time link and a six-digit code
through the person's own channels, server-side sessions, and printed codes.

The rules (how long things last, the rate limits, when a link or code stops working)
are in `governance.sign_in`; who may print a code in `governance.permissions`.

How the pages use it
--------------------
- The sign-in page takes an email and calls `request_sign_in(engine, email,
  from_address=client address, now=now, remember=checkbox)`. It returns nothing,
  whatever happened, and the page says the same thing every time ("if the email is
  one Cyd knows, a message is on its way"). Sending takes as long as the person's
  channels take, and an unknown email sends nothing; so that the page's timing does
  not tell either, call it after the response has gone (a background task).
- `/sign-in/{token}` calls `redeem_link(engine, token, now)`; the code form calls
  `redeem_code(engine, email, code, now)`. Both give a `BrowserSession`, or raise
  `SignInFailed`. Set `BrowserSession.token` as the session cookie: with no expiry
  (it ends with the browser; the server ends it after 12 hours anyway) unless
  `remember`, then until `expires_at` (30 days). `SignInFailed.reason` is for the
  log: a code form shows one message for every reason ("that code did not work: it
  may be wrong, used, or older than 15 minutes; ask for a new one"), so that it never
  tells whether an email is known. A link may say it was used or has expired.
- Every page calls `session_person(engine, cookie, now)`: a `SignedIn` or None (send
  the person to the sign-in page). One query by primary key; `last_seen` is written
  at most once a minute.
- Sign out: `sign_out(engine, cookie)`; "sign out everywhere":
  `sign_out_everywhere(engine, signed_in)`.

The pages pass the signed-in person to the services, never an email from a form:

    person = sign_in.session_person(engine, request.cookies.get(COOKIE), now)
    if person is None:
        ...  # to the sign-in page
    commands.answer(cyd, venture_id, item, value, by=person.email)
    commands.vote(cyd, venture_id, member=person.email, choice=choice)

Every argument of `services.commands` that says who acts (`by=`, `lead=`, `member=`)
is `person.email` from the session; no form has a field for it.

Secrets
-------
The link's token, the code and the session's token exist in the message and in the
browser only: the tables hold their hashes (`models.tables.SignInRequest`,
`SignInSession`), the outbox row of a sign-in message holds neither (the relay is
handed them in memory by `notifications.relay.send_now`), and no audit entry, log
line or error names them. The address a request came from is kept as its network
only (`network_of`).

Sending at once
---------------
A sign-in message is queued on all the person's active channels, in their language
and format, in the unit of work that records the request, and is then sent by this
service straight away (`relay.send_now`, tried once): it ignores quiet hours and
the daily digest, and never waits for the relay's next run. It is queued leased (its
next attempt an outbox lease ahead), so a relay sweeping at that moment leaves it to
this service; one the service never sent (it stopped in between) reaches the sweep
after the lease, which gives it up: its link and code are gone, and the person asks
again. The service sends rather than handing message ids to the page because only
the service may hold the link and code.

The audit log
-------------
Every request (also one refused by a rate limit or for an unknown email), every
sign-in, every failure, every printed code and every sign-out is an entry:
`sign-in.requested`, `sign-in.succeeded`, `sign-in.failed`, `sign-in.code-printed`,
`sign-in.signed-out`; a non-admin who tries to print a code is refused (`denied`,
with a `Denial` row). The actor is the email as typed (normalized, at most 320
characters) or `ANONYMOUS` for a link that matches nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

import settings
from governance.permissions import Denied, may_print_sign_in_code
from governance.sign_in import (
    CODE_DIGITS,
    LAST_SEEN_EVERY,
    LINK_LIFETIME,
    PRINTED_CODE_LIFETIME,
    RATE_WINDOW,
    Unusable,
    attempts_left,
    request_limit,
    session_expires,
    session_live,
    should_touch,
    unusable,
)
from models import audit, outbox, queries
from models import tables as t
from models.db import read_session, unit_of_work, utcnow
from notifications import relay
from services.commands import NotFound, record_denial
from services.people import actor_for

REQUESTED = "sign-in.requested"
SUCCEEDED = "sign-in.succeeded"
FAILED = "sign-in.failed"
CODE_PRINTED = "sign-in.code-printed"
SIGNED_OUT = "sign-in.signed-out"
PRINT_CODE = "sign-in.print-code"  # the action a `denied` entry names
ACTIONS = (REQUESTED, SUCCEEDED, FAILED, CODE_PRINTED, SIGNED_OUT)

ANONYMOUS = "(anonymous)"  # the actor of a failed sign-in that names nobody
LINK_PATH = "/sign-in/"
_MAX_EMAIL = 320
_MAX_TOKEN = 128  # longer than any token Cyd makes: not looked up at all
_MAX_CODE_TYPED = 64
# scrypt's cost: about 75 ms a code on one core here, so trying the million codes
# against a stolen hash takes about a day, far longer than a code lasts.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class SignInFailed(Exception):
    """A link or code that did not sign anyone in. `reason` is for logs and tests:
    unknown-link, used, expired, locked, wrong-code, no-code, unknown-email or
    not-active. Nothing secret is in it."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"sign-in failed: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class SignedIn:
    """The person a browser's session belongs to, as the pages need them."""

    person_id: int
    email: str  # what the pages pass to the services as `by=`
    name: str
    language: str
    language_asked: bool  # False: never asked, so both languages
    format: str
    remember: bool  # a remembered device
    expires_at: dt.datetime  # when the session ends


@dataclass(frozen=True)
class BrowserSession:
    """A new session: the token goes to the browser as a cookie, and nowhere else."""

    token: str = field(repr=False)
    person: SignedIn

    @property
    def expires_at(self) -> dt.datetime:
        return self.person.expires_at

    @property
    def remember(self) -> bool:
        return self.person.remember


# --- secrets -------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe: a link's token or a session's."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(code: str) -> str:
    """'salt:hash' of a code, by salted scrypt (see `models.tables.SignInRequest`)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(code.encode("ascii"), salt=salt, **_SCRYPT)
    return f"{salt.hex()}:{digest.hex()}"


def code_matches(code: str, stored: str) -> bool:
    salt, _, digest = stored.partition(":")
    try:
        mine = hashlib.scrypt(code.encode("ascii"), salt=bytes.fromhex(salt), **_SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(mine.hex(), digest)


def clean_code(typed: str) -> str | None:
    """The code as typed, without spaces or dashes ('123 456'), if it is six digits."""
    digits = "".join(c for c in typed[:_MAX_CODE_TYPED] if not c.isspace() and c != "-")
    if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit():
        return digits
    return None


def network_of(address: str | None) -> str:
    """The network an address is in, which is all Cyd keeps of it: IPv4 to its /24,
    IPv6 to its /64 (a household or an office, not a device). Anything that is not
    an IP address (a test client, a socket) is kept as a short hash."""
    if not address:
        return "unknown"
    text = address.strip()[:_MAX_EMAIL]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return f"other:{_sha256(text)[:16]}"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def pages_url() -> str:
    """Where the pages are, for the link: `CYD_BASE_URL` (never a request's Host
    header, which anyone can set), else the local default."""
    return settings.current().base_url or settings.DEFAULT_BASE_URL


def _typed_email(email: str) -> str:
    return t.normalize_email(email)[:_MAX_EMAIL]


# --- asking for a link and a code ---------------------------------------------------------


def request_sign_in(
    engine: Engine,
    email: str,
    *,
    from_address: str | None,
    now: dt.datetime,
    remember: bool = False,
    base_url: str | None = None,
) -> None:
    """Send a one-time link and code to the person with this email, if there is one
    and the rate limits allow; return the same (nothing) in every case.

    `remember`: "remember this device", used when the link is opened without saying.
    `base_url`: where the pages are (default `pages_url()`).
    """
    typed = _typed_email(email)
    email_hash = _sha256(typed)
    network = network_of(from_address)
    sending: dict[int, dict[str, str]] = {}
    with unit_of_work(engine) as session:
        since = now - RATE_WINDOW
        limit = request_limit(
            for_email=_count(session, since, col(t.SignInRequest.email_hash) == email_hash),
            from_network=_count(session, since, col(t.SignInRequest.requested_from) == network),
        )
        if limit is not None:
            audit.append(
                session,
                typed,
                REQUESTED,
                None,
                {"outcome": "limited", "limit": limit.value, "from": network},
                at=now,
            )
            return
        person = _active_person(session, typed)
        if person is None:
            session.add(
                t.SignInRequest(
                    email_hash=email_hash,
                    outcome="unknown",
                    requested_from=network,
                    remember=remember,
                    created_at=now,
                    expires_at=now,
                )
            )
            audit.append(
                session, typed, REQUESTED, None, {"outcome": "unknown", "from": network}, at=now
            )
            return
        token, code = new_token(), new_code()
        request = t.SignInRequest(
            person_id=person.id,
            email_hash=email_hash,
            outcome="issued",
            link_hash=_sha256(token),
            code_hash=hash_code(code),
            requested_from=network,
            remember=remember,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
        session.add(request)
        session.flush()
        hidden = {"link": f"{base_url or pages_url()}{LINK_PATH}{token}", "code": code}
        for channel_id in _channels(session, person):
            assert person.id is not None
            message, _ = outbox.enqueue(
                session,
                event=relay.SIGN_IN_EVENT,
                person_id=person.id,
                channel_id=channel_id,
                language=person.language,
                format=person.format,
                payload={
                    "group": False,
                    "expires_at": request.expires_at.isoformat(),
                    "minutes": int(LINK_LIFETIME.total_seconds() // 60),
                },
                discriminator=f"sign-in:{request.id}",
                # Leased: a relay sweeping now leaves it to be sent below.
                not_before=now + relay.LEASE,
            )
            assert message.id is not None
            sending[message.id] = hidden
        audit.append(
            session,
            person.email,
            REQUESTED,
            None,
            {
                "outcome": "issued",
                "request": request.id,
                "channels": len(sending),
                "remember": remember,
                "expires_at": audit.iso(request.expires_at),
                "from": network,
            },
            at=now,
        )
    if sending:
        relay.send_now(engine, list(sending), now=now, max_attempts=1, secrets=sending)


def _count(session: Session, since: dt.datetime, where: object) -> int:
    """Requests of the kind people make (not printed codes) since `since`, matching."""
    return int(
        session.exec(
            select(func.count())
            .select_from(t.SignInRequest)
            .where(where)  # type: ignore[arg-type]
            .where(t.SignInRequest.kind == "message")
            .where(col(t.SignInRequest.created_at) > since)
        ).one()
    )


def _active_person(session: Session, email: str) -> t.Person | None:
    person = queries.person_by_email(session, email)
    return person if person is not None and person.active else None


def _channels(session: Session, person: t.Person) -> list[int]:
    return [
        channel_id
        for channel_id in session.exec(
            select(t.Channel.id)
            .where(t.Channel.person_id == person.id)
            .where(col(t.Channel.active))
            .order_by(col(t.Channel.id))
        )
        if channel_id is not None
    ]


# --- using the link or the code -----------------------------------------------------------


def redeem_link(
    engine: Engine,
    token: str,
    now: dt.datetime,
    remember: bool | None = None,
    *,
    from_address: str | None = None,
) -> BrowserSession:
    """Sign in with a link's token: once, within 15 minutes. `remember` None: as chosen
    when the link was asked for. Raises SignInFailed (recorded in the audit log)."""
    network = network_of(from_address) if from_address is not None else None
    opened: BrowserSession | None = None
    with unit_of_work(engine) as session:
        request = None
        if token and len(token) <= _MAX_TOKEN:
            request = session.exec(
                select(t.SignInRequest).where(t.SignInRequest.link_hash == _sha256(token))
            ).first()
        person = session.get(t.Person, request.person_id) if request and request.person_id else None
        if request is None or person is None:
            reason, actor = "unknown-link", ANONYMOUS
        else:
            actor = person.email
            why = unusable(
                expires_at=request.expires_at,
                used_at=request.used_at,
                attempts=request.attempts,
                now=now,
                by_code=False,
            )
            reason = "not-active" if not person.active else why.value if why else ""
            if not reason:
                keep = request.remember if remember is None else remember
                opened = _open(session, person, request, now, keep, "link", network)
        if opened is None:
            _failed(session, actor, "link", reason, now, network)
    if opened is None:
        raise SignInFailed(reason)
    return opened


def redeem_code(
    engine: Engine,
    email: str,
    code: str,
    now: dt.datetime,
    remember: bool | None = None,
    *,
    from_address: str | None = None,
) -> BrowserSession:
    """Sign in with an email and a code (sent, or printed by an admin): once, while
    it lasts, and 5 wrong codes lock it. Raises SignInFailed (recorded)."""
    typed = _typed_email(email)
    digits = clean_code(code)
    network = network_of(from_address) if from_address is not None else None
    opened: BrowserSession | None = None
    reason = ""
    details: dict[str, int] = {}
    with unit_of_work(engine) as session:
        person = _active_person(session, typed)
        live = _live_codes(session, person, now) if person is not None else []
        match = next(
            (r for r in live if digits and r.code_hash and code_matches(digits, r.code_hash)), None
        )
        if not live:
            # As long as a wrong code takes, so the time taken tells nothing either.
            hash_code(digits or "0" * CODE_DIGITS)
            reason = "unknown-email" if person is None else _why_no_code(session, person, now)
        elif match is not None:
            assert person is not None
            keep = match.remember if remember is None else remember
            via = "printed-code" if match.kind == "printed" else "code"
            opened = _open(session, person, match, now, keep, via, network)
        else:
            for request in live:
                request.attempts += 1
                session.add(request)
            left = max(attempts_left(r.attempts) for r in live)
            reason = "wrong-code" if left else Unusable.LOCKED.value
            details = {"attempts_left": left}
        if opened is None:
            actor = person.email if person is not None else typed
            _failed(session, actor, "code", reason, now, network, **details)
    if opened is None:
        raise SignInFailed(reason)
    return opened


def _live_codes(session: Session, person: t.Person, now: dt.datetime) -> list[t.SignInRequest]:
    """The person's codes that still work, newest first."""
    candidates = session.exec(
        select(t.SignInRequest)
        .where(t.SignInRequest.person_id == person.id)
        .where(col(t.SignInRequest.expires_at) > now)
        .where(col(t.SignInRequest.code_hash).is_not(None))
        .where(col(t.SignInRequest.used_at).is_(None))
        .order_by(col(t.SignInRequest.created_at).desc(), col(t.SignInRequest.id).desc())
    ).all()
    return [
        r
        for r in candidates
        if unusable(
            expires_at=r.expires_at, used_at=r.used_at, attempts=r.attempts, now=now, by_code=True
        )
        is None
    ]


def _why_no_code(session: Session, person: t.Person, now: dt.datetime) -> str:
    """Why none of the person's codes works: what stops their latest one."""
    latest = session.exec(
        select(t.SignInRequest)
        .where(t.SignInRequest.person_id == person.id)
        .where(col(t.SignInRequest.code_hash).is_not(None))
        .order_by(col(t.SignInRequest.created_at).desc(), col(t.SignInRequest.id).desc())
        .limit(1)
    ).first()
    if latest is None:
        return "no-code"
    why = unusable(
        expires_at=latest.expires_at,
        used_at=latest.used_at,
        attempts=latest.attempts,
        now=now,
        by_code=True,
    )
    return why.value if why is not None else "no-code"


def _open(
    session: Session,
    person: t.Person,
    request: t.SignInRequest,
    now: dt.datetime,
    remember: bool,
    via: str,
    network: str | None,
) -> BrowserSession:
    """Use up the request, end the person's other links and codes, open a session."""
    request.used_at = now
    session.add(request)
    others = session.exec(
        select(t.SignInRequest)
        .where(t.SignInRequest.person_id == person.id)
        .where(col(t.SignInRequest.id) != request.id)
        .where(col(t.SignInRequest.used_at).is_(None))
        .where(col(t.SignInRequest.expires_at) > now)
    ).all()
    for other in others:  # one sign-in ends every link and code still out
        other.expires_at = now
        session.add(other)
    token = new_token()
    expires = session_expires(now, remember=remember)
    assert person.id is not None
    stored = t.SignInSession(
        id=_sha256(token),
        person_id=person.id,
        request_id=request.id,
        remember=remember,
        created_at=now,
        last_seen=now,
        expires_at=expires,
    )
    session.add(stored)
    audit.append(
        session,
        person.email,
        SUCCEEDED,
        None,
        {
            "via": via,
            "request": request.id,
            "remember": remember,
            "expires_at": audit.iso(expires),
            "from": network,
        },
        at=now,
    )
    return BrowserSession(token, _signed_in(person, stored))


def _failed(
    session: Session,
    actor: str,
    via: str,
    reason: str,
    now: dt.datetime,
    network: str | None,
    **details: int,
) -> None:
    payload = {"via": via, "reason": reason, "from": network, **details}
    audit.append(session, actor[:_MAX_EMAIL], FAILED, None, payload, at=now)


def _signed_in(person: t.Person, stored: t.SignInSession) -> SignedIn:
    assert person.id is not None
    return SignedIn(
        person_id=person.id,
        email=person.email,
        name=person.name,
        language=person.language,
        language_asked=person.language_asked_on is not None,
        format=person.format,
        remember=stored.remember,
        expires_at=stored.expires_at,
    )


# --- sessions --------------------------------------------------------------------------------


def session_person(engine: Engine, session_token: str | None, now: dt.datetime) -> SignedIn | None:
    """Who the browser holding `session_token` is, or None (no session, ended,
    revoked, or the person left the programme). One query by primary key; the
    session's `last_seen` is written at most once a minute."""
    found = session_and_person(engine, session_token, now)
    return found[0] if found is not None else None


def session_and_person(
    engine: Engine, session_token: str | None, now: dt.datetime
) -> tuple[SignedIn, t.Person] | None:
    """`session_person`, with the person's row as read by the same query (detached:
    read it, never change it), for the pages, which hand it to their templates."""
    if not session_token or len(session_token) > _MAX_TOKEN:
        return None
    session_id = _sha256(session_token)
    with read_session(engine) as session:
        row = session.exec(
            select(t.SignInSession, t.Person)
            .join(t.Person, col(t.Person.id) == col(t.SignInSession.person_id))
            .where(t.SignInSession.id == session_id)
        ).first()
    if row is None:
        return None
    stored, person = row
    if not person.active or not session_live(
        expires_at=stored.expires_at, revoked_at=stored.revoked_at, now=now
    ):
        return None
    if should_touch(stored.last_seen, now):
        # Not a unit of work: no audit entry, so no need to queue behind the writers
        # of the audit chain (PostgreSQL's advisory lock) for a time stamp.
        with engine.begin() as connection:
            connection.execute(
                update(t.SignInSession)
                .where(col(t.SignInSession.id) == session_id)
                .where(col(t.SignInSession.last_seen) <= now - LAST_SEEN_EVERY)
                .values(last_seen=now)
            )
    return _signed_in(person, stored), person


def sign_out(engine: Engine, session_token: str | None, *, now: dt.datetime | None = None) -> bool:
    """End this browser's session; False if there was none to end."""
    if not session_token or len(session_token) > _MAX_TOKEN:
        return False
    at = now or utcnow()
    with unit_of_work(engine) as session:
        stored = session.get(t.SignInSession, _sha256(session_token))
        if stored is None or stored.revoked_at is not None or stored.expires_at <= at:
            return False
        stored.revoked_at = at
        session.add(stored)
        person = session.get(t.Person, stored.person_id)
        assert person is not None
        audit.append(
            session, person.email, SIGNED_OUT, None, {"everywhere": False, "sessions": 1}, at=at
        )
    return True


def sign_out_everywhere(engine: Engine, person: SignedIn, *, now: dt.datetime | None = None) -> int:
    """End every session of the signed-in person (this browser's too); how many."""
    at = now or utcnow()
    with unit_of_work(engine) as session:
        live = session.exec(
            select(t.SignInSession)
            .where(t.SignInSession.person_id == person.person_id)
            .where(col(t.SignInSession.revoked_at).is_(None))
            .where(col(t.SignInSession.expires_at) > at)
        ).all()
        for stored in live:
            stored.revoked_at = at
            session.add(stored)
        audit.append(
            session,
            person.email,
            SIGNED_OUT,
            None,
            {"everywhere": True, "sessions": len(live)},
            at=at,
        )
    return len(live)


# --- a printed code ------------------------------------------------------------------------


def issue_printed_code(
    engine: Engine, admin_email: str, person_email: str, now: dt.datetime
) -> str:
    """A one-time code an admin gives a person in person (for someone who cannot get
    messages): it works once, for 24 hours, with their email on the code form, and
    replaces any printed code of theirs still out. Only admins (PermissionDenied,
    recorded); NotFound for an unknown admin or person. The code is returned to be
    printed, and stored only as its hash."""
    denied: Denied | None = None
    code = new_code()
    with unit_of_work(engine) as session:
        admin = _active_person(session, admin_email)
        if admin is None:
            raise NotFound("person-not-found", email=admin_email)
        permission = may_print_sign_in_code(actor_for(session, admin))
        if isinstance(permission, Denied):
            denied = permission
        else:
            person = _active_person(session, person_email)
            if person is None:
                raise NotFound("person-not-found", email=person_email)
            for earlier in session.exec(
                select(t.SignInRequest)
                .where(t.SignInRequest.person_id == person.id)
                .where(t.SignInRequest.kind == "printed")
                .where(col(t.SignInRequest.used_at).is_(None))
                .where(col(t.SignInRequest.expires_at) > now)
            ).all():
                earlier.expires_at = now
                session.add(earlier)
            request = t.SignInRequest(
                person_id=person.id,
                email_hash=_sha256(person.email),
                kind="printed",
                outcome="issued",
                code_hash=hash_code(code),
                issued_by_id=admin.id,
                created_at=now,
                expires_at=now + PRINTED_CODE_LIFETIME,
            )
            session.add(request)
            session.flush()
            audit.append(
                session,
                admin.email,
                CODE_PRINTED,
                None,
                {
                    "person": person.email,
                    "request": request.id,
                    "expires_at": audit.iso(request.expires_at),
                },
                at=now,
            )
    if denied is not None:
        record_denial(engine, PRINT_CODE, admin.email, None, denied, now)
    return code
