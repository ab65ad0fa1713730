"""Pages for signed-in people only, and where to go after signing in.

    from web.access import Member

    @router.get("/settings")
    def settings(page: Member) -> HTMLResponse:   # page.person is never None here
        ...

`Member` is `Page` for a signed-in person: anyone else is sent (303) to
`/sign-in?next=<this page>`, and back here once signed in. `next` is only ever a
path of this site (`local_path`): a link that says `next=https://elsewhere` signs a
person in and lands them on the home page, never on another site.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from starlette.responses import RedirectResponse, Response

from web.page import PageContext, page_context

SIGN_IN_PATH = "/sign-in"
HOME_PATH = "/"
MAX_NEXT = 2000


def local_path(value: str | None) -> str | None:
    """`value` if it is a path of this site ("/settings?x=1"), else None: nothing
    absolute ("https://..."), scheme-relative ("//host") or with a backslash or control
    character (which some browsers read as "//")."""
    if not value or len(value) > MAX_NEXT or not value.startswith("/"):
        return None
    if value.startswith("//") or "\\" in value:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    return value


def sign_in_url(next_path: str | None) -> str:
    """The sign-in page, coming back to `next_path` (if it is local and not home)."""
    target = local_path(next_path)
    if target is None or target == HOME_PATH:
        return SIGN_IN_PATH
    return f"{SIGN_IN_PATH}?{urlencode({'next': target})}"


class SignInRequired(Exception):
    """Raised by `member_page`: the page needs a signed-in person."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


def member_page(page: Annotated[PageContext, Depends(page_context)]) -> PageContext:
    if page.signed_in is None:
        request = page.request
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        # After a post, come back to the page (GET), not to the form's action.
        raise SignInRequired(here if request.method == "GET" else HOME_PATH)
    return page


Member = Annotated[PageContext, Depends(member_page)]


async def _to_sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(sign_in_url(exc.next_path), status_code=303)


def install_sign_in_redirect(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _to_sign_in)
