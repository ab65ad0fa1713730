"""The service navigation of a signed-in person's pages (base.html's `navigation`).

`PageContext.render` gives it to every page a signed-in person sees, from the page's
path: the link to the page itself is the current one (aria-current="page"); a
venture's own pages (its page, its checklist, its questions) are in "My ventures"
(marked active, aria-current="true").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from web.page import PageContext

HOME = "/"
VENTURES = "/ventures"
NEW_VENTURE = "/ventures/new"
PEOPLE = "/people"  # admins only (services.people_admin)


def section_of(path: str) -> str | None:
    """The navigation link a page at `path` belongs under, if any."""
    if path in (HOME, VENTURES, NEW_VENTURE):
        return path
    if path.startswith(VENTURES + "/"):
        return VENTURES
    if path == PEOPLE or path.startswith(PEOPLE + "/"):
        return PEOPLE
    return None


def signed_in_navigation(page: PageContext, path: str) -> list[dict[str, object]]:
    """The links every signed-in page shows: the page at `path` marked current, or the
    link it belongs under marked active."""
    if page.easy_read:
        texts = {
            HOME: page.pgettext("easy-read", "Things to do"),
            VENTURES: page.pgettext("easy-read", "My work"),
            NEW_VENTURE: page.pgettext("easy-read", "Start new work"),
        }
    else:
        texts = {
            HOME: page.gettext("What I need to do"),
            VENTURES: page.gettext("My ventures"),
            NEW_VENTURE: page.gettext("Start a venture"),
        }
    if _is_admin(page):
        texts[PEOPLE] = (
            page.pgettext("easy-read", "People") if page.easy_read else page.gettext("People")
        )
    section = section_of(path)
    return [
        {
            "href": href,
            "text": text,
            "current": href == path,
            "active": href == section and href != path,
        }
        for href, text in texts.items()
    ]


def _is_admin(page: PageContext) -> bool:
    """Whether to show "People": asked of the services once a request (the pages
    themselves are refused by the services to anyone else)."""
    from services.people_admin import is_admin

    state = page.request.state
    known = getattr(state, "cyd_is_admin", None)
    if known is None:
        person = page.person
        known = person is not None and is_admin(page.engine, person.email)
        state.cyd_is_admin = known
    return bool(known)
