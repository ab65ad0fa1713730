"""The socket the pages are served on: every connection sends small writes at once."""

from __future__ import annotations

import asyncio
import socket
from concurrent.futures import ThreadPoolExecutor

from web.server import bind


def test_connections_accepted_on_the_bound_socket_do_not_wait_to_send() -> None:
    # asyncio turns Nagle's algorithm off on the connections it accepts only if the
    # listening socket is named as TCP; with it on, the second write of a response
    # waits up to 40 ms for the client's acknowledgement of the first.
    async def accepted_nodelay() -> int:
        loop = asyncio.get_running_loop()
        sock = bind("127.0.0.1", 0)
        seen: asyncio.Future[int] = loop.create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await loop.create_server(Protocol, sock=sock)
        try:
            _, writer = await asyncio.open_connection(*sock.getsockname()[:2])
            try:
                return await asyncio.wait_for(seen, 10)
            finally:
                writer.close()
        finally:
            server.close()
            await server.wait_closed()

    # A thread of its own: the browser tests keep an event loop running in this one for
    # the whole session, and asyncio.run refuses to start inside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(lambda: asyncio.run(accepted_nodelay())).result() != 0
