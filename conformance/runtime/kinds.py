"""Opening a transport of a named kind, so one case can be a table over kinds.

Transport cases are mostly "the same check on TCP, IPv6, Unix, TLS both ways
and pipes". These helpers open one connected transport of a given kind with an
independent peer on the other end, so that the check itself is all a case says.

Stdlib only: ``repro`` inlines this file.
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any, Callable

from .peers import collect, hold
from .values import CaseFailure

STREAM_KINDS = ("tcp4", "tcp6", "unix", "tls-client", "tls-server")
#: Bytes write_until() writes to a peer that reads nothing before it gives up:
#: far beyond any kernel's socket or pipe buffers.
WRITE_LIMIT = 64 * 1024 * 1024


class TransportKinds:
    """Bound to one case: its loop, peers, TLS material and clean-up list."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    async def open_kind(
        self,
        kind: str,
        protocol_factory: Callable[[], Any],
        script: Callable = hold,
        **peer_options: Any,
    ) -> tuple:
        """``(transport, protocol, peer)`` for a stream kind; the peer runs ``script``.

        Kinds: tcp4, tcp6, unix, tls-client (the loop is the TLS client), and
        tls-server (the loop serves TLS to a peer client). ``peer_options`` go
        to the peer (``handshake_failed``, see Peers.listen).
        """
        ctx = self.ctx
        loop, peers, tls = ctx.loop, ctx.peers, ctx.tls
        if kind == "tls-server":
            made: list = []

            def factory() -> Any:
                made.append(protocol_factory())
                return made[-1]

            server = await loop.create_server(factory, "127.0.0.1", 0, ssl=tls.server_context())
            peer = peers.connect(server.sockets[0].getsockname(), script, tls=True, **peer_options)
            await ctx.wait_until(
                lambda: made and made[0].__dict__.get("transport"), what="the TLS connection"
            )
            server.close()
            return made[0].transport, made[0], peer
        if kind not in STREAM_KINDS:
            raise ValueError(f"unknown stream kind {kind!r}; kinds: {', '.join(STREAM_KINDS)}")
        family = {"tcp6": socket.AF_INET6, "unix": socket.AF_UNIX}.get(kind, socket.AF_INET)
        peer = peers.listen(script, family=family, tls=kind == "tls-client", **peer_options)
        extra: dict = {}
        if kind == "tls-client":
            extra = {"ssl": tls.client_context(), "server_hostname": "localhost"}
        if kind == "unix":
            transport, protocol = await loop.create_unix_connection(
                protocol_factory, peer.address, **extra
            )
        else:
            transport, protocol = await loop.create_connection(
                protocol_factory, *peer.address[:2], **extra
            )
        return transport, protocol, peer

    async def open_writer(self, kind: str, protocol_factory: Callable[[], Any]) -> tuple:
        """``(transport, protocol, gate, peer)``: the other end reads nothing until ``gate.set()``.

        Kinds: the stream kinds and ``write-pipe``. A writer whose peer does not
        read is how flow-control cases fill a buffer without relying on kernel
        buffer sizes.
        """
        ctx = self.ctx
        gate = threading.Event()
        ctx.defer(gate.set)
        if kind == "write-pipe":
            read_fd, write_fd = os.pipe()
            reader = open(read_fd, "rb", buffering=0)
            ctx.defer(reader.close)
            peer = ctx.peers.run(lambda: (gate.wait(ctx.scaled(10)), len(reader.read()))[1])
            transport, protocol = await ctx.loop.connect_write_pipe(
                protocol_factory, open(write_fd, "wb", buffering=0)
            )
            return transport, protocol, gate, peer

        def script(conn: Any) -> int:
            gate.wait(ctx.scaled(10))
            try:
                return len(collect(conn))
            except OSError:  # abort() may reset the connection
                conn.close()
                return -1

        # -1, as for a reset: an abort() may drop the loop's last handshake message.
        transport, protocol, peer = await self.open_kind(
            kind, protocol_factory, script, handshake_failed=-1
        )
        return transport, protocol, gate, peer

    @staticmethod
    def write_until(
        transport: Any, done: Callable[[], Any], chunk: bytes, what: str = "the condition"
    ) -> int:
        """Write ``chunk`` until ``done()``; the number of bytes written.

        The peer reads nothing, so once its kernel buffers are full a
        conformant transport must keep what it is given and, past the high
        watermark, pause its protocol. A transport that does neither would be
        written to forever; after WRITE_LIMIT bytes the case fails at once,
        saying so, instead of spinning until its timeout.
        """
        written = 0
        while not done():
            if written >= WRITE_LIMIT:
                raise CaseFailure(
                    f"wrote {written} bytes to a transport whose peer reads nothing and "
                    f"{what} never happened (get_write_buffer_size() = "
                    f"{transport.get_write_buffer_size()})"
                )
            transport.write(chunk)
            written += len(chunk)
        return written

    @classmethod
    def fill(cls, transport: Any) -> int:
        """Write until the transport buffers something (its peer does not read); the size."""
        transport.set_write_buffer_limits(high=1 << 30)
        cls.write_until(
            transport,
            lambda: transport.get_write_buffer_size() > 0,
            b"x" * 65536,
            "the transport buffering anything",
        )
        return transport.get_write_buffer_size()
