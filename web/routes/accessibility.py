"""GET /accessibility: the accessibility statement, in English and Welsh, standard and Easy Read."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from web.page import Page

router = APIRouter()

# How many working days Cyd's team takes to answer a request for another format.
REPLY_DAYS = 5


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility(page: Page) -> HTMLResponse:
    return page.render("accessibility.html", reply_days=REPLY_DAYS)
