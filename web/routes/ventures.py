"""A person's ventures: the list (GET /ventures), starting one (GET and POST
/ventures/new), and a venture's own page (GET /ventures/{id}).

Every venture page asks the rules whether the person may see the venture first
(web.access.venture_permissions): one they may not see is the same "Page not found"
as one that does not exist. Starting a venture makes the signed-in person its lead;
the form only says which of their workstreams it is in and what it is called.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import HTMLResponse, Response

from checklists.library import Library
from governance.catalogue import has, text
from notifications.render import sentences
from services.commands import CommandError, NotFound, PermissionDenied, start_venture
from services.easy_read_summaries import check_summary, summary_view, write_summary
from services.history import AuditEvent, audit_trail
from services.ideas import idea_of_venture
from services.involvement import WorkstreamPlace, workstreams_of
from services.next_actions import next_actions
from services.overview import SentBack, my_ventures, venture_summary, workstream_names
from services.reminders import local_zone
from web.access import sign_in_first, venture_permissions
from web.page import Page, PageContext

router = APIRouter()

TITLE_MAX = 300  # characters: the venture table's bound
# Longer than any title, so a title a little too long is said kindly (TITLE_MAX); a
# longer field is refused as a bad request, like any field past its bound.
TITLE_FIELD_MAX = 2000
WORKSTREAM_FIELD_MAX = 64
HISTORY_SHOWN = 50  # the newest events of a venture's history on its page
CHECKLIST_KINDS = frozenset({"answer", "submit", "fix"})  # acted on in the checklist


def gate_title(library: Library, gate_id: str) -> dict[str, str]:
    """The gate's name in English and Welsh (its id, for a gate no longer defined)."""
    try:
        title = library.gate(gate_id).title
    except KeyError:
        return {"en": gate_id, "cy": gate_id}
    return {"en": title.en, "cy": title.cy}


def where_to_act(venture_id: str, kind: str) -> str:
    """The page where a next action is done: the checklist for answering, submitting and
    fixing; the venture's page for everything else."""
    if kind in CHECKLIST_KINDS:
        return f"/ventures/{venture_id}/checklist"
    return f"/ventures/{venture_id}"


# --- My ventures --------------------------------------------------------------------------


@router.get("/ventures", response_class=HTMLResponse)
def ventures(page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    try:
        lines = my_ventures(page.engine, page.person.email)
        places = workstreams_of(page.engine, page.person.email)
    except NotFound:
        return sign_in_first(page)
    return page.render(
        "ventures.html",
        ventures=lines,
        gates={line.gate_id: gate_title(page.library, line.gate_id) for line in lines},
        may_start=bool(places),
        now=page.cyd.clock(),
    )


# --- Start a venture ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A mistake on the form, said beside its field and in the error summary."""

    field: str  # the id of the input to go to
    message: str


def _new_venture_form(
    page: PageContext,
    places: list[WorkstreamPlace],
    *,
    workstream: str = "",
    title: str = "",
    problems: list[Problem] | None = None,
) -> Response:
    problems = problems or []
    named = workstream_names(page.engine)
    return page.render(
        "venture_new.html",
        status_code=400 if problems else 200,
        radio_items=[
            {
                "value": place.id,
                "text": named.get(place.id, {}).get(page.language) or place.name,
                "checked": place.id == workstream,
            }
            for place in places
        ],
        title=title,
        errors={p.field: p.message for p in problems},
        error_list=[{"text": p.message, "href": f"#{p.field}"} for p in problems],
    )


@router.get("/ventures/new", response_class=HTMLResponse)
def new_venture(page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    try:
        places = workstreams_of(page.engine, page.person.email)
    except NotFound:
        return sign_in_first(page)
    return _new_venture_form(page, places)


@router.post("/ventures/new", response_class=HTMLResponse)
def start_new_venture(
    page: Page,
    workstream: Annotated[str, Form(max_length=WORKSTREAM_FIELD_MAX)] = "",
    title: Annotated[str, Form(max_length=TITLE_FIELD_MAX)] = "",
) -> Response:
    if page.person is None:
        return sign_in_first(page)
    try:
        places = workstreams_of(page.engine, page.person.email)
    except NotFound:
        return sign_in_first(page)
    problems: list[Problem] = []
    if workstream not in {p.id for p in places}:
        problems.append(Problem("workstream", _say_choose_workstream(page)))
    if not title.strip():
        problems.append(Problem("title", _say_enter_title(page)))
    elif len(title) > TITLE_MAX:
        problems.append(Problem("title", _say_title_too_long(page)))
    if not problems:
        try:
            # The lead is whoever is signed in: never anything the form says.
            outcome = start_venture(
                page.cyd, workstream=workstream, title=title, lead=page.person.email
            )
        except CommandError as error:
            field = "title" if error.code == "title-missing" else "workstream"
            problems.append(Problem(field, error.say(page.language, page.easy_read)))
        else:
            return page.redirect(f"/ventures/{outcome.venture_id}/checklist")
    return _new_venture_form(page, places, workstream=workstream, title=title, problems=problems)


def _say_choose_workstream(page: PageContext) -> str:
    if page.easy_read:
        return page.pgettext("easy-read", "Choose a team.")
    return page.gettext("Select the workstream the venture is in")


def _say_enter_title(page: PageContext) -> str:
    if page.easy_read:
        return page.pgettext("easy-read", "Write a name for the work.")
    return page.gettext("Enter what the venture is called")


def _say_title_too_long(page: PageContext) -> str:
    if page.easy_read:
        return page.pgettext("easy-read", "The name is too long. Make it shorter.")
    return page.gettext("The name must be %(max)d characters or fewer", max=TITLE_MAX)


# --- A venture's page ---------------------------------------------------------------------


@router.get("/ventures/{venture_id}", response_class=HTMLResponse)
def venture(page: Page, venture_id: str) -> Response:
    if page.person is None:
        return sign_in_first(page)
    done = page.request.query_params.get("summary", "")
    return _venture_page(page, venture_id, done=done if done in ("written", "checked") else "")


def _venture_page(
    page: PageContext,
    venture_id: str,
    *,
    summary_errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    done: str = "",
    status_code: int = 200,
) -> Response:
    assert page.person is not None
    permitted = venture_permissions(page, venture_id)  # 404 unless they may see it
    try:
        summary = venture_summary(page.engine, venture_id)
        mine = next_actions(
            page.engine, page.library, page.person.email, page.cyd.clock(), venture_id=venture_id
        )
        easy_read_summary = summary_view(page.engine, venture_id, page.person.email)
    except NotFound:
        raise HTTPException(status_code=404) from None
    history: list[AuditEvent] = []
    if permitted["view-audit"].allowed:
        history = audit_trail(page.engine, venture_id)[::-1][:HISTORY_SHOWN]
        history = [_question_named(page, event) for event in history]
    errors = summary_errors or {}
    return page.render(
        "venture.html",
        status_code=status_code,
        venture=summary,
        gate=gate_title(page.library, summary.gate_id),
        actions=mine,
        may_answer=permitted["answer"].allowed,
        sent_back=_sent_back_words(page, summary.sent_back),
        history=history,
        history_limited=len(history) == HISTORY_SHOWN,
        er_summary=easy_read_summary,
        summary_errors=errors,
        summary_error_list=[{"text": said, "href": f"#{field}"} for field, said in errors.items()],
        typed=typed or {},
        summary_done=done,
        summary_most=SUMMARY_FIELD_MAX,
        now=page.cyd.clock(),
        from_idea=idea_of_venture(page.engine, venture_id),
    )


# --- its Easy Read summary: the lead writes it, a co-producer checks it ----------------------

SUMMARY_FIELD_MAX = 4000  # characters: far past 120 words; longer is a bad request
NOTE_FIELD_MAX = 2000


def _said(page: PageContext, error: CommandError) -> str:
    """A refusal or a mistake, in the page's language and format, as a sentence."""
    said = error.say(page.language, page.easy_read)
    return said[:1].upper() + said[1:]


@router.post("/ventures/{venture_id}/summary", response_class=HTMLResponse)
def write_easy_read_summary(
    page: Page,
    venture_id: str,
    text: Annotated[str, Form(max_length=SUMMARY_FIELD_MAX)] = "",
) -> Response:
    if page.person is None:
        return sign_in_first(page)
    venture_permissions(page, venture_id)  # 404 unless they may see it
    try:
        # The writer is whoever is signed in; the rules decide whether they may.
        write_summary(page.cyd, venture_id, text, by=page.person.email)
    except NotFound:
        raise HTTPException(status_code=404) from None
    except PermissionDenied as refused:
        errors = {"summary-text-field": _said(page, refused)}
        return _venture_page(
            page, venture_id, summary_errors=errors, typed={"text": text}, status_code=403
        )
    except CommandError as error:
        errors = {"summary-text-field": _said(page, error)}
        return _venture_page(
            page, venture_id, summary_errors=errors, typed={"text": text}, status_code=400
        )
    return page.redirect(f"/ventures/{venture_id}?summary=written#easy-read-summary")


@router.post("/ventures/{venture_id}/summary/check", response_class=HTMLResponse)
def check_easy_read_summary(
    page: Page,
    venture_id: str,
    verdict: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=NOTE_FIELD_MAX)] = "",
) -> Response:
    if page.person is None:
        return sign_in_first(page)
    venture_permissions(page, venture_id)  # 404 unless they may see it
    typed = {"verdict": verdict, "note": note}
    if verdict not in ("agreed", "changes"):
        said = (
            page.pgettext("easy-read", "Please say if the summary is right.")
            if page.easy_read
            else page.gettext("Select whether the summary says it right")
        )
        return _venture_page(
            page, venture_id, summary_errors={"verdict": said}, typed=typed, status_code=400
        )
    try:
        check_summary(page.cyd, venture_id, verdict == "agreed", note, by=page.person.email)
    except NotFound:
        raise HTTPException(status_code=404) from None
    except PermissionDenied as refused:
        errors = {"verdict": _said(page, refused)}
        return _venture_page(page, venture_id, summary_errors=errors, typed=typed, status_code=403)
    except CommandError as error:
        field = "note" if error.code == "summary-note-missing" else "verdict"
        errors = {field: _said(page, error)}
        return _venture_page(page, venture_id, summary_errors=errors, typed=typed, status_code=400)
    return page.redirect(f"/ventures/{venture_id}?summary=checked#easy-read-summary")


def _question_named(page: PageContext, event: AuditEvent) -> AuditEvent:
    """The event with the item it is about named by its question (the first sentence, in
    the page's language and format) rather than its id: an id is no word of any
    language, and a person knows the question."""
    checklist_id, item_id = event.params.get("checklist"), event.params.get("item")
    if not isinstance(checklist_id, str) or not isinstance(item_id, str):
        return event
    try:
        item = page.library.checklist(checklist_id).item(item_id)
    except KeyError:
        return event
    words = getattr(item.easy_read if page.easy_read else item.question, page.language)
    question = (sentences(words) or [words])[0]
    return dataclasses.replace(event, params={**event.params, "item": f"“{question}”"})


def _sent_back_words(page: PageContext, sent_back: SentBack | None) -> dict[str, Any] | None:
    """Why the venture was sent back, worded in the page's language and format: the items
    that stopped it (each question, and the checklist's own reason), then the rules'
    other reasons (the items' own reason already says what "checklist-incomplete" says)."""
    if sent_back is None:
        return None
    language = page.language
    items = []
    for gap in sent_back.gaps:
        try:
            item = page.library.checklist(gap.checklist_id).item(gap.item_id)
        except KeyError:
            question = gap.item_id
        else:
            words = item.easy_read if page.easy_read else item.question
            question = getattr(words, language)
        items.append(
            {
                "question": question,
                "problem": gap.problem,
                "reason": (
                    (page.easy_read and gap.easy_read.get(language))
                    or gap.reason.get(language)
                    or gap.reason.get("en", "")
                ),
            }
        )
    reasons = [
        text(code, language, params, page.easy_read, local_zone())
        for code, params in sent_back.reasons
        if has(code) and not (items and code in ("checklist-incomplete", "checklist-not-met"))
    ]
    return {"state": sent_back.state, "at": sent_back.at, "items": items, "reasons": reasons}
