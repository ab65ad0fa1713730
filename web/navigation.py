"""The service navigation of a signed-in person's pages (base.html's `navigation`)."""

from __future__ import annotations

from web.page import PageContext

HOME = "/"
VENTURES = "/ventures"
NEW_VENTURE = "/ventures/new"


def signed_in_navigation(page: PageContext, current: str) -> list[dict[str, object]]:
    """The links every signed-in page shows, `current` marked as the page the person is on."""
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
    return [
        {"href": href, "text": text, "current": href == current} for href, text in texts.items()
    ]
