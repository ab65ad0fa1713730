"""What a page handler gets: `Page`, everything about the request a page needs.

    from web.page import Page

    @router.get("/accessibility")
    def accessibility(page: Page) -> HTMLResponse:
        return page.render("accessibility.html", reply_days=5)

Handlers are plain `def` (FastAPI runs them in a thread): they call the services,
which are synchronous. A `PageContext` holds:

    page.cyd          services.commands.Cyd: the engine, the definitions, the advancer
    page.engine       the database (open a Session on it for a read)
    page.library      the checklist definitions
    page.signed_in    SignedIn(person, session_id) or None
    page.person       the signed-in person (a detached models.tables.Person) or None
    page.language     "en" or "cy";  page.format: "standard" or "easy-read"
    page.easy_read    page.format == "easy-read"
    page.gettext(...), page.ngettext(...), page.pgettext(...): texts made in Python
    page.render(template, status_code=200, **context) -> HTMLResponse (a signed-in
                      person's pages get the service navigation: web.navigation)
    page.redirect(url) -> a 303 to `url` (after a POST)

Every template gets, besides the handler's context: `page`, `lang`, `format`,
`easy_read`, `person`, `csrf_field()` (the hidden input every form needs),
`csrf_token()`, `switch_url(lang=..., format=...)`, `current_path`, and the
environment's filters and globals (web/templating.py).
"""

from __future__ import annotations

import gettext
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import HTTPConnection

from models.db import read_session
from notifications.contact import programme_contact
from services.reminders import local_zone
from web.csrf import CSRF_FIELD, csrf_token, set_csrf_cookie
from web.i18n import Format, Language, translations
from web.navigation import signed_in_navigation
from web.templating import ZONE, environment
from web.visitor import (
    SignedIn,
    chosen_format,
    chosen_language,
    remember_choices,
    signed_in,
    switch_url,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from checklists.library import Library
    from governance.programme import Contact
    from models.tables import Person
    from services.commands import Cyd


def render_template(
    request: HTTPConnection,
    template: str | jinja2.Template,
    *,
    language: Language,
    shape: Format,
    status_code: int = 200,
    context: Mapping[str, Any] | None = None,
    person: Person | None = None,
    token: Callable[[], str] | None = None,
) -> HTMLResponse:
    """Render `template` (a name in web/templates, or a Template of this language's
    environment) in `language` and `shape` (format) as an HTML answer. The base of
    PageContext.render and of the error pages; `token` gives the CSRF token (none on
    error pages, which have no forms)."""

    def csrf_value() -> str:
        if token is None:
            raise RuntimeError("this page has no form: it cannot give a CSRF token")
        return token()

    def csrf_field() -> Markup:
        return Markup(  # noqa: S704 (escaped)
            f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_value())}">'
        )

    def switch(**choice: str) -> str:
        return switch_url(request, **choice)

    variables: dict[str, Any] = {
        "lang": language,
        "format": shape,
        "easy_read": shape == "easy-read",
        "person": person,
        "csrf_field": csrf_field,
        "csrf_token": csrf_value,
        "switch_url": switch,
        "current_path": request.url.path,
        ZONE: local_zone(),
        "programme_contact": _contact_words(_programme_contact(request), language),
    }
    variables.update(context or {})
    if isinstance(template, str):
        template = environment(language).get_template(template)
    html = template.render(variables)
    response = HTMLResponse(html, status_code=status_code)
    remember_choices(request, response)
    return response


# How long a page may show the contact it last read (seconds): the read is small but
# costs a connection (about 1 ms, as much as a simple page), and a contact changes
# rarely; a message always names the contact in force when it is sent.
CONTACT_FRESH = 30.0


def _programme_contact(request: HTTPConnection) -> Contact | None:
    """The programme's contact, named at the foot of every page as at the end of every
    message (notifications.contact), read at most once every CONTACT_FRESH seconds
    by each app."""
    state = request.app.state
    cyd = getattr(state, "cyd", None)
    if cyd is None:
        return None
    now = time.monotonic()
    kept: tuple[float, Contact | None] | None = getattr(state, "programme_contact", None)
    if kept is not None and now - kept[0] < CONTACT_FRESH:
        return kept[1]
    try:
        with read_session(cyd.engine) as session:
            contact = programme_contact(session)
    except SQLAlchemyError:  # an error page (the database down) still shows
        return None
    state.programme_contact = (now, contact)
    return contact


def _contact_words(contact: Contact | None, language: Language) -> dict[str, str] | None:
    """What the footer shows: the role in the page's language, and the number to dial."""
    if contact is None:
        return None
    role = (contact.role.cy if language == "cy" else contact.role.en) if contact.role else ""
    tel = "".join(c for c in contact.phone if c.isdigit() or c == "+")
    return {
        "name": contact.name,
        "role": role,
        "phone": contact.phone,
        "tel": tel,
        "email": contact.email,
    }


@dataclass
class PageContext:
    request: Request
    signed_in: SignedIn | None
    language: Language
    format: Format
    _translations: gettext.NullTranslations = field(repr=False)

    @property
    def cyd(self) -> Cyd:
        cyd: Cyd = self.request.app.state.cyd
        return cyd

    @property
    def engine(self) -> Engine:
        return self.cyd.engine

    @property
    def library(self) -> Library:
        return self.cyd.library

    @property
    def person(self) -> Person | None:
        return self.signed_in.person if self.signed_in is not None else None

    @property
    def easy_read(self) -> bool:
        return self.format == "easy-read"

    # As in the templates ("new style"): the text is always %-formatted with the
    # keyword arguments (`%(name)s`; `%%` for a percent sign; `%(num)d` is the count).

    def gettext(self, message: str, **variables: Any) -> str:
        return self._translations.gettext(message) % variables

    def ngettext(self, singular: str, plural: str, n: int, **variables: Any) -> str:
        return self._translations.ngettext(singular, plural, n) % {"num": n, **variables}

    def pgettext(self, context: str, message: str, **variables: Any) -> str:
        return self._translations.pgettext(context, message) % variables

    def csrf_token(self) -> str:
        return csrf_token(self.request)

    def render(
        self, template: str | jinja2.Template, *, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        if self.person is not None:
            # Every page a signed-in person sees leads to their other pages.
            context.setdefault("navigation", signed_in_navigation(self, self.request.url.path))
        response = render_template(
            self.request,
            template,
            language=self.language,
            shape=self.format,
            status_code=status_code,
            context={"page": self, **context},
            person=self.person,
            token=self.csrf_token,
        )
        set_csrf_cookie(self.request, response)
        return response

    def redirect(self, url: str) -> RedirectResponse:
        """303 See Other: where a form goes after it is posted (a reload never posts again).
        Only to a path of this site (never to where a form or a link says)."""
        if not url.startswith("/") or url.startswith(("//", "/\\")):
            raise ValueError("a page redirects only to a path of this site")
        response = RedirectResponse(url, status_code=303)
        remember_choices(self.request, response)
        return response


def page_context(request: Request) -> PageContext:
    """The FastAPI dependency behind `Page` (sync: `identify` may read the database)."""
    visitor = signed_in(request)
    person = visitor.person if visitor is not None else None
    language = chosen_language(request, person)
    return PageContext(
        request=request,
        signed_in=visitor,
        language=language,
        format=chosen_format(request, person),
        _translations=translations(language),
    )


Page = Annotated[PageContext, Depends(page_context)]
