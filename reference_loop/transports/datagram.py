"""The datagram transport over one non-blocking SOCK_DGRAM socket.

Datagrams are whole messages, so the write buffer keeps ``(data, addr)``
pairs and flushes them one at a time; a send error is the protocol's business
(``error_received``) and never closes the endpoint, because UDP reports
delivery problems of *earlier* packets on later calls. Closing, errors and
cleanup are the shared lifecycle of ``base``; the socket is its ``_resource``.

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

from .base import Abortable, TransportLifecycle, is_exit_exception
from .flow_control import WriteFlowControl
from .reading import FdReader
from .socket_stream import socket_extra
from .writing import check_bytes_like

#: Largest datagram read at once (the UDP payload limit).
MAX_DATAGRAM = 256 * 1024


class DatagramSocketTransport(
    FdReader, WriteFlowControl, Abortable, TransportLifecycle, asyncio.DatagramTransport
):
    """A DatagramTransport whose remote address is fixed when it was connected.

    It reads through ``FdReader`` but has no pause_reading(): the docs give
    datagram transports none.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        protocol: asyncio.BaseProtocol,
        address: Any = None,
        waiter: asyncio.Future | None = None,
    ) -> None:
        self._init_lifecycle(loop, protocol, socket_extra(sock), resource=sock)
        self._init_flow_control()
        self._init_reader()
        self._fd = sock.fileno()
        self._address = address
        self._buffer: Deque[Tuple[bytes, Any]] = collections.deque()
        self._buffer_size = 0
        self._schedule_connection_made(waiter, self._start_reading)

    def get_write_buffer_size(self) -> int:
        """Bytes of datagrams queued for sending.

        Clauses: ``WriteTransport.get_write_buffer_size/output-buffer-size``,
        ``flow-control.watermarks/buffer-size-accounting``.
        """
        return self._buffer_size

    # -- reading -----------------------------------------------------------------

    def _read_ready(self) -> None:
        sock = self._resource
        if sock is None or self._lost:
            return
        try:
            data, addr = sock.recvfrom(MAX_DATAGRAM)
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
        self._protocol_event("datagram_received", data, addr)

    def _call_error_received(self, exc: OSError) -> None:
        self._protocol_event("error_received", exc)

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
        if self._lost:
            self._drop_write("socket.send() raised exception.")
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
        if addr is None or self._address is not None:
            self._resource.send(data)
        else:
            self._resource.sendto(data, addr)

    def _on_writable(self) -> None:
        while self._buffer and self._resource is not None:
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
        if not self._buffer and self._resource is not None:
            self._loop.remove_writer(self._fd)
            if self._closing:
                self._schedule_connection_lost(None)

    def _drop_first(self) -> None:
        data, _ = self._buffer.popleft()
        self._buffer_size -= len(data)
