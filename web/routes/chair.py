"""The chair's page: close a vote early, take a venture off hold, extend a deadline.

    GET  /ventures/{id}/chair                 what the chair may do, the vote so far
    GET  /ventures/{id}/chair/close           confirm: the count so far, quorum, the
    POST /ventures/{id}/chair/close             lived-experience quorum, what closing does
    GET  /ventures/{id}/chair/closed          the receipt: decided, or the vote runs on
    GET  /ventures/{id}/chair/resume          confirm taking the venture off hold
    POST /ventures/{id}/chair/resume
    GET  /ventures/{id}/chair/resumed         the receipt
    GET  /ventures/{id}/chair/extend          the new date and the reason
    POST /ventures/{id}/chair/extend            -> check your answers (nothing saved yet)
    POST /ventures/{id}/chair/extend/confirm    -> services.commands.extend
    GET  /ventures/{id}/chair/extended        the receipt

Only the chair: anyone else gets "Page not found", and the services record the
refusal (`services.chair.chair_view`). The rules are the services': the count and the
quorum are `services.chair`'s, each action is checked again by its command.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import HTMLResponse, Response

from governance.catalogue import text
from services.chair import ChairView, after_closing, chair_view
from services.commands import CommandError, NotFound, PermissionDenied, close_vote, extend, resume
from services.reminders import local_zone
from web.page import Page, PageContext
from web.venture_access import sign_in_first

router = APIRouter()

VENTURE_ID_MAX = 32  # models.tables.Venture.id
REASON_MAX = 1000  # characters: a reason is a sentence or two
DATE_PART_MAX = 8


def _urls(venture_id: str) -> dict[str, str]:
    base = f"/ventures/{venture_id}"
    chair = f"{base}/chair"
    return {
        "venture": base,
        "chair": chair,
        "close": f"{chair}/close",
        "closed": f"{chair}/closed",
        "resume": f"{chair}/resume",
        "resumed": f"{chair}/resumed",
        "extend": f"{chair}/extend",
        "confirm_extend": f"{chair}/extend/confirm",
        "extended": f"{chair}/extended",
        "decisions": f"{base}/decisions",
    }


def _view(page: PageContext, venture_id: str) -> ChairView:
    """The chair's view, or 404: a venture that does not exist, or a person who is not
    the chair (whose attempt the services have recorded)."""
    assert page.person is not None
    if len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    try:
        return chair_view(
            page.engine, page.library, page.person.email, venture_id, page.cyd.clock()
        )
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


def _say(page: PageContext, code: str, params: dict[str, Any]) -> str:
    return text(code, page.language, params, page.easy_read, local_zone())


def _render(page: PageContext, template: str, view: ChairView, **context: Any) -> Response:
    return page.render(
        template,
        venture=view,
        urls=_urls(view.venture_id),
        say=lambda r: _say(page, r.code, dict(r.params)),
        why_not=lambda p: p.say(page.language, page.easy_read),
        now=page.cyd.clock(),
        **context,
    )


def _refused(page: PageContext, view: ChairView, why: str | None) -> Response:
    return page.render(
        "chair_refused.html",
        status_code=403,
        venture=view,
        why=why or "",
        urls=_urls(view.venture_id),
    )


# --- the chair's page -------------------------------------------------------------------------


@router.get("/ventures/{venture_id}/chair", response_class=HTMLResponse)
def chair(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    return _render(page, "chair.html", _view(page, venture_id))


# --- close early --------------------------------------------------------------------------


@router.get("/ventures/{venture_id}/chair/close", response_class=HTMLResponse)
def confirm_close(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    if not view.close.allowed or view.vote is None:
        return _refused(page, view, view.close.say(page.language, page.easy_read))
    return _render(page, "chair_close.html", view)


@router.post("/ventures/{venture_id}/chair/close", response_class=HTMLResponse)
def close(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    assert page.person is not None
    try:
        close_vote(page.cyd, venture_id, by=page.person.email)
    except CommandError as refused:
        return _refused(page, view, refused.say(page.language, page.easy_read))
    return page.redirect(_urls(venture_id)["closed"])


@router.get("/ventures/{venture_id}/chair/closed", response_class=HTMLResponse)
def closed(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    return _render(
        page, "chair_done.html", view, done="closed", after=after_closing(page.engine, venture_id)
    )


# --- take off hold ------------------------------------------------------------------------


@router.get("/ventures/{venture_id}/chair/resume", response_class=HTMLResponse)
def confirm_resume(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    if not view.resume.allowed:
        return _refused(page, view, view.resume.say(page.language, page.easy_read))
    return _render(page, "chair_resume.html", view)


@router.post("/ventures/{venture_id}/chair/resume", response_class=HTMLResponse)
def take_off_hold(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    assert page.person is not None
    try:
        resume(page.cyd, venture_id, by=page.person.email)
    except CommandError as refused:
        return _refused(page, view, refused.say(page.language, page.easy_read))
    return page.redirect(_urls(venture_id)["resumed"])


@router.get("/ventures/{venture_id}/chair/resumed", response_class=HTMLResponse)
def resumed(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    return _render(page, "chair_done.html", view, done="resumed", after=None)


# --- extend a deadline ----------------------------------------------------------------------


def _extend_form(
    page: PageContext,
    view: ChairView,
    fields: dict[str, str],
    errors: dict[str, str],
) -> Response:
    response = _render(
        page,
        "chair_extend.html",
        view,
        fields=fields,
        errors=errors,
        error_list=[
            {"text": message, "href": "#" + ("until-day" if name == "until" else name)}
            for name, message in errors.items()
        ],
    )
    if errors:
        response.status_code = 400
    return response


def _read_extension(
    page: PageContext, day: str, month: str, year: str, reason: str
) -> tuple[dt.date | None, dict[str, str]]:
    """The date and reason as typed, and what is wrong with their form (the page's
    words). Whether the date is late enough is the command's to say, on confirming."""
    errors: dict[str, str] = {}
    until: dt.date | None = None
    try:
        until = dt.date(int(year.strip()), int(month.strip()), int(day.strip()))
    except ValueError:
        errors["until"] = (
            page.pgettext("easy-read", "Write the new date as numbers, like 27 3 2027.")
            if page.easy_read
            else page.gettext("The new deadline must be a real date, like 27 3 2027")
        )
    if not reason.strip():
        errors["reason"] = _say(page, "extend-reason-missing", {})
    return until, errors


@router.get("/ventures/{venture_id}/chair/extend", response_class=HTMLResponse)
def extend_form(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    if not view.extend.allowed:
        return _refused(page, view, view.extend.say(page.language, page.easy_read))
    return _extend_form(page, view, {}, {})


Part = Annotated[str, Form(max_length=DATE_PART_MAX)]
Reason = Annotated[str, Form(max_length=REASON_MAX)]


@router.post("/ventures/{venture_id}/chair/extend", response_class=HTMLResponse)
def check_extension(
    venture_id: str,
    page: Page,
    day: Part = "",
    month: Part = "",
    year: Part = "",
    reason: Reason = "",
) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    fields = {"day": day, "month": month, "year": year, "reason": reason}
    until, errors = _read_extension(page, day, month, year, reason)
    if errors or until is None:
        return _extend_form(page, view, fields, errors)
    return _render(
        page,
        "chair_extend_check.html",
        view,
        until=until,
        reason=" ".join(reason.split()),
        fields=fields,
    )


@router.post("/ventures/{venture_id}/chair/extend/confirm", response_class=HTMLResponse)
def confirm_extension(
    venture_id: str,
    page: Page,
    day: Part = "",
    month: Part = "",
    year: Part = "",
    reason: Reason = "",
) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    fields = {"day": day, "month": month, "year": year, "reason": reason}
    until, errors = _read_extension(page, day, month, year, reason)
    if errors or until is None:
        return _extend_form(page, view, fields, errors)
    assert page.person is not None
    try:
        extend(page.cyd, venture_id, until=until, by=page.person.email, reason=reason)
    except PermissionDenied as refused:
        return _refused(page, view, refused.say(page.language, page.easy_read))
    except CommandError as mistake:  # the date is not later than the deadline in force
        field = "reason" if mistake.code == "extend-reason-missing" else "until"
        return _extend_form(page, view, fields, {field: mistake.say(page.language, page.easy_read)})
    return page.redirect(_urls(venture_id)["extended"])


@router.get("/ventures/{venture_id}/chair/extended", response_class=HTMLResponse)
def extended(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    view = _view(page, venture_id)
    return _render(page, "chair_done.html", view, done="extended", after=None)
