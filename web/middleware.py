"""Security headers on every answer, a page (not a trace) when something breaks, and a
bound on what a request may send.

Plain ASGI (not BaseHTTPMiddleware), so the headers reach every answer: pages,
static files, error pages, and the 500 page made here when a handler raises, which
Starlette's own error middleware (outside every user middleware) would send without
them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# Pages may show a person's own work: no browser or proxy keeps them. Static files
# (versioned URLs) may be kept.
CACHEABLE_PREFIXES = ("/static/", "/pictograms/")

log = logging.getLogger("cyd.web")


class SecurityHeaders:
    """Adds SECURITY_HEADERS (and `Cache-Control: no-store` on pages) to every answer;
    answers an unhandled exception with `on_error(connection)` (the 500 page), logged."""

    def __init__(self, app: ASGIApp, on_error: Callable[[HTTPConnection], Response]) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE_PREFIXES)

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        except Exception:
            # The method and path only: a query or form may hold what a person typed.
            log.exception("error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = self.on_error(HTTPConnection(scope))
            await response(scope, receive, send_secured)


class BodyLimit:
    """Refuses a request body over `max_bytes` with `on_too_large(connection)` (the 413
    page): at once when its Content-Length says so, else when the reading passes the
    bound (an HTTPException(413), which the app's error pages answer)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        on_too_large: Callable[[HTTPConnection], Response],
        larger: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.on_too_large = on_too_large
        # The few paths that take files (the idea form): their own bound, by exact path.
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        most = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > most:
            await self.on_too_large(HTTPConnection(scope))(scope, receive, send)
            return
        received = 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, bounded, send)
