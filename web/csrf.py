"""Cross-site request forgery: every POST (any method but GET, HEAD, OPTIONS) carries a token.

A signed double-submit: the browser holds a random nonce in the cookie `cyd_csrf`
(HttpOnly, SameSite=Lax); each form carries `csrf_token` = HMAC(the server's secret,
nonce + the signed-in session's id, or nothing when signed out). A POST is refused
(403) unless its token is the one its cookie and session give. So it works on the
signed-out forms (sign-in itself), another site cannot forge it (it can neither read
the cookie nor compute the HMAC), and a token from one session is worthless in
another. The cookie is made when a page first shows a form (`csrf_token()`).

`csrf_protect` is a dependency of the whole app (create_app): no POST route can
forget it. A form carries the token with `{{ csrf_field() }}` in its template; a
script may send it in the `X-CSRF-Token` header instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from web.visitor import SignedIn, set_cookie, signed_in

CSRF_COOKIE = "cyd_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_NONCE_BYTES = 32


def _sign(secret: bytes, nonce: str, visitor: SignedIn | None) -> str:
    session = visitor.session_id if visitor is not None else ""
    message = b"cyd-csrf\0" + nonce.encode() + b"\0" + session.encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _nonce(request: Request) -> str:
    """This browser's nonce: its cookie's, else a new one (set on the answer by
    `set_csrf_cookie`)."""
    known = getattr(request.state, "cyd_csrf_nonce", None)
    if known is None:
        known = request.cookies.get(CSRF_COOKIE) or ""
        if len(known) < 32:  # none, or not one of ours: make one
            known = secrets.token_urlsafe(_NONCE_BYTES)
            request.state.cyd_csrf_new = True
        request.state.cyd_csrf_nonce = known
    return str(known)


def csrf_token(request: Request) -> str:
    """The token the forms of this page carry. It may read the database (who is signed
    in): call it from sync code."""
    return _sign(request.app.state.settings.secret, _nonce(request), signed_in(request))


def set_csrf_cookie(request: Request, response: Response) -> None:
    """Send the nonce cookie if this request made a new one (PageContext.render does)."""
    if getattr(request.state, "cyd_csrf_new", False):
        set_cookie(request, response, CSRF_COOKIE, _nonce(request))


async def csrf_protect(request: Request) -> None:
    """Refuse (403) a request that may change something unless it carries the right token."""
    if request.method in SAFE_METHODS:
        return
    nonce = request.cookies.get(CSRF_COOKIE)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        # The form is parsed once: FastAPI and the handler get the same one.
        form = await request.form()
        field = form.get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if not nonce or not sent:
        raise HTTPException(status_code=403)
    visitor = await run_in_threadpool(signed_in, request)
    expected = _sign(request.app.state.settings.secret, nonce, visitor)
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(status_code=403)
