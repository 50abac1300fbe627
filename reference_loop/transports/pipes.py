"""Transports over one end of a pipe (also FIFOs, sockets and ttys).

A pipe end is unidirectional, so the read side is a ReadTransport and the
write side a WriteTransport. Two facts the docs imply but do not spell out
shape this module: end of file on a read pipe is final (eof_received, then
connection_lost, whatever eof_received returns: nothing more can come), and a
write pipe must notice when its reader goes away even while it has nothing to
write, which a POSIX pipe signals by making the write end *readable*.

Clauses: ``transport-hierarchy/pipe-methods``,
``BaseTransport.get_extra_info/pipe-key``,
``BaseTransport.close/other-kinds-lose-connection``,
``Protocol.eof_received/at-most-once``,
``BaseProtocol.connection_lost/none-on-local-close-or-eof``.
"""

from __future__ import annotations

import asyncio
import os
import stat
from typing import Any, Iterable

from .base import LOST_WRITES_BEFORE_WARNING, TransportState, is_exit_exception, logger
from .flow_control import WriteFlowControl
from .socket_stream import check_bytes_like

READ_CHUNK = 256 * 1024


def _pipe_fd(pipe: Any) -> int:
    fd = pipe.fileno() if hasattr(pipe, "fileno") else int(pipe)
    mode = os.fstat(fd).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)):
        raise ValueError("Pipe transport is only for pipes, sockets and character devices")
    return fd


class _PipeBase(TransportState):
    _fd: int

    def _init_pipe(self, loop: asyncio.AbstractEventLoop, pipe: Any, protocol: Any) -> None:
        fd = _pipe_fd(pipe)  # validate before taking ownership of the pipe
        self._init_state(loop, protocol, {"pipe": pipe})
        self._fd = fd
        os.set_blocking(fd, False)
        self._pipe: Any = pipe
        self._conn_lost = 0

    def __repr__(self) -> str:
        fd = getattr(self, "_fd", None)
        return f"<{type(self).__name__} fd={fd} closing={getattr(self, '_closing', None)}>"

    def __del__(self) -> None:
        pipe = getattr(self, "_pipe", None)
        if pipe is not None:
            import warnings

            warnings.warn(
                f"unclosed transport {self!r}", ResourceWarning, stacklevel=2, source=self
            )
            pipe.close()

    def _schedule_connection_lost(self, exc: BaseException | None) -> None:
        if self._conn_lost:
            return
        self._conn_lost += 1
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        try:
            self._protocol.connection_lost(exc)
        finally:
            self._release()
            pipe, self._pipe = self._pipe, None
            if pipe is not None:
                pipe.close()

    def _release(self) -> None:
        pass

    def _fatal_error(self, exc: BaseException, message: str) -> None:
        if not isinstance(exc, OSError):
            self._report(message, exc)
        self._force_close(exc)

    def _force_close(self, exc: BaseException | None) -> None:  # pragma: no cover
        raise NotImplementedError


class ReadPipeTransport(_PipeBase, asyncio.ReadTransport):
    """Read end: one ``os.read`` per readiness callback."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        pipe: Any,
        protocol: asyncio.BaseProtocol,
        waiter: asyncio.Future | None = None,
    ) -> None:
        self._init_pipe(loop, pipe, protocol)
        self._paused = False
        self._reader_on = False
        self._started = False
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._start_reading)
        if waiter is not None:
            loop.call_soon(_resolve, waiter)

    def _start_reading(self) -> None:
        self._started = True
        self._update_reader()

    def _update_reader(self) -> None:
        want = self._started and not self._paused and not self._closing and self._pipe is not None
        if want and not self._reader_on:
            self._loop.add_reader(self._fd, self._on_readable)
            self._reader_on = True
        elif not want and self._reader_on:
            self._loop.remove_reader(self._fd)
            self._reader_on = False

    def _on_readable(self) -> None:
        if not self._reader_on:
            return
        try:
            data = os.read(self._fd, READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._fatal_error(exc, "Fatal read error on pipe transport")
            return
        if data:
            try:
                self._protocol.data_received(data)
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                self._fatal_error(exc, "Fatal error: protocol.data_received() call failed.")
            return
        self._closing = True
        self._update_reader()
        self._conn_lost += 1
        self._loop.call_soon(self._deliver_eof)

    def _deliver_eof(self) -> None:
        try:
            self._protocol.eof_received()
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._report("Fatal error: protocol.eof_received() call failed.", exc)
        self._loop.call_soon(self._call_connection_lost, None)

    def is_reading(self) -> bool:
        """True unless paused or closing.

        Clauses: ``ReadTransport.is_reading/true-while-receiving``.
        """
        return not self._paused and not self._closing

    def pause_reading(self) -> None:
        """Stop reading the pipe until resume_reading().

        Clauses: ``ReadTransport.pause_reading/no-data-while-paused``,
        ``ReadTransport.pause_reading/idempotent``.
        """
        if self._closing or self._paused:
            return
        self._paused = True
        self._update_reader()

    def resume_reading(self) -> None:
        """Read the pipe again.

        Clauses: ``ReadTransport.resume_reading/data-flows-again``,
        ``ReadTransport.resume_reading/idempotent``.
        """
        if self._closing or not self._paused:
            return
        self._paused = False
        self._update_reader()

    def close(self) -> None:
        """Stop reading and close the pipe; ``connection_lost(None)`` follows.

        Clauses: ``BaseTransport.close/other-kinds-lose-connection``,
        ``BaseTransport.close/idempotent``.
        """
        if not self._closing:
            self._force_close(None)

    def abort(self) -> None:
        """Close the pipe at once.

        Clauses: ``BaseTransport.close/other-kinds-lose-connection``.
        """
        self._force_close(None)

    def _force_close(self, exc: BaseException | None) -> None:
        self._closing = True
        self._update_reader()
        self._schedule_connection_lost(exc)


class WritePipeTransport(_PipeBase, WriteFlowControl, asyncio.WriteTransport):
    """Write end: buffered ``os.write``, watching for the reader to go away."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        pipe: Any,
        protocol: asyncio.BaseProtocol,
        waiter: asyncio.Future | None = None,
    ) -> None:
        self._init_pipe(loop, pipe, protocol)
        self._init_flow_control()
        self._buffer = bytearray()
        self._eof_written = False
        mode = os.fstat(self._fd).st_mode
        # A pipe or socket whose reader closed polls readable (EOF/HUP); that is
        # the only way to learn of it while there is nothing to write.
        self._watch_peer = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
        self._watching = False
        loop.call_soon(self._protocol.connection_made, self)
        if self._watch_peer:
            loop.call_soon(self._start_watching)
        if waiter is not None:
            loop.call_soon(_resolve, waiter)

    def _start_watching(self) -> None:
        if self._pipe is not None and not self._conn_lost:
            self._loop.add_reader(self._fd, self._on_peer_gone)
            self._watching = True

    def _on_peer_gone(self) -> None:
        if self._buffer:
            self._force_close(BrokenPipeError())
        else:
            self._force_close(None)

    def _release(self) -> None:
        if self._watching:
            self._loop.remove_reader(self._fd)
            self._watching = False

    def get_write_buffer_size(self) -> int:
        """Bytes not yet written to the pipe.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        return len(self._buffer)

    def can_write_eof(self) -> bool:
        """True: closing the pipe is its end of file.

        Clauses: ``WriteTransport.can_write_eof/true-iff-write-eof-works``,
        ``WriteTransport.can_write_eof/plain-kinds-support-it``.
        """
        return True

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
        if self._conn_lost or self._closing:
            if self._conn_lost >= LOST_WRITES_BEFORE_WARNING:
                logger.warning("pipe closed by peer or os.write(pipe, data) raised exception.")
            self._conn_lost += 1
            return
        if not self._buffer:
            try:
                written = os.write(self._fd, data)
            except (BlockingIOError, InterruptedError):
                written = 0
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                self._fatal_error(exc, "Fatal write error on pipe transport")
                return
            with memoryview(data) as view:
                if written >= view.nbytes:
                    return
                self._buffer += view.cast("B")[written:]
            self._loop.add_writer(self._fd, self._on_writable)
        else:
            self._buffer += data
        self._after_buffer_grew()

    def writelines(self, list_of_data: Iterable[Any]) -> None:
        """Write each element in turn.

        Clauses: ``WriteTransport.writelines/like-write-per-element``.
        """
        for data in list_of_data:
            self.write(data)

    def _on_writable(self) -> None:
        if self._pipe is None or not self._buffer:
            return
        try:
            written = os.write(self._fd, self._buffer)
        except (BlockingIOError, InterruptedError):
            return
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._buffer.clear()
            self._loop.remove_writer(self._fd)
            self._fatal_error(exc, "Fatal write error on pipe transport")
            return
        del self._buffer[:written]
        self._after_buffer_shrank()
        if self._buffer or self._conn_lost:
            return
        self._loop.remove_writer(self._fd)
        if self._closing:
            self._schedule_connection_lost(None)

    def write_eof(self) -> None:
        """Close the pipe once the buffer is written.

        Clauses: ``WriteTransport.write_eof/flush-then-eof``.
        """
        if self._closing:
            return
        self._eof_written = True
        self._closing = True
        if not self._buffer:
            self._schedule_connection_lost(None)

    def close(self) -> None:
        """Flush the buffer, then close the pipe.

        Clauses: ``BaseTransport.close/flushes-then-connection-lost-none``,
        ``BaseTransport.close/idempotent``.
        """
        if not self._closing:
            self.write_eof()

    def abort(self) -> None:
        """Close the pipe at once, dropping buffered data.

        Clauses: ``WriteTransport.abort/buffered-data-lost``,
        ``WriteTransport.abort/abort-twice-harmless``, ``WriteTransport.abort/no-more-data``.
        """
        self._force_close(None)

    def _force_close(self, exc: BaseException | None) -> None:
        if self._conn_lost:
            return
        if self._buffer:
            self._buffer.clear()
            self._loop.remove_writer(self._fd)
        self._closing = True
        self._schedule_connection_lost(exc)

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        try:
            super()._call_connection_lost(exc)
        finally:
            self._wake_writable_waiters(BrokenPipeError("pipe closed"))


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
