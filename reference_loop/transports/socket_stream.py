"""The stream transport over a connected TCP or Unix socket.

Every streaming loop method (create_connection, create_server,
create_unix_*, connect_accepted_socket) ends here, and so does TLS, which
runs its record layer on top of this transport. Its job is to turn readiness
callbacks from the loop into the protocol state machine of the docs:

    connection_made, then data_received* (or get_buffer/buffer_updated*),
    then at most one eof_received, then connection_lost exactly once.

Only the loop's public methods are used (add_reader, remove_reader,
add_writer, remove_writer, call_soon, create_future), so the transport runs on
any loop that provides them.

Clauses: ``Protocol.data_received/non-empty-bytes``,
``Protocol.data_received/in-order``, ``Protocol.eof_received/on-peer-eof``,
``Protocol.eof_received/false-closes``,
``Protocol.eof_received/true-keeps-half-open``,
``Protocol.eof_received/at-most-once``,
``BaseProtocol.connection_made/once-per-connection``,
``BaseProtocol.connection_made/not-synchronous-with-return``,
``BaseProtocol.connection_lost/none-on-local-close-or-eof``,
``BaseProtocol.connection_lost/exception-on-error``,
``BufferedProtocol.get_buffer/buffer-used``,
``BufferedProtocol.get_buffer/empty-buffer-is-error``,
``BufferedProtocol.buffer_updated/nbytes-written``,
``BaseTransport.close/flushes-then-connection-lost-none``,
``BaseTransport.close/no-more-data-received``,
``BaseTransport.close/connection-lost-not-synchronous``,
``BaseTransport.close/idempotent``,
``BaseTransport.get_extra_info/socket-keys``,
``BaseTransport.get_extra_info/socket-object``,
``WriteTransport.abort/buffered-data-lost``,
``WriteTransport.abort/abort-twice-harmless``,
``WriteTransport.write/delivers-in-order``,
``WriteTransport.write/does-not-block``,
``WriteTransport.write/write-after-write-eof-raises``,
``WriteTransport.write_eof/flush-then-eof``,
``WriteTransport.can_write_eof/true-iff-write-eof-works``,
``WriteTransport.get_write_buffer_size/output-buffer-size``,
``ReadTransport.is_reading/true-while-receiving``,
``ReadTransport.pause_reading/no-data-while-paused``,
``ReadTransport.pause_reading/idempotent``,
``ReadTransport.resume_reading/data-flows-again``,
``ReadTransport.resume_reading/idempotent``.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import socket
from typing import Any, Callable, Deque, Iterable, Mapping

from .base import LOST_WRITES_BEFORE_WARNING, TransportState, is_exit_exception, logger
from .flow_control import WriteFlowControl

#: Bytes asked of the kernel per read, and the size hint of BufferedProtocol.
READ_CHUNK = 256 * 1024

#: Queued chunks handed to one sendmsg() call (Linux accepts up to 1024).
_MAX_CHUNKS_PER_SEND = 512
_HAVE_SENDMSG = hasattr(socket.socket, "sendmsg")

BYTES_LIKE = (bytes, bytearray, memoryview)


def check_bytes_like(data: Any) -> None:
    if not isinstance(data, BYTES_LIKE):
        raise TypeError(f"data argument must be a bytes-like object, not {type(data).__name__!r}")


def set_tcp_nodelay(sock: socket.socket) -> None:
    """TCP_NODELAY on every TCP connection, as documented since 3.6."""
    if sock.family in (socket.AF_INET, getattr(socket, "AF_INET6", None)) and (
        sock.type == socket.SOCK_STREAM
    ):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass


def socket_extra(sock: socket.socket) -> dict:
    extra: dict = {"socket": sock}
    try:
        extra["sockname"] = sock.getsockname()
    except OSError:
        extra["sockname"] = None
    try:
        extra["peername"] = sock.getpeername()
    except OSError:
        extra["peername"] = None
    return extra


class SocketStreamTransport(TransportState, WriteFlowControl, asyncio.Transport):
    """A bidirectional byte stream over one non-blocking connected socket.

    ``write()`` hands data to the kernel at once when nothing is queued, and
    queues the rest as immutable chunks (bytes are kept, not copied; other
    bytes-like objects are copied once, since the caller may change them).
    Each writable event passes the queue to one ``sendmsg()``. Reads are one
    ``recv`` per readiness callback, so a protocol that pauses reading inside
    ``data_received`` receives nothing more.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        protocol: asyncio.BaseProtocol,
        waiter: asyncio.Future | None = None,
        extra: Mapping[str, Any] | None = None,
        server: Any = None,
    ) -> None:
        info = socket_extra(sock)
        info.update(extra or {})
        self._init_state(loop, protocol, info)
        self._init_flow_control()
        self._sock: socket.socket | None = sock
        self._fd = sock.fileno()
        self._server = server
        # Unsent data, as a queue of immutable chunks: queueing copies nothing,
        # and writable events hand the kernel many chunks at once.
        self._buffer: Deque[Any] = collections.deque()
        self._buffer_size = 0
        self._conn_lost = 0
        self._reading_paused = False
        self._reader_on = False
        self._started = False
        self._eof_seen = False
        self._eof_written = False
        self._sendfile_busy = False
        self._resume_after_sendfile = False
        self._empty_waiters: list = []
        self._sendfile_wakeup: asyncio.Future | None = None
        # Set by the TLS layer: bytes the application never asked for (session
        # tickets, a close_notify) are read and dropped before closing, so the
        # kernel ends the connection with FIN instead of a reset.
        self._discard_unread_on_close = False
        # The readiness callback is picked once per protocol, not per event.
        self._read_ready = self._reader_for(protocol)
        set_tcp_nodelay(sock)
        if server is not None:
            server._attach(self)
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._start_reading)
        if waiter is not None:
            loop.call_soon(_resolve, waiter, None)

    def __repr__(self) -> str:
        state = "closed" if self._sock is None else ("closing" if self._closing else "open")
        return f"<{type(self).__name__} fd={self._fd} {state} buffered={self._buffer_size}>"

    def __del__(self) -> None:
        sock = getattr(self, "_sock", None)
        if sock is not None:
            import warnings

            warnings.warn(
                f"unclosed transport {self!r}", ResourceWarning, stacklevel=2, source=self
            )
            sock.close()

    # -- reading -----------------------------------------------------------------

    def _start_reading(self) -> None:
        self._started = True
        self._update_reader()

    def _update_reader(self) -> None:
        want = (
            self._started
            and not self._reading_paused
            and not self._closing
            and not self._eof_seen
            and self._sock is not None
        )
        if want and not self._reader_on:
            self._loop.add_reader(self._fd, self._read_ready)
            self._reader_on = True
        elif not want and self._reader_on:
            self._loop.remove_reader(self._fd)
            self._reader_on = False

    def is_reading(self) -> bool:
        """True unless paused, closing or at end of file.

        Clauses: ``ReadTransport.is_reading/true-while-receiving``.
        """
        return not (self._reading_paused or self._closing or self._eof_seen)

    def pause_reading(self) -> None:
        """Stop receiving until resume_reading().

        Clauses: ``ReadTransport.pause_reading/no-data-while-paused``,
        ``ReadTransport.pause_reading/idempotent``.
        """
        if self._closing or self._reading_paused:
            return
        self._reading_paused = True
        self._update_reader()

    def resume_reading(self) -> None:
        """Receive again.

        Clauses: ``ReadTransport.resume_reading/data-flows-again``,
        ``ReadTransport.resume_reading/idempotent``.
        """
        if self._closing or not self._reading_paused:
            return
        self._reading_paused = False
        self._update_reader()

    def set_protocol(self, protocol: Any) -> None:
        """Deliver further events to ``protocol``.

        A switch between a plain and a buffered protocol also switches the
        readiness callback, so the next bytes arrive the way the new protocol
        asks for them.

        Clauses: ``BaseTransport.set_protocol/sets-the-protocol``.
        """
        self._protocol = protocol
        read_ready = self._reader_for(protocol)
        if read_ready != self._read_ready:
            self._read_ready = read_ready
            if self._reader_on:
                self._loop.add_reader(self._fd, read_ready)

    def _reader_for(self, protocol: Any) -> Callable[[], None]:
        if isinstance(protocol, asyncio.BufferedProtocol):
            return self._read_into_protocol_buffer
        return self._read_bytes

    # The two readiness callbacks are the hot path of every stream: one recv,
    # one protocol call, and no other work when nothing goes wrong. A stale
    # event cannot reach them: removing a reader cancels its queued handle.

    def _read_bytes(self) -> None:
        sock = self._sock
        if sock is None:
            return
        try:
            data = sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not data:
            self._on_eof()
            return
        try:
            self._protocol.data_received(data)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.data_received() call failed.")

    def _read_into_protocol_buffer(self) -> None:
        sock = self._sock
        if sock is None:
            return
        protocol = self._protocol
        try:
            buf = protocol.get_buffer(-1)
            if not len(buf):
                raise RuntimeError("get_buffer() returned an empty buffer")
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.get_buffer() call failed.")
            return
        try:
            nbytes = sock.recv_into(buf)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal read error on socket transport")
            return
        if not nbytes:
            self._on_eof()
            return
        try:
            protocol.buffer_updated(nbytes)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.buffer_updated() call failed.")

    def _on_eof(self) -> None:
        self._eof_seen = True
        self._update_reader()
        try:
            keep_open = self._protocol.eof_received()
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._fatal_error(exc, "Fatal error: protocol.eof_received() call failed.")
            return
        if not keep_open:
            self.close()

    # -- writing -----------------------------------------------------------------

    def get_write_buffer_size(self) -> int:
        """Bytes not yet handed to the kernel.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        return self._buffer_size

    def can_write_eof(self) -> bool:
        """True: a socket can shut down its sending side.

        Clauses: ``WriteTransport.can_write_eof/true-iff-write-eof-works``,
        ``WriteTransport.can_write_eof/plain-kinds-support-it``.
        """
        return True

    def write(self, data: Any) -> None:
        """Send ``data``: straight to the socket when nothing is buffered, else buffer it.

        Clauses: ``WriteTransport.write/delivers-in-order``,
        ``WriteTransport.write/bytes-like-accepted``,
        ``WriteTransport.write/non-bytes-rejected``, ``WriteTransport.write/does-not-block``,
        ``WriteTransport.write/write-after-close``,
        ``WriteTransport.write/write-after-write-eof-raises``.
        """
        if type(data) is not bytes:
            check_bytes_like(data)
        if self._eof_written or self._sendfile_busy or self._conn_lost:
            self._refuse_write(data)
            return
        if not data:
            return
        buffer = self._buffer
        if buffer:
            # The writer callback is already waiting for room: queue behind it.
            if type(data) is not bytes:
                data = _frozen(data)
            buffer.append(data)
            size = self._buffer_size = self._buffer_size + len(data)
        else:
            try:
                sent = self._sock.send(data)  # type: ignore[union-attr]
            except (BlockingIOError, InterruptedError):
                sent = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            if type(data) is not bytes:
                data = _frozen(data)
            size = len(data) - sent
            if not size:
                return  # the common case: the kernel took it all
            # A view of what the kernel left: the bytes are not copied.
            buffer.append(memoryview(data)[sent:] if sent else data)
            self._buffer_size = size
            self._loop.add_writer(self._fd, self._on_writable)
        gate = self._gate
        if not gate.paused and size > gate.high:
            self._after_buffer_grew()

    def _refuse_write(self, data: Any) -> None:
        """write() after write_eof(), during sendfile, or on a lost connection."""
        if self._eof_written:
            raise RuntimeError("Cannot call write() after write_eof()")
        if self._sendfile_busy:
            raise RuntimeError("unable to write; sendfile is in progress")
        if not data:
            return
        if self._conn_lost >= LOST_WRITES_BEFORE_WARNING:
            logger.warning("socket.send() raised exception.")
        self._conn_lost += 1

    def writelines(self, list_of_data: Iterable[Any]) -> None:
        """Write each element in turn.

        Clauses: ``WriteTransport.writelines/like-write-per-element``.
        """
        for data in list_of_data:
            self.write(data)

    def _on_writable(self) -> None:
        sock = self._sock
        buffer = self._buffer
        if sock is None or not buffer:
            return
        try:
            if len(buffer) == 1 or not _HAVE_SENDMSG:
                sent = sock.send(buffer[0])
            elif len(buffer) <= _MAX_CHUNKS_PER_SEND:
                sent = sock.sendmsg(buffer)
            else:
                sent = sock.sendmsg(itertools.islice(buffer, _MAX_CHUNKS_PER_SEND))
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop.remove_writer(self._fd)
            buffer.clear()
            self._buffer_size = 0
            self._fatal_error(exc, "Fatal write error on socket transport")
            return
        size = self._buffer_size = self._buffer_size - sent
        # Drop the chunks the kernel took; keep a view of a partly sent one.
        while sent:
            chunk = buffer[0]
            if len(chunk) > sent:
                buffer[0] = memoryview(chunk)[sent:]
                break
            sent -= len(chunk)
            buffer.popleft()
        gate = self._gate
        if gate.paused and size <= gate.low:
            self._after_buffer_shrank()
        if buffer or self._conn_lost:
            return
        self._loop.remove_writer(self._fd)
        if self._empty_waiters:
            self._wake_empty_waiters()
        if self._closing:
            self._schedule_connection_lost(None)
        elif self._eof_written:
            self._shutdown_write()

    def write_eof(self) -> None:
        """Shut down the sending side once the buffer is flushed.

        Clauses: ``WriteTransport.write_eof/flush-then-eof``.
        """
        if self._closing or self._eof_written:
            return
        self._eof_written = True
        if not self._buffer:
            self._shutdown_write()

    def _shutdown_write(self) -> None:
        assert self._sock is not None
        try:
            self._sock.shutdown(socket.SHUT_WR)
        except OSError as exc:
            self._fatal_error(exc, "Fatal error on shutdown(SHUT_WR)")

    # -- closing -----------------------------------------------------------------

    def close(self) -> None:
        """Stop reading, flush the buffer, then ``connection_lost(None)``.

        Clauses: ``BaseTransport.close/flushes-then-connection-lost-none``,
        ``BaseTransport.close/no-more-data-received``,
        ``BaseTransport.close/connection-lost-not-synchronous``,
        ``BaseTransport.close/idempotent``.
        """
        if self._closing:
            return
        self._closing = True
        self._update_reader()
        if not self._buffer:
            self._schedule_connection_lost(None)

    def abort(self) -> None:
        """Close at once, dropping buffered data; ``connection_lost(None)`` follows.

        Clauses: ``WriteTransport.abort/buffered-data-lost``,
        ``WriteTransport.abort/abort-twice-harmless``, ``WriteTransport.abort/no-more-data``.
        """
        self._force_close(None)

    def _fatal_error(self, exc: BaseException, message: str) -> None:
        # Connection errors are the peer's doing, not a bug: they end the
        # connection (connection_lost(exc)) without bothering the handler.
        if not isinstance(exc, OSError):
            self._report(message, exc)
        self._force_close(exc)

    def _force_close(self, exc: BaseException | None) -> None:
        if self._conn_lost:
            return
        if self._buffer:
            self._buffer.clear()
            self._buffer_size = 0
            self._loop.remove_writer(self._fd)
        if not self._closing:
            self._closing = True
            self._update_reader()
        self._schedule_connection_lost(exc)

    def _schedule_connection_lost(self, exc: BaseException | None) -> None:
        if self._conn_lost:
            return
        self._conn_lost += 1
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        try:
            self._protocol.connection_lost(exc)
        finally:
            self._wake_writable_waiters(ConnectionResetError("connection lost"))
            self._wake_empty_waiters()
            if self._sendfile_busy:
                self._loop.remove_writer(self._fd)
                if self._sendfile_wakeup is not None:
                    _resolve(self._sendfile_wakeup, None)
            sock, self._sock = self._sock, None
            if sock is not None:
                if self._discard_unread_on_close:
                    _discard_unread(sock)
                sock.close()
            server, self._server = self._server, None
            if server is not None:
                server._detach(self)

    # -- for reference_loop.networking.sendfile -------------------------------------

    async def _begin_sendfile(self) -> None:
        """Make the socket os.sendfile()'s alone: stop reading, flush what is queued."""
        self._resume_after_sendfile = self.is_reading()
        self.pause_reading()
        while self._buffer and not self._conn_lost:
            waiter = self._loop.create_future()
            self._empty_waiters.append(waiter)
            await waiter
        if self._conn_lost or self._sock is None:
            raise ConnectionError("Connection closed by peer")
        self._sendfile_busy = True

    def _end_sendfile(self) -> None:
        self._sendfile_busy = False
        if self._resume_after_sendfile:
            self._resume_after_sendfile = False
            self.resume_reading()

    async def _until_writable(self) -> None:
        """Wait for room in the socket during sendfile; raise if the connection went away."""
        waiter = self._sendfile_wakeup = self._loop.create_future()
        self._loop.add_writer(self._fd, _resolve, waiter, None)
        try:
            await waiter
        finally:
            self._sendfile_wakeup = None
            if self._sock is not None:
                self._loop.remove_writer(self._fd)
        if self._sock is None:
            raise ConnectionError("Connection closed by peer")

    def _wake_empty_waiters(self) -> None:
        waiters, self._empty_waiters = self._empty_waiters, []
        for waiter in waiters:
            _resolve(waiter, None)


def _frozen(data: Any) -> bytes:
    """An immutable copy of a bytes-like object the caller may still change."""
    with memoryview(data) as view:
        return view.tobytes()


def _discard_unread(sock: socket.socket, limit: int = 1 << 20) -> None:
    try:
        while limit > 0:
            data = sock.recv(min(limit, READ_CHUNK))
            if not data:
                return
            limit -= len(data)
    except OSError:
        pass


def _resolve(waiter: asyncio.Future, value: Any) -> None:
    if not waiter.done():
        waiter.set_result(value)
