"""Error pages (400, 403, 404, 405, 413, 429, 500), in the visitor's language and format.

They say what a person can do next and nothing of what exists: a venture a person may
not see is "Page not found", the same as one that never was. They never read the
database (web.visitor): the language and format come from the query or the cookies,
else from the signed-in person's own settings when the request already knows who that
is (a page refused by the services: its handler had identified the person), so a
Welsh reader refused a page is told so in Welsh.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from web.page import render_template
from web.visitor import SignedIn, chosen_format, chosen_language

# The statuses with a page of their own; any other error is shown as 400 or 500.
STATUSES = frozenset({400, 403, 404, 405, 413, 429, 500})


def error_response(
    request: HTTPConnection, status_code: int, headers: Mapping[str, str] | None = None
) -> Response:
    """The error page for `status_code` (with the exception's headers: a 405's Allow)."""
    shown = status_code if status_code in STATUSES else (500 if status_code >= 500 else 400)
    # Only who this request has identified already: asking now could read the database.
    known = getattr(request.state, "cyd_signed_in", None)
    person = known.person if isinstance(known, SignedIn) else None
    response = render_template(
        request,
        "error.html",
        language=chosen_language(request, person),
        shape=chosen_format(request, person),
        status_code=status_code,
        context={"status": shown},
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def server_error(request: HTTPConnection) -> Response:
    return error_response(request, 500)


def too_large(request: HTTPConnection) -> Response:
    return error_response(request, 413)


async def _http_error(request: Request, exc: Exception) -> Response:
    # The detail is never shown: it may name what the person may not know exists.
    assert isinstance(exc, HTTPException)
    return error_response(request, exc.status_code, exc.headers)


async def _invalid(request: Request, _exc: Exception) -> Response:
    # A request the handler's parameters refuse (a field missing or too long).
    return error_response(request, 400)


def install_error_pages(app: FastAPI) -> None:
    from fastapi.exceptions import RequestValidationError

    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
