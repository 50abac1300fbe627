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
from typing import Any, List, Tuple

from ..waiters import settle
from .base import TransportLifecycle, is_exit_exception, logger
from .reading import PausableReading
from .writing import StreamWriting, check_bytes_like

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
        self._app_paused_writing = False
        self._pending: List[bytes] = []
        self._pending_size = 0
        self._extra: dict = {"sslcontext": context}
        # The application protocol, and whether it paused reading, live on the
        # transport it holds: set_protocol() and pause_reading() act there.
        self._transport = TLSTransport(loop, self, app_protocol)

    def _inherit_pauses(self, reading_paused: bool, writing_paused: bool) -> None:
        """start_tls: pauses the application asked of the plain transport still hold.

        The handshake itself reads whatever the application's reading state;
        a pause applies again once it is done, and a pause_writing already sent
        must still be answered by a resume_writing.
        """
        self._transport._reading_paused = reading_paused
        self._app_paused_writing = writing_paused

    @property
    def _app_reading_paused(self) -> bool:
        return self._transport._reading_paused

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
            settle(
                self._waiter,
                exc or ConnectionResetError("Connection lost during the TLS handshake"),
            )
        transport = self._transport
        transport._closing = True
        if self._app_connected and not transport._lost:
            # Unlike the other transports, this one does not schedule its
            # connection_lost: this callback already runs in a loop iteration
            # of its own (the raw transport scheduled it), so the application
            # is told now rather than one iteration later.
            transport._lost = True
            transport._call_connection_lost(exc)

    def pause_writing(self) -> None:
        if self._app_connected and not self._app_paused_writing:
            self._app_paused_writing = True
            self._transport._call_protocol("protocol.pause_writing() failed", "pause_writing")

    def resume_writing(self) -> None:
        if self._app_paused_writing:
            self._app_paused_writing = False
            self._transport._wake_writable_waiters(None)
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
        settle(self._waiter, exc)
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
            self._transport._protocol.connection_made(self._transport)
        self._app_connected = True
        if self._app_reading_paused and self._raw is not None:
            self._raw.pause_reading()
        settle(self._waiter)
        self._write_pending()
        self._pump()

    # -- records ---------------------------------------------------------------------

    def _flush_outgoing(self) -> None:
        if self._outgoing.pending and self._raw is not None and not self._raw.is_closing():
            self._raw.write(self._outgoing.read())

    def _pump(self) -> None:
        """Deliver decrypted data to the application while it is reading."""
        while self._state == _WRAPPED and not self._app_reading_paused:
            protocol = self._transport._protocol
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
                self._transport._fatal_error(exc, "Fatal error on TLS transport")
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
                self._transport._fatal_error(exc, f"Fatal error: protocol.{what}() call failed.")
                return
        self._flush_outgoing()
        self._write_pending()

    def _app_eof(self) -> None:
        """The peer ended the TLS stream: one eof_received, then close."""
        if self._app_eof_done:
            return
        self._app_eof_done = True
        try:
            keep_open = self._transport._protocol.eof_received()
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._transport._fatal_error(exc, "Error calling eof_received()")
            return
        if keep_open:
            logger.warning("returning true from eof_received() has no effect when using ssl")
        self._transport.close()

    def _end_with(self, exc: BaseException) -> None:
        """The TLS transport is being force-closed: end the raw one with ``exc``."""
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
                self._transport._fatal_error(exc, "Fatal error on TLS transport")
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
            settle(self._waiter, ConnectionResetError("transport closed during the TLS handshake"))
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
            settle(
                self._waiter, ConnectionAbortedError("transport aborted during the TLS handshake")
            )
        self._state = _CLOSED
        if self._raw is not None:
            self._raw.abort()

    def _set_reading(self, reading: bool) -> None:
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


class TLSTransport(PausableReading, StreamWriting, TransportLifecycle, asyncio.Transport):
    """What the application protocol holds: plaintext in, SSL extra info out.

    It follows the shared lifecycle with one real difference: it owns no OS
    object. The socket belongs to the raw transport below, so closing means
    a TLS shutdown through the layer, and connection_lost comes from the
    layer when the raw transport ends (see ``TLSLayer.connection_lost``).

    Write-buffer accounting and watermarks are those of the raw transport (the
    ciphertext is what waits in the kernel's way) plus any plaintext held back
    during the handshake; pause/resume_writing are forwarded from it.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, layer: TLSLayer, protocol: Any) -> None:
        self._init_lifecycle(loop, protocol)
        self._layer = layer

    def __repr__(self) -> str:
        return f"<{type(self).__name__} state={self._layer._state}>"

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

    def _update_reader(self) -> None:
        # Reading is the layer's: it holds back decrypted data while paused.
        self._layer._set_reading(not self._reading_paused)

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
            self._drop_write("SSL connection is closed")
            return
        self._layer._write_app_data(data)

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

    def _force_close(self, exc: BaseException | None) -> None:
        # Reached through the shared _fatal_error(): the raw transport ends
        # with ``exc``, and its connection_lost brings ours.
        self._closing = True
        self._layer._end_with(exc)  # type: ignore[arg-type]

    def _writing_paused(self) -> bool:
        return self._layer._app_paused_writing
