"""TLS as a layer between a stream transport and the application protocol.

The standard library's ``ssl`` module can run TLS over memory buffers
(``SSLContext.wrap_bio`` with two ``ssl.MemoryBIO``), which is what a loop
needs: the loop owns the socket and its readiness, ``ssl`` only turns bytes
into records and back. So TLS here is two objects:

* ``TLSLayer`` is the *protocol* of the plain stream transport. It feeds the
  ciphertext it receives to the SSL object and writes what the SSL object
  produces.
* ``TLSTransport`` is the *transport* the application protocol sees. It
  accepts plaintext and answers the extra-info keys of an SSL socket.

The same pair serves create_connection/create_server/connect_accepted_socket
(the layer is installed from the start) and start_tls (the layer replaces the
protocol of a live transport).

Clauses: ``BaseTransport.get_extra_info/tls-keys``,
``WriteTransport.write_eof/tls-cannot-half-close``,
``WriteTransport.can_write_eof/tls-observed``,
``Protocol.eof_received/tls-closes-anyway``, and the TLS rows of the
transport clauses (``[tls-client]``, ``[tls-server]``).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any, Iterable, List, Tuple

from .base import LOST_WRITES_BEFORE_WARNING, TransportState, is_exit_exception, logger
from .socket_stream import check_bytes_like

#: Documented default for ssl_handshake_timeout.
HANDSHAKE_TIMEOUT = 60.0
#: Seconds to wait for the peer's close_notify after sending ours (the
#: stdlib's default for ssl_shutdown_timeout).
SHUTDOWN_TIMEOUT = 30.0
#: Plaintext bytes decrypted per SSLObject.read() call.
READ_CHUNK = 256 * 1024

_HANDSHAKE, _WRAPPED, _SHUTDOWN, _CLOSED = "handshake", "wrapped", "shutdown", "closed"


def check_handshake_timeout(timeout: float | None) -> float:
    if timeout is None:
        return HANDSHAKE_TIMEOUT
    if timeout <= 0:
        raise ValueError(f"ssl_handshake_timeout should be a positive number, got {timeout}")
    return float(timeout)


def check_shutdown_timeout(timeout: float | None) -> float | None:
    if timeout is not None and timeout <= 0:
        raise ValueError(f"ssl_shutdown_timeout should be a positive number, got {timeout}")
    return timeout


class TLSLayer(asyncio.Protocol):
    """Protocol of the raw stream; drives the handshake and record traffic.

    The application protocol sees ``connection_made`` only once the handshake
    succeeded (and not at all for start_tls, where it is already connected);
    a failed or timed-out handshake resolves the waiter with the error and
    never reaches the application.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        app_protocol: Any,
        context: ssl.SSLContext,
        waiter: asyncio.Future,
        *,
        server_side: bool = False,
        server_hostname: str | None = None,
        handshake_timeout: float | None = None,
        shutdown_timeout: float | None = None,
        call_connection_made: bool = True,
    ) -> None:
        self._loop = loop
        self._app_protocol = app_protocol
        self._context = context
        self._waiter = waiter
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        # wrap_bio validates server_hostname against check_hostname, so a bad
        # combination fails here, synchronously, before any I/O.
        self._sslobj = context.wrap_bio(
            self._incoming,
            self._outgoing,
            server_side=server_side,
            server_hostname=None if server_side else (server_hostname or None),
        )
        self._handshake_timeout = check_handshake_timeout(handshake_timeout)
        self._shutdown_timeout = check_shutdown_timeout(shutdown_timeout) or SHUTDOWN_TIMEOUT
        self._call_connection_made = call_connection_made
        self._state = _HANDSHAKE
        self._raw: asyncio.Transport | None = None
        self._timeout_handle: asyncio.TimerHandle | None = None
        # For start_tls the application protocol is already connected: it
        # must still get connection_lost if the upgrade fails.
        self._app_connected = not call_connection_made
        self._app_eof_done = False
        self._app_lost_done = False
        self._app_paused_writing = False
        self._app_reading_paused = False
        self._pending: List[bytes] = []
        self._pending_size = 0
        self._extra: dict = {"sslcontext": context}
        self._transport = TLSTransport(loop, self)

    # -- raw transport callbacks ---------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._raw = transport  # type: ignore[assignment]
        if hasattr(transport, "_discard_unread_on_close"):
            transport._discard_unread_on_close = True  # type: ignore[attr-defined]
        self._timeout_handle = self._loop.call_later(self._handshake_timeout, self._on_timeout)
        self._step_handshake()

    def data_received(self, data: bytes) -> None:
        self._incoming.write(data)
        if self._state == _HANDSHAKE:
            self._step_handshake()
        elif self._state == _WRAPPED:
            self._pump()
        elif self._state == _SHUTDOWN:
            self._step_shutdown()

    def eof_received(self) -> bool:
        if self._state == _HANDSHAKE:
            self._handshake_failed(ConnectionResetError("Connection lost during the TLS handshake"))
        elif self._state == _WRAPPED:
            # The pump meets the end of the stream after any data still
            # buffered; while the application has paused reading it waits.
            self._incoming.write_eof()
            if not self._app_reading_paused:
                self._pump()
        elif self._state == _SHUTDOWN:
            self._finish_shutdown()
        # The layer closes the raw transport itself, after its own close_notify.
        return True

    def connection_lost(self, exc: BaseException | None) -> None:
        self._cancel_timeout()
        previous, self._state = self._state, _CLOSED
        if previous == _HANDSHAKE:
            _fail(
                self._waiter,
                exc or ConnectionResetError("Connection lost during the TLS handshake"),
            )
        self._transport._closing = True
        self._transport._wake_lost()
        if self._app_connected and not self._app_lost_done:
            self._app_lost_done = True
            self._app_protocol.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._app_connected and not self._app_paused_writing:
            self._app_paused_writing = True
            self._transport._call_protocol("protocol.pause_writing() failed", "pause_writing")

    def resume_writing(self) -> None:
        if self._app_paused_writing:
            self._app_paused_writing = False
            self._transport._wake_writable()
            self._transport._call_protocol("protocol.resume_writing() failed", "resume_writing")

    # -- handshake -----------------------------------------------------------------

    def _step_handshake(self) -> None:
        try:
            self._sslobj.do_handshake()
        except ssl.SSLWantReadError:
            self._flush_outgoing()
            return
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._flush_outgoing()
            self._handshake_failed(exc)
            return
        self._flush_outgoing()
        self._handshake_done()

    def _on_timeout(self) -> None:
        self._timeout_handle = None
        if self._state == _HANDSHAKE:
            self._handshake_failed(
                ConnectionAbortedError(
                    f"SSL handshake is taking longer than {self._handshake_timeout} "
                    "seconds: aborting the connection"
                )
            )

    def _cancel_timeout(self) -> None:
        if self._timeout_handle is not None:
            self._timeout_handle.cancel()
            self._timeout_handle = None

    def _handshake_failed(self, exc: BaseException) -> None:
        self._cancel_timeout()
        self._state = _CLOSED
        _fail(self._waiter, exc)
        self._close_raw_with(exc)

    def _close_raw_with(self, exc: BaseException) -> None:
        """End the raw transport now; its protocol (this layer) sees ``exc``."""
        raw = self._raw
        if raw is None:
            return
        force_close = getattr(raw, "_force_close", None)
        if force_close is not None:
            force_close(exc)
        else:
            raw.abort()

    def _handshake_done(self) -> None:
        self._cancel_timeout()
        obj = self._sslobj
        self._extra.update(
            peercert=obj.getpeercert(),
            cipher=obj.cipher(),
            compression=obj.compression(),
            ssl_object=obj,
        )
        self._state = _WRAPPED
        if self._call_connection_made:
            self._app_protocol.connection_made(self._transport)
        self._app_connected = True
        if self._app_reading_paused and self._raw is not None:
            self._raw.pause_reading()
        if not self._waiter.done():
            self._waiter.set_result(None)
        self._write_pending()
        self._pump()

    # -- records ---------------------------------------------------------------------

    def _flush_outgoing(self) -> None:
        if self._outgoing.pending and self._raw is not None and not self._raw.is_closing():
            self._raw.write(self._outgoing.read())

    def _pump(self) -> None:
        """Deliver decrypted data to the application while it is reading."""
        while self._state == _WRAPPED and not self._app_reading_paused:
            protocol = self._app_protocol
            buffered = isinstance(protocol, asyncio.BufferedProtocol)
            try:
                if buffered:
                    buf = protocol.get_buffer(-1)
                    if not len(buf):
                        raise RuntimeError("get_buffer() returned an empty buffer")
                    count = self._sslobj.read(len(buf), buf)
                    data = b""
                else:
                    data = self._sslobj.read(READ_CHUNK)
                    count = len(data)
            except ssl.SSLWantReadError:
                break
            except (ssl.SSLZeroReturnError, ssl.SSLEOFError):
                self._flush_outgoing()
                self._app_eof()
                return
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                self._fatal(exc, "Fatal error on TLS transport")
                return
            if not count:
                self._flush_outgoing()
                self._app_eof()
                return
            try:
                if buffered:
                    protocol.buffer_updated(count)
                else:
                    protocol.data_received(data)
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                what = "buffer_updated" if buffered else "data_received"
                self._fatal(exc, f"Fatal error: protocol.{what}() call failed.")
                return
        self._flush_outgoing()
        self._write_pending()

    def _app_eof(self) -> None:
        """The peer ended the TLS stream: one eof_received, then close."""
        if self._app_eof_done:
            return
        self._app_eof_done = True
        try:
            keep_open = self._app_protocol.eof_received()
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._fatal(exc, "Error calling eof_received()")
            return
        if keep_open:
            logger.warning("returning true from eof_received() has no effect when using ssl")
        self._transport.close()

    def _fatal(self, exc: BaseException, message: str) -> None:
        if not isinstance(exc, OSError):
            self._transport._report(message, exc)
        self._transport._closing = True
        self._state = _CLOSED
        self._close_raw_with(exc)

    # -- called by TLSTransport --------------------------------------------------------

    def _write_app_data(self, data: bytes) -> None:
        self._pending.append(bytes(data))
        self._pending_size += len(data)
        if self._state == _WRAPPED:
            self._write_pending()

    def _write_pending(self) -> None:
        while self._pending and self._state in (_WRAPPED, _SHUTDOWN):
            chunk = self._pending[0]
            try:
                written = self._sslobj.write(chunk)
            except ssl.SSLWantReadError:
                break  # renegotiation in progress: retry after the next read
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                self._fatal(exc, "Fatal error on TLS transport")
                return
            self._pending_size -= written
            if written < len(chunk):
                self._pending[0] = chunk[written:]
            else:
                self._pending.pop(0)
        self._flush_outgoing()

    def _shutdown(self) -> None:
        """Send close_notify, then wait (bounded) for the peer's before closing.

        Closing the socket while the peer still sends (a late session ticket,
        its own close_notify) would make the kernel answer with a reset, and
        a reset can destroy data the peer has not read yet; so the layer keeps
        reading, and discarding, until the peer's close_notify or EOF.
        """
        if self._state in (_SHUTDOWN, _CLOSED):
            return
        if self._state == _HANDSHAKE:
            self._state = _CLOSED
            self._cancel_timeout()
            _fail(self._waiter, ConnectionResetError("transport closed during the TLS handshake"))
            if self._raw is not None:
                self._raw.close()
            return
        self._write_pending()
        self._state = _SHUTDOWN
        self._timeout_handle = self._loop.call_later(
            self._shutdown_timeout, self._on_shutdown_timeout
        )
        if self._raw is not None:
            self._raw.resume_reading()
        self._step_shutdown()

    def _step_shutdown(self) -> None:
        # Application data still in flight from the peer is dropped: the
        # application closed, so nothing more is delivered to it.
        while True:
            try:
                if not self._sslobj.read(READ_CHUNK):
                    break
            except ssl.SSLWantReadError:
                break
            except (ssl.SSLError, OSError, ValueError):
                break
        try:
            self._sslobj.unwrap()
        except ssl.SSLWantReadError:
            self._flush_outgoing()
            return
        except (ssl.SSLError, OSError, ValueError):
            pass
        self._flush_outgoing()
        self._finish_shutdown()

    def _on_shutdown_timeout(self) -> None:
        self._timeout_handle = None
        if self._state == _SHUTDOWN:
            self._state = _CLOSED
            if self._raw is not None:
                self._raw.abort()

    def _finish_shutdown(self) -> None:
        if self._state != _SHUTDOWN:
            return
        self._cancel_timeout()
        self._state = _CLOSED
        if self._raw is not None:
            self._raw.close()

    def _abort(self) -> None:
        self._pending.clear()
        self._pending_size = 0
        self._cancel_timeout()
        if self._state == _HANDSHAKE:
            _fail(
                self._waiter, ConnectionAbortedError("transport aborted during the TLS handshake")
            )
        self._state = _CLOSED
        if self._raw is not None:
            self._raw.abort()

    def _set_reading(self, reading: bool) -> None:
        self._app_reading_paused = not reading
        if self._raw is None:
            return
        if reading:
            self._raw.resume_reading()
            self._loop.call_soon(self._pump_if_reading)
        else:
            self._raw.pause_reading()

    def _pump_if_reading(self) -> None:
        if not self._app_reading_paused and self._state == _WRAPPED:
            self._pump()


class TLSTransport(TransportState, asyncio.Transport):
    """What the application protocol holds: plaintext in, SSL extra info out.

    Write-buffer accounting and watermarks are those of the raw transport (the
    ciphertext is what waits in the kernel's way) plus any plaintext held back
    during the handshake; pause/resume_writing are forwarded from it.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, layer: TLSLayer) -> None:
        self._init_state(loop, layer._app_protocol)
        self._layer = layer
        self._lost_writes = 0
        self._writable_waiters: List[asyncio.Future] = []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} state={self._layer._state}>"

    # The protocol lives on the layer, which delivers data to it.
    def set_protocol(self, protocol: Any) -> None:
        """Deliver further plaintext to ``protocol``.

        Clauses: ``BaseTransport.set_protocol/sets-the-protocol``.
        """
        self._layer._app_protocol = protocol
        self._protocol = protocol

    def get_protocol(self) -> Any:
        """The application protocol.

        Clauses: ``BaseTransport.get_protocol/returns-current``.
        """
        return self._layer._app_protocol

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The TLS keys from the layer; the socket keys from the transport below.

        Clauses: ``BaseTransport.get_extra_info/tls-keys``,
        ``BaseTransport.get_extra_info/socket-keys``,
        ``BaseTransport.get_extra_info/default-when-unavailable``.
        """
        if name in self._layer._extra:
            return self._layer._extra[name]
        raw = self._layer._raw
        if raw is None:
            return default
        return raw.get_extra_info(name, default)

    def is_reading(self) -> bool:
        """True unless the application paused reading or closed.

        Clauses: ``ReadTransport.is_reading/true-while-receiving``.
        """
        return not self._layer._app_reading_paused and not self._closing

    def pause_reading(self) -> None:
        """Deliver no plaintext until resume_reading().

        Clauses: ``ReadTransport.pause_reading/no-data-while-paused``,
        ``ReadTransport.pause_reading/idempotent``.
        """
        if self._closing or self._layer._app_reading_paused:
            return
        self._layer._set_reading(False)

    def resume_reading(self) -> None:
        """Deliver plaintext again.

        Clauses: ``ReadTransport.resume_reading/data-flows-again``,
        ``ReadTransport.resume_reading/idempotent``.
        """
        if self._closing or not self._layer._app_reading_paused:
            return
        self._layer._set_reading(True)

    def write(self, data: Any) -> None:
        """Encrypt ``data`` and send it (queued until the handshake is done).

        Clauses: ``WriteTransport.write/delivers-in-order``,
        ``WriteTransport.write/bytes-like-accepted``,
        ``WriteTransport.write/non-bytes-rejected``, ``WriteTransport.write/does-not-block``,
        ``WriteTransport.write/write-after-close``.
        """
        check_bytes_like(data)
        if not data:
            return
        if self._closing:
            if self._lost_writes >= LOST_WRITES_BEFORE_WARNING:
                logger.warning("SSL connection is closed")
            self._lost_writes += 1
            return
        self._layer._write_app_data(data)

    def writelines(self, list_of_data: Iterable[Any]) -> None:
        """Write each element in turn.

        Clauses: ``WriteTransport.writelines/like-write-per-element``.
        """
        for data in list_of_data:
            self.write(data)

    def can_write_eof(self) -> bool:
        """False: TLS has no half-close.

        Clauses: ``WriteTransport.can_write_eof/tls-observed``,
        ``WriteTransport.can_write_eof/true-iff-write-eof-works``.
        """
        return False

    def write_eof(self) -> None:
        """Refused: TLS has no half-close.

        Clauses: ``WriteTransport.write_eof/tls-cannot-half-close``.
        """
        raise NotImplementedError("TLS transports do not support half-closed connections")

    def get_write_buffer_size(self) -> int:
        """Plaintext not yet encrypted plus ciphertext not yet sent.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        raw = self._layer._raw
        size = self._layer._pending_size + self._layer._outgoing.pending
        return size + (raw.get_write_buffer_size() if raw is not None else 0)

    def get_write_buffer_limits(self) -> Tuple[int, int]:
        """The watermarks of the transport below.

        Clauses: ``WriteTransport.get_write_buffer_limits/low-high-tuple``.
        """
        raw = self._layer._raw
        return raw.get_write_buffer_limits() if raw is not None else (0, 0)  # type: ignore[attr-defined]

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Set the watermarks of the transport below.

        Clauses: ``WriteTransport.set_write_buffer_limits/low-at-most-high``,
        ``flow-control.watermarks/invalid-rejected``.
        """
        raw = self._layer._raw
        if raw is not None:
            raw.set_write_buffer_limits(high, low)

    def close(self) -> None:
        """Send close_notify after the buffered data, then close the transport below.

        Clauses: ``BaseTransport.close/flushes-then-connection-lost-none``,
        ``BaseTransport.close/no-more-data-received``,
        ``BaseTransport.close/connection-lost-not-synchronous``,
        ``BaseTransport.close/idempotent``.
        """
        if self._closing:
            return
        self._closing = True
        self._layer._shutdown()

    def abort(self) -> None:
        """Close at once without the TLS shutdown.

        Clauses: ``WriteTransport.abort/buffered-data-lost``,
        ``WriteTransport.abort/abort-twice-harmless``, ``WriteTransport.abort/no-more-data``.
        """
        self._closing = True
        self._layer._abort()

    # -- for sendfile's fallback ---------------------------------------------------

    async def _wait_writable(self) -> None:
        if not self._layer._app_paused_writing:
            return
        waiter = self._loop.create_future()
        self._writable_waiters.append(waiter)
        await waiter

    def _wake_writable(self) -> None:
        waiters, self._writable_waiters = self._writable_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _wake_lost(self) -> None:
        waiters, self._writable_waiters = self._writable_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(ConnectionResetError("connection lost"))

    def _call_protocol(self, message: str, method: str, *args: Any) -> Any:
        self._protocol = self._layer._app_protocol
        return super()._call_protocol(message, method, *args)


def _fail(waiter: asyncio.Future, exc: BaseException) -> None:
    if not waiter.done():
        waiter.set_exception(exc)
