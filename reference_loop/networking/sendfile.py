"""loop.sendfile: os.sendfile on plain sockets, read-and-write otherwise."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from ..transports.socket_stream import SocketStreamTransport
from ..transports.tls import TLSTransport

#: Chunk size used by sendfile's read-and-write fallback.
SENDFILE_FALLBACK_CHUNK = 256 * 1024


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
        if isinstance(transport, SocketStreamTransport) and transport._can_sendfile_natively():
            try:
                return await transport._sendfile_native(file, offset, count)
            except asyncio.SendfileNotAvailableError:
                if not fallback:
                    raise
        elif not fallback:
            raise asyncio.SendfileNotAvailableError(
                f"fallback is disabled and native sendfile is not supported for {transport!r}"
            )
        if not isinstance(transport, (SocketStreamTransport, TLSTransport)):
            raise RuntimeError(f"sendfile is not supported for transport {transport!r}")
        return await sendfile_by_copy(transport, file, offset, count)


async def sendfile_by_copy(transport: Any, file: Any, offset: int, count: int | None) -> int:
    sent = 0
    if offset:
        file.seek(offset)
    try:
        while count is None or sent < count:
            size = SENDFILE_FALLBACK_CHUNK
            if count is not None:
                size = min(size, count - sent)
            await transport._wait_writable()
            data = file.read(size)  # a regular file: reading does not block
            if not data:
                break
            if transport.is_closing():
                raise ConnectionError("Connection closed by peer")
            transport.write(data)
            sent += len(data)
        await transport._wait_writable()
        return sent
    finally:
        file.seek(offset + sent)


def check_sendfile_arguments(file: Any, offset: Any, count: Any) -> None:
    if "b" not in getattr(file, "mode", "b"):
        raise ValueError("file should be opened in binary mode")
    if isinstance(file, io.TextIOBase):
        raise ValueError("file should be opened in binary mode")
    if not isinstance(offset, int):
        raise TypeError(f"offset must be a non-negative integer (got {offset!r})")
    if offset < 0:
        raise ValueError(f"offset must be a non-negative integer (got {offset!r})")
    if count is not None:
        if not isinstance(count, int):
            raise TypeError(f"count must be a positive integer (got {count!r})")
        if count <= 0:
            raise ValueError(f"count must be a positive integer (got {count!r})")
