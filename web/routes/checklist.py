"""A venture's checklist in the browser: the task list, question pages, check your
answers and submit.

    GET  /ventures/{id}/checklist           the task list (a returned venture's reasons on top)
    GET  /ventures/{id}/checklist/{item}    a question page (web.checklist_pages says what
    POST /ventures/{id}/checklist/{item}      it holds); saved through services.commands.answer_many
    GET  /ventures/{id}/check               every answer with a change link, what is missing
    POST /ventures/{id}/check                 and why; posting submits (the lead)
    GET  /ventures/{id}/submitted           the confirmation: what happens next

A question page also asks why an item cannot be met yet, while its answer does not meet
what it asks (`met_when.justification`; web.checklist_pages says why only then): saved
with the answers, as the item 'ITEM.justification'. Saving an answer that is not met
stays on the page, with `?saved=1`: a banner says so.

Every page needs a signed-in person (else to /sign-in?next=...) who may see the venture
(else "Page not found", as for a venture that does not exist). The rules are the
services': a refusal is shown in the person's language, never decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from checklists.answers import AnswerTextError, parse_answer_text
from checklists.evaluate import check_answer, justification_item
from checklists.messages import Reason as ItemReason
from checklists.spec import Item, Text
from governance.catalogue import text as catalogue_text
from governance.completeness import MISSING_MUST_MEET, ChecklistGap
from governance.lifecycle import VentureState
from notifications.render import sentences
from services.commands import CommandError, InvalidAnswers, NotFound, sign_off, sign_offs, submit
from services.commands import answer_many as save_answers
from services.history import answer_history
from services.venture_checklist import VentureChecklists, venture_checklists
from web.answer_fields import (
    FieldState,
    evidence_words,
    field_id,
    hint_words,
    in_words,
    option_label,
    problem_words,
    read,
    shown,
    text_limit,
)
from web.checklist_pages import Checklists, Entry, Justifying
from web.page import Page, PageContext
from web.venture_access import VentureAccess, sign_in_first, venture_access

router = APIRouter()

CHECKLIST_INCOMPLETE = "checklist-incomplete"  # the rules' reason for a return with gaps

VENTURE_ID_MAX = 32  # models.tables.Venture.id
ITEM_REF_MAX = 130  # 'checklist.item', each id at most 64 characters
# The states after a submission: the confirmation page is for these.
SENT = frozenset(
    {VentureState.SUBMITTED.value, VentureState.IN_REVIEW.value, VentureState.AWAITING_BOARD.value}
)


async def _posted(request: Request) -> FormData:
    # The form was read (and its size bounded) once already, for the CSRF check.
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


# --- helpers ---------------------------------------------------------------------------------


def _urls(venture_id: str) -> dict[str, str]:
    base = f"/ventures/{venture_id}"
    return {
        "venture": base,
        "tasks": f"{base}/checklist",
        "check": f"{base}/check",
        "submitted": f"{base}/submitted",
    }


def item_url(venture_id: str, ref: str, *, from_check: bool = False) -> str:
    return f"/ventures/{venture_id}/checklist/{ref}" + ("?from=check" if from_check else "")


def _open(page: PageContext, venture_id: str) -> tuple[VentureAccess, Checklists]:
    if len(venture_id) > VENTURE_ID_MAX:
        raise HTTPException(status_code=404)
    access = venture_access(page, venture_id)
    try:
        read = venture_checklists(page.engine, page.library, venture_id)
    except NotFound:
        raise HTTPException(status_code=404) from None
    return access, Checklists(read)


def _words(page: PageContext) -> dict[str, Any]:
    """What the checklist templates use to word the definitions' own texts."""
    language = page.language

    def tr(text: Text | None) -> str:
        if text is None:
            return ""
        return text.cy if language == "cy" else text.en

    def question(item: Item) -> str:
        return tr(item.easy_read if page.easy_read else item.question)

    def answer_lang(entry: Entry) -> str | None:
        # Free text is marked with its writer's language when it is not the page's.
        given = entry.given
        if given is None:
            return None
        return given.language_shown(language)

    return {
        "tr": tr,
        "question": question,
        "answer_lang": answer_lang,
        "words_of": lambda item, value: in_words(page, item, value),
        "option_label": lambda option: option_label(page, option),
        "field_id": field_id,
        "hint_of": lambda item: hint_words(page, item),
        "evidence_of": lambda item: evidence_words(page, item),
        # Whether the definition lets the item through with a justification instead.
        "may_justify": lambda item: justification_item(item) is not None,
        "sentences": sentences,
    }


def _reason(page: PageContext, reason: ItemReason) -> str:
    return reason.cy if page.language == "cy" else reason.en


def gap_words(
    page: PageContext, problem: str, reason: ItemReason, easy_read: ItemReason | None = None
) -> str:
    """Why an item stops a submission, in the page's language and format (a not-met
    item: the checklist's own reason, its Easy Read one on an Easy Read page)."""
    if problem == "not-met":
        return _reason(page, easy_read if page.easy_read and easy_read else reason)
    if page.easy_read:
        if problem == "missing":
            return page.pgettext("easy-read", "This question must have an answer.")
        return (
            page.pgettext("easy-read", "Please change this answer.") + " " + _reason(page, reason)
        )
    return _reason(page, MISSING_MUST_MEET if problem == "missing" else reason)


def _missing(page: PageContext, lists: Checklists) -> list[dict[str, Any]]:
    found = []
    for entry in lists.missing():
        status = entry.progress.status
        problem = status if status in ("invalid", "not-met") else "missing"
        found.append(
            {
                "entry": entry,
                "why": gap_words(
                    page,
                    problem,
                    entry.progress.reason or MISSING_MUST_MEET,
                    entry.progress.easy_read,
                ),
            }
        )
    return found


def _returned(page: PageContext, lists: Checklists) -> dict[str, Any] | None:
    """The latest return, worded for the top of the task list (None: none stands)."""
    returned = lists.read.returned
    if returned is None:
        return None
    gaps = [_gap(page, lists, gap) for gap in returned.gaps]
    return {
        "at": returned.at,
        # The listed questions say what "checklist-incomplete" says, and better: it names
        # them by their ids, words of no language (the venture's page leaves it out too).
        "reasons": [
            catalogue_text(r.code, page.language, r.params, page.easy_read)
            for r in returned.reasons
            if not (gaps and r.code == CHECKLIST_INCOMPLETE)
        ],
        "gaps": gaps,
    }


def _gap(page: PageContext, lists: Checklists, gap: ChecklistGap) -> dict[str, Any]:
    ref = lists.ref(gap.checklist_id, gap.item_id)
    entry = lists.entry(ref)
    try:
        item: Item | None = lists.read.checklist(gap.checklist_id).item(gap.item_id)
    except KeyError:
        item = None
    href = (
        item_url(lists.read.venture_id, ref) if entry is not None and entry.progress.shown else None
    )
    return {
        "item": item,
        "href": href,
        "why": gap_words(page, gap.problem, gap.reason, gap.easy_read),
    }


# --- the task list ---------------------------------------------------------------------------


@router.get("/ventures/{venture_id}/checklist", response_class=HTMLResponse)
def task_list(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, lists = _open(page, venture_id)
    return page.render(
        "checklist.html",
        venture=lists.read,
        lists=lists,
        access=access,
        returned=_returned(page, lists),
        urls=_urls(venture_id),
        item_url=item_url,
        **_words(page),
    )


# --- question pages --------------------------------------------------------------------------


def _entries(page: PageContext, lists: Checklists, ref: str) -> list[Entry] | None:
    if len(ref) > ITEM_REF_MAX or not lists.knows(ref):
        raise HTTPException(status_code=404)
    return lists.page_of(ref, page.easy_read)


def _histories(page: PageContext, venture_id: str, entries: list[Entry]) -> dict[str, Any]:
    # Only an item answered more than once has changes to show (one answer is said by
    # "answered by"): the history is read for those alone.
    return {
        e.ref: list(reversed(answer_history(page.engine, venture_id, e.service_ref)))
        for e in entries
        if e.given is not None and e.given.answers_given > 1
    }


def _question_page(
    page: PageContext,
    access: VentureAccess,
    lists: Checklists,
    ref: str,
    entries: list[Entry],
    asked: dict[str, Justifying],
    fields: dict[str, FieldState],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    """`asked`: the justifications the page asks for, by their item's ref; `fields` and
    `errors` are by ref, a justification's under its own (`Justifying.ref`)."""
    venture_id = lists.read.venture_id
    # The fields in the order of the page (the error summary's order): each
    # justification right after its item's field.
    in_order: list[tuple[str, Item]] = []
    for e in entries:
        in_order.append((e.ref, e.item))
        if (j := asked.get(e.ref)) is not None:
            in_order.append((j.ref, j.item))
    return page.render(
        "question.html",
        status_code=status_code,
        venture=lists.read,
        access=access,
        ref=ref,
        entries=entries,
        section=entries[0].section.section,
        checklist=entries[0].checklist,
        fields=fields,
        errors=errors,
        error_list=[
            {"text": errors[r], "href": "#" + _first_input(item)}
            for r, item in in_order
            if r in errors
        ],
        asked=asked,
        # Just saved, with an answer that does not meet what it asks: a banner says so
        # (and takes the focus), since the page looks as it did before saving.
        saved_not_met=[e for e in entries if e.ref in asked and e.progress.status == "not-met"]
        if page.request.query_params.get("saved") == "1" and not errors
        else [],
        histories=_histories(page, venture_id, entries),
        from_check=page.request.query_params.get("from") == "check",
        urls=_urls(venture_id),
        text_limit=text_limit,
        word_counts=_word_count_texts(page),
        **_words(page),
    )


def _first_input(item: Item) -> str:
    return field_id(item) + ("-day" if item.answer.type == "date" else "")


@router.get("/ventures/{venture_id}/checklist/{ref}", response_class=HTMLResponse)
def question(venture_id: str, ref: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, lists = _open(page, venture_id)
    entries = _entries(page, lists, ref)
    if entries is None:
        # Not asked with these answers (or not yet): the task list says why.
        return page.redirect(_urls(venture_id)["tasks"])
    fields = {e.ref: FieldState(shown(e.item, e.given.value if e.given else None)) for e in entries}
    asked = _asked(entries)
    for j in asked.values():
        fields[j.ref] = FieldState(shown(j.item, j.given.value if j.given else None))
    return _question_page(page, access, lists, ref, entries, asked, fields, {})


def _asked(entries: list[Entry], form: FormData | None = None) -> dict[str, Justifying]:
    """The justifications a page asks for, by their item's ref: where the answer as it
    stands does not meet what the item asks (web.checklist_pages says why only then),
    or where the form posted one (so that what was typed is shown again)."""
    asked = {}
    for entry in entries:
        justifying = entry.justifying
        if justifying is None:
            continue
        if entry.asks_why or (form is not None and field_id(justifying.item) in form):
            asked[entry.ref] = justifying
    return asked


@router.post("/ventures/{venture_id}/checklist/{ref}", response_class=HTMLResponse)
def save(venture_id: str, ref: str, page: Page, form: Posted) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, lists = _open(page, venture_id)
    entries = _entries(page, lists, ref)
    urls = _urls(venture_id)
    if entries is None:
        return page.redirect(urls["tasks"])
    if not access.may("answer"):
        return _refused(page, lists.read, access.why_not("answer", page))
    # The lead's own items are not the co-producers' to answer (the services refuse
    # them): their fields are not read from a co-producer's form at all.
    lead_too = access.may("answer-lead-items")
    mine = [e for e in entries if e.item.for_co_producers() or lead_too]
    if not mine:
        return _refused(page, lists.read, access.why_not("answer-lead-items", page))
    asked = _asked(entries, form)
    # Only the justifications the form holds are read and saved: one its page did not
    # show (the answer met what it asks when the page was loaded) is left as it is,
    # never emptied; where the answer is not met now, the page stays to ask for it.
    sent = {
        r: j
        for r, j in asked.items()
        if field_id(j.item) in form and (j.item.for_co_producers() or lead_too)
    }
    # Each field of the page, by ref, with what the services call it: the items, and
    # the justifications sent (saved in the same unit of work as the answers).
    posted: list[tuple[str, str, Item, Any]] = [
        (e.ref, e.service_ref, e.item, e.given.value if e.given else None) for e in mine
    ]
    posted += [
        (j.ref, j.service_ref, j.item, j.given.value if j.given else None) for j in sent.values()
    ]
    fields = {r: read(item, form, now) for r, _, item, now in posted}
    for e in entries:
        if e.ref not in fields:  # the lead's item on a co-producer's page: as stored
            fields[e.ref] = FieldState(shown(e.item, e.given.value if e.given else None))
    for j in asked.values():
        if j.ref not in fields:  # asked now, not sent: shown as stored if the page is again
            fields[j.ref] = FieldState(shown(j.item, j.given.value if j.given else None))
    errors = {r: problem_words(page, f.problem) for r, f in fields.items() if f.problem}
    if errors:
        # Nothing is saved: say what else is wrong too, as the services would.
        for r, _, item, _now in posted:
            field = fields[r]
            if r not in errors and field.send:
                reason = _judge(item, field.value)
                if reason is not None:
                    errors[r] = _invalid_words(page, reason)
        return _question_page(
            page, access, lists, ref, entries, asked, fields, errors, status_code=400
        )
    answers = {service: fields[r].value for r, service, _, _ in posted if fields[r].send}
    if answers:
        try:
            save_answers(page.cyd, venture_id, answers, by=access.email)
        except InvalidAnswers as refused:
            by_item = {item.id: r for r, _, item, _ in posted}
            errors = {
                by_item[p.item_id]: _invalid_words(page, ItemReason(p.en, p.cy))
                for p in refused.problems
                if p.item_id in by_item
            }
            return _question_page(
                page, access, lists, ref, entries, asked, fields, errors, status_code=400
            )
        except CommandError as refused:  # PermissionDenied among them
            return _refused(page, lists.read, refused.say(page.language, page.easy_read))
    return page.redirect(_after_saving(page, venture_id, ref, entries, sent, form))


def _judge(item: Item, value: Any) -> ItemReason | None:
    """The checklist's own verdict on a value (what answer_many would say of it)."""
    if isinstance(value, str):
        try:
            value = parse_answer_text(item, value)
        except AnswerTextError as problem:
            return problem.reason
    return check_answer(item, value)


def _invalid_words(page: PageContext, reason: ItemReason) -> str:
    if page.easy_read:
        return (
            page.pgettext("easy-read", "Please change your answer.") + " " + _reason(page, reason)
        )
    return _reason(page, reason)


def _after_saving(
    page: PageContext,
    venture_id: str,
    ref: str,
    before: list[Entry],
    asked: dict[str, Justifying],
    form: FormData,
) -> str:
    """Where "save" goes. `asked`: the justifications the page showed (and sent)."""
    urls = _urls(venture_id)
    if form.get("then") == "later":
        return urls["tasks"]
    from_check = page.request.query_params.get("from") == "check"
    lists = Checklists(venture_checklists(page.engine, page.library, venture_id))
    now = lists.page_of(ref, page.easy_read) or []
    seen = {e.ref for e in before}
    if any(e.ref not in seen and e.given is None for e in now):
        # The answers just saved show more questions of this page: stay to see them.
        return item_url(venture_id, ref, from_check=from_check)
    if any(e.progress.status == "not-met" and e.asks_why and e.ref not in asked for e in now):
        # An answer just saved does not meet what it asks, and the page now asks why
        # (it did not before): stay, with a banner saying so. A person who was asked
        # and left it empty goes on: the task list keeps saying "not met yet".
        url = item_url(venture_id, ref, from_check=from_check)
        return url + ("&" if "?" in url else "?") + "saved=1"
    if from_check:
        return urls["check"]
    after = lists.page_after(ref, page.easy_read)
    return item_url(venture_id, after[0].ref) if after else urls["check"]


def _word_count_texts(page: PageContext) -> dict[str, Any]:
    """The word counter's texts (GOV.UK Frontend fills %{count} and picks the plural form
    in the browser): each plural form of the page's language from the catalog."""
    return {
        "under": _plural_forms(
            page,
            lambda n: page.ngettext(
                "You have %(num)d word remaining", "You have %(num)d words remaining", n
            ),
        ),
        "over": _plural_forms(
            page,
            lambda n: page.ngettext(
                "You have %(num)d word too many", "You have %(num)d words too many", n
            ),
        ),
        "at": page.gettext("You have no words remaining"),
    }


# A number of each plural category, by language (CLDR: Welsh has six).
_CATEGORY_NUMBERS: dict[str, dict[str, int]] = {
    "en": {"one": 1, "other": 2},
    "cy": {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 7},
}


def _plural_forms(page: PageContext, worded: Callable[[int], str]) -> dict[str, str]:
    forms = {}
    for category, n in _CATEGORY_NUMBERS[page.language].items():
        said = worded(n)
        # The browser puts the count where the catalog put the number (a form that
        # writes its number as a word, "un gair", is right as it is).
        forms[category] = said.replace(str(n), "%{count}", 1)
    return forms


# --- check your answers, submit --------------------------------------------------------------


@router.get("/ventures/{venture_id}/check", response_class=HTMLResponse)
def check(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, lists = _open(page, venture_id)
    return page.render(
        "check.html",
        venture=lists.read,
        lists=lists,
        access=access,
        signed=sign_offs(page.engine, page.library, venture_id),
        missing=_missing(page, lists),
        complete_words=catalogue_text("checklist-complete", page.language, {}, page.easy_read),
        urls=_urls(venture_id),
        item_url=item_url,
        **_words(page),
    )


@router.post("/ventures/{venture_id}/check", response_class=HTMLResponse)
def send(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    access, lists = _open(page, venture_id)
    urls = _urls(venture_id)
    try:
        outcome = submit(page.cyd, venture_id, by=access.email)
    except CommandError as refused:  # PermissionDenied among them
        return _refused(page, lists.read, refused.say(page.language, page.easy_read))
    report = outcome.advanced
    if report is not None and report.state == VentureState.RETURNED.value:
        return page.redirect(urls["tasks"])  # its reasons are on top
    return page.redirect(urls["submitted"])


@router.post("/ventures/{venture_id}/sign-off", response_class=HTMLResponse)
def sign(venture_id: str, page: Page) -> Response:
    """A co-producer with lived experience confirms the checklist says what they agreed
    (the services decide who may: anyone else gets the rules' reason)."""
    if (away := sign_in_first(page)) is not None:
        return away
    access, lists = _open(page, venture_id)
    try:
        sign_off(page.cyd, venture_id, by=access.email)
    except CommandError as refused:  # PermissionDenied among them
        return _refused(page, lists.read, refused.say(page.language, page.easy_read))
    return page.redirect(_urls(venture_id)["check"] + "#signed-off")


@router.get("/ventures/{venture_id}/submitted", response_class=HTMLResponse)
def submitted(venture_id: str, page: Page) -> Response:
    if (away := sign_in_first(page)) is not None:
        return away
    _access, lists = _open(page, venture_id)
    if lists.read.state not in SENT:
        return page.redirect(_urls(venture_id)["tasks"])
    return page.render(
        "submitted.html",
        venture=lists.read,
        checking=lists.read.state == VentureState.SUBMITTED.value,
        urls=_urls(venture_id),
    )


def _refused(page: PageContext, venture: VentureChecklists, why: str | None) -> Response:
    return page.render(
        "refused.html",
        status_code=403,
        venture=venture,
        why=why or "",
        urls=_urls(venture.venture_id),
    )
