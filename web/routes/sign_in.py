"""Signing in, without a password or anything to remember (WCAG 2.2, 3.3.8).

    GET  /sign-in            the email, and "remember this device"
    POST /sign-in            asks services.sign_in for a link and a code; "check your
                             messages", the same page whether or not the email is known
    GET  /sign-in/code       the email and the six-digit code (a printed code, or a
                             message read on another device)
    POST /sign-in/code       signs in, or one message for every failure
    GET  /sign-in/{token}    the link in the message: keeps the token, goes on to ...
    GET  /sign-in/link       ... a page with a button, which
    POST /sign-in/link       signs in

Where a person goes once signed in: the page they were going to (`next`, only ever a
path of this site), else home. The code's form carries `next`; the link cannot (it is
the same for wherever the person was going), so asking for it keeps `next` in a
cookie of this browser for as long as the link works: the link opened in the same
browser goes back there, opened anywhere else it goes home.

Why the link does not sign in by itself: mail scanners and link previews open every
link in a message (a GET) before the person does. If opening the link signed in, the
scanner would use up the one-time link (and hold a session). So a GET only keeps the
token in a short-lived cookie and shows a "Sign in" button; only the person's POST
uses it. Keeping the token in a cookie rather than on the page also takes it out of
the address bar and the history, and off the page (whose language switch links repeat
the page's address).

Every post is limited per address (web.limits) and carries the form's CSRF token.
Who signs in comes from the link or the code, never from anything else in the form.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from governance.sign_in import LINK_LIFETIME, REMEMBERED_SESSION
from models.db import utcnow
from services import sign_in
from web.access import HOME_PATH, MAX_NEXT, local_path
from web.limits import client_address, limit_posts
from web.page import Page, PageContext
from web.sessions import forget_cookie, session_token, set_session_cookie
from web.visitor import set_cookie

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

router = APIRouter()
log = logging.getLogger("cyd.web")

LINK_COOKIE = "cyd_link"
NEXT_COOKIE = "cyd_next"
LINK_PAGE = "/sign-in/link"
CODE_PAGE = "/sign-in/code"
MAX_EMAIL = 320
MAX_CODE = 64
MAX_TOKEN = 128
# Enough to catch a slip (no @, a space, nothing after the @): the service, not the
# page, knows which addresses are real, and the page never tells.
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LIMITED = [Depends(limit_posts)]

Email = Annotated[str, Form(max_length=MAX_EMAIL)]
Next = Annotated[str, Form(alias="next", max_length=MAX_NEXT)]
Remember = Annotated[str, Form(max_length=8)]


def _minutes() -> int:
    return int(LINK_LIFETIME.total_seconds() // 60)


def _days() -> int:
    return REMEMBERED_SESSION.days


def _common(next_path: str | None) -> dict[str, Any]:
    return {"next_path": local_path(next_path) or "", "minutes": _minutes(), "days": _days()}


def _email_problem(page: PageContext, email: str) -> str | None:
    if not email:
        return page.gettext("Enter your email address")
    if not _EMAIL_SHAPE.match(email):
        return page.gettext("Enter an email address in the right format, like name@example.com")
    return None


def _signed_in(
    page: PageContext, opened: sign_in.BrowserSession, next_path: str | None
) -> RedirectResponse:
    """To the page the person was going to (or home), with their new session. The
    browser's earlier session, if any, ends: one browser, one session."""
    earlier = session_token(page.request)
    if earlier is not None and earlier != opened.token:
        sign_in.sign_out(page.engine, earlier)
    response = page.redirect(local_path(next_path) or HOME_PATH)
    set_session_cookie(page.request, response, opened, utcnow())
    forget_cookie(page.request, response, LINK_COOKIE)
    forget_cookie(page.request, response, NEXT_COOKIE)
    return response


def _keep_next(request: Request, response: Response, next_path: str | None) -> None:
    """Keep where to go after signing in for the link (see above), or forget an
    earlier request's."""
    target = local_path(next_path)
    if target is None:
        forget_cookie(request, response, NEXT_COOKIE)
        return
    lifetime = int(LINK_LIFETIME.total_seconds())
    set_cookie(request, response, NEXT_COOKIE, quote(target, safe=""), max_age=lifetime)


def _kept_next(request: Request) -> str | None:
    return local_path(unquote(request.cookies.get(NEXT_COOKIE, "")))


# --- asking for a link and a code -------------------------------------------------------


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(page: Page) -> Response:
    next_path = page.request.query_params.get("next", "")
    if page.signed_in is not None:
        return page.redirect(local_path(next_path) or HOME_PATH)
    return page.render("sign_in.html", email="", remember=False, error=None, **_common(next_path))


def _send(engine: Engine, email: str, address: str, remember: bool, base_url: str) -> None:
    """Ask the service for a link and a code (after the answer has gone)."""
    try:
        sign_in.request_sign_in(
            engine,
            email,
            from_address=address,
            now=utcnow(),
            remember=remember,
            base_url=base_url,
        )
    except Exception as error:
        # Neither the email nor the error's text: it may hold what was typed.
        log.error("a sign-in request could not be handled (%s)", type(error).__name__)


@router.post("/sign-in", response_class=HTMLResponse, dependencies=LIMITED)
def ask_for_a_link(
    page: Page,
    request: Request,
    background: BackgroundTasks,
    email: Email = "",
    remember: Remember = "",
    next_path: Next = "",
) -> Response:
    email = email.strip()
    remembered = remember == "yes"
    problem = _email_problem(page, email)
    if problem is not None:
        return page.render(
            "sign_in.html",
            status_code=400,
            email=email,
            remember=remembered,
            error=problem,
            **_common(next_path),
        )
    # After the answer has gone: sending takes as long as the person's channels take,
    # and an unknown email sends nothing, so doing it now would tell which it is.
    background.add_task(
        _send,
        page.engine,
        email,
        client_address(request),
        remembered,
        request.app.state.settings.pages_url,
    )
    response = page.render(
        "sign_in_code.html",
        sent=True,
        email=email,
        remember=remembered,
        error=None,
        error_field=None,
        **_common(next_path),
    )
    _keep_next(request, response, next_path)
    return response


# --- the code ------------------------------------------------------------------------------


@router.get(CODE_PAGE, response_class=HTMLResponse)
def code_page(page: Page) -> Response:
    next_path = page.request.query_params.get("next", "")
    if page.signed_in is not None:
        return page.redirect(local_path(next_path) or HOME_PATH)
    return page.render(
        "sign_in_code.html",
        sent=False,
        email="",
        remember=False,
        error=None,
        error_field=None,
        **_common(next_path),
    )


@router.post(CODE_PAGE, response_class=HTMLResponse, dependencies=LIMITED)
def sign_in_with_a_code(
    page: Page,
    request: Request,
    email: Email = "",
    code: Annotated[str, Form(max_length=MAX_CODE)] = "",
    remember: Remember = "",
    next_path: Next = "",
) -> Response:
    email = email.strip()
    remembered = remember == "yes"
    problem, field = _email_problem(page, email), "email"
    if problem is None and not code.strip():
        problem, field = page.gettext("Enter the code from your message"), "code"
    if problem is None:
        now = utcnow()
        try:
            opened = sign_in.redeem_code(
                page.engine,
                email,
                code,
                now,
                remembered,
                from_address=client_address(request),
            )
        except sign_in.SignInFailed:
            # One message for every reason, so the page never tells whether the
            # email is known (the reason is in the audit log).
            problem, field = (
                page.gettext(
                    "That code did not work. It may be wrong, already used or more than"
                    " %(minutes)d minutes old. Check the code or ask for a new one.",
                    minutes=_minutes(),
                ),
                "code",
            )
        else:
            return _signed_in(page, opened, next_path)
    return page.render(
        "sign_in_code.html",
        status_code=400,
        sent=False,
        email=email,
        remember=remembered,
        error=problem,
        error_field=field,
        **_common(next_path),
    )


# --- the link ------------------------------------------------------------------------------


@router.get(LINK_PAGE, response_class=HTMLResponse)
def link_page(page: Page) -> Response:
    has_token = bool(page.request.cookies.get(LINK_COOKIE))
    return page.render("sign_in_link.html", failed=not has_token, **_common(None))


@router.post(LINK_PAGE, response_class=HTMLResponse, dependencies=LIMITED)
def sign_in_with_the_link(page: Page, request: Request) -> Response:
    token = request.cookies.get(LINK_COOKIE, "")
    try:
        opened = sign_in.redeem_link(
            page.engine, token, utcnow(), from_address=client_address(request)
        )
    except sign_in.SignInFailed:
        response = page.render("sign_in_link.html", status_code=400, failed=True, **_common(None))
        forget_cookie(request, response, LINK_COOKIE)
        return response
    return _signed_in(page, opened, _kept_next(request))


@router.get("/sign-in/{token}")
def open_the_link(
    request: Request, token: Annotated[str, Path(min_length=16, max_length=MAX_TOKEN)]
) -> Response:
    """The link in the message: keep its token for the button's post (see above)."""
    response = RedirectResponse(LINK_PAGE, status_code=303)
    set_cookie(request, response, LINK_COOKIE, token, max_age=int(LINK_LIFETIME.total_seconds()))
    return response
