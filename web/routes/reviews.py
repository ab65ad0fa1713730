"""The reviewers' pages: the queue, a venture's answers, and a recommendation through
check and confirm.

    GET  /reviews                          the ventures waiting for my review (from
                                             services.next_actions), soonest deadline first
    GET  /ventures/{id}/review             the answers by checklist and section, what is
                                             missing, each changed answer's history; the
                                             form: go or recycle, with a note
    POST /ventures/{id}/review/check       the form posts here: its errors, or "check your
                                             recommendation" (the values carried in hidden
                                             fields, so nothing is stored before confirming);
                                             posted again with then=confirm it is recorded
                                             (services.commands.record_review), with
                                             then=change the form comes back filled in
    GET  /ventures/{id}/review/check       nothing to check: back to the form
    GET  /ventures/{id}/review/recorded    the receipt: what happens next

Who may read a venture's review page is the services' answer (`services.review_view`):
anyone else (the venture's lead above all, or someone who is not a reviewer assigned to
it) gets "Page not found", as for a venture that does not exist, and the refusal is in
the audit log. A reviewer may change their recommendation while the venture is in
review: recording again supersedes the earlier one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from checklists.spec import Item, Text
from governance.lifecycle import VentureState
from governance.text_bounds import NOTE_MAX
from services.commands import CommandError, NotFound, PermissionDenied, record_review, sign_offs
from services.involvement import lived_experience_involvement
from services.next_actions import next_actions
from services.review_view import ReviewView, review_of
from web.access import sign_in_first
from web.answer_fields import evidence_words, in_words
from web.checklist_pages import Checklists, Entry
from web.page import Page, PageContext

router = APIRouter()

QUEUE = "/reviews"
REVIEW_KIND = "review"  # governance.next_actions.Kind.REVIEW
RECOMMENDATIONS = ("go", "recycle")  # governance.reviews.Recommendation, in the form's order
# (The domain's bound, governance.text_bounds: the page says it before the command does.)
VENTURE_ID_MAX = 32  # models.tables.Venture.id


async def _posted(request: Request) -> FormData:
    # The form was read (and its size bounded) once already, for the CSRF check.
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


def _urls(venture_id: str) -> dict[str, str]:
    base = f"/ventures/{venture_id}/review"
    return {
        "queue": QUEUE,
        "venture": f"/ventures/{venture_id}",
        "review": base,
        "check": f"{base}/check",
        "recorded": f"{base}/recorded",
    }


# --- the queue -------------------------------------------------------------------------------


@router.get(QUEUE, response_class=HTMLResponse)
def queue(page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    now = page.cyd.clock()
    try:
        actions = next_actions(page.engine, page.library, page.person.email, now)
    except NotFound:  # no longer in the programme: their session is no use
        return sign_in_first(page)
    # Already soonest deadline first (the services' order).
    waiting = [a for a in actions if a.kind == REVIEW_KIND]
    return page.render("reviews.html", actions=waiting, now=now)


# --- a venture's review page -----------------------------------------------------------------


def _read(page: PageContext, venture_id: str) -> ReviewView:
    """The venture as the signed-in reviewer reads it; 404 for a venture that does not
    exist and for anyone the services refuse (who are audited there)."""
    person = page.person
    if person is None or len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    try:
        return review_of(page.engine, page.library, venture_id, person.email, page.cyd.clock())
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


def _words(page: PageContext) -> dict[str, Any]:
    language = page.language

    def tr(text: Text | None) -> str:
        if text is None:
            return ""
        return text.cy if language == "cy" else text.en

    def question(item: Item) -> str:
        return tr(item.easy_read if page.easy_read and item.easy_read else item.question)

    def answer_lang(entry: Entry) -> str | None:
        given = entry.given
        if given is None:
            return None
        return given.language_shown(language)

    return {
        "tr": tr,
        "question": question,
        "answer_lang": answer_lang,
        "words_of": lambda item, value: in_words(page, item, value),
        # What reviewers look for: its Easy Read form on an Easy Read page, when given.
        "evidence_of": lambda item: evidence_words(page, item),
    }


def _review_page(
    page: PageContext,
    view: ReviewView,
    *,
    chosen: str | None,
    note: str,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    lists = Checklists(view.venture)
    venture_id = view.venture.venture_id
    return page.render(
        "review.html",
        status_code=status_code,
        view=view,
        venture=view.venture,
        lists=lists,
        missing=lists.missing(),
        signed=sign_offs(page.engine, page.library, venture_id),
        involvement=lived_experience_involvement(page.engine, venture_id),
        chosen=chosen,
        note=note,
        errors=errors,
        error_list=[{"text": text, "href": f"#{name}"} for name, text in errors.items()],
        why_closed=view.open.say(page.language, page.easy_read),
        note_max=NOTE_MAX,
        urls=_urls(venture_id),
        **_words(page),
    )


@router.get("/ventures/{venture_id}/review", response_class=HTMLResponse)
def review(venture_id: str, page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    view = _read(page, venture_id)
    mine = view.mine
    return _review_page(
        page,
        view,
        chosen=mine.recommend if mine is not None else None,
        note=(mine.note or "") if mine is not None else "",
        errors={},
    )


def _problems(page: PageContext, chosen: str | None, note: str) -> dict[str, str]:
    errors = {}
    if chosen not in RECOMMENDATIONS:
        errors["recommend"] = (
            page.pgettext("easy-read", "Please choose yes or not yet.")
            if page.easy_read
            else page.gettext(
                "Select whether the Board should approve the venture or send it back for more work"
            )
        )
    if len(note) > NOTE_MAX:
        errors["note"] = page.gettext("Your note must be %(max)d characters or fewer", max=NOTE_MAX)
    return errors


@router.get("/ventures/{venture_id}/review/check", response_class=HTMLResponse)
def nothing_to_check(venture_id: str, page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    _read(page, venture_id)
    return page.redirect(_urls(venture_id)["review"])


@router.post("/ventures/{venture_id}/review/check", response_class=HTMLResponse)
def check(venture_id: str, page: Page, form: Posted) -> Response:
    if page.person is None:
        return sign_in_first(page)
    view = _read(page, venture_id)
    raw = form.get("recommend")
    chosen = raw if isinstance(raw, str) else None
    written = form.get("note")
    note = written.strip() if isinstance(written, str) else ""
    then = form.get("then")
    if then == "change":
        return _review_page(page, view, chosen=chosen, note=note, errors={})
    errors = _problems(page, chosen, note)
    if errors:
        return _review_page(page, view, chosen=chosen, note=note, errors=errors, status_code=400)
    urls = _urls(venture_id)
    if then == "confirm":
        try:
            record_review(
                page.cyd, venture_id, by=page.person.email, recommend=str(chosen), note=note or None
            )
        except CommandError as refused:  # the venture left review meanwhile, among others
            return page.render(
                "review_refused.html",
                status_code=403,
                venture=view.venture,
                why=refused.say(page.language, page.easy_read),
                urls=urls,
            )
        return page.redirect(urls["recorded"])
    return page.render(
        "review_check.html",
        view=view,
        venture=view.venture,
        chosen=chosen,
        note=note,
        urls=urls,
    )


@router.get("/ventures/{venture_id}/review/recorded", response_class=HTMLResponse)
def recorded(venture_id: str, page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    view = _read(page, venture_id)
    if view.mine is None:
        return page.redirect(_urls(venture_id)["review"])
    return page.render(
        "review_recorded.html",
        view=view,
        venture=view.venture,
        in_review=view.venture.state == VentureState.IN_REVIEW.value,
        to_board=view.venture.state == VentureState.AWAITING_BOARD.value,
        urls=_urls(venture_id),
    )
