"""Serve the pages with uvicorn, in this process.

    sock = bind("127.0.0.1", None)     # 8000 if free, else any free port
    run(app, sock)                     # until Ctrl-C or SIGTERM

The socket is bound here, before uvicorn starts, so the port printed is the port
served (no gap in which another program could take it). No access log: a sign-in
link's query holds a one-time secret, and no secret is ever logged.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import uvicorn

if TYPE_CHECKING:
    from fastapi import FastAPI

DEFAULT_PORT = 8000


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on host:port; with no port, 8000 if free, else one the system
    picks. A port asked for and taken raises OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # Named as TCP, not left to the default (0): asyncio switches Nagle's algorithm off
    # only on connections whose socket says IPPROTO_TCP, and with it on, a response
    # sent in two writes waits for the browser's delayed acknowledgement (40 ms on
    # Linux) whenever a kept-alive connection asks again within that time.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        try:
            sock.bind((host, DEFAULT_PORT if port is None else port))
        except OSError:
            if port is not None:
                raise
            sock.bind((host, 0))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def server(app: FastAPI) -> uvicorn.Server:
    """A uvicorn server for `app`, quiet but for warnings and errors."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",
    )
    return uvicorn.Server(config)


def run(app: FastAPI, sock: socket.socket) -> None:
    """Serve until Ctrl-C or SIGTERM (uvicorn stops gracefully, then re-raises the
    signal: Ctrl-C arrives as KeyboardInterrupt, for the caller to catch)."""
    server(app).run(sockets=[sock])
