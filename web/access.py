"""Who may open a page: signed-in people only, and a venture only for whom the rules
let see it.

    @router.get("/ventures/{venture_id}")
    def venture(page: Page, venture_id: str) -> Response:
        if page.person is None:
            return sign_in_first(page)
        allowed = venture_permissions(page, venture_id)   # 404 unless they may view it
        ...

`sign_in_first(page)` sends a visitor who is not signed in to `/sign-in?next=...`,
to come back to this page after signing in (only ever a path of this site).
`venture_permissions` asks the services' rules (`services.permitted.what_may_i_do`):
a venture the person may not see is the same "Page not found" as one that does not
exist, so a page never tells anyone that a venture exists.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import HTTPException
from fastapi.responses import RedirectResponse

from services.commands import NotFound
from services.permitted import Permitted, what_may_i_do
from web.page import PageContext

SIGN_IN_PATH = "/sign-in"


def local_path(value: str | None) -> str:
    """`value` if it is a path of this site ("/..."), else "/": never another site's
    address ("//host", "/\\host", "https://...") nor anything with a line break."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or any(c in value for c in "\r\n\t\\")
    ):
        return "/"
    return value


def here(page: PageContext) -> str:
    """This page's path and query, to come back to."""
    url = page.request.url
    return local_path(f"{url.path}?{url.query}" if url.query else url.path)


def sign_in_url(next_path: str) -> str:
    """The sign-in page, with where to go after it (a path of this site)."""
    return f"{SIGN_IN_PATH}?{urlencode({'next': local_path(next_path)})}"


def sign_in_first(page: PageContext) -> RedirectResponse:
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
