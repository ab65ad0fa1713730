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
BOARD = "/board"


def section_of(path: str) -> str | None:
    """The navigation link a page at `path` belongs under, if any."""
    if path in (HOME, VENTURES, NEW_VENTURE):
        return path
    if path.startswith(VENTURES + "/"):
        return VENTURES
    if path == BOARD or path.startswith(BOARD + "/"):
        return BOARD
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
    # The Board's papers are for its members (and admins, and a member's supporter):
    # the services say who (`may_view_pack`); one small read a page.
    from services.board_pages import sees_board

    if page.person is not None and sees_board(page.engine, page.person.email):
        texts[BOARD] = (
            page.pgettext("easy-read", "The Board") if page.easy_read else page.gettext("The Board")
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
