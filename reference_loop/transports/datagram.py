"""The datagram transport over one non-blocking SOCK_DGRAM socket.

Datagrams are whole messages, so the write buffer keeps ``(data, addr)``
pairs and flushes them one at a time; a send error is the protocol's business
(``error_received``) and never closes the endpoint, because UDP reports
delivery problems of *earlier* packets on later calls.

Clauses: ``DatagramTransport.sendto/to-addr``,
``DatagramTransport.sendto/none-uses-remote-addr``,
``DatagramTransport.sendto/does-not-block``,
``DatagramTransport.abort/closes-immediately``,
``DatagramProtocol.datagram_received/data-and-addr``,
``DatagramProtocol.error_received/reported-oserror``,
``BaseTransport.get_extra_info/socket-keys``.
"""

from __future__ import annotations

import asyncio
import collections
import socket
from typing import Any, Deque, Tuple

from .base import LOST_WRITES_BEFORE_WARNING, TransportState, is_exit_exception, logger
from .flow_control import WriteFlowControl
from .socket_stream import check_bytes_like, socket_extra

#: Largest datagram read at once (the UDP payload limit).
MAX_DATAGRAM = 256 * 1024


class DatagramSocketTransport(TransportState, WriteFlowControl, asyncio.DatagramTransport):
    """A DatagramTransport whose remote address is fixed when it was connected."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        protocol: asyncio.BaseProtocol,
        address: Any = None,
        waiter: asyncio.Future | None = None,
    ) -> None:
        self._init_state(loop, protocol, socket_extra(sock))
        self._init_flow_control()
        self._sock: socket.socket | None = sock
        self._fd = sock.fileno()
        self._address = address
        self._buffer: Deque[Tuple[bytes, Any]] = collections.deque()
        self._buffer_size = 0
        self._conn_lost = 0
        self._reader_on = False
        loop.call_soon(self._protocol.connection_made, self)
        loop.call_soon(self._start_reading)
        if waiter is not None:
            loop.call_soon(_resolve, waiter)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} fd={self._fd} closing={self._closing}>"

    def __del__(self) -> None:
        sock = getattr(self, "_sock", None)
        if sock is not None:
            import warnings

            warnings.warn(
                f"unclosed transport {self!r}", ResourceWarning, stacklevel=2, source=self
            )
            sock.close()

    def get_write_buffer_size(self) -> int:
        """Bytes of datagrams queued for sending.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        return self._buffer_size

    # -- reading -----------------------------------------------------------------

    def _start_reading(self) -> None:
        if not self._closing and self._sock is not None:
            self._loop.add_reader(self._fd, self._on_readable)
            self._reader_on = True

    def _stop_reading(self) -> None:
        if self._reader_on:
            self._loop.remove_reader(self._fd)
            self._reader_on = False

    def _on_readable(self) -> None:
        if self._sock is None or self._conn_lost:
            return
        try:
            data, addr = self._sock.recvfrom(MAX_DATAGRAM)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            self._call_error_received(exc)
            return
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._fatal_error(exc, "Fatal read error on datagram transport")
            return
        try:
            self._protocol.datagram_received(data, addr)
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._fatal_error(exc, "Fatal error: protocol.datagram_received() call failed.")

    def _call_error_received(self, exc: OSError) -> None:
        try:
            self._protocol.error_received(exc)
        except BaseException as err:
            if is_exit_exception(err):
                raise
            self._fatal_error(err, "Fatal error: protocol.error_received() call failed.")

    # -- writing -----------------------------------------------------------------

    def sendto(self, data: Any, addr: Any = None) -> None:
        """Send one datagram to ``addr`` (the connected peer when None).

        Clauses: ``DatagramTransport.sendto/to-addr``,
        ``DatagramTransport.sendto/none-uses-remote-addr``,
        ``DatagramTransport.sendto/does-not-block``.
        """
        check_bytes_like(data)
        if self._address is not None:
            if addr not in (None, self._address):
                raise ValueError(f"Invalid address: must be None or {self._address}")
            addr = self._address
        if self._conn_lost:
            if self._conn_lost >= LOST_WRITES_BEFORE_WARNING:
                logger.warning("socket.send() raised exception.")
            self._conn_lost += 1
            return
        if not self._buffer:
            try:
                self._send_one(data, addr)
                return
            except (BlockingIOError, InterruptedError):
                self._loop.add_writer(self._fd, self._on_writable)
            except OSError as exc:
                self._call_error_received(exc)
                return
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                self._fatal_error(exc, "Fatal write error on datagram transport")
                return
        self._buffer.append((bytes(data), addr))
        self._buffer_size += len(data)
        self._after_buffer_grew()

    def _send_one(self, data: Any, addr: Any) -> None:
        assert self._sock is not None
        if addr is None or self._address is not None:
            self._sock.send(data)
        else:
            self._sock.sendto(data, addr)

    def _on_writable(self) -> None:
        while self._buffer and self._sock is not None:
            data, addr = self._buffer[0]
            try:
                self._send_one(data, addr)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                self._drop_first()
                self._call_error_received(exc)
                return
            except BaseException as exc:
                if is_exit_exception(exc):
                    raise
                self._fatal_error(exc, "Fatal write error on datagram transport")
                return
            self._drop_first()
        self._after_buffer_shrank()
        if not self._buffer and self._sock is not None:
            self._loop.remove_writer(self._fd)
            if self._closing:
                self._schedule_connection_lost(None)

    def _drop_first(self) -> None:
        data, _ = self._buffer.popleft()
        self._buffer_size -= len(data)

    # -- closing -----------------------------------------------------------------

    def close(self) -> None:
        """Send what is queued, then close; ``connection_lost(None)`` follows.

        Clauses: ``BaseTransport.close/other-kinds-lose-connection``,
        ``BaseTransport.close/idempotent``.
        """
        if self._closing:
            return
        self._closing = True
        self._stop_reading()
        if not self._buffer:
            self._schedule_connection_lost(None)

    def abort(self) -> None:
        """Close now, dropping queued datagrams.

        Clauses: ``DatagramTransport.abort/closes-immediately``.
        """
        self._force_close(None)

    def _fatal_error(self, exc: BaseException, message: str) -> None:
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
        self._closing = True
        self._stop_reading()
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
            sock, self._sock = self._sock, None
            if sock is not None:
                sock.close()


def _resolve(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
