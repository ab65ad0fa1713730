"""Who is signed in: the session cookie, read by `identify` (create_app's default).

The browser holds the session's random token in the cookie `cyd_session` (HttpOnly,
SameSite=Lax, Secure except over http on loopback: web.visitor.set_cookie); the
server holds only its hash (services.sign_in). The cookie has no expiry (it ends
with the browser; the server ends the session after 12 hours anyway) unless the
person chose "remember this device", then it lasts as long as the session (30 days).

`identify(request, engine)` reads the cookie and asks `services.sign_in` who it
belongs to: one query by primary key, at most once a request (web.visitor). The
session's id for the forms' CSRF tokens is the hash the server stores, never the
token itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection
from starlette.responses import Response

from models.db import utcnow
from services import sign_in
from web.visitor import SignedIn, cookie_secure, set_cookie

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

SESSION_COOKIE = "cyd_session"


def session_token(request: HTTPConnection) -> str | None:
    """The session token this browser sent, if any."""
    return request.cookies.get(SESSION_COOKIE) or None


def identify(request: HTTPConnection, engine: Engine) -> SignedIn | None:
    """The person signed in on this request, by their session cookie, or None."""
    token = session_token(request)
    if token is None:
        return None
    found = sign_in.session_and_person(engine, token, utcnow())
    if found is None:
        return None
    _, person = found
    return SignedIn(person, hashlib.sha256(token.encode("utf-8")).hexdigest())


def set_session_cookie(
    request: HTTPConnection, response: Response, opened: sign_in.BrowserSession, now: dt.datetime
) -> None:
    """Give the browser its new session: no expiry unless remembered."""
    max_age = None
    if opened.remember:
        max_age = max(0, int((opened.expires_at - now).total_seconds()))
    set_cookie(request, response, SESSION_COOKIE, opened.token, max_age=max_age)


def forget_cookie(request: HTTPConnection, response: Response, name: str) -> None:
    """Tell the browser to drop a cookie (set with the same attributes, expired)."""
    response.delete_cookie(
        name, path="/", secure=cookie_secure(request), httponly=True, samesite="lax"
    )
