"""create_app: Cyd's pages as a FastAPI application.

    app = create_app(engine, library, WebSettings.in_folder(data_dir()))

Server-rendered pages that work without JavaScript; sync handlers that call the
services (no rule lives in a page). What every request passes through, outermost
first:

    SecurityHeaders    CSP (no inline script or style, no framing), nosniff,
                       no-referrer, X-Frame-Options DENY, no-store on pages; a
                       translated 500 page when a handler raises (web.middleware)
    body limit         at most settings.max_body_bytes a request: 413 past it
    csrf_protect       every POST carries the form's token, or 403 (web.csrf)
    error pages        400/403/404/405/413/500 in the visitor's language (web.errors)

Static files: /static (web/static: the compiled GOV.UK Frontend, Cyd's script) and
/pictograms (the Easy Read pictures of notifications/pictograms). No API docs.
A page handler takes `page: Page` (web.page) and returns `page.render(...)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends, FastAPI
from starlette.staticfiles import StaticFiles

from notifications.render import PICTOGRAMS
from services.advancing import Advancer, advance_directly
from services.commands import Cyd
from web.access import install_sign_in_redirect
from web.csrf import csrf_protect
from web.errors import install_error_pages, server_error, too_large
from web.limits import PostLimiter
from web.middleware import BodyLimit, SecurityHeaders
from web.routes import ROUTERS
from web.sessions import identify as by_session_cookie
from web.settings import WebSettings
from web.templating import PICTOGRAM_PREFIX, STATIC, STATIC_PREFIX
from web.visitor import Identify

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from checklists.library import Library


def create_app(
    engine: Engine,
    library: Library,
    settings: WebSettings | None = None,
    *,
    identify: Identify = by_session_cookie,
    advancer: Advancer = advance_directly,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The pages on `engine` and `library`.

    settings: the secret and bounds (default: the secret kept in Cyd's data folder).
    identify: who is signed in on a request (web.visitor; default: the session cookie,
        web.sessions; web.visitor.nobody for an app without sign-in).
    advancer: how an action advances its venture (flows.trigger.advancer() in `cyd web`).
    routers: more pages, beside web.routes.ROUTERS (a test's own pages).
    """
    if settings is None:
        from models.db import data_dir

        settings = WebSettings.in_folder(data_dir())
    app = FastAPI(
        title="Cyd",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.cyd = Cyd(engine, library, advancer=advancer)
    app.state.settings = settings
    app.state.identify = identify
    app.state.post_limiter = PostLimiter(settings.posts_per_minute)
    app.state.idea_limiters = (
        PostLimiter(settings.idea_posts_per_minute),
        PostLimiter(settings.idea_posts_per_hour, window_s=3600.0),
    )
    install_error_pages(app)
    install_sign_in_redirect(app)
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC), name="static")
    app.mount(PICTOGRAM_PREFIX, StaticFiles(directory=PICTOGRAMS), name="pictograms")
    for router in (*ROUTERS, *routers):
        app.include_router(router)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        on_too_large=too_large,
        larger={"/ideas/new": settings.idea_upload_bytes},
    )
    app.add_middleware(SecurityHeaders, on_error=server_error)  # added last: outermost
    return app
