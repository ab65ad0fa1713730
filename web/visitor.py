"""Who is asking, and in which language and format they read.

Who: the app's `identify` function (create_app's argument) says who is signed in on
a request, or None; it is asked at most once a request (`signed_in`). Sign-in
provides it: it reads its session cookie and returns a `SignedIn`, whose
`session_id` (any stable text naming the server-side session, never shown) binds
the forms' CSRF tokens to the session. Until then nobody is signed in.

Language and format, for each request, the first that says:

    1. the query: ?lang=cy|en, ?format=easy-read|standard (the switches on every
       page are links that add it; the answer then remembers it in a cookie)
    2. the cookies cyd_lang and cyd_format (this browser's last choice)
    3. the signed-in person's own settings (person.language, person.format)
    4. English, standard

Error pages use 1, 2 and 4 only: they never touch the database, which may be why
there is an error.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import HTTPConnection
from starlette.responses import Response

from web.i18n import (
    DEFAULT_FORMAT,
    DEFAULT_LANGUAGE,
    Format,
    Language,
    format_or_none,
    language_or_none,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from models.tables import Person

LANG_PARAM = "lang"
FORMAT_PARAM = "format"
LANG_COOKIE = "cyd_lang"
FORMAT_COOKIE = "cyd_format"
CHOICE_MAX_AGE = 365 * 24 * 3600
_LOOPBACK_NAMES = frozenset({"localhost"})


@dataclass(frozen=True)
class SignedIn:
    """The person signed in on a request (a detached row: read it, never change it),
    and the id of their server-side session."""

    person: Person
    session_id: str


Identify = Callable[[HTTPConnection, "Engine"], SignedIn | None]


def nobody(_request: HTTPConnection, _engine: Engine) -> SignedIn | None:
    """The `identify` of an app without sign-in: nobody is ever signed in."""
    return None


_UNKNOWN = object()


def signed_in(request: HTTPConnection) -> SignedIn | None:
    """Who is signed in on this request (the app's `identify`, asked once a request).

    It may read the database: call it from a sync handler or dependency (FastAPI runs
    those in a thread), or through `run_in_threadpool` from async code."""
    known = getattr(request.state, "cyd_signed_in", _UNKNOWN)
    if known is _UNKNOWN:
        app_state = request.app.state
        known = app_state.identify(request, app_state.cyd.engine)
        request.state.cyd_signed_in = known
    assert known is None or isinstance(known, SignedIn)
    return known


def chosen_language(request: HTTPConnection, person: Person | None = None) -> Language:
    """The page's language: the query, else the cookie, else the person's, else English."""
    return (
        language_or_none(request.query_params.get(LANG_PARAM))
        or language_or_none(request.cookies.get(LANG_COOKIE))
        or (language_or_none(person.language) if person is not None else None)
        or DEFAULT_LANGUAGE
    )


def chosen_format(request: HTTPConnection, person: Person | None = None) -> Format:
    """The page's format: the query, else the cookie, else the person's, else standard."""
    return (
        format_or_none(request.query_params.get(FORMAT_PARAM))
        or format_or_none(request.cookies.get(FORMAT_COOKIE))
        or (format_or_none(person.format) if person is not None else None)
        or DEFAULT_FORMAT
    )


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cookie_secure(request: HTTPConnection) -> bool:
    """Whether a cookie set in answer to this request is `Secure` (see WebSettings)."""
    forced: bool | None = request.app.state.settings.secure_cookies
    if forced is not None:
        return forced
    return not (request.url.scheme == "http" and _loopback(request.url.hostname))


def set_cookie(
    request: HTTPConnection,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None = None,
) -> None:
    """Set a cookie the way every cookie of the pages is set: HttpOnly, SameSite=Lax,
    Path=/, Secure (except over http on loopback)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=cookie_secure(request),
        httponly=True,
        samesite="lax",
    )


def remember_choices(
    request: HTTPConnection,
    response: Response,
    *,
    language: Language | None = None,
    shape: Format | None = None,
) -> None:
    """Remember a language and/or format in this browser (cookies for a year). Without
    arguments: those the request's query chose, if any (the switches)."""
    language = language or language_or_none(request.query_params.get(LANG_PARAM))
    shape = shape or format_or_none(request.query_params.get(FORMAT_PARAM))
    if language is not None:
        set_cookie(request, response, LANG_COOKIE, language, max_age=CHOICE_MAX_AGE)
    if shape is not None:
        set_cookie(request, response, FORMAT_COOKIE, shape, max_age=CHOICE_MAX_AGE)


def switch_url(request: HTTPConnection, **choice: str) -> str:
    """This page's path and query with `lang` and/or `format` set (the switches' links)."""
    params = dict(request.query_params)
    params.update(choice)
    return f"{request.url.path}?{urlencode(params)}"
