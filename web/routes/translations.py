"""The translators' page: what waits for the other language, and a form to give it.

    GET  /translations              what waits, soonest due first, each with a form; the
                                      translations given lately below
    POST /translations/{n}          give translation n (services.translations): its
                                      error on the page again, or back to the list

Only translators and admins: anyone else is refused by the services (and audited
there), and the page answers "Page not found".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from services.commands import CommandError, NotFound, PermissionDenied
from services.free_text import MOST
from services.titles import TITLE_MAX
from services.translations import TranslationTask, give_translation, open_translations
from web.access import sign_in_first
from web.page import Page, PageContext

router = APIRouter()

PAGE = "/translations"
SHOWN_DONE = 10  # the latest given, for a translator to check their own work


async def _posted(request: Request) -> FormData:
    # The form was read (and its size bounded) once already, for the CSRF check.
    return await request.form()


Posted = Annotated[FormData, Depends(_posted)]


def _tasks(page: PageContext, *, done: bool) -> list[TranslationTask]:
    assert page.person is not None
    try:
        return open_translations(page.engine, by=page.person.email, now=page.cyd.clock(), done=done)
    except (NotFound, PermissionDenied):
        raise HTTPException(status_code=404) from None


def _page(
    page: PageContext,
    *,
    errors: dict[int, str] | None = None,
    typed: dict[int, str] | None = None,
    given: int | None = None,
    status_code: int = 200,
) -> Response:
    waiting = _tasks(page, done=False)
    everything = _tasks(page, done=True)
    done = [task for task in everything if task.done_at is not None][:SHOWN_DONE]
    errors = errors or {}
    return page.render(
        "translations.html",
        status_code=status_code,
        waiting=waiting,
        done=done,
        errors=errors,
        error_list=[{"text": text, "href": f"#text-{n}"} for n, text in errors.items()],
        typed=typed or {},
        given=given,
        most=TITLE_MAX,
        limits=MOST,
        now=page.cyd.clock(),
    )


@router.get(PAGE, response_class=HTMLResponse)
def translations(page: Page) -> Response:
    if page.person is None:
        return sign_in_first(page)
    raw = page.request.query_params.get("given", "")
    return _page(page, given=int(raw) if raw.isdigit() and len(raw) < 10 else None)


@router.post(PAGE + "/{number}", response_class=HTMLResponse)
def give(number: int, page: Page, form: Posted) -> Response:
    if page.person is None:
        return sign_in_first(page)
    waiting = _tasks(page, done=False)  # whom the services refuse: "Page not found" first
    subject = next((task.subject for task in waiting if task.id == number), None)
    most = MOST.get(subject or "", TITLE_MAX)
    written = form.get("text")
    text = written if isinstance(written, str) else ""
    if not text.strip():
        error = (
            page.pgettext("easy-read", "Please write the translation.")
            if page.easy_read
            else page.gettext("Enter the translation")
        )
        return _page(page, errors={number: error}, typed={number: text}, status_code=400)
    if len(text) > most:
        error = page.gettext("The translation must be %(max)d characters or fewer", max=most)
        return _page(page, errors={number: error}, typed={number: text}, status_code=400)
    try:
        give_translation(page.cyd, number, text, by=page.person.email)
    except NotFound:
        raise HTTPException(status_code=404) from None
    except CommandError as refused:  # given meanwhile by someone else, among others
        error = refused.say(page.language, page.easy_read)
        return _page(page, errors={number: error}, typed={number: text}, status_code=409)
    return page.redirect(f"{PAGE}?given={number}")
