"""Server objects returned by create_server and create_unix_server.

A server is its listening sockets plus a count of the connections it
accepted: ``close()`` stops accepting at once but leaves those connections
alone (the docs say so), and ``wait_closed()`` is how a program learns that
both the listening and, on Python 3.12.1 and later, the accepted side are
gone. Accepting uses ``add_reader`` on each listening socket, so any loop with
the public fd-watching API can serve.

Clauses: ``Server.close/stops-serving``, ``Server.close/connections-left-open``,
``Server.close/asynchronous``, ``Server.get_loop/returns-loop``,
``Server.start_serving/starts-accepting``, ``Server.start_serving/idempotent``,
``Server.serve_forever/accepts-until-cancelled``,
``Server.serve_forever/already-serving``, ``Server.serve_forever/one-task``,
``Server.serve_forever/closed-server``, ``Server.is_serving/true-when-accepting``,
``Server.wait_closed/waits-for-close``, ``Server.wait_closed/open-connections``
(impl-defined: follows the running Python), ``Server.sockets/listening-sockets``,
``Server.sockets/copy``, ``Server.sockets/none-when-closed`` (an empty tuple,
as the stdlib and the spec's resolution allow), ``Server.async-with/closed-after-block``.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import sys
from typing import Any, Callable, List, Set, Tuple

from .waiters import settle_all

#: accept() errors that mean "the process or system is out of something":
#: stop accepting for a while instead of spinning on the same error.
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_ACCEPT_RETRY_DELAY = 1.0

# Before 3.12.1 the stdlib's wait_closed() returned at once once the server
# was closed; from 3.12.1 it also waits for accepted connections. The reference
# loop follows the Python it runs on, so one program behaves alike on both.
_WAIT_FOR_CONNECTIONS = sys.version_info >= (3, 12, 1)


class Server(asyncio.AbstractServer):
    """A listening server. Do not instantiate it yourself; the loop does.

    ``connection_factory(sock)`` is the loop's hook that wraps one accepted,
    non-blocking socket into a transport/protocol pair for this server.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sockets: List[socket.socket],
        connection_factory: Callable[[socket.socket, Server], Any],
        backlog: int,
        unix_paths: List[Tuple[str, int, int]] | None = None,
    ) -> None:
        self._loop = loop
        self._sockets: List[socket.socket] | None = list(sockets)
        self._connection_factory = connection_factory
        self._backlog = backlog
        self._serving = False
        self._listening = False
        self._connections: Set[Any] = set()
        self._active = 0
        self._waiters: List[asyncio.Future] | None = []
        self._serve_forever_fut: asyncio.Future | None = None
        self._retry_handles: List[asyncio.TimerHandle] = []
        self._unix_paths = unix_paths or []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} sockets={self.sockets!r}>"

    # -- connections ---------------------------------------------------------------

    def _attach(self, transport: Any) -> None:
        self._connections.add(transport)
        self._active += 1

    def _detach(self, transport: Any) -> None:
        self._connections.discard(transport)
        self._active -= 1
        if self._active == 0 and self._sockets is None:
            self._wake_waiters()

    def _wake_waiters(self) -> None:
        waiters, self._waiters = self._waiters, None
        settle_all(waiters or ())

    # -- accepting -----------------------------------------------------------------

    def _start_serving(self) -> None:
        if self._serving or self._sockets is None:
            return
        self._serving = True
        for sock in self._sockets:
            if not self._listening:
                sock.listen(self._backlog)
            self._loop.add_reader(sock.fileno(), self._on_acceptable, sock)
        self._listening = True

    def _on_acceptable(self, sock: socket.socket) -> None:
        for _ in range(self._backlog):
            if not self._serving:
                return
            try:
                conn, _addr = sock.accept()
            except (BlockingIOError, InterruptedError, ConnectionAbortedError):
                return
            except OSError as exc:
                if exc.errno in _OUT_OF_RESOURCES:
                    self._loop.call_exception_handler(
                        {
                            "message": "socket.accept() out of system resource",
                            "exception": exc,
                            "socket": sock,
                        }
                    )
                    self._loop.remove_reader(sock.fileno())
                    self._retry_handles.append(
                        self._loop.call_later(_ACCEPT_RETRY_DELAY, self._resume_accepting, sock)
                    )
                    return
                raise
            conn.setblocking(False)
            self._connection_factory(conn, self)

    def _resume_accepting(self, sock: socket.socket) -> None:
        if self._serving and self._sockets is not None:
            self._loop.add_reader(sock.fileno(), self._on_acceptable, sock)

    # -- public API ----------------------------------------------------------------

    def get_loop(self) -> asyncio.AbstractEventLoop:
        """The loop the server was created on.

        Clauses: ``Server.get_loop/returns-loop``.
        """
        return self._loop

    def is_serving(self) -> bool:
        """True while new connections are accepted.

        Clauses: ``Server.is_serving/true-when-accepting``.
        """
        return self._serving

    @property
    def sockets(self) -> Tuple[socket.socket, ...]:
        """A copy of the listening sockets; empty once the server is closed.

        Clauses: ``Server.sockets/listening-sockets``, ``Server.sockets/copy``,
        ``Server.sockets/none-when-closed``.
        """
        if self._sockets is None:
            return ()
        return tuple(self._sockets)

    def close(self) -> None:
        """Stop listening and close the listening sockets; accepted connections stay open.

        Clauses: ``Server.close/stops-serving``, ``Server.close/connections-left-open``,
        ``Server.close/asynchronous``.
        """
        sockets, self._sockets = self._sockets, None
        if sockets is None:
            return
        for handle in self._retry_handles:
            handle.cancel()
        self._retry_handles.clear()
        for sock in sockets:
            if self._serving:
                self._loop.remove_reader(sock.fileno())
        self._serving = False
        for sock in sockets:
            sock.close()
        self._remove_unix_paths()
        fut = self._serve_forever_fut
        if fut is not None and not fut.done():
            fut.cancel()
            self._serve_forever_fut = None
        if self._active == 0:
            self._wake_waiters()

    def _remove_unix_paths(self) -> None:
        for path, dev, ino in self._unix_paths:
            try:
                st = os.stat(path)
                if (st.st_dev, st.st_ino) == (dev, ino):
                    os.unlink(path)
            except OSError:
                pass
        self._unix_paths = []

    def close_clients(self) -> None:
        """Close every accepted connection (Python 3.13 API).

        No spec clause: added in Python 3.13, after the reference docs the specs quote.
        """
        for transport in list(self._connections):
            transport.close()

    def abort_clients(self) -> None:
        """Abort every accepted connection (Python 3.13 API).

        No spec clause: added in Python 3.13, after the reference docs the specs quote.
        """
        for transport in list(self._connections):
            transport.abort()

    async def start_serving(self) -> None:
        """Start accepting connections; calling it again does nothing.

        Clauses: ``Server.start_serving/starts-accepting``,
        ``Server.start_serving/idempotent``.
        """
        self._start_serving()
        # One loop iteration, so the listening sockets are registered and the
        # caller can connect as soon as this returns.
        await asyncio.sleep(0)

    async def serve_forever(self) -> None:
        """Accept connections until cancelled; cancelling closes the server.

        Clauses: ``Server.serve_forever/accepts-until-cancelled``,
        ``Server.serve_forever/already-serving``, ``Server.serve_forever/one-task``,
        ``Server.serve_forever/closed-server``.
        """
        if self._serve_forever_fut is not None:
            raise RuntimeError(f"server {self!r} is already being awaited on serve_forever()")
        if self._sockets is None:
            raise RuntimeError(f"server {self!r} is closed")
        self._start_serving()
        fut = self._serve_forever_fut = self._loop.create_future()
        try:
            await fut
        except asyncio.CancelledError:
            try:
                self.close()
                await self.wait_closed()
            finally:
                raise
        finally:
            if self._serve_forever_fut is fut:
                self._serve_forever_fut = None

    async def wait_closed(self) -> None:
        """Wait until the server is closed (and, from 3.12, its connections are gone).

        Clauses: ``Server.wait_closed/waits-for-close``,
        ``Server.wait_closed/open-connections``.
        """
        if self._waiters is None:
            return
        if not _WAIT_FOR_CONNECTIONS and self._sockets is None:
            return
        waiter = self._loop.create_future()
        self._waiters.append(waiter)
        await waiter

    async def __aenter__(self) -> Server:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.close()
        await self.wait_closed()
