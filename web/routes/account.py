"""A signed-in person's own things: their settings, and signing out.

    GET  /settings               language (English / Cymraeg), format (standard /
                                 Easy Read), and the sign-out buttons
    POST /settings               stores them for the person (services.people_settings)
                                 and in this browser (its cookies)
    POST /sign-out               ends this browser's session
    POST /sign-out/everywhere    ends every session of the person
    GET  /signed-out             says so

The person is always the signed-in one: no form names anyone.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from models.db import utcnow
from services import sign_in
from services.people_settings import set_preferences
from web.access import Member
from web.i18n import LANGUAGE_NAMES
from web.page import Page
from web.sessions import SESSION_COOKIE, forget_cookie, session_token
from web.visitor import remember_choices

router = APIRouter()

SETTINGS_PAGE = "/settings"
SIGNED_OUT_PAGE = "/signed-out"


@router.get(SETTINGS_PAGE, response_class=HTMLResponse)
def settings_page(page: Member) -> Response:
    # What the person reads now is what is chosen (this browser's choice, if it made
    # one, else their own): saving it keeps it for them.
    return page.render(
        "settings.html",
        chosen_language=page.language,
        chosen_format=page.format,
        language_names=LANGUAGE_NAMES,
        saved=page.request.query_params.get("saved") == "1",
    )


@router.post(SETTINGS_PAGE, response_class=HTMLResponse)
def save_settings(
    page: Member,
    language: Annotated[Literal["en", "cy"], Form()],
    format: Annotated[Literal["standard", "easy-read"], Form()],
) -> Response:
    person = page.person
    assert person is not None
    set_preferences(page.cyd, by=person.email, language=language, format=format)
    response = page.redirect(f"{SETTINGS_PAGE}?saved=1")
    # This browser's choice too: it comes before the person's own (web.visitor).
    remember_choices(page.request, response, language=language, shape=format)
    return response


def _signed_out(page: Page, everywhere: bool) -> Response:
    response = page.redirect(SIGNED_OUT_PAGE + ("?everywhere=1" if everywhere else ""))
    forget_cookie(page.request, response, SESSION_COOKIE)
    return response


@router.post("/sign-out", response_class=HTMLResponse)
def sign_out(page: Page) -> Response:
    sign_in.sign_out(page.engine, session_token(page.request))
    return _signed_out(page, everywhere=False)


@router.post("/sign-out/everywhere", response_class=HTMLResponse)
def sign_out_everywhere(page: Member) -> Response:
    who = sign_in.session_person(page.engine, session_token(page.request), utcnow())
    if who is not None:
        sign_in.sign_out_everywhere(page.engine, who)
    return _signed_out(page, everywhere=True)


@router.get(SIGNED_OUT_PAGE, response_class=HTMLResponse)
def signed_out(page: Page) -> Response:
    if page.signed_in is not None:  # signed in again since: nothing to say
        return page.redirect(SETTINGS_PAGE)
    everywhere = page.request.query_params.get("everywhere") == "1"
    return page.render("signed_out.html", everywhere=everywhere)
