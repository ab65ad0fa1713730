"""The Board's pages: its agenda and papers, declaring an interest, voting.

    GET  /board                          the coming meetings and the ventures awaiting the Board
    GET  /board/pack                     the signed-in member's papers as a page
    GET  /board/pack.pdf                 the same papers as the PDF the email carries
    GET  /ventures/{id}/interest         declare an interest, or see and withdraw one's own
    POST /ventures/{id}/interest           (services.commands.declare_interest)
    POST /ventures/{id}/interest/withdraw  (services.commands.withdraw_interest)
    GET  /ventures/{id}/vote             the choices, the conditions, "my supporter helped me"
    POST /ventures/{id}/vote/check       check your vote (the form's values, nothing stored)
                                           then, with confirm, services.commands.vote
    GET  /ventures/{id}/vote/receipt     the vote recorded, and until when it can change

The papers (page, PDF, email) are one content: `notifications.board_pack.pack_blocks`
of the pack `services.board_pages.reader_pack` reads; the page only lays the blocks out.

Refusals. Someone who may not read the Board's papers gets "Page not found" for
/board and the pack (as for a venture one may not see: no page says it exists). On a
venture's vote page, the rules' answer decides, as on the checklist's pages: a venture
the person may not see is "Page not found"; a member who may see it but may not vote
(a declared interest, not on the Board, no vote open) is told why on the page, in the
services' words (`what_may_i_do`), and never shown the form; a vote posted anyway is
refused by the vote command, which audits it, and answered 403 with why (as a refused
answer is). The exception is the venture's own lead: a lead is never sent to their own
vote page, so reaching it is typing its address, a refusal by URL. It answers "Page not
found" like a page one may not see, and the refusal is audited (an attempt to vote).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from governance.ballots import Choice
from governance.board_pack import BoardPack
from governance.text_bounds import CONDITIONS_MAX, INTEREST_MAX
from notifications.board_pack import Block, pack_blocks, render_pdf
from services.board_pages import (
    VoteView,
    board_overview,
    reader_pack,
    refuse_vote_form,
    vote_view,
)
from services.commands import (
    CommandError,
    NotFound,
    PermissionDenied,
    declare_interest,
    vote,
    withdraw_interest,
)
from services.local_time import local_day
from web.page import Page, PageContext
from web.venture_access import VentureAccess, sign_in_first, venture_access

router = APIRouter()

VENTURE_ID_MAX = 32  # models.tables.Venture.id
# CONDITIONS_MAX, INTEREST_MAX: the domain's bounds (governance.text_bounds).
OWN_VENTURE = "own-venture"  # the rules' code for a lead's own venture


async def _posted(request: Request) -> FormData:
    # The form was read (and its size bounded) once already, for the CSRF check.
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


def _urls(venture_id: str) -> dict[str, str]:
    base = f"/ventures/{venture_id}"
    return {
        "venture": base,
        "interest": f"{base}/interest",
        "withdraw": f"{base}/interest/withdraw",
        "vote": f"{base}/vote",
        "check": f"{base}/vote/check",
        "receipt": f"{base}/vote/receipt",
        "board": "/board",
        "pack": "/board/pack",
        "pdf": "/board/pack.pdf",
    }


def _today(page: PageContext) -> dt.date:
    return local_day(page.cyd.clock())


def choice_words(page: PageContext) -> dict[str, str]:
    """Each choice in plain words, in the page's language and format."""
    if page.easy_read:
        return {
            Choice.APPROVE: page.pgettext("easy-read", "Yes. The work can go ahead."),
            Choice.APPROVE_WITH_CONDITIONS: page.pgettext(
                "easy-read", "Yes, if some things are done."
            ),
            Choice.RECYCLE: page.pgettext("easy-read", "Not yet. It needs more work."),
            Choice.REJECT: page.pgettext("easy-read", "No. The work should stop."),
            Choice.HOLD: page.pgettext("easy-read", "Wait. Put the work on hold."),
            Choice.ABSTAIN: page.pgettext("easy-read", "I do not say yes or no."),
            Choice.MORE_TIME: page.pgettext("easy-read", "I need more time to decide."),
        }
    return {
        Choice.APPROVE: page.gettext("Approve"),
        Choice.APPROVE_WITH_CONDITIONS: page.gettext("Approve with conditions"),
        Choice.RECYCLE: page.gettext("Send back for more work"),
        Choice.REJECT: page.gettext("Reject"),
        Choice.HOLD: page.gettext("Put on hold"),
        Choice.ABSTAIN: page.gettext("Abstain"),
        Choice.MORE_TIME: page.gettext("I need more time"),
    }


def choice_hints(page: PageContext) -> dict[str, str]:
    if page.easy_read:
        return {
            Choice.APPROVE_WITH_CONDITIONS: page.pgettext(
                "easy-read", "You write what must be done."
            ),
            Choice.RECYCLE: page.pgettext(
                "easy-read", "The work goes back to the team. Then the Board looks again."
            ),
            Choice.MORE_TIME: page.pgettext("easy-read", "You get more time. Then you vote."),
        }
    return {
        Choice.APPROVE_WITH_CONDITIONS: page.gettext("You write the conditions."),
        Choice.RECYCLE: page.gettext(
            "The venture goes back to its workstream for more work, then comes back to the Board."
        ),
        Choice.REJECT: page.gettext("The venture stops at this gate."),
        Choice.HOLD: page.gettext("The venture waits until the chair takes it off hold."),
        Choice.ABSTAIN: page.gettext("You take part, but vote neither for nor against."),
        Choice.MORE_TIME: page.gettext(
            "When the vote would close, it is extended once so that you can decide."
        ),
    }


# --- the agenda and the papers --------------------------------------------------------------


@router.get("/board", response_class=HTMLResponse)
def board(page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    assert page.person is not None
    try:
        overview = board_overview(page.engine, page.library, page.person.email, _today(page))
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None
    return page.render("board.html", overview=overview, urls=_urls(""))


def _pack(page: PageContext) -> BoardPack | None:
    assert page.person is not None
    try:
        return reader_pack(
            page.engine,
            page.library,
            page.person.email,
            language=page.language,
            easy_read=page.easy_read,
            today=_today(page),
        )
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


def layout(blocks: list[Block]) -> list[tuple[Block, ...]]:
    """The blocks as the page lays them out: each run of Easy Read points together (one
    list on the page), every other block on its own."""
    runs: list[tuple[Block, ...]] = []
    for block in blocks:
        if block.kind == "point" and runs and runs[-1][0].kind == "point":
            runs[-1] = (*runs[-1], block)
        else:
            runs.append((block,))
    return runs


@router.get("/board/pack", response_class=HTMLResponse)
def pack_page(page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    pack = _pack(page)
    blocks = pack_blocks(pack, page.language) if pack is not None else []
    heading = blocks[0].text if blocks and blocks[0].kind == "h1" else None
    return page.render(
        "board_pack.html",
        pack=pack,
        heading=heading,
        runs=layout(blocks[1:] if heading else blocks),
        urls=_urls(""),
    )


@router.get("/board/pack.pdf")
def pack_pdf(page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    pack = _pack(page)
    if pack is None:
        raise HTTPException(status_code=404)
    name = f"board-papers-{pack.meeting.isoformat()}.pdf"
    return Response(
        render_pdf(pack),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- declaring an interest ------------------------------------------------------------------


def _venture(page: PageContext, venture_id: str) -> tuple[VentureAccess, VoteView]:
    if len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    access = venture_access(page, venture_id)
    try:
        return access, vote_view(page.engine, access.email, venture_id)
    except NotFound:
        raise HTTPException(status_code=404) from None


def _interest_page(
    page: PageContext,
    access: VentureAccess,
    view: VoteView,
    *,
    error: str | None = None,
    written: str = "",
    status_code: int = 200,
) -> Response:
    done = page.request.query_params.get("done")
    return page.render(
        "interest.html",
        status_code=status_code,
        view=view,
        access=access,
        why_not_declare=access.why_not("declare", page),
        why_not_withdraw=access.why_not("withdraw-interest", page),
        done=done if done in ("declared", "withdrawn") else None,
        error=error,
        written=written,
        limit=INTEREST_MAX,
        urls=_urls(view.venture_id),
    )


@router.get("/ventures/{venture_id}/interest", response_class=HTMLResponse)
def interest(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, view = _venture(page, venture_id)
    return _interest_page(page, access, view)


@router.post("/ventures/{venture_id}/interest", response_class=HTMLResponse)
def declare(venture_id: str, page: Page, form: Posted) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, view = _venture(page, venture_id)
    written = str(form.get("interest") or "")
    if not " ".join(written.split()) or len(written) > INTEREST_MAX:
        error = (
            page.pgettext("easy-read", "Please write how you are linked to this work.")
            if page.easy_read
            else page.gettext(
                "Say what your interest is, in %(num)d characters or fewer.", num=INTEREST_MAX
            )
            if written.strip()
            else page.gettext("Say what your interest is.")
        )
        return _interest_page(page, access, view, error=error, written=written, status_code=400)
    try:
        declare_interest(page.cyd, venture_id, member=access.email, interest=written)
    except CommandError as refused:
        return _refused(page, view, refused)
    return page.redirect(_urls(venture_id)["interest"] + "?done=declared")


@router.post("/ventures/{venture_id}/interest/withdraw", response_class=HTMLResponse)
def undeclare(venture_id: str, page: Page, form: Posted) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, view = _venture(page, venture_id)
    reason = str(form.get("reason") or "")[:INTEREST_MAX]
    try:
        withdraw_interest(page.cyd, venture_id, member=access.email, reason=reason)
    except CommandError as refused:
        return _refused(page, view, refused)
    return page.redirect(_urls(venture_id)["interest"] + "?done=withdrawn")


# --- voting ---------------------------------------------------------------------------------


def _lead_away(page: PageContext, access: VentureAccess, venture_id: str) -> None:
    """A lead at their own vote page: the refusal is audited, and the page is not found."""
    if access.permitted["vote"].code == OWN_VENTURE:
        with contextlib.suppress(PermissionDenied):  # recorded: the answer is a 404
            refuse_vote_form(page.cyd, venture_id, member=access.email)
        raise HTTPException(status_code=404)


def _may_not_vote(page: PageContext, access: VentureAccess, view: VoteView) -> Response:
    return page.render(
        "vote_refused.html",
        view=view,
        why=access.why_not("vote", page) or "",
        may_declare=access.may("declare"),
        urls=_urls(view.venture_id),
    )


def _read_vote(
    page: PageContext, form: Any, view: VoteView
) -> tuple[dict[str, str], dict[str, str]]:
    """The vote's fields as given, and what is wrong with them (by field)."""
    values = {
        "choice": str(form.get("choice") or ""),
        "conditions": str(form.get("conditions") or "").strip(),
        "supporter": str(form.get("supporter") or ""),
    }
    errors: dict[str, str] = {}
    if values["choice"] not in {c.value for c in Choice}:
        errors["choice"] = (
            page.pgettext("easy-read", "Please choose one answer.")
            if page.easy_read
            else page.gettext("Choose how you vote.")
        )
    elif values["choice"] == Choice.APPROVE_WITH_CONDITIONS and not values["conditions"]:
        errors["conditions"] = (
            page.pgettext("easy-read", "Please write what must be done.")
            if page.easy_read
            else page.gettext("Write the conditions of your approval.")
        )
    if len(values["conditions"]) > CONDITIONS_MAX:
        errors["conditions"] = page.gettext(
            "Write the conditions in %(num)d characters or fewer.", num=CONDITIONS_MAX
        )
    if values["choice"] != Choice.APPROVE_WITH_CONDITIONS:
        values["conditions"] = ""
    if values["supporter"] and values["supporter"] not in {s.email for s in view.supporters}:
        errors["supporter"] = page.gettext("Choose a supporter from the list.")
    return values, errors


def _vote_form(
    page: PageContext,
    access: VentureAccess,
    view: VoteView,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    order = {"choice": 0, "conditions": 1, "supporter": 2}
    anchors = {"choice": "#choice", "conditions": "#conditions", "supporter": "#supporter"}
    return page.render(
        "vote.html",
        status_code=status_code,
        view=view,
        values=values,
        errors=errors,
        error_list=[
            {"text": errors[k], "href": anchors[k]} for k in sorted(errors, key=order.__getitem__)
        ],
        choices=choice_words(page),
        hints=choice_hints(page),
        may_declare=access.may("declare"),
        limit=CONDITIONS_MAX,
        urls=_urls(view.venture_id),
    )


@router.get("/ventures/{venture_id}/vote", response_class=HTMLResponse)
def vote_page(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, view = _venture(page, venture_id)
    _lead_away(page, access, venture_id)
    if not access.may("vote") or view.ballot is None:
        return _may_not_vote(page, access, view)
    query = page.request.query_params
    # Coming back from the check page to change an answer: the values given there.
    current = view.current
    values = {
        "choice": query.get("choice") or (current.choice if current else ""),
        "conditions": query.get("conditions") or (current.conditions if current else ""),
        "supporter": query.get("supporter") or "",
    }
    if values["choice"] != Choice.APPROVE_WITH_CONDITIONS:
        values["conditions"] = ""
    return _vote_form(page, access, view, values, {})


@router.get("/ventures/{venture_id}/vote/check")
def vote_check_get(venture_id: str, page: Page) -> Response:
    # Nothing to check without a form's values: the form.
    return page.redirect(_urls(venture_id[:VENTURE_ID_MAX])["vote"])


@router.post("/ventures/{venture_id}/vote/check", response_class=HTMLResponse)
def vote_check(venture_id: str, page: Page, form: Posted) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, view = _venture(page, venture_id)
    _lead_away(page, access, venture_id)
    values, errors = _read_vote(page, form, view)
    confirmed = form.get("confirm") == "yes"
    if not confirmed and (not access.may("vote") or view.ballot is None):
        return _may_not_vote(page, access, view)
    if errors:
        return _vote_form(page, access, view, values, errors, status_code=400)
    if not confirmed:
        helper = next((s.name for s in view.supporters if s.email == values["supporter"]), None)
        return page.render(
            "vote_check.html",
            view=view,
            values=values,
            helper=helper,
            choices=choice_words(page),
            change_url=_change_url(view.venture_id, values),
            urls=_urls(view.venture_id),
        )
    try:
        vote(
            page.cyd,
            venture_id,
            member=access.email,
            choice=values["choice"],
            reason=values["conditions"] or None,
            supported_by=values["supporter"] or None,
        )
    except PermissionDenied as refused:
        if refused.code == OWN_VENTURE:  # audited by the command
            raise HTTPException(status_code=404) from None
        return _refused(page, view, refused)
    except CommandError as refused:
        return _refused(page, view, refused)
    return page.redirect(_urls(venture_id)["receipt"])


def _change_url(venture_id: str, values: dict[str, str]) -> str:
    from urllib.parse import urlencode

    kept = {k: v for k, v in values.items() if v}
    return _urls(venture_id)["vote"] + ("?" + urlencode(kept) if kept else "")


@router.get("/ventures/{venture_id}/vote/receipt", response_class=HTMLResponse)
def receipt(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, view = _venture(page, venture_id)
    _lead_away(page, access, venture_id)
    if view.current is None:
        return page.redirect(_urls(venture_id)["vote"])
    return page.render(
        "vote_receipt.html",
        view=view,
        choices=choice_words(page),
        urls=_urls(venture_id),
    )


def _refused(page: PageContext, view: VoteView, refused: CommandError) -> Response:
    return page.render(
        "board_refused.html",
        status_code=403,
        view=view,
        why=refused.say(page.language, page.easy_read),
        urls=_urls(view.venture_id),
    )
