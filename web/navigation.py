"""The service navigation of a signed-in person's pages (base.html's `navigation`).

`PageContext.render` gives it to every page a signed-in person sees, from the page's
path: the link to the page itself is the current one (aria-current="page"); a
venture's own pages (its page, its checklist, its questions) are in "My ventures"
(marked active, aria-current="true"). A reviewer also has "Reviews" (the queue; a
venture's review page is under it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from governance.permissions import Role
from services.board_pages import roles_and_board

if TYPE_CHECKING:
    from web.page import PageContext

HOME = "/"
VENTURES = "/ventures"
NEW_VENTURE = "/ventures/new"
REVIEWS = "/reviews"
REVIEW_PAGE = "review"  # a venture's review pages: /ventures/{id}/review[/...]
PEOPLE = "/people"  # admins only (services.people_admin)
BOARD = "/board"  # Board members, admins and a member's supporter (services.board_pages)
TRANSLATIONS = "/translations"  # translators and admins (services.translations)


def section_of(path: str) -> str | None:
    """The navigation link a page at `path` belongs under, if any."""
    if path in (HOME, VENTURES, NEW_VENTURE, REVIEWS):
        return path
    parts = path.split("/")  # "", "ventures", id, "review", ...
    if path.startswith(VENTURES + "/") and len(parts) > 3 and parts[3] == REVIEW_PAGE:
        return REVIEWS
    if path.startswith(VENTURES + "/"):
        return VENTURES
    if path == PEOPLE or path.startswith(PEOPLE + "/"):
        return PEOPLE
    if path == BOARD or path.startswith(BOARD + "/"):
        return BOARD
    if path == TRANSLATIONS or path.startswith(TRANSLATIONS + "/"):
        return TRANSLATIONS
    return None


def signed_in_navigation(page: PageContext, path: str) -> list[dict[str, object]]:
    """The links every signed-in page shows: the page at `path` marked current, or the
    link it belongs under marked active."""
    if page.easy_read:
        texts = {
            HOME: page.pgettext("easy-read", "Things to do"),
            VENTURES: page.pgettext("easy-read", "My work"),
            NEW_VENTURE: page.pgettext("easy-read", "Start new work"),
            REVIEWS: page.pgettext("easy-read", "Work to check"),
        }
    else:
        texts = {
            HOME: page.gettext("What I need to do"),
            VENTURES: page.gettext("My ventures"),
            NEW_VENTURE: page.gettext("Start a venture"),
            REVIEWS: page.gettext("Reviews"),
        }
    roles, board = _roles(page)
    if Role.REVIEWER not in roles:
        del texts[REVIEWS]
    # The Board's papers are for its members (and admins, and a member's supporter):
    # the services say who (`may_view_pack`); read with the roles, one small read a page.
    if board:
        texts[BOARD] = (
            page.pgettext("easy-read", "The Board") if page.easy_read else page.gettext("The Board")
        )
    if roles & {Role.TRANSLATOR, Role.ADMIN}:
        texts[TRANSLATIONS] = (
            page.pgettext("easy-read", "Words to translate")
            if page.easy_read
            else page.gettext("Translations")
        )
    if Role.ADMIN in roles:
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


def _roles(page: PageContext) -> tuple[frozenset[Role], bool]:
    """The signed-in person's roles and whether the Board's pages are for them, read
    once a request: which links to offer (the pages themselves are refused by the
    services to anyone the rules refuse)."""
    state = page.request.state
    known: tuple[frozenset[Role], bool] | None = getattr(state, "cyd_roles", None)
    if known is None:
        person = page.person
        known = (frozenset(), False) if person is None else roles_and_board(page.engine, person)
        state.cyd_roles = known
    return known
