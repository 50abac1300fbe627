"""Loops that each break one documented behaviour of the network sections.

network-connections, network-servers, server-objects, tls-upgrade and
transferring-files: each loop below is a stdlib SelectorEventLoop with one
method bent out of shape, and a zero-argument factory for ``--loop``.
"""

from __future__ import annotations

import asyncio
import socket

# -- network-connections ------------------------------------------------------------


class NoNodelayLoop(asyncio.SelectorEventLoop):
    """create_connection() clears TCP_NODELAY on the new connection."""

    async def create_connection(self, *args, **kwargs):  # type: ignore[override]
        transport, protocol = await super().create_connection(*args, **kwargs)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 0)
        return transport, protocol


class ServerHostnameIgnoredLoop(asyncio.SelectorEventLoop):
    """create_connection() ignores server_hostname when it has a host to match instead."""

    async def create_connection(
        self,
        protocol_factory,
        host=None,
        port=None,
        *,  # type: ignore[override]
        server_hostname=None,
        **kwargs,
    ):
        if host:
            server_hostname = None
        return await super().create_connection(
            protocol_factory, host, port, server_hostname=server_hostname, **kwargs
        )


class NoBroadcastLoop(asyncio.SelectorEventLoop):
    """create_datagram_endpoint() drops allow_broadcast."""

    async def create_datagram_endpoint(
        self,
        protocol_factory,
        *args,
        allow_broadcast=None,  # type: ignore[override]
        **kwargs,
    ):
        return await super().create_datagram_endpoint(protocol_factory, *args, **kwargs)


class NoBytesUnixPathLoop(asyncio.SelectorEventLoop):
    """create_unix_connection() refuses bytes paths."""

    async def create_unix_connection(self, protocol_factory, path=None, **kwargs):  # type: ignore[override]
        if isinstance(path, bytes):
            raise TypeError("bytes paths are not supported")
        return await super().create_unix_connection(protocol_factory, path, **kwargs)


# -- network-servers -----------------------------------------------------------------


class IgnoresStartServingLoop(asyncio.SelectorEventLoop):
    """create_server() starts serving even with start_serving=False."""

    async def create_server(self, *args, start_serving=True, **kwargs):  # type: ignore[override]
        return await super().create_server(*args, **kwargs)


class IgnoresBacklogLoop(asyncio.SelectorEventLoop):
    """create_server() always listens with the default backlog."""

    async def create_server(self, *args, backlog=100, **kwargs):  # type: ignore[override]
        return await super().create_server(*args, **kwargs)


# -- server-objects ------------------------------------------------------------------


class _StillServingServer(asyncio.Server):
    """close() closes the sockets but is_serving() stays True."""

    def close(self):
        super().close()
        self._serving = True


class _UnclosedByCancelServer(asyncio.Server):
    """Cancelling serve_forever() leaves the server open and serving."""

    async def serve_forever(self):
        await self.start_serving()
        await self.get_loop().create_future()


class _SharedSocketsServer(asyncio.Server):
    """sockets hands out the server's own list instead of a copy."""

    @property
    def sockets(self):
        return self._sockets


def _server_loop(server_class: type) -> type:
    class Loop(asyncio.SelectorEventLoop):
        async def create_server(self, *args, **kwargs):  # type: ignore[override]
            server = await super().create_server(*args, **kwargs)
            server.__class__ = server_class
            return server

    Loop.__name__ = Loop.__qualname__ = server_class.__name__.strip("_") + "Loop"
    return Loop


StillServingLoop = _server_loop(_StillServingServer)
UnclosedByCancelLoop = _server_loop(_UnclosedByCancelServer)
SharedSocketsLoop = _server_loop(_SharedSocketsServer)


# -- tls-upgrade ---------------------------------------------------------------------


class StartTlsNoHostnameCheckLoop(asyncio.SelectorEventLoop):
    """start_tls() ignores server_hostname and turns hostname matching off."""

    async def start_tls(
        self,
        transport,
        protocol,
        sslcontext,
        *,
        server_hostname=None,  # type: ignore[override]
        **kwargs,
    ):
        sslcontext.check_hostname = False
        return await super().start_tls(transport, protocol, sslcontext, **kwargs)


# -- transferring-files --------------------------------------------------------------


class SendfileKeepsPositionLoop(asyncio.SelectorEventLoop):
    """sendfile() puts the file position back where it was, after success or error."""

    async def sendfile(self, transport, file, offset=0, count=None, *, fallback=True):  # type: ignore[override]
        where = file.tell()
        try:
            return await super().sendfile(transport, file, offset, count, fallback=fallback)
        finally:
            file.seek(where)


class SendfileKeepsPositionOnErrorLoop(asyncio.SelectorEventLoop):
    """sendfile() updates the file position on success, but puts it back on an error."""

    async def sendfile(self, transport, file, offset=0, count=None, *, fallback=True):  # type: ignore[override]
        where = file.tell()
        try:
            return await super().sendfile(transport, file, offset, count, fallback=fallback)
        except BaseException:
            file.seek(where)
            raise
