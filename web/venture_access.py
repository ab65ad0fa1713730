"""Who may open a venture's pages: signed in, and allowed to see it by the services.

    if (away := sign_in_first(page)) is not None:
        return away                                  # 303 to /sign-in?next=this page
    access = venture_access(page, venture_id)        # 404 unless they may see it

A person who may not see a venture gets the same "Page not found" as a venture that
does not exist (nothing says it is there). What they may do with it is the services'
answer (`services.permitted.what_may_i_do`), asked once a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException
from fastapi.responses import Response

from services.permitted import Permitted
from web import access
from web.page import PageContext


def sign_in_first(page: PageContext) -> Response | None:
    """None when someone is signed in; else a redirect to sign in and come back here."""
    return None if page.signed_in is not None else access.sign_in_first(page)


@dataclass(frozen=True)
class VentureAccess:
    """The signed-in person's email, and what they may do with the venture."""

    email: str
    permitted: dict[str, Permitted]

    def may(self, action: str) -> bool:
        return self.permitted[action].allowed

    def why_not(self, action: str, page: PageContext) -> str | None:
        """Why the person may not take `action`, in the page's language and format."""
        return self.permitted[action].say(page.language, page.easy_read)


def venture_access(page: PageContext, venture_id: str) -> VentureAccess:
    """What the signed-in person may do with the venture; 404 if they may not see it (or
    it does not exist). Call `sign_in_first` before."""
    person = page.person
    if person is None:
        raise HTTPException(status_code=404)
    return VentureAccess(person.email, access.venture_permissions(page, venture_id))
