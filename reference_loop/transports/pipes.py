"""Transports over one end of a pipe (also FIFOs, sockets and ttys).

A pipe end is unidirectional, so the read side is a ReadTransport and the
write side a WriteTransport. Two facts the docs imply but do not spell out
shape this module: end of file on a read pipe is final (eof_received, then
connection_lost, whatever eof_received returns: nothing more can come), and a
write pipe must notice when its reader goes away even while it has nothing to
write, which a POSIX pipe signals by making the write end *readable*. Everything
else (closing, connection_lost, errors, cleanup) is the shared lifecycle of
``base``; the pipe file is the lifecycle's ``_resource``.

Clauses: ``transport-hierarchy/pipe-methods``,
``BaseTransport.get_extra_info/pipe-key``,
``BaseTransport.close/other-kinds-lose-connection``,
``Protocol.eof_received/at-most-once``,
``BaseProtocol.connection_lost/none-on-local-close-or-eof``,
``BufferedProtocol.buffer_updated/every-streaming-method``.
"""

from __future__ import annotations

import asyncio
import os
import stat
from typing import Any, Callable

from .base import Abortable, TransportLifecycle
from .flow_control import WriteFlowControl
from .reading import FdReader, PausableReading
from .writing import StreamWriting, check_bytes_like

READ_CHUNK = 256 * 1024

_WRITE_FAILED = "Fatal write error on pipe transport"


def _pipe_fd(pipe: Any) -> int:
    """The pipe's fd, once it is known to be a pipe, socket or character device."""
    fd = pipe.fileno() if hasattr(pipe, "fileno") else int(pipe)
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        raise ValueError("Pipe transport is only for pipes, sockets and character devices")
    return fd


class _PipeEnd:
    """What both ends do with the pipe they are given: check it, own it, unblock it."""

    _init_lifecycle: Callable[..., None]

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        pipe: Any,
        protocol: asyncio.BaseProtocol,
        waiter: asyncio.Future | None = None,
    ) -> None:
        # Check and unblock the pipe before owning it: a pipe refused here
        # stays the caller's, and no unclosed-transport warning follows.
        fd = _pipe_fd(pipe)
        os.set_blocking(fd, False)
        self._init_lifecycle(loop, protocol, {"pipe": pipe}, resource=pipe)
        self._fd = fd
        self._start(waiter)

    def _start(self, waiter: asyncio.Future | None) -> None:  # pragma: no cover - per end
        raise NotImplementedError


class ReadPipeTransport(
    _PipeEnd, FdReader, PausableReading, Abortable, TransportLifecycle, asyncio.ReadTransport
):
    """Read end: one ``os.read`` per readiness callback."""

    def _start(self, waiter: asyncio.Future | None) -> None:
        self._init_reader()
        self._schedule_connection_made(waiter, self._start_reading)

    def _read_ready(self) -> None:
        if self._resource is None:
            return
        protocol = self._protocol
        if isinstance(protocol, asyncio.BufferedProtocol):
            # Buffered protocols work with every method that takes streaming
            # protocols, this one included (BufferedProtocol.buffer_updated/every-streaming-method).
            try:
                buf = protocol.get_buffer(-1)
                if not len(buf):
                    raise RuntimeError("get_buffer() returned an empty buffer")
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal error: protocol.get_buffer() call failed.")
                return
            self._read_once(
                "Fatal read error on pipe transport", "buffer_updated", os.readv, self._fd, [buf]
            )
            return
        self._read_once(
            "Fatal read error on pipe transport", "data_received", os.read, self._fd, READ_CHUNK
        )

    def _on_eof(self) -> None:
        # Unlike a socket, a pipe cannot stay half open: after its end of file
        # nothing more can come, so connection_lost follows eof_received
        # whatever eof_received returns (a failing eof_received is only
        # reported: the pipe is finished either way).
        self._closing = True
        self._update_reader()
        self._lost = True
        self._loop.call_soon(self._deliver_eof)

    def _deliver_eof(self) -> None:
        self._call_protocol("Fatal error: protocol.eof_received() call failed.", "eof_received")
        self._loop.call_soon(self._call_connection_lost, None)


class WritePipeTransport(
    _PipeEnd, WriteFlowControl, StreamWriting, Abortable, TransportLifecycle, asyncio.WriteTransport
):
    """Write end: buffered ``os.write``, watching for the reader to go away."""

    def _start(self, waiter: asyncio.Future | None) -> None:
        self._init_flow_control()
        self._buffer = bytearray()
        self._eof_written = False
        self._watching = False
        # A pipe or socket whose reader closed polls readable (EOF/HUP); that is
        # the only way to learn of it while there is nothing to write.
        mode = os.fstat(self._fd).st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            self._schedule_connection_made(waiter, self._start_watching)
        else:
            self._schedule_connection_made(waiter)

    def _start_watching(self) -> None:
        if self._resource is not None and not self._lost:
            self._loop.add_reader(self._fd, self._on_peer_gone)
            self._watching = True

    def _on_peer_gone(self) -> None:
        # With data still queued the reader's leaving lost it: an error.
        self._force_close(BrokenPipeError() if self._buffer else None)

    def _release(self) -> None:
        if self._watching:  # before the pipe, and so its fd, is closed
            self._loop.remove_reader(self._fd)
            self._watching = False
        super()._release()

    def get_write_buffer_size(self) -> int:
        """Bytes not yet written to the pipe.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        return len(self._buffer)

    def write(self, data: Any) -> None:
        """Write ``data`` to the pipe, buffering what it cannot take now.

        Clauses: ``WriteTransport.write/delivers-in-order``,
        ``WriteTransport.write/bytes-like-accepted``,
        ``WriteTransport.write/non-bytes-rejected``, ``WriteTransport.write/does-not-block``,
        ``WriteTransport.write/write-after-close``,
        ``WriteTransport.write/write-after-write-eof-raises``.
        """
        check_bytes_like(data)
        if self._eof_written:
            raise RuntimeError("Cannot call write() after write_eof()")
        if not data:
            return
        if self._lost or self._closing:
            self._drop_write("pipe closed by peer or os.write(pipe, data) raised exception.")
            return
        if not self._buffer:
            written = self._attempt(_WRITE_FAILED, os.write, self._fd, data)
            if written is None:
                if self._lost:  # it failed, and the transport is closing
                    return
                written = 0  # the pipe is full: queue it all
            with memoryview(data) as view:
                if written >= view.nbytes:
                    return
                self._buffer += view.cast("B")[written:]
            self._loop.add_writer(self._fd, self._on_writable)
        else:
            self._buffer += data
        self._after_buffer_grew()

    def _on_writable(self) -> None:
        if self._resource is None or not self._buffer:
            return
        written = self._attempt(_WRITE_FAILED, os.write, self._fd, self._buffer)
        if written is None:
            return
        del self._buffer[:written]
        self._after_buffer_shrank()
        if self._buffer or self._lost:
            return
        self._loop.remove_writer(self._fd)
        if self._closing:
            self._schedule_connection_lost(None)

    def close(self) -> None:
        """Flush the buffer, then close the pipe; ``connection_lost(None)`` follows.

        Closing is a pipe's only way to send end of file, so after close()
        write() raises as it does after write_eof().

        Clauses: ``BaseTransport.close/flushes-then-connection-lost-none``,
        ``BaseTransport.close/idempotent``.
        """
        if not self._closing:
            self._eof_written = True
        super().close()

    def write_eof(self) -> None:
        """Close the pipe once the buffer is written.

        Clauses: ``WriteTransport.write_eof/flush-then-eof``.
        """
        self.close()
