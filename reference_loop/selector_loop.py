"""Waiting for file descriptors with the ``selectors`` module.

``BaseReferenceLoop`` knows what to run; this layer knows how to sleep until
something can run. Everything else in the package that touches the outside
world (the socket coroutines here, the signal wake-ups, child processes, and
part B's transports) is built on the four public calls ``add_reader``,
``remove_reader``, ``add_writer`` and ``remove_writer``; only this module talks
to the selector.

A socket pair (the "self-pipe") is always registered for reading, so that
``call_soon_threadsafe()`` and signals can interrupt a blocked poll by writing
one byte into it.
"""

from __future__ import annotations

import asyncio
import functools
import selectors
import socket
from typing import Any, Callable, Union

from .base_loop import BaseReferenceLoop, logger
from .handles import CallbackHandle, new_handle
from .sendfile import SocketTarget, check_sendfile_arguments, send_file

try:
    import ssl
except ImportError:  # pragma: no cover - Python built without ssl
    ssl = None  # type: ignore[assignment]

__all__ = ["SelectorLoop"]

_EVENT_READ = selectors.EVENT_READ
_EVENT_WRITE = selectors.EVENT_WRITE

FileDescriptorLike = Union[int, Any]  # an int, or an object with fileno()


class SelectorLoop(BaseReferenceLoop):
    """A ``BaseReferenceLoop`` that waits in ``selector.select()``.

    ``selector`` defaults to ``selectors.DefaultSelector()``, as for
    ``asyncio.SelectorEventLoop`` (``asyncio.SelectorEventLoop/custom-selector``). The
    loop owns it and closes it in ``close()``.
    """

    def __init__(self, selector: selectors.BaseSelector | None = None) -> None:
        super().__init__()
        if selector is None:
            selector = selectors.DefaultSelector()
        self._selector: selectors.BaseSelector | None = selector
        self._wake_recv, self._wake_send = socket.socketpair()
        self._wake_recv.setblocking(False)
        self._wake_send.setblocking(False)
        self._watch(self._wake_recv.fileno(), _EVENT_READ, self._drain_wakeups, ())

    # -- the poll ------------------------------------------------------------

    def _poll(self, timeout: float | None) -> None:
        events = self._selector.select(timeout)  # type: ignore[union-attr]
        if not events:
            return
        ready = self._ready
        for key, mask in events:
            reader, writer = key.data
            if mask & _EVENT_READ and reader is not None:
                if reader.cb is None:  # cancelled
                    self._unwatch(key.fileobj, _EVENT_READ)
                else:
                    ready.append(reader)
            if mask & _EVENT_WRITE and writer is not None:
                if writer.cb is None:  # cancelled
                    self._unwatch(key.fileobj, _EVENT_WRITE)
                else:
                    ready.append(writer)

    def _wake(self) -> None:
        # May run in any thread, even while close() runs in the loop's thread.
        sock = self._wake_send
        if sock is None:
            return
        try:
            sock.send(b"\0")
        except OSError:
            # A full buffer already guarantees a wake-up; a closed socket
            # means the loop is gone.
            pass

    def _drain_wakeups(self) -> None:
        sock = self._wake_recv
        while True:
            try:
                data = sock.recv(4096)
            except InterruptedError:
                continue
            except BlockingIOError:
                return
            if not data:
                return
            self._on_wakeup_bytes(data)

    def _on_wakeup_bytes(self, data: bytes) -> None:
        """Bytes read from the self-pipe: zeros from ``_wake()``, or signal numbers.

        The signals layer overrides this to dispatch signal handlers.
        """

    def close(self) -> None:
        """Close the loop, then the self-pipe and the selector (``loop.close``)."""
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self.is_closed():
            return
        if self._wake_recv is not None:
            self._unwatch(self._wake_recv.fileno(), _EVENT_READ)
        super().close()
        for sock in (self._wake_recv, self._wake_send):
            if sock is not None:
                sock.close()
        self._wake_recv = self._wake_send = None  # type: ignore[assignment]
        if self._selector is not None:
            self._selector.close()
            self._selector = None

    # -- watching file descriptors -------------------------------------------
    #
    # The selector keeps one key per fd whose data is a (reader, writer) pair
    # of handles; reading and writing differ only in which half they touch.

    def _watch(
        self, fd: FileDescriptorLike, event: int, callback: Callable[..., object], args: tuple
    ) -> CallbackHandle:
        """Register ``callback(*args)`` for ``event`` on ``fd``, replacing any earlier one."""
        self._check_closed()
        handle = new_handle(callback, args, self)
        selector = self._selector
        key = selector.get_map().get(fd)  # type: ignore[union-attr]
        if key is None:
            pair = (handle, None) if event == _EVENT_READ else (None, handle)
            selector.register(fd, event, pair)  # type: ignore[union-attr]
            return handle
        reader, writer = key.data
        if event == _EVENT_READ:
            replaced, pair = reader, (handle, writer)
        else:
            replaced, pair = writer, (reader, handle)
        selector.modify(fd, key.events | event, pair)  # type: ignore[union-attr]
        if replaced is not None:
            replaced.cancel()
        return handle

    def _unwatch(self, fd: FileDescriptorLike, event: int) -> bool:
        """Stop watching ``fd`` for ``event``; True if a callback was registered."""
        if self._closed:
            return False
        selector = self._selector
        key = selector.get_map().get(fd)  # type: ignore[union-attr]
        if key is None:
            return False
        reader, writer = key.data
        if event == _EVENT_READ:
            removed, pair = reader, (None, writer)
        else:
            removed, pair = writer, (reader, None)
        mask = key.events & ~event
        if mask:
            selector.modify(fd, mask, pair)  # type: ignore[union-attr]
        else:
            selector.unregister(fd)  # type: ignore[union-attr]
        if removed is None:
            return False
        removed.cancel()
        return True

    def add_reader(
        self, fd: FileDescriptorLike, callback: Callable[..., object], *args: Any
    ) -> None:
        """Call ``callback(*args)`` whenever ``fd`` is readable.

        A second call for the same fd replaces the first
        (as the stdlib does). A regular file is refused by epoll with
        PermissionError, and that error is left to surface
        (``platform.add_reader-file-io/file-fd-outcome``).

        Clauses: ``loop.add_reader/called-when-readable``, ``loop.add_reader/args-passed``,
        ``loop.add_reader/fd-or-socket``, ``loop.add_reader/object-with-fileno``,
        ``loop.add_reader/replaces-previous``, ``loop.add_reader/reader-and-writer-together``,
        ``loop.add_reader/closed-loop-raises``,
        ``platform.add_reader-file-io/loop-survives-attempt``.
        """
        self._watch(fd, _EVENT_READ, callback, args)

    def remove_reader(self, fd: FileDescriptorLike) -> bool:
        """Stop watching ``fd`` for reading; True if it was watched (``loop.remove_reader``).

        Clauses: ``loop.remove_reader/stops-callbacks``, ``loop.remove_reader/read-only``,
        ``loop.remove_reader/returns-whether-registered``,
        ``loop.remove_reader/returns-true-if-monitored``.
        """
        return self._unwatch(fd, _EVENT_READ)

    def add_writer(
        self, fd: FileDescriptorLike, callback: Callable[..., object], *args: Any
    ) -> None:
        """Call ``callback(*args)`` whenever ``fd`` is writable (``loop.add_writer``).

        Clauses: ``loop.add_writer/called-when-writable``, ``loop.add_writer/args-passed``,
        ``loop.add_writer/fd-or-socket``, ``loop.add_writer/replaces-previous``,
        ``loop.add_writer/closed-loop-raises``.
        """
        self._watch(fd, _EVENT_WRITE, callback, args)

    def remove_writer(self, fd: FileDescriptorLike) -> bool:
        """Stop watching ``fd`` for writing; True if it was watched (``loop.remove_writer``).

        Clauses: ``loop.remove_writer/stops-callbacks``, ``loop.remove_writer/write-only``,
        ``loop.remove_writer/returns-whether-registered``,
        ``loop.remove_writer/returns-true-if-monitored``.
        """
        return self._unwatch(fd, _EVENT_WRITE)

    # -- sockets -------------------------------------------------------------
    #
    # Every socket coroutine tries the operation at once, and only when the
    # socket would block waits for readiness with _when_ready(), which retries
    # one step of the operation through the module-level _retry().

    def _check_socket(self, sock: socket.socket) -> None:
        if ssl is not None and isinstance(sock, ssl.SSLSocket):
            raise TypeError("Socket cannot be of type SSLSocket")
        if self._debug and sock.gettimeout() != 0:
            # "sock must be a non-blocking socket": a precondition, checked in debug mode
            raise ValueError("the socket must be non-blocking")

    def _when_ready(
        self, event: int, sock: socket.socket, step: Callable[..., Any], *args: Any
    ) -> asyncio.Future[Any]:
        """A future for the outcome of ``step(*args)``, retried each time ``sock`` is ready.

        ``step`` is one attempt at the operation: it raises BlockingIOError
        while the socket is not ready, returns ``_AGAIN`` when it made
        progress but is not finished, and otherwise returns the outcome.
        Every sock_* coroutine waits this way, through ``_retry``.
        """
        fut = self.create_future()
        fd = sock.fileno()
        handle = self._watch(fd, event, _retry, (fut, step, args))
        fut.add_done_callback(functools.partial(self._unwatch_if_ours, fd, event, handle))
        return fut

    def _unwatch_if_ours(self, fd: int, event: int, handle: asyncio.Handle, fut: object) -> None:
        # A later call for the same fd may have replaced (and so cancelled)
        # our callback: then the registration is no longer ours to remove.
        if not handle.cancelled():
            self._unwatch(fd, event)

    async def sock_recv(self, sock: socket.socket, nbytes: int) -> bytes:
        """Receive up to ``nbytes`` bytes (``loop.sock_recv``).

        Clauses: ``loop.sock_recv/receives-bytes``, ``loop.sock_recv/eof-returns-empty``,
        ``loop.sock_recv/cancelled-loses-nothing``,
        ``loop.sock_recv/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        try:
            return sock.recv(nbytes)
        except (BlockingIOError, InterruptedError):
            pass
        return await self._when_ready(_EVENT_READ, sock, sock.recv, nbytes)

    async def sock_recv_into(self, sock: socket.socket, buf: Any) -> int:
        """Receive into ``buf``; return the byte count (``loop.sock_recv_into``).

        Clauses: ``loop.sock_recv_into/receives-into-buffer``,
        ``loop.sock_recv_into/eof-returns-zero``,
        ``loop.sock_recv_into/cancelled-loses-nothing``,
        ``loop.sock_recv_into/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        try:
            return sock.recv_into(buf)
        except (BlockingIOError, InterruptedError):
            pass
        return await self._when_ready(_EVENT_READ, sock, sock.recv_into, buf)

    async def sock_recvfrom(self, sock: socket.socket, bufsize: int) -> tuple[bytes, Any]:
        """Receive a datagram and its sender (``loop.sock_recvfrom``, new in 3.11).

        Clauses (3.11 docs): ``loop.sock_recvfrom/receives-datagram``,
        ``loop.sock_recvfrom/error-raises``, ``loop.sock_recvfrom/error-is-connection-refused``,
        ``loop.sock_recvfrom/cancelled-loses-nothing``, ``loop.sock_recvfrom/is-coroutine``,
        ``loop.sock_recvfrom/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        try:
            return sock.recvfrom(bufsize)
        except (BlockingIOError, InterruptedError):
            pass
        return await self._when_ready(_EVENT_READ, sock, sock.recvfrom, bufsize)

    async def sock_recvfrom_into(
        self, sock: socket.socket, buf: Any, nbytes: int = 0
    ) -> tuple[int, Any]:
        """Receive a datagram into ``buf`` (``loop.sock_recvfrom_into``, new in 3.11).

        ``nbytes`` 0 (the default) means up to ``len(buf)``, as for
        ``socket.recvfrom_into()``; a larger ``nbytes`` than the buffer is the
        socket's ValueError.

        Clauses (3.11 docs): ``loop.sock_recvfrom_into/receives-datagram-into-buffer``,
        ``loop.sock_recvfrom_into/default-nbytes-whole-buffer``,
        ``loop.sock_recvfrom_into/nbytes-beyond-buffer-rejected``,
        ``loop.sock_recvfrom_into/error-raises``,
        ``loop.sock_recvfrom_into/error-is-connection-refused``,
        ``loop.sock_recvfrom_into/cancelled-loses-nothing``,
        ``loop.sock_recvfrom_into/is-coroutine``,
        ``loop.sock_recvfrom_into/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        if not nbytes:
            nbytes = len(buf)
        try:
            return sock.recvfrom_into(buf, nbytes)
        except (BlockingIOError, InterruptedError):
            pass
        return await self._when_ready(_EVENT_READ, sock, sock.recvfrom_into, buf, nbytes)

    async def sock_sendto(self, sock: socket.socket, data: Any, address: Any) -> int:
        """Send a datagram to ``address``; return the byte count (``loop.sock_sendto``, new in 3.11).

        The address goes to ``socket.sendto()`` as given (no ``getaddrinfo()``
        step, unlike ``sock_connect()``). A cancelled call sends nothing: the
        retry sees its future done and leaves the socket alone.

        Clauses (3.11 docs): ``loop.sock_sendto/sends-datagram``,
        ``loop.sock_sendto/does-not-block-the-loop``, ``loop.sock_sendto/cancelled-sends-nothing``,
        ``loop.sock_sendto/error-raises``, ``loop.sock_sendto/error-is-oserror``,
        ``loop.sock_sendto/is-coroutine``, ``loop.sock_sendto/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        try:
            return sock.sendto(data, address)
        except (BlockingIOError, InterruptedError):
            pass
        return await self._when_ready(_EVENT_WRITE, sock, sock.sendto, data, address)

    async def sock_sendall(self, sock: socket.socket, data: Any) -> None:
        """Send all of ``data``, waiting for room as needed (``loop.sock_sendall``).

        Clauses: ``loop.sock_sendall/sends-everything``, ``loop.sock_sendall/error-raises``,
        ``loop.sock_sendall/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        try:
            sent = sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        if type(data) is bytes and sent == len(data):
            return None  # the common case, without making a view
        view = memoryview(data).cast("B")
        if sent == len(view):
            return None
        return await self._when_ready(_EVENT_WRITE, sock, _send_more, sock, view, [sent])

    async def sock_connect(self, sock: socket.socket, address: Any) -> None:
        """Connect ``sock``, resolving a host name first if needed (``loop.sock_connect``).

        Docs: loop.sock_connect, "address no longer needs to be resolved": a host that is not a
        numeric IP goes through ``getaddrinfo()``.

        Clauses: ``loop.sock_connect/connects``, ``loop.sock_connect/resolves-address``,
        ``loop.sock_connect/refused-raises``,
        ``loop.sock_connect/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        if sock.family in (socket.AF_INET, getattr(socket, "AF_INET6", -1)):
            address = await self._resolve_for(sock, address)
        try:
            sock.connect(address)
        except (BlockingIOError, InterruptedError):
            pass
        else:
            return None
        fut = self._when_ready(_EVENT_WRITE, sock, _connect_outcome, sock, address)
        try:
            return await fut
        finally:
            fut = None  # type: ignore[assignment]  # drop the traceback cycle

    async def _resolve_for(self, sock: socket.socket, address: Any) -> Any:
        host, port = address[0], address[1]
        if isinstance(port, int) and isinstance(host, str):
            try:
                socket.inet_pton(sock.family, host.partition("%")[0])
            except (OSError, ValueError):
                pass
            else:
                return address
        infos = await self.getaddrinfo(
            host, port, family=sock.family, type=sock.type, proto=sock.proto
        )
        if not infos:
            raise OSError(f"getaddrinfo({host!r}) returned empty list")
        return infos[0][4]

    async def sock_accept(self, sock: socket.socket) -> tuple[socket.socket, Any]:
        """Accept a connection; the new socket is non-blocking (``loop.sock_accept``).

        Clauses: ``loop.sock_accept/returns-conn-and-address``,
        ``loop.sock_accept/conn-is-non-blocking``,
        ``loop.sock_accept/cancelled-loses-nothing``,
        ``loop.sock_accept/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        try:
            return _accept_one(sock)
        except (BlockingIOError, InterruptedError):
            pass
        return await self._when_ready(_EVENT_READ, sock, _accept_one, sock)

    async def sock_sendfile(
        self,
        sock: socket.socket,
        file: Any,
        offset: int = 0,
        count: int | None = None,
        *,
        fallback: bool = True,
    ) -> int:
        """Send a regular file over a stream socket (``loop.sock_sendfile``).

        ``os.sendfile()`` first; when the platform or the file cannot do it,
        read-and-send if ``fallback``, else SendfileNotAvailableError (the
        path is ``reference_loop.sendfile``, shared with ``loop.sendfile``).
        The file position ends at ``offset + bytes sent`` (docs: "File
        position is always updated").

        Clauses: ``loop.sock_sendfile/sends-file``, ``loop.sock_sendfile/offset-and-count``,
        ``loop.sock_sendfile/position-updated``,
        ``loop.sock_sendfile/fallback-without-syscall``,
        ``loop.sock_sendfile/no-fallback-raises``,
        ``loop.sock_sendfile/syscall-used-where-available``,
        ``loop.sock_sendfile/ssl-socket-rejected``, ``loop.sock_sendfile/stream-socket-only``,
        ``loop.sock_sendfile/binary-file-only``, ``loop.sock_sendfile/bad-offset-or-count``,
        ``loop.sock_sendfile/debug-rejects-blocking-socket``.
        """
        self._check_socket(sock)
        if sock.type != socket.SOCK_STREAM:
            raise ValueError("only SOCK_STREAM type sockets are supported")
        check_sendfile_arguments(file, offset, count)
        return await send_file(self, SocketTarget(self, sock), file, offset, count, fallback)

    # -- DNS -----------------------------------------------------------------

    async def getaddrinfo(
        self,
        host: Any,
        port: Any,
        *,
        family: int = 0,
        type: int = 0,
        proto: int = 0,
        flags: int = 0,
    ) -> list[tuple[Any, ...]]:
        """``socket.getaddrinfo()`` in the default executor (``loop.getaddrinfo``).

        Clauses: ``loop.getaddrinfo/same-as-socket-getaddrinfo``,
        ``loop.getaddrinfo/errors-are-gaierror``, ``loop.getaddrinfo/is-coroutine``.
        """
        if self._debug:
            logger.debug("Get address info %s:%r", host, port)
        return await self.run_in_executor(
            None, socket.getaddrinfo, host, port, family, type, proto, flags
        )

    async def getnameinfo(self, sockaddr: tuple[Any, ...], flags: int = 0) -> tuple[str, str]:
        """``socket.getnameinfo()`` in the default executor (``loop.getnameinfo``).

        Clauses: ``loop.getnameinfo/same-as-socket-getnameinfo``,
        ``loop.getnameinfo/errors-match``, ``loop.getnameinfo/is-coroutine``.
        """
        return await self.run_in_executor(None, socket.getnameinfo, sockaddr, flags)


#: What a retried step returns when it made progress but is not finished.
_AGAIN = object()


def _retry(fut: asyncio.Future[Any], step: Callable[..., Any], args: tuple) -> None:
    """One attempt at a socket operation that was waiting for readiness.

    A future that is done already (cancelled, say) means nobody wants the
    outcome any more: the socket is left alone, so a cancelled sock_recv()
    never swallows data meant for the next call.
    """
    if fut.done():
        return
    try:
        result = step(*args)
    except (BlockingIOError, InterruptedError):
        return
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        fut.set_exception(exc)
    else:
        if result is not _AGAIN:
            fut.set_result(result)


def _send_more(sock: socket.socket, view: memoryview, position: list) -> Any:
    """sock_sendall's step: send what is left; ``position`` carries progress between steps."""
    start = position[0] + sock.send(view[position[0] :])
    if start == len(view):
        return None
    position[0] = start
    return _AGAIN


def _connect_outcome(sock: socket.socket, address: Any) -> None:
    """sock_connect's step: the socket is writable once the connection attempt ended."""
    err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        raise OSError(err, f"Connect call failed {address}")


def _accept_one(sock: socket.socket) -> tuple[socket.socket, Any]:
    """sock_accept's step: accept, and make the new socket non-blocking as documented."""
    conn, address = sock.accept()
    conn.setblocking(False)
    return conn, address
