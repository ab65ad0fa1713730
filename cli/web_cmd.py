"""`cyd web`: Cyd's pages alone (no flows), on the embedded default.

The pages run in this process (uvicorn, web.server), on the database and definitions
every command uses, handing ventures on the way the commands do (`CYD_ORCHESTRATION`,
flows.trigger), people signed in by their sessions (web.sessions). `cyd serve` starts
this command as a process of its own beside the flows (cli/serve_cmd.py). FastAPI is
imported only once the command runs.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli.output import console, fail


def web(
    host: Annotated[str, typer.Option(help="Where the pages listen.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(help="Their port (default: 8000, or a free one if taken).")
    ] = None,
) -> None:
    """Serve Cyd's pages (without the flows); Ctrl-C stops."""
    import settings as configured
    from cli.app_context import cyd_context
    from models.db import data_dir
    from web.app import create_app
    from web.server import bind, run, url_of
    from web.settings import WebSettings

    cyd = cyd_context()
    try:
        sock = bind(host, port)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    # Sign-in links point at CYD_BASE_URL when it is set (a proxy's public address),
    # else at the address served here (8000 may have been taken).
    settings = WebSettings.in_folder(
        data_dir(), base_url=configured.current().base_url or url_of(sock)
    )
    app = create_app(cyd.engine, cyd.library, settings, advancer=cyd.advancer)
    out = console()
    out.print(f"Cyd's pages: {url_of(sock)} (Ctrl-C stops)")
    sys.stdout.flush()
    try:
        run(app, sock)
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        cyd.engine.dispose()
    out.print("Stopped.")
