"""A venture's records: the Board's decisions, and its audit trail.

    GET /ventures/{id}/decisions            the decision record: everyone in the programme
    GET /ventures/{id}/audit?person=&kind=  the audit trail, filtered (a GET form: works
                                              without JavaScript); those the rules let see
                                              it (services.venture_audit says who and why)

Both read from the services (services.decision_record, services.venture_audit): a page
words what they give, in the page's language and format, and decides nothing. A venture
that does not exist, or an audit trail the person may not see, is "Page not found".
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from governance.catalogue import text
from governance.reasons import Reason
from services.commands import NotFound, PermissionDenied
from services.decision_record import decision_record
from services.reminders import local_zone
from services.venture_audit import KINDS, venture_audit
from web.page import Page, PageContext
from web.venture_access import sign_in_first

router = APIRouter()

VENTURE_ID_MAX = 32  # models.tables.Venture.id
FILTER_MAX = 320  # an email address at most


def _reason_words(page: PageContext) -> Any:
    def words(r: Reason) -> str:
        return text(r.code, page.language, dict(r.params), page.easy_read, local_zone())

    return words


@router.get("/ventures/{venture_id}/decisions", response_class=HTMLResponse)
def decisions(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    assert page.person is not None
    if len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    try:
        record = decision_record(page.engine, page.person.email, venture_id)
    except NotFound:
        raise HTTPException(status_code=404) from None
    return page.render(
        "decisions.html",
        record=record,
        reason_words=_reason_words(page),
        gate_title=lambda gate: _gate_title(page, gate),
        now=page.cyd.clock(),
    )


def _gate_title(page: PageContext, gate_id: str) -> str:
    try:
        title = page.library.gate(gate_id).title
    except KeyError:
        return gate_id
    return title.cy if page.language == "cy" else title.en


@router.get("/ventures/{venture_id}/audit", response_class=HTMLResponse)
def audit_trail(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    assert page.person is not None
    if len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    query = page.request.query_params
    person = query.get("person") or None
    kind = query.get("kind") or None
    if (person and len(person) > FILTER_MAX) or (kind and kind not in KINDS):
        # A filter no form of ours gives: nothing to match, said as a bad request.
        raise HTTPException(status_code=400)
    try:
        trail = venture_audit(page.engine, page.person.email, venture_id, person=person, kind=kind)
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None
    return page.render("audit.html", trail=trail, now=page.cyd.clock())
