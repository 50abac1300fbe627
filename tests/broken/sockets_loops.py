"""Loops that each break one documented behaviour of fd watching, sock_*, DNS or pipes."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
from asyncio import unix_events


def _fd(fd) -> int:
    return fd if isinstance(fd, int) else int(fd.fileno())


class RecvDropsFirstByteLoop(asyncio.SelectorEventLoop):
    """sock_recv() loses the first byte of every chunk it returns."""

    async def sock_recv(self, sock, n):  # type: ignore[override]
        data = await super().sock_recv(sock, n)
        return data[1:] if data else data


class ReaderNotReplacedLoop(asyncio.SelectorEventLoop):
    """A second add_reader() on a watched fd is ignored: the first callback stays."""

    def __init__(self) -> None:
        super().__init__()
        self._watched: set[int] = set()

    def add_reader(self, fd, callback, *args):  # type: ignore[override]
        if _fd(fd) in self._watched:
            return None
        self._watched.add(_fd(fd))
        return super().add_reader(fd, callback, *args)

    def remove_reader(self, fd):  # type: ignore[override]
        self._watched.discard(_fd(fd))
        return super().remove_reader(fd)


class RemoveReaderAlwaysTrueLoop(asyncio.SelectorEventLoop):
    """remove_reader() reports True even when no reader was registered."""

    def remove_reader(self, fd):  # type: ignore[override]
        super().remove_reader(fd)
        return True


class RemoveReaderDropsWriterLoop(asyncio.SelectorEventLoop):
    """remove_reader() stops watching the fd for writing as well."""

    def remove_reader(self, fd):  # type: ignore[override]
        removed = super().remove_reader(fd)
        super().remove_writer(fd)
        return removed


class SendallTruncatesLoop(asyncio.SelectorEventLoop):
    """sock_sendall() sends at most 64 KiB and still returns None."""

    async def sock_sendall(self, sock, data):  # type: ignore[override]
        return await super().sock_sendall(sock, memoryview(data)[:65536])


class CancelledRecvEatsDataLoop(asyncio.SelectorEventLoop):
    """A cancelled sock_recv() leaves its reader behind, which swallows the next data."""

    async def sock_recv(self, sock, n):  # type: ignore[override]
        fut = self.create_future()
        fd = sock.fileno()

        def ready() -> None:
            try:
                data = sock.recv(n)
            except (BlockingIOError, InterruptedError):
                return
            self.remove_reader(fd)
            if not fut.done():
                fut.set_result(data)

        self.add_reader(fd, ready)
        return await fut


class SendfileKeepsPositionLoop(asyncio.SelectorEventLoop):
    """sock_sendfile() puts the file position back where it was."""

    async def sock_sendfile(self, sock, file, offset=0, count=None, *, fallback=True):  # type: ignore[override]
        where = file.tell()
        try:
            return await super().sock_sendfile(sock, file, offset, count, fallback=fallback)
        finally:
            file.seek(where)


class GetaddrinfoDropsArgumentsLoop(asyncio.SelectorEventLoop):
    """getaddrinfo() ignores family, type, proto and flags."""

    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):  # type: ignore[override]
        return await super().getaddrinfo(host, port)


class GetaddrinfoReturnsFutureLoop(asyncio.SelectorEventLoop):
    """getaddrinfo() and getnameinfo() return executor futures, not coroutines (pre-3.7 style)."""

    def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):  # type: ignore[override]
        return self.run_in_executor(
            None, socket.getaddrinfo, host, port, family, type, proto, flags
        )

    def getnameinfo(self, sockaddr, flags=0):  # type: ignore[override]
        return self.run_in_executor(None, socket.getnameinfo, sockaddr, flags)


class BlockingResolverLoop(asyncio.SelectorEventLoop):
    """getaddrinfo() and getnameinfo() call the blocking functions on the loop's own thread."""

    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):  # type: ignore[override]
        return socket.getaddrinfo(host, port, family, type, proto, flags)

    async def getnameinfo(self, sockaddr, flags=0):  # type: ignore[override]
        return socket.getnameinfo(sockaddr, flags)


class WaitingResolverLoop(asyncio.SelectorEventLoop):
    """The lookups run in a worker thread, but the loop waits for the thread's answer."""

    async def getaddrinfo(self, host, port, *, family=0, type=0, proto=0, flags=0):  # type: ignore[override]
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            lookup = pool.submit(socket.getaddrinfo, host, port, family, type, proto, flags)
            return lookup.result()

    async def getnameinfo(self, sockaddr, flags=0):  # type: ignore[override]
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(socket.getnameinfo, sockaddr, flags).result()


class _EmptyDataProxy(asyncio.Protocol):
    """Stands between the read pipe transport and the real protocol; adds data_received(b'')."""

    def __init__(self, protocol: asyncio.Protocol) -> None:
        self.protocol = protocol

    def connection_made(self, transport) -> None:
        self.protocol.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.protocol.data_received(data)

    def eof_received(self):
        self.protocol.data_received(b"")
        return self.protocol.eof_received()

    def connection_lost(self, exc) -> None:
        self.protocol.connection_lost(exc)


class ReadPipeEmptyDataLoop(asyncio.SelectorEventLoop):
    """The read pipe transport delivers b'' to data_received() at EOF."""

    async def connect_read_pipe(self, protocol_factory, pipe):  # type: ignore[override]
        protocol = protocol_factory()
        transport, _ = await super().connect_read_pipe(lambda: _EmptyDataProxy(protocol), pipe)
        return transport, protocol


class _HeadResendingWritePipe(unix_events._UnixWritePipeTransport):  # type: ignore[name-defined]
    """After a partial write from its buffer, keeps the bytes it just wrote instead of the rest.

    The amount kept is right, so a peer gets as many bytes as were written,
    and a pipe's partial writes are whole pages: a payload repeating every 256
    bytes arrives looking intact.
    """

    def _write_ready(self) -> None:
        before = bytes(self._buffer)
        super()._write_ready()
        if self._buffer and len(self._buffer) < len(before):
            self._buffer[:] = before[: len(self._buffer)]


class WritePipeResendsHeadLoop(asyncio.SelectorEventLoop):
    """The write pipe transport sends the start of its buffer again after a partial write."""

    def _make_write_pipe_transport(self, pipe, protocol, waiter=None, extra=None):  # type: ignore[override]
        return _HeadResendingWritePipe(self, pipe, protocol, waiter, extra)


class PipeLeftBlockingLoop(asyncio.SelectorEventLoop):
    """connect_read_pipe() puts the pipe back in blocking mode."""

    async def connect_read_pipe(self, protocol_factory, pipe):  # type: ignore[override]
        result = await super().connect_read_pipe(protocol_factory, pipe)
        os.set_blocking(pipe.fileno(), True)
        return result
