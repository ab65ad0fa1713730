"""Who may open a page: signed-in people only, and a venture only for whom the rules
let see it.

    from web.access import Member

    @router.get("/settings")
    def settings(page: Member) -> HTMLResponse:   # page.person is never None here
        ...

`Member` is `Page` for a signed-in person: anyone else is sent (303) to
`/sign-in?next=<this page>`, and back here once signed in (`sign_in_first(page)` does
the same from a handler that takes a plain `Page`). `next` is only ever a path of this
site (`local_path`): a link that says `next=https://elsewhere` signs a person in and
lands them on the home page, never on another site.

`venture_permissions(page, venture_id)` asks the services' rules
(`services.permitted.what_may_i_do`): a venture the person may not see is the same
"Page not found" as one that does not exist, so a page never tells anyone that a
venture exists.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, HTTPException, Request
from starlette.responses import RedirectResponse, Response

from services.commands import NotFound
from services.permitted import Permitted, what_may_i_do
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


def here(page: PageContext) -> str:
    """This page's path and query, to come back to."""
    url = page.request.url
    return local_path(f"{url.path}?{url.query}" if url.query else url.path) or HOME_PATH


def sign_in_first(page: PageContext) -> Response:
    """A 303 to the sign-in page, coming back here afterwards."""
    return page.redirect(sign_in_url(here(page)))


def venture_permissions(page: PageContext, venture_id: str) -> dict[str, Permitted]:
    """What the signed-in person may do with the venture, by action; 404 unless the rules
    let them see it (the same 404 as for a venture that does not exist)."""
    assert page.person is not None
    try:
        permitted = what_may_i_do(
            page.engine, page.library, page.person.email, venture_id, page.cyd.clock()
        )
    except NotFound:
        raise HTTPException(status_code=404) from None
    by_action = {p.action: p for p in permitted}
    if not by_action["view"].allowed:
        raise HTTPException(status_code=404)
    return by_action
