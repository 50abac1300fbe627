"""Sending a file: the one path behind ``loop.sendfile()`` and ``loop.sock_sendfile()``.

The two loop methods differ only in where the bytes go (a transport, or a
bare socket); what happens to the file is the same, so it is written once:

1. ``check_sendfile_arguments``: a binary file, an offset >= 0, a count > 0
   or None, checked before anything is sent.
2. ``os.sendfile()`` from the file straight into the socket, waiting for the
   socket to become writable whenever the kernel's buffer is full.
3. If that is impossible (no socket to send into, no ``os.sendfile`` on this
   platform, a file without a descriptor, a file the syscall refuses) and
   only then, ``SendfileNotAvailableError``; with ``fallback=True`` the file
   is read in chunks instead and each chunk written the ordinary way.
4. Whatever happened, the file position ends at ``offset`` plus the bytes
   sent, so that ``file.tell()`` tells the caller how far it got.

A ``SendfileTarget`` is where the bytes go. ``SocketTarget`` here serves
``sock_sendfile``; the transport target lives with ``loop.sendfile`` in
``reference_loop.networking.sendfile``. Both use only public loop methods.

Clauses: ``loop.sendfile/returns-bytes-sent``, ``loop.sendfile/offset-and-count``,
``loop.sendfile/file-position``, ``loop.sendfile/fallback``,
``loop.sock_sendfile/sends-file``, ``loop.sock_sendfile/offset-and-count``,
``loop.sock_sendfile/position-updated``, ``loop.sock_sendfile/fallback-without-syscall``,
``loop.sock_sendfile/bad-offset-or-count``, ``loop.sock_sendfile/binary-file-only``,
``loop.sendfile/text-file-refused``.
"""

from __future__ import annotations

import asyncio
import errno
import io
import os
import socket
from typing import Any, Tuple

from .waiters import settle

__all__ = ["SendfileTarget", "SocketTarget", "check_sendfile_arguments", "send_file"]

#: Bytes read and written per step when the file has to be copied by hand.
FALLBACK_CHUNK = 256 * 1024

#: errno values with which os.sendfile() says "not this file, not this socket"
#: rather than "the connection failed": only these make the fallback worth trying.
_SYSCALL_REFUSED = {
    getattr(errno, name)
    for name in ("ENOTSOCK", "ENOTSUP", "EOPNOTSUPP", "EINVAL", "ENOSYS")
    if hasattr(errno, name)
}


def check_sendfile_arguments(file: Any, offset: Any, count: Any) -> None:
    """Refuse a text file, a bad offset or a bad count, before sending anything.

    The count is checked before the offset, as the stdlib does, so a call that
    gets both wrong fails the same way on either loop.
    """
    if "b" not in getattr(file, "mode", "b") or isinstance(file, io.TextIOBase):
        raise ValueError("file should be opened in binary mode")
    if count is not None:
        if not isinstance(count, int):
            raise TypeError(f"count must be a positive integer (got {count!r})")
        if count <= 0:
            raise ValueError(f"count must be a positive integer (got {count!r})")
    if not isinstance(offset, int):
        raise TypeError(f"offset must be a non-negative integer (got {offset!r})")
    if offset < 0:
        raise ValueError(f"offset must be a non-negative integer (got {offset!r})")


class SendfileTarget:
    """Where a file is sent: what ``send_file`` needs to know about it.

    The default methods suit a target that needs no preparation; a target
    overrides what differs for it.
    """

    def syscall_fd(self) -> int:
        """The socket fd ``os.sendfile()`` may write to; SendfileNotAvailableError if none."""
        raise NotImplementedError

    async def before_syscall(self) -> None:
        """Make the socket the file's alone (nothing else may write meanwhile)."""

    def after_syscall(self) -> None:
        """Undo ``before_syscall``; runs even when it failed part way."""

    async def until_writable(self) -> None:
        """Return once the socket can take more; raise if it went away."""
        raise NotImplementedError

    def check_copy(self) -> None:
        """Raise if the fallback cannot write to this target either."""

    async def write(self, chunk: memoryview) -> None:
        """Send one chunk of the fallback; ``chunk`` is reused once this returns."""
        raise NotImplementedError

    async def drain(self) -> None:
        """Return once the last chunk is on its way."""


class SocketTarget(SendfileTarget):
    """A non-blocking stream socket, for ``loop.sock_sendfile``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
        self.loop = loop
        self.sock = sock

    def syscall_fd(self) -> int:
        return self.sock.fileno()

    async def until_writable(self) -> None:
        fd = self.sock.fileno()
        ready = self.loop.create_future()
        self.loop.add_writer(fd, settle, ready)
        try:
            await ready
        finally:
            self.loop.remove_writer(fd)

    async def write(self, chunk: memoryview) -> None:
        await self.loop.sock_sendall(self.sock, chunk)


async def send_file(
    loop: asyncio.AbstractEventLoop,
    target: SendfileTarget,
    file: Any,
    offset: int,
    count: int | None,
    fallback: bool,
) -> int:
    """Send ``count`` bytes of ``file`` from ``offset`` (to its end if None) to ``target``.

    The arguments must have passed ``check_sendfile_arguments``. Returns the
    number of bytes sent.
    """
    try:
        return await _send_with_syscall(target, file, offset, count)
    except asyncio.SendfileNotAvailableError:
        if not fallback:
            raise
    return await _send_by_copying(loop, target, file, offset, count)


async def _send_with_syscall(
    target: SendfileTarget, file: Any, offset: int, count: int | None
) -> int:
    out_fd = target.syscall_fd()
    if not hasattr(os, "sendfile"):
        raise asyncio.SendfileNotAvailableError("os.sendfile() is not available")
    in_fd, size = _regular_file(file)
    end = size if count is None else min(size, offset + count)
    sent = 0
    try:
        await target.before_syscall()
        while offset + sent < end:
            try:
                n = os.sendfile(out_fd, in_fd, offset + sent, end - offset - sent)
            except (BlockingIOError, InterruptedError):
                await target.until_writable()
                continue
            except OSError as exc:
                error = _syscall_error(exc, sent)
                if error is exc:
                    raise
                raise error from exc
            if n == 0:  # the file is shorter than it was when we looked
                break
            sent += n
        return sent
    finally:
        _move_to(file, offset + sent)
        target.after_syscall()


async def _send_by_copying(
    loop: asyncio.AbstractEventLoop,
    target: SendfileTarget,
    file: Any,
    offset: int,
    count: int | None,
) -> int:
    target.check_copy()
    if offset:
        file.seek(offset)
    chunk = min(count, FALLBACK_CHUNK) if count else FALLBACK_CHUNK
    buffer = bytearray(chunk)
    sent = 0
    try:
        while True:
            want = chunk if count is None else min(count - sent, chunk)
            if want <= 0:
                break
            view = memoryview(buffer)[:want]
            # Even a regular file can make a read wait for the disk: the loop
            # must not, so the read runs in the default executor.
            got = await loop.run_in_executor(None, file.readinto, view)
            if not got:
                break
            await target.write(view[:got])
            sent += got
        await target.drain()
        return sent
    finally:
        _move_to(file, offset + sent)


def _regular_file(file: Any) -> Tuple[int, int]:
    """The file's descriptor and size; SendfileNotAvailableError if it has no descriptor."""
    try:
        fd = file.fileno()
        return fd, os.fstat(fd).st_size
    except (AttributeError, OSError) as exc:  # io.UnsupportedOperation is an OSError
        raise asyncio.SendfileNotAvailableError("not a regular file") from exc


def _syscall_error(exc: OSError, sent: int) -> BaseException:
    """What a failed os.sendfile() call means to the caller."""
    if sent == 0 and exc.errno in _SYSCALL_REFUSED:
        return asyncio.SendfileNotAvailableError(f"os.sendfile() cannot send this file: {exc}")
    if exc.errno == errno.ENOTCONN and not isinstance(exc, ConnectionError):
        return ConnectionError(errno.ENOTCONN, "socket is not connected")
    return exc


def _move_to(file: Any, position: int) -> None:
    """Leave the file position after what was sent ("File position is always updated")."""
    if hasattr(file, "seek"):
        file.seek(position)
