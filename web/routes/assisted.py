"""Assisted actions: a clerk records what a person said at a meeting; the person confirms.

    GET  /clerk/ventures/{id}/vote            choose the member and their vote
    POST /clerk/ventures/{id}/vote/check        check what will be recorded
    POST /clerk/ventures/{id}/vote/record       record it (services.assisted)
    GET  /clerk/ventures/{id}/answer          choose the person, the question, the answer
    POST /clerk/ventures/{id}/answer/check      check it
    POST /clerk/ventures/{id}/answer/record     record it
    GET  /clerk/recorded/{pending}            the receipt: waiting for <name> to confirm
    GET  /confirm                             what clerks recorded for me, to confirm
    GET  /confirm/{pending}                   what was recorded, by whom, when
    POST /confirm/{pending}                     Confirm, or "This is not right"

Who may do what is the services' (services.assisted, governance.permissions): anyone
else who types these addresses gets "Page not found", and the refusal is audited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from governance.ballots import Choice
from services import assisted
from services.assisted import ClerkDesk
from services.commands import CommandError, NotFound, PermissionDenied
from web.access import Member
from web.page import PageContext

router = APIRouter()

VENTURE_ID_MAX = 32
CHOICES = tuple(c.value for c in Choice)


async def _posted(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


def _email(page: PageContext) -> str:
    assert page.person is not None
    return page.person.email


def _desk(page: PageContext, venture_id: str) -> ClerkDesk:
    if len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    try:
        return assisted.clerk_desk(page.cyd, venture_id, by=_email(page))
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _name_of(desk_people: Any, email: str) -> str | None:
    return next((p.name for p in desk_people if p.email == email), None)


# --- the clerk: a vote -------------------------------------------------------------------


@router.get("/clerk/ventures/{venture_id}/vote", response_class=HTMLResponse)
def clerk_vote(venture_id: str, page: Member) -> Response:
    desk = _desk(page, venture_id)
    return page.render("clerk_vote.html", desk=desk, choices=CHOICES, given={}, errors={})


def _vote_errors(page: PageContext, desk: ClerkDesk, form: FormData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _name_of(desk.voters, _field(form, "member")) is None:
        errors["member"] = page.gettext("Choose the member who said how they vote")
    choice = _field(form, "choice")
    if choice not in CHOICES:
        errors["choice"] = page.gettext("Choose how the member votes")
    elif choice == Choice.APPROVE_WITH_CONDITIONS.value and not _field(form, "conditions"):
        errors["conditions"] = page.gettext("Write the conditions the member gave")
    return errors


@router.post("/clerk/ventures/{venture_id}/vote/check", response_class=HTMLResponse)
def clerk_vote_check(venture_id: str, page: Member, form: Posted) -> Response:
    desk = _desk(page, venture_id)
    given = {k: _field(form, k) for k in ("member", "choice", "conditions")}
    errors = _vote_errors(page, desk, form)
    if errors:
        return page.render(
            "clerk_vote.html",
            desk=desk,
            choices=CHOICES,
            given=given,
            errors=errors,
            status_code=400,
        )
    return page.render(
        "clerk_check.html",
        desk=desk,
        what="vote",
        given=given,
        person_name=_name_of(desk.voters, given["member"]),
    )


@router.post("/clerk/ventures/{venture_id}/vote/record", response_class=HTMLResponse)
def clerk_vote_record(venture_id: str, page: Member, form: Posted) -> Response:
    desk = _desk(page, venture_id)
    if _vote_errors(page, desk, form):
        return page.redirect(f"/clerk/ventures/{desk.venture_id}/vote")
    choice = _field(form, "choice")
    try:
        outcome = assisted.record_vote_for(
            page.cyd,
            desk.venture_id,
            by=_email(page),
            member=_field(form, "member"),
            choice=choice,
            reason=_field(form, "conditions") if choice == "approve-with-conditions" else None,
        )
    except PermissionDenied:
        raise HTTPException(status_code=404) from None
    except CommandError as error:
        return _refused(page, desk, error)
    return page.redirect(f"/clerk/recorded/{outcome.details['id']}")


# --- the clerk: an answer ----------------------------------------------------------------


@router.get("/clerk/ventures/{venture_id}/answer", response_class=HTMLResponse)
def clerk_answer(venture_id: str, page: Member) -> Response:
    desk = _desk(page, venture_id)
    return page.render("clerk_answer.html", desk=desk, given={}, errors={})


def _answer_errors(page: PageContext, desk: ClerkDesk, form: FormData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if _name_of(desk.answerers, _field(form, "person")) is None:
        errors["person"] = page.gettext("Choose the person who gave the answer")
    if _field(form, "item") not in {ref for ref, _en, _cy in desk.items}:
        errors["item"] = page.gettext("Choose the question they answered")
    if not _field(form, "answer"):
        errors["answer"] = page.gettext("Write the answer they gave")
    return errors


@router.post("/clerk/ventures/{venture_id}/answer/check", response_class=HTMLResponse)
def clerk_answer_check(venture_id: str, page: Member, form: Posted) -> Response:
    desk = _desk(page, venture_id)
    given = {k: _field(form, k) for k in ("person", "item", "answer")}
    errors = _answer_errors(page, desk, form)
    if errors:
        return page.render(
            "clerk_answer.html", desk=desk, given=given, errors=errors, status_code=400
        )
    return page.render(
        "clerk_check.html",
        desk=desk,
        what="answer",
        given=given,
        person_name=_name_of(desk.answerers, given["person"]),
        question=_question(page, desk, given["item"]),
    )


@router.post("/clerk/ventures/{venture_id}/answer/record", response_class=HTMLResponse)
def clerk_answer_record(venture_id: str, page: Member, form: Posted) -> Response:
    desk = _desk(page, venture_id)
    if _answer_errors(page, desk, form):
        return page.redirect(f"/clerk/ventures/{desk.venture_id}/answer")
    try:
        outcome = assisted.record_answer_for(
            page.cyd,
            desk.venture_id,
            by=_email(page),
            person=_field(form, "person"),
            item_ref=_field(form, "item"),
            value=_field(form, "answer"),
        )
    except PermissionDenied:
        raise HTTPException(status_code=404) from None
    except CommandError as error:
        return _refused(page, desk, error)
    return page.redirect(f"/clerk/recorded/{outcome.details['id']}")


def _question(page: PageContext, desk: ClerkDesk, ref: str) -> str:
    for item_ref, en, cy in desk.items:
        if item_ref == ref:
            return cy if page.language == "cy" else en
    return ref


def _refused(page: PageContext, desk: ClerkDesk, error: CommandError) -> Response:
    return page.render(
        "clerk_refused.html",
        desk=desk,
        reason=error.say(page.language, page.easy_read),
        status_code=409,
    )


@router.get("/clerk/recorded/{pending_id}", response_class=HTMLResponse)
def clerk_receipt(pending_id: int, page: Member) -> Response:
    # The receipt is the clerk's: what they recorded, read as the person it is for would
    # not be (it is not theirs), so only its recorder sees it.
    found = _recorded_by(page, pending_id)
    return page.render("clerk_receipt.html", pending=found)


def _recorded_by(page: PageContext, pending_id: int) -> assisted.Pending:
    try:
        return assisted.recorded_by_me(page.cyd, pending_id, by=_email(page))
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


# --- the person: confirm ------------------------------------------------------------------


@router.get("/confirm", response_class=HTMLResponse)
def my_confirmations(page: Member) -> Response:
    try:
        waiting = assisted.my_pending(page.engine, _email(page))
    except NotFound:
        raise HTTPException(status_code=404) from None
    return page.render("confirm_list.html", waiting=waiting)


def _mine(page: PageContext, pending_id: int) -> assisted.Pending:
    try:
        return assisted.pending_action(page.cyd, pending_id, by=_email(page))
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


@router.get("/confirm/{pending_id}", response_class=HTMLResponse)
def confirm_page(pending_id: int, page: Member) -> Response:
    return page.render("confirm.html", pending=_mine(page, pending_id), problem=None)


@router.post("/confirm/{pending_id}", response_class=HTMLResponse)
def confirm_post(pending_id: int, page: Member, decision: Annotated[str, Form()] = "") -> Response:
    pending = _mine(page, pending_id)
    try:
        if decision == "confirm":
            assisted.confirm(page.cyd, pending_id, by=_email(page))
        elif decision == "decline":
            assisted.decline(page.cyd, pending_id, by=_email(page))
        else:
            raise HTTPException(status_code=400)
    except PermissionDenied as refused:
        # The person's own rules refused it now (the vote closed, they declared an
        # interest since): said on the page, not hidden.
        return _problem(page, pending, refused)
    except CommandError as error:
        return _problem(page, pending, error)
    return page.redirect(f"/confirm/{pending_id}")


def _problem(page: PageContext, pending: assisted.Pending, error: CommandError) -> Response:
    return page.render(
        "confirm.html",
        pending=pending,
        problem=error.say(page.language, page.easy_read),
        status_code=409,
    )
