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
from typing import Any, Callable, Deque, Mapping

from ..waiters import settle, settle_all
from .base import Abortable, TransportLifecycle
from .flow_control import WriteFlowControl
from .reading import FdReader, PausableReading
from .writing import StreamWriting, check_bytes_like, frozen

#: Bytes asked of the kernel per read, and the size hint of BufferedProtocol.
READ_CHUNK = 256 * 1024

#: Queued chunks handed to one sendmsg() call (Linux accepts up to 1024).
_MAX_CHUNKS_PER_SEND = 512
_HAVE_SENDMSG = hasattr(socket.socket, "sendmsg")

_READ_FAILED = "Fatal read error on socket transport"


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
    """The extra-info keys of a socket transport: the socket and both addresses."""
    extra: dict = {"socket": sock}
    for key, read in (("sockname", sock.getsockname), ("peername", sock.getpeername)):
        try:
            extra[key] = read()
        except OSError:
            extra[key] = None
    return extra


class SocketStreamTransport(
    FdReader,
    PausableReading,
    WriteFlowControl,
    StreamWriting,
    Abortable,
    TransportLifecycle,
    asyncio.Transport,
):
    """A bidirectional byte stream over one non-blocking connected socket.

    ``write()`` hands data to the kernel at once when nothing is queued, and
    queues the rest as immutable chunks (bytes are kept, not copied; other
    bytes-like objects are copied once, since the caller may change them).
    Each writable event passes the queue to one ``sendmsg()``. Reads are one
    ``recv`` per readiness callback, so a protocol that pauses reading inside
    ``data_received`` receives nothing more. The socket is the lifecycle's
    ``_resource``.
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
        self._init_lifecycle(loop, protocol, info, resource=sock)
        self._init_flow_control()
        # The readiness callback is picked once per protocol, not per event.
        self._init_reader()
        self._read_ready = self._reader_for(protocol)
        self._fd = sock.fileno()
        self._server = server
        # Unsent data, as a queue of immutable chunks: queueing copies nothing,
        # and writable events hand the kernel many chunks at once.
        self._buffer: Deque[Any] = collections.deque()
        self._buffer_size = 0
        self._eof_written = False
        self._sendfile_busy = False
        self._resume_after_sendfile = False
        self._empty_waiters: list = []
        self._sendfile_wakeup: asyncio.Future | None = None
        # Set by the TLS layer: bytes the application never asked for (session
        # tickets, a close_notify) are read and dropped before closing, so the
        # kernel ends the connection with FIN instead of a reset.
        self._discard_unread_on_close = False
        set_tcp_nodelay(sock)
        if server is not None:
            server._attach(self)
        self._schedule_connection_made(waiter, self._start_reading)

    # -- reading -----------------------------------------------------------------

    def set_protocol(self, protocol: Any) -> None:
        """Deliver further events to ``protocol``.

        A switch between a plain and a buffered protocol also switches the
        readiness callback, so the next bytes arrive the way the new protocol
        asks for them.

        Clauses: ``BaseTransport.set_protocol/sets-the-protocol``.
        """
        self._protocol = protocol
        self._set_read_ready(self._reader_for(protocol))

    def _reader_for(self, protocol: Any) -> Callable[[], None]:
        if isinstance(protocol, asyncio.BufferedProtocol):
            return self._read_into_protocol_buffer
        return self._read_bytes

    # The readiness callbacks are the hot path of every stream. A stale event
    # cannot reach them: removing a reader cancels its queued handle.
    # _read_bytes, which every plain Protocol uses, spells out what
    # FdReader._read_once() does (one recv, one protocol call), because two
    # Python calls less per read show in the benchmarks.

    def _read_bytes(self) -> None:
        sock = self._resource
        if sock is None:
            return
        try:
            data = sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, _READ_FAILED)
            return
        if not data:
            self._on_eof()
            return
        # What _protocol_event() does, inlined: one call less per read.
        try:
            self._protocol.data_received(data)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, "Fatal error: protocol.data_received() call failed.")

    def _read_into_protocol_buffer(self) -> None:
        sock = self._resource
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
        self._read_once(_READ_FAILED, "buffer_updated", sock.recv_into, buf)

    def _on_eof(self) -> None:
        self._eof_seen = True
        self._update_reader()
        # A failing eof_received() has closed the transport already, which
        # makes this close() do nothing.
        if not self._protocol_event("eof_received"):
            self.close()

    # -- writing -----------------------------------------------------------------

    def get_write_buffer_size(self) -> int:
        """Bytes not yet handed to the kernel.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        return self._buffer_size

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
        if self._eof_written or self._sendfile_busy or self._lost:
            self._refuse_write(data)
            return
        if not data:
            return
        buffer = self._buffer
        if buffer:
            # The writer callback is already waiting for room: queue behind it.
            if type(data) is not bytes:
                data = frozen(data)
            buffer.append(data)
            size = self._buffer_size = self._buffer_size + len(data)
        else:
            try:
                sent = self._resource.send(data)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except (SystemExit, KeyboardInterrupt):
                raise
            except BaseException as exc:
                self._fatal_error(exc, "Fatal write error on socket transport")
                return
            if type(data) is not bytes:
                data = frozen(data)
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
        if data:
            self._drop_write("socket.send() raised exception.")

    def _on_writable(self) -> None:
        sock = self._resource
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
        if buffer or self._lost:
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
        try:
            self._resource.shutdown(socket.SHUT_WR)
        except OSError as exc:
            self._fatal_error(exc, "Fatal error on shutdown(SHUT_WR)")

    # -- the end -----------------------------------------------------------------

    def _release(self) -> None:
        self._wake_empty_waiters()
        if self._sendfile_busy:
            # The socket is about to close under a running os.sendfile():
            # stop watching it first, then let the transfer see it is gone.
            self._loop.remove_writer(self._fd)
            if self._sendfile_wakeup is not None:
                settle(self._sendfile_wakeup)
        if self._discard_unread_on_close and self._resource is not None:
            _discard_unread(self._resource)
        super()._release()
        server, self._server = self._server, None
        if server is not None:
            server._detach(self)

    # -- for reference_loop.networking.sendfile -------------------------------------

    async def _begin_sendfile(self) -> None:
        """Make the socket os.sendfile()'s alone: stop reading, flush what is queued."""
        self._resume_after_sendfile = self.is_reading()
        self.pause_reading()
        while self._buffer and not self._lost:
            waiter = self._loop.create_future()
            self._empty_waiters.append(waiter)
            await waiter
        if self._lost or self._resource is None:
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
        self._loop.add_writer(self._fd, settle, waiter)
        try:
            await waiter
        finally:
            self._sendfile_wakeup = None
            if self._resource is not None:
                self._loop.remove_writer(self._fd)
        if self._resource is None:
            raise ConnectionError("Connection closed by peer")

    def _wake_empty_waiters(self) -> None:
        waiters, self._empty_waiters = self._empty_waiters, []
        settle_all(waiters)


def _discard_unread(sock: socket.socket, limit: int = 1 << 20) -> None:
    try:
        while limit > 0:
            data = sock.recv(min(limit, READ_CHUNK))
            if not data:
                return
            limit -= len(data)
    except OSError:
        pass
