"""Listening servers: create_server and create_unix_server.

The listening sockets are made here; accepting, the ``Server`` object and its
lifetime live in ``reference_loop.server``. Each accepted connection becomes a
stream through ``connections.make_stream`` (TLS) or directly a
``SocketStreamTransport`` (plain).
"""

from __future__ import annotations

import asyncio
import collections.abc
import errno
import os
import socket
import sys
from typing import Any, Callable, List, Sequence, Tuple, Union

from ..server import Server
from ..transports.socket_stream import SocketStreamTransport
from .common import (
    PathLike,
    ProtocolFactory,
    check_ssl_arguments,
    is_abstract_unix_path,
    remove_stale_unix_socket,
    set_reuseport,
)
from .connections import make_stream


class ServerMixin:
    """TCP and Unix stream servers."""

    async def create_server(
        self,
        protocol_factory: ProtocolFactory,
        host: Union[None, str, Sequence[str]] = None,
        port: Any = None,
        *,
        family: int = socket.AF_UNSPEC,
        flags: int = socket.AI_PASSIVE,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
        keep_alive: bool | None = None,
        ssl_handshake_timeout: float | None = None,
        ssl_shutdown_timeout: float | None = None,
        start_serving: bool = True,
    ) -> Server:
        """Listen on every address *host* resolves to (all interfaces if empty).

        Clauses: ``loop.create_server/returns-server``,
        ``loop.create_server/host-string``, ``loop.create_server/host-sequence``,
        ``loop.create_server/host-all-interfaces``, ``loop.create_server/family``,
        ``loop.create_server/flags``, ``loop.create_server/sock-argument``,
        ``loop.create_server/sock-excludes-host-port``, ``loop.create_server/backlog``,
        ``loop.create_server/reuse-address``, ``loop.create_server/reuse-port``,
        ``loop.create_server/start-serving``, ``loop.create_server/tcp-nodelay``,
        ``loop.create_server/ssl``, ``loop.create_server/ssl-handshake-timeout``,
        ``loop.create_server/ssl-handshake-timeout-only-with-ssl``,
        ``loop.create_server/ssl-shutdown-timeout``,
        ``loop.create_server/ssl-shutdown-timeout-only-with-ssl``.
        """
        loop: Any = self
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        check_ssl_arguments(ssl, None, ssl_handshake_timeout, ssl_shutdown_timeout)
        if host is not None or port is not None:
            if sock is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            if reuse_address is None:
                reuse_address = os.name == "posix" and sys.platform != "cygwin"
            if host == "":
                hosts: List[str | None] = [None]
            elif isinstance(host, str) or not isinstance(host, collections.abc.Iterable):
                hosts = [host]
            else:
                hosts = list(host)
            infos: List[Tuple[Any, ...]] = []
            for one in hosts:
                found = await loop.getaddrinfo(
                    one, port, family=family, type=socket.SOCK_STREAM, flags=flags
                )
                if not found:
                    raise OSError(f"getaddrinfo({one!r}) returned empty list")
                infos.extend(found)
            sockets: List[socket.socket] = []
            try:
                seen = set()
                for af, type_, proto, _, address in infos:
                    key = (af, type_, proto, address)
                    if key in seen:
                        continue
                    seen.add(key)
                    try:
                        listener = socket.socket(af, type_, proto)
                    except OSError:
                        continue  # e.g. no IPv6 support on this host
                    sockets.append(listener)
                    configure_listener(listener, af, reuse_address, reuse_port, keep_alive)
                    try:
                        listener.bind(address)
                    except OSError as exc:
                        raise OSError(
                            exc.errno,
                            f"error while attempting to bind on address {address!r}: "
                            f"{(exc.strerror or '').lower()}",
                        ) from None
                if not sockets:
                    raise OSError("could not create any listening socket")
            except BaseException:
                for listener in sockets:
                    listener.close()
                raise
        else:
            if sock is None:
                raise ValueError("Neither host/port nor sock were specified")
            if sock.type != socket.SOCK_STREAM:
                raise ValueError(f"A Stream Socket was expected, got {sock!r}")
            sockets = [sock]
        for listener in sockets:
            listener.setblocking(False)
        server = Server(
            loop,
            sockets,
            server_connection(
                self, protocol_factory, ssl, ssl_handshake_timeout, ssl_shutdown_timeout
            ),
            backlog,
        )
        if start_serving:
            server._start_serving()
            await asyncio.sleep(0)
        return server

    async def create_unix_server(
        self,
        protocol_factory: ProtocolFactory,
        path: PathLike | None = None,
        *,
        sock: socket.socket | None = None,
        backlog: int = 100,
        ssl: Any = None,
        ssl_handshake_timeout: float | None = None,
        ssl_shutdown_timeout: float | None = None,
        start_serving: bool = True,
        cleanup_socket: bool = True,
    ) -> Server:
        """Listen on a Unix socket path; a stale socket file there is replaced.

        Clauses: ``loop.create_unix_server/paths``,
        ``loop.create_unix_server/sock-argument``,
        ``loop.create_unix_server/start-serving``,
        ``loop.create_unix_server/path-or-sock-required``,
        ``loop.create_unix_server/ssl-shutdown-timeout``,
        ``loop.create_unix_server/ssl-shutdown-timeout-only-with-ssl``.
        """
        loop: Any = self
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        check_ssl_arguments(ssl, None, ssl_handshake_timeout, ssl_shutdown_timeout)
        unix_paths: List[Tuple[str, int, int]] = []
        if path is not None:
            if sock is not None:
                raise ValueError("path and sock can not be specified at the same time")
            path = os.fspath(path)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                if not is_abstract_unix_path(path):
                    remove_stale_unix_socket(path)
                try:
                    sock.bind(path)
                except OSError as exc:
                    if exc.errno == errno.EADDRINUSE:
                        raise OSError(
                            errno.EADDRINUSE, f"Address {path!r} is already in use"
                        ) from None
                    raise
                if cleanup_socket and not is_abstract_unix_path(path):
                    st = os.stat(path)
                    unix_paths.append((os.fsdecode(path), st.st_dev, st.st_ino))
            except BaseException:
                sock.close()
                raise
        else:
            if sock is None:
                raise ValueError("path was not specified, and no sock specified")
            if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
                raise ValueError(f"A UNIX Domain Stream Socket was expected, got {sock!r}")
        sock.setblocking(False)
        server = Server(
            loop,
            [sock],
            server_connection(
                self, protocol_factory, ssl, ssl_handshake_timeout, ssl_shutdown_timeout
            ),
            backlog,
            unix_paths,
        )
        if start_serving:
            server._start_serving()
            await asyncio.sleep(0)
        return server


def server_connection(
    loop: Any,
    protocol_factory: ProtocolFactory,
    ssl: Any,
    ssl_handshake_timeout: float | None,
    ssl_shutdown_timeout: float | None,
) -> Callable[[socket.socket, Server], None]:

    def accept(conn: socket.socket, server: Server) -> None:
        if not ssl:
            try:
                protocol = protocol_factory()
            except BaseException as exc:
                if isinstance(exc, (SystemExit, KeyboardInterrupt)):
                    raise
                conn.close()
                report_incoming_failure(loop, exc)
                return
            SocketStreamTransport(loop, conn, protocol, server=server)
            return
        task = loop.create_task(
            make_stream(
                loop,
                conn,
                protocol_factory,
                ssl,
                server_side=True,
                ssl_handshake_timeout=ssl_handshake_timeout,
                ssl_shutdown_timeout=ssl_shutdown_timeout,
                server=server,
            )
        )
        task.add_done_callback(incoming_tls_result)

    return accept


def configure_listener(
    sock: socket.socket,
    family: int,
    reuse_address: bool | None,
    reuse_port: bool | None,
    keep_alive: bool | None,
) -> None:
    if reuse_address:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        set_reuseport(sock)
    if keep_alive:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    if family == getattr(socket, "AF_INET6", None) and hasattr(socket, "IPPROTO_IPV6"):
        # One socket per family: the IPv6 one must not also claim IPv4.
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)


def report_incoming_failure(loop: Any, exc: BaseException) -> None:
    """A connection the server could not set up only ends that connection.

    Like the stdlib, the failure reaches the exception handler in debug mode
    only: a client that sends garbage instead of a TLS hello is routine for a
    server, not an error of the program.
    """
    if loop.get_debug():
        loop.call_exception_handler(
            {
                "message": "Error on transport creation for incoming connection",
                "exception": exc,
            }
        )


def incoming_tls_result(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        report_incoming_failure(task.get_loop(), exc)
