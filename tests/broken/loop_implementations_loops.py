"""Loops whose API surface differs from the documented one, one method at a time."""

from __future__ import annotations

import asyncio


class NoSockRecvIntoLoop(asyncio.SelectorEventLoop):
    """Lacks sock_recv_into(), as a loop written before Python 3.7 would."""

    def __getattribute__(self, name):  # type: ignore[override]
        if name == "sock_recv_into":
            raise AttributeError(name)
        return super().__getattribute__(name)


class ServerWithoutStartServingLoop(asyncio.SelectorEventLoop):
    """create_server() does not take the documented start_serving keyword."""

    async def create_server(
        self,
        protocol_factory,
        host=None,
        port=None,
        *,  # type: ignore[override]
        family=0,
        flags=1,
        sock=None,
        backlog=100,
        ssl=None,
        reuse_address=None,
        reuse_port=None,
        ssl_handshake_timeout=None,
    ):
        return await super().create_server(
            protocol_factory,
            host,
            port,
            family=family,
            flags=flags,
            sock=sock,
            backlog=backlog,
            ssl=ssl,
            reuse_address=reuse_address,
            reuse_port=reuse_port,
            ssl_handshake_timeout=ssl_handshake_timeout,
        )
