"""loop.sendfile: the shared path of ``reference_loop.sendfile``, aimed at a transport.

What is particular to a transport is all in ``TransportTarget``: os.sendfile()
may only write into a plain socket transport's socket after everything the
protocol wrote before is flushed (the docs' order of writes must hold), and
reading pauses meanwhile; the fallback writes through ``transport.write()``
and respects the protocol's flow control.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ..sendfile import SendfileTarget, check_sendfile_arguments, send_file
from ..transports.socket_stream import SocketStreamTransport
from ..transports.tls import TLSTransport


class SendfileMixin:
    """Sending a file over a stream transport."""

    async def sendfile(
        self,
        transport: asyncio.BaseTransport,
        file: Any,
        offset: int = 0,
        count: int | None = None,
        *,
        fallback: bool = True,
    ) -> int:
        """Send a file: ``os.sendfile`` on plain sockets, read+write otherwise.

        Clauses: ``loop.sendfile/returns-bytes-sent``,
        ``loop.sendfile/offset-and-count``, ``loop.sendfile/file-position``,
        ``loop.sendfile/fallback``, ``loop.sendfile/native-without-fallback``,
        ``loop.sendfile/no-fallback-raises``, ``loop.sendfile/no-fallback-runtime-error``,
        ``loop.sendfile/ordered-with-writes``, ``loop.sendfile/binary-file``,
        ``loop.sendfile/text-file-refused``.
        """
        check_sendfile_arguments(file, offset, count)
        if transport.is_closing():
            raise RuntimeError("Transport is closing")
        target = TransportTarget(transport)
        return await send_file(self, target, file, offset, count, fallback)  # type: ignore[arg-type]


class TransportTarget(SendfileTarget):
    """A stream transport as the destination of ``send_file``."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport

    def syscall_fd(self) -> int:
        transport = self.transport
        if isinstance(transport, SocketStreamTransport) and transport._resource is not None:
            return transport._fd
        # TLS has to encrypt every byte, which os.sendfile() cannot do.
        raise asyncio.SendfileNotAvailableError(
            f"fallback is disabled and native sendfile is not supported for {transport!r}"
        )

    async def before_syscall(self) -> None:
        await self.transport._begin_sendfile()

    def after_syscall(self) -> None:
        self.transport._end_sendfile()

    async def until_writable(self) -> None:
        await self.transport._until_writable()

    def check_copy(self) -> None:
        if not isinstance(self.transport, (SocketStreamTransport, TLSTransport)):
            raise RuntimeError(f"sendfile is not supported for transport {self.transport!r}")

    async def write(self, chunk: memoryview) -> None:
        transport = self.transport
        await transport._wait_writable()
        if transport.is_closing():
            raise ConnectionError("Connection closed by peer")
        transport.write(chunk)

    async def drain(self) -> None:
        await self.transport._wait_writable()
