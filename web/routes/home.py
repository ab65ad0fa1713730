"""GET /: "What I need to do", the signed-in person's next actions, soonest deadline
first (those without a deadline last), each with why and where to act."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from services.commands import NotFound
from services.next_actions import next_actions
from web.access import sign_in_first
from web.page import Page

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    now = page.cyd.clock()
    try:
        actions = next_actions(page.engine, page.library, page.person.email, now)
    except NotFound:  # no longer in the programme: their session is no use
        return sign_in_first(page)
    return page.render(
        "home.html",
        actions=actions,
        now=now,
    )
