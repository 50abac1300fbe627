"""Reading: when a transport watches its fd, and pausing it.

A transport reads only through ``loop.add_reader``. Whether it should be
registered follows from its state alone (started, not paused, not closing, no
end of file yet, still owning its fd), so rather than adding and removing the
reader at each place where that state changes, every such place calls
``_update_reader()``, which compares what is wanted with what is registered.

Clauses: ``ReadTransport.is_reading/true-while-receiving``,
``ReadTransport.pause_reading/no-data-while-paused``,
``ReadTransport.pause_reading/idempotent``,
``ReadTransport.resume_reading/data-flows-again``,
``ReadTransport.resume_reading/idempotent``.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable

__all__ = ["FdReader", "PausableReading"]


class PausableReading:
    """``is_reading``, ``pause_reading`` and ``resume_reading`` of the docs.

    Only the flags live here; acting on them is ``_update_reader()``, which
    ``FdReader`` provides for fds and the TLS transport for its record layer.
    """

    _closing: bool
    _reading_paused = False
    #: Set by transports that stay open after the peer's end of file.
    _eof_seen = False

    def _update_reader(self) -> None:  # pragma: no cover - provided by the transport
        raise NotImplementedError

    def is_reading(self) -> bool:
        """True unless paused, closing or at end of file.

        Clauses: ``ReadTransport.is_reading/true-while-receiving``.
        """
        return not (self._reading_paused or self._closing or self._eof_seen)

    def pause_reading(self) -> None:
        """Receive nothing until resume_reading(); calling it twice changes nothing.

        Clauses: ``ReadTransport.pause_reading/no-data-while-paused``,
        ``ReadTransport.pause_reading/idempotent``.
        """
        if self._closing or self._reading_paused:
            return
        self._reading_paused = True
        self._update_reader()

    def resume_reading(self) -> None:
        """Receive again; calling it twice changes nothing.

        Clauses: ``ReadTransport.resume_reading/data-flows-again``,
        ``ReadTransport.resume_reading/idempotent``.
        """
        if self._closing or not self._reading_paused:
            return
        self._reading_paused = False
        self._update_reader()


class FdReader:
    """Keeps one ``add_reader`` registration in step with the transport's state.

    Reading starts only when ``_start_reading`` runs, which the transport
    schedules right after ``connection_made``: a protocol must not receive
    data before it knows its transport.
    """

    _loop: asyncio.AbstractEventLoop
    _fd: int
    _resource: Any
    _closing: bool
    _reading_paused = False
    _eof_seen = False
    _attempt: Callable[..., Any]
    _protocol_event: Callable[..., Any]
    _on_eof: Callable[[], None]

    def _init_reader(self) -> None:
        self._reader_on = False
        self._started = False

    def _read_ready(self) -> None:  # pragma: no cover - provided by the transport
        """The readiness callback: a transport defines it as a method.

        (Keeping it a method, rather than a bound method stored on the
        transport, spares a reference cycle, so an abandoned transport is
        freed, and warned about, as soon as nothing refers to it. The socket
        transport, which picks its callback per protocol, stores it.)
        """
        raise NotImplementedError

    def _start_reading(self) -> None:
        self._started = True
        self._update_reader()

    def _update_reader(self) -> None:
        want = (
            self._started
            and not self._reading_paused
            and not self._closing
            and not self._eof_seen
            and self._resource is not None
        )
        if want and not self._reader_on:
            self._loop.add_reader(self._fd, self._read_ready)
            self._reader_on = True
        elif not want and self._reader_on:
            self._loop.remove_reader(self._fd)
            self._reader_on = False

    def _read_once(self, failure: str, event: str, call: Callable[..., Any], *args: Any) -> None:
        """One read: hand what ``call(*args)`` got to ``protocol.<event>``, or take the EOF.

        ``call`` is a non-blocking read that returns the data (or the byte
        count) and something empty at end of file; ``failure`` is the message
        an error of the read itself is reported with.
        """
        got = self._attempt(failure, call, *args)
        if got is None:  # it would block, or it failed and the transport is closing
            return
        if got:
            self._protocol_event(event, got)
        else:
            self._on_eof()

    def _set_read_ready(self, read_ready: Callable[[], None]) -> None:
        """Read with another callback from now on (a new kind of protocol)."""
        if read_ready != self._read_ready:
            self._read_ready = read_ready
            if self._reader_on:
                self._loop.add_reader(self._fd, read_ready)
