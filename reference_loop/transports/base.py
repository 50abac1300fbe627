"""The one lifecycle every reference transport goes through.

The docs describe a transport's life once, for all kinds: the protocol hears
``connection_made`` first (never from inside the call that made the
transport), ``connection_lost`` exactly once at the end, ``close()`` flushes
and ``abort()`` does not, and errors end the connection. Sockets, TLS, pipes,
datagrams and subprocesses all follow that script, so it is written here once
and each transport module only adds what is really its own (how it reads and
writes, and the few places where its kind genuinely behaves differently,
which are marked there).

The script, in the order things happen::

    __init__  --call_soon-->  connection_made, then the waiter of the loop
                              method that made the transport is resolved
    close()   -->  closing: stop reading; once the write buffer is empty,
                   connection_lost(None) is scheduled
    abort()   -->  closing: the write buffer is dropped, connection_lost(None)
    an error  -->  reported unless it is an OSError (a peer's doing, not a
                   bug), then as abort() but with connection_lost(exc)
    connection_lost has run  -->  the OS object is closed, waiters woken

A transport that is garbage collected while it still owns its OS object was
never closed: that is a ResourceWarning, and the object is closed then.

Clauses: ``BaseTransport.get_extra_info/default-when-unavailable``,
``BaseTransport.is_closing/tracks-close``,
``BaseTransport.set_protocol/sets-the-protocol``,
``BaseTransport.get_protocol/returns-current``,
``BaseProtocol.connection_made/once-per-connection``,
``BaseProtocol.connection_made/not-synchronous-with-return``,
``BaseProtocol.connection_lost/none-on-local-close-or-eof``,
``BaseProtocol.connection_lost/exception-on-error``.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any, Callable, List, Mapping

from ..waiters import settle, settle_all

logger = logging.getLogger("asyncio")

#: After this many writes to a transport that can no longer send, each
#: further write logs a warning, so a program that keeps writing into the
#: void is told about it (the data itself is dropped silently, as the docs'
#: "does not block" implies: write() raises nothing for a lost peer).
LOST_WRITES_BEFORE_WARNING = 5


def is_exit_exception(exc: BaseException) -> bool:
    """True for the exceptions a transport must let escape to the loop."""
    return isinstance(exc, (SystemExit, KeyboardInterrupt))


class TransportLifecycle:
    """Extra info, protocol slot, closing, connection_lost and cleanup.

    A mixin placed before the ``asyncio`` transport class, so the public
    hierarchy (``isinstance(t, asyncio.WriteTransport)``) stays the one the
    docs describe while the behaviour comes from here. Mixins that add
    reading or flow control go before this class, so that their methods
    replace the neutral defaults below.
    """

    _loop: asyncio.AbstractEventLoop
    _protocol: Any
    #: The OS object this transport owns and must close (a socket, a pipe
    #: file); None once it is released, or for transports that own none.
    _resource: Any = None
    #: The file descriptor readiness callbacks are registered for.
    _fd: int = -1
    #: Unsent data. A transport that does not write keeps this empty tuple, so
    #: the closing rules below need not ask what kind of transport this is.
    _buffer: Any = ()
    #: Bytes in ``_buffer``, for transports whose buffer holds chunks.
    _buffer_size = 0

    def _init_lifecycle(
        self,
        loop: asyncio.AbstractEventLoop,
        protocol: Any,
        extra: Mapping[str, Any] | None = None,
        resource: Any = None,
    ) -> None:
        self._loop = loop
        self._protocol = protocol
        self._extra = dict(extra or {})
        self._closing = False
        self._resource = resource
        # Set once connection_lost is scheduled: from then on nothing may be
        # sent, and nothing may schedule it again.
        self._lost = False
        self._dropped_writes = 0
        self._writable_waiters: List[asyncio.Future] = []

    def __repr__(self) -> str:
        if self._resource is None:
            state = "closed"
        else:
            state = "closing" if self._closing else "open"
        text = f"<{type(self).__name__} fd={self._fd} {state}"
        if isinstance(self, asyncio.WriteTransport):
            text += f" buffered={self.get_write_buffer_size()}"
        return text + ">"

    def __del__(self, _warn: Callable[..., None] = warnings.warn) -> None:
        resource = self._resource
        if resource is not None:
            _warn(f"unclosed transport {self!r}", ResourceWarning, stacklevel=2, source=self)
            self._close_resource(resource)

    # -- what the docs define on BaseTransport -------------------------------------

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """The extra-info value ``name``, or ``default``.

        Clauses: ``BaseTransport.get_extra_info/default-when-unavailable``,
        ``BaseTransport.get_extra_info/socket-keys``,
        ``BaseTransport.get_extra_info/pipe-key``,
        ``BaseTransport.get_extra_info/subprocess-key``.
        """
        return self._extra.get(name, default)

    def is_closing(self) -> bool:
        """True once the transport is closing or closed.

        Clauses: ``BaseTransport.is_closing/tracks-close``.
        """
        return self._closing

    def set_protocol(self, protocol: Any) -> None:
        """Deliver further events to ``protocol``.

        Clauses: ``BaseTransport.set_protocol/sets-the-protocol``.
        """
        self._protocol = protocol

    def get_protocol(self) -> Any:
        """The protocol events go to now.

        Clauses: ``BaseTransport.get_protocol/returns-current``.
        """
        return self._protocol

    def close(self) -> None:
        """Stop reading, flush the write buffer, then ``connection_lost(None)``.

        Clauses: ``BaseTransport.close/flushes-then-connection-lost-none``,
        ``BaseTransport.close/no-more-data-received``,
        ``BaseTransport.close/connection-lost-not-synchronous``,
        ``BaseTransport.close/idempotent``,
        ``BaseTransport.close/other-kinds-lose-connection``.
        """
        if self._closing:
            return
        self._closing = True
        self._update_reader()
        if not self._buffer:
            self._schedule_connection_lost(None)
        # Otherwise the writer schedules it once the buffer is flushed.

    # -- starting ----------------------------------------------------------------

    def _schedule_connection_made(
        self, waiter: asyncio.Future | None, *then: Callable[[], object]
    ) -> None:
        """Queue ``connection_made``, then each of ``then``, then the waiter.

        Everything goes through ``call_soon``: the docs forbid calling the
        protocol from inside the loop method that creates the transport, and
        the loop method returns (its waiter resolves) only after the protocol
        knows its transport.
        """
        loop = self._loop
        loop.call_soon(self._protocol.connection_made, self)
        for callback in then:
            loop.call_soon(callback)
        if waiter is not None:
            loop.call_soon(settle, waiter)

    def _update_reader(self) -> None:
        """Keep fd watching in step with the state; transports that read override it."""

    # -- ending ------------------------------------------------------------------

    def _fatal_error(self, exc: BaseException, message: str) -> None:
        """End the connection because of ``exc``; ``connection_lost(exc)`` follows.

        Connection errors (OSError) are the peer's or the network's doing, not
        a bug in the program, so only other errors reach the exception handler.
        """
        if not isinstance(exc, OSError):
            self._report(message, exc)
        self._force_close(exc)

    def _force_close(self, exc: BaseException | None) -> None:
        """Drop unsent data, stop all I/O and schedule ``connection_lost(exc)``."""
        if self._lost:
            return
        if self._buffer:
            self._buffer.clear()
            self._buffer_size = 0
            self._loop.remove_writer(self._fd)
        self._closing = True
        self._update_reader()
        self._schedule_connection_lost(exc)

    def _schedule_connection_lost(self, exc: BaseException | None) -> None:
        if self._lost:
            return
        self._lost = True
        self._loop.call_soon(self._call_connection_lost, exc)

    def _call_connection_lost(self, exc: BaseException | None) -> None:
        try:
            self._protocol.connection_lost(exc)
        finally:
            self._release()

    def _release(self) -> None:
        """Give back what the transport holds once its protocol heard the end.

        Transports that hold more (a server slot, a watched fd) extend this;
        they release their own things around the ``super()`` call, in the
        order their fds require.
        """
        self._wake_writable_waiters(ConnectionResetError("connection lost"))
        resource, self._resource = self._resource, None
        if resource is not None:
            self._close_resource(resource)

    def _close_resource(self, resource: Any) -> None:
        """Close the OS object; sockets and pipe files both have ``close()``."""
        resource.close()

    def _drop_write(self, warning: str) -> None:
        """Count a write that can no longer be sent; warn once they pile up."""
        if self._dropped_writes >= LOST_WRITES_BEFORE_WARNING:
            logger.warning(warning)
        self._dropped_writes += 1

    # -- waiting for room to write (sendfile's fallback) --------------------------

    def _writing_paused(self) -> bool:
        """True while the protocol is paused; flow-controlled transports override it."""
        return False

    async def _wait_writable(self) -> None:
        """Return once the protocol could write again; raise if the connection is lost."""
        if not self._writing_paused():
            return
        waiter = self._loop.create_future()
        self._writable_waiters.append(waiter)
        await waiter

    def _wake_writable_waiters(self, exc: BaseException | None) -> None:
        waiters, self._writable_waiters = self._writable_waiters, []
        settle_all(waiters, exc)

    # -- telling the loop and the protocol --------------------------------------------

    def _report(self, message: str, exc: BaseException) -> None:
        """Send one failure to the loop's exception handler, with context."""
        self._loop.call_exception_handler(
            {
                "message": message,
                "exception": exc,
                "transport": self,
                "protocol": self._protocol,
            }
        )

    def _attempt(self, failure: str, call: Callable[..., Any], *args: Any) -> Any:
        """One non-blocking system call: its result, or None if it would block or failed.

        A failure has ended the connection (``_fatal_error`` with the message
        ``failure``) by the time None comes back; ``_lost`` tells the cases
        apart where that matters.
        """
        try:
            return call(*args)
        except (BlockingIOError, InterruptedError):
            return None
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, failure)
            return None

    def _protocol_event(self, method: str, *args: Any) -> Any:
        """Call ``protocol.<method>(*args)``; if it fails, end the connection.

        A protocol that fails while handling data (or its end) is broken, so
        the connection ends with that error, as after an I/O error. Returns
        the callback's result, or None if it failed.
        """
        try:
            return getattr(self._protocol, method)(*args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._fatal_error(exc, f"Fatal error: protocol.{method}() call failed.")
            return None

    def _call_protocol(self, message: str, method: str, *args: Any) -> Any:
        """Call a protocol callback; a failure goes to the exception handler.

        Used for the callbacks whose failures must not tear the connection
        down (flow control, subprocess events): the stdlib reports them and
        carries on.
        """
        try:
            return getattr(self._protocol, method)(*args)
        except BaseException as exc:
            if is_exit_exception(exc):
                raise
            self._report(message, exc)
            return None


class Abortable:
    """``abort()``: the lifecycle's force close, offered where the docs offer it.

    Write and datagram transports have ``abort()`` in the docs (the read pipe
    offers it too); a subprocess transport has none, which is why this is not
    part of ``TransportLifecycle`` itself.
    """

    _force_close: Callable[[BaseException | None], None]

    def abort(self) -> None:
        """Close at once, dropping buffered data; ``connection_lost(None)`` follows.

        Clauses: ``WriteTransport.abort/buffered-data-lost``,
        ``WriteTransport.abort/abort-twice-harmless``, ``WriteTransport.abort/no-more-data``,
        ``DatagramTransport.abort/closes-immediately``,
        ``BaseTransport.close/other-kinds-lose-connection``.
        """
        self._force_close(None)
