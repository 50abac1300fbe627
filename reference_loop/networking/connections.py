"""Stream connections: create_connection, create_unix_connection,
connect_accepted_socket and start_tls.

Each ends in ``make_stream``, which wraps a connected socket in a
``SocketStreamTransport`` (with a ``TLSLayer`` on top when *ssl* is given) and
returns once the protocol is connected. The servers module uses it too, for
accepted connections.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from typing import Any, List, Tuple

from ..server import Server
from ..transports.socket_stream import SocketStreamTransport
from ..transports.tls import TLSLayer, check_handshake_timeout, check_shutdown_timeout
from .common import (
    PathLike,
    ProtocolFactory,
    _ssl,
    check_ssl_arguments,
    resolve,
    ssl_context,
)
from .happy_eyeballs import interleave_by_family, staggered_connect


class ConnectionMixin:
    """Stream connections and the TLS upgrade of a live one."""

    async def create_connection(
        self,
        protocol_factory: ProtocolFactory,
        host: str | None = None,
        port: Any = None,
        *,
        ssl: Any = None,
        family: int = 0,
        proto: int = 0,
        flags: int = 0,
        sock: socket.socket | None = None,
        local_addr: Tuple[Any, Any] | None = None,
        server_hostname: str | None = None,
        ssl_handshake_timeout: float | None = None,
        ssl_shutdown_timeout: float | None = None,
        happy_eyeballs_delay: float | None = None,
        interleave: int | None = None,
        all_errors: bool = False,
    ) -> Tuple[asyncio.BaseTransport, Any]:
        """Open a stream connection to the first address of *host* that answers.

        Addresses are tried in getaddrinfo() order, one after another, unless
        *interleave* asks for them to alternate by family (the default with
        *happy_eyeballs_delay*) or *happy_eyeballs_delay* asks for staggered
        parallel attempts (see happy_eyeballs.py).

        Clauses: ``loop.create_connection/returns-transport-protocol-pair``,
        ``loop.create_connection/synopsis-order``,
        ``loop.create_connection/connection-refused``,
        ``loop.create_connection/family``, ``loop.create_connection/tcp-nodelay``,
        ``loop.create_connection/sock-argument``,
        ``loop.create_connection/sock-excludes-host-port``,
        ``loop.create_connection/local-addr``, ``loop.create_connection/ssl-context``,
        ``loop.create_connection/ssl-true-default-context``,
        ``loop.create_connection/server-hostname``,
        ``loop.create_connection/server-hostname-empty-disables-matching``,
        ``loop.create_connection/host-empty-needs-server-hostname``,
        ``loop.create_connection/server-hostname-only-with-ssl``,
        ``loop.create_connection/ssl-handshake-timeout``,
        ``loop.create_connection/ssl-handshake-timeout-only-with-ssl``,
        ``loop.create_connection/ssl-shutdown-timeout``,
        ``loop.create_connection/ssl-shutdown-timeout-only-with-ssl``,
        ``loop.create_connection/addresses-in-order``,
        ``loop.create_connection/sequential-without-happy-eyeballs``,
        ``loop.create_connection/interleave``,
        ``loop.create_connection/interleave-default``,
        ``loop.create_connection/happy-eyeballs-delay``,
        ``loop.create_connection/happy-eyeballs-failure-starts-next``.
        """
        if server_hostname is not None and not ssl:
            raise ValueError("server_hostname is only meaningful with ssl")
        if ssl and server_hostname is None:
            if not host:
                raise ValueError("You must set server_hostname when using ssl without a host")
            server_hostname = host
        check_ssl_arguments(ssl, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
        if host is not None or port is not None:
            if sock is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            infos = await resolve(self, host, port, family, socket.SOCK_STREAM, proto, flags)
            if not infos:
                raise OSError("getaddrinfo() returned empty list")
            local_infos = None
            if local_addr is not None:
                local_infos = await resolve(
                    self, *local_addr, family, socket.SOCK_STREAM, proto, flags
                )
                if not local_infos:
                    raise OSError("getaddrinfo() returned empty list")
            if happy_eyeballs_delay is not None and interleave is None:
                interleave = 1  # documented default once Happy Eyeballs is on
            if interleave:
                infos = interleave_by_family(infos, interleave)
            errors: List[BaseException] = []
            if happy_eyeballs_delay is None:
                for info in infos:
                    try:
                        sock = await connect_one(self, info, local_infos)
                        break
                    except OSError as exc:
                        errors.append(exc)
            else:
                sock, errors = await staggered_connect(
                    infos,
                    lambda info: connect_one(self, info, local_infos),
                    happy_eyeballs_delay,
                )
            if sock is None:
                raise merge_errors(errors, all_errors)
        else:
            if sock is None:
                raise ValueError("host and port was not specified and no sock specified")
            if sock.type != socket.SOCK_STREAM:
                raise ValueError(f"A Stream Socket was expected, got {sock!r}")
            sock.setblocking(False)
        return await make_stream(
            self,
            sock,
            protocol_factory,
            ssl,
            server_hostname=server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout,
        )

    async def create_unix_connection(
        self,
        protocol_factory: ProtocolFactory,
        path: PathLike | None = None,
        *,
        ssl: Any = None,
        sock: socket.socket | None = None,
        server_hostname: str | None = None,
        ssl_handshake_timeout: float | None = None,
        ssl_shutdown_timeout: float | None = None,
    ) -> Tuple[asyncio.BaseTransport, Any]:
        """Connect to a Unix socket path (str, bytes, Path or abstract name).

        Clauses: ``loop.create_unix_connection/paths``,
        ``loop.create_unix_connection/family-and-type``,
        ``loop.create_unix_connection/sock-argument``,
        ``loop.create_unix_connection/path-or-sock-required``,
        ``loop.create_unix_connection/tls``,
        ``loop.create_unix_connection/ssl-shutdown-timeout``,
        ``loop.create_unix_connection/ssl-shutdown-timeout-only-with-ssl``.
        """
        loop: Any = self
        if ssl:
            if server_hostname is None:
                raise ValueError("you have to pass server_hostname when using ssl")
        check_ssl_arguments(ssl, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
        if path is not None:
            if sock is not None:
                raise ValueError("path and sock can not be specified at the same time")
            path = os.fspath(path)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 0)
            try:
                sock.setblocking(False)
                await loop.sock_connect(sock, path)
            except BaseException:
                sock.close()
                raise
        else:
            if sock is None:
                raise ValueError("no path and sock were specified")
            if sock.family != socket.AF_UNIX or sock.type != socket.SOCK_STREAM:
                raise ValueError(f"A UNIX Domain Stream Socket was expected, got {sock!r}")
            sock.setblocking(False)
        return await make_stream(
            self,
            sock,
            protocol_factory,
            ssl,
            server_hostname=server_hostname,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout,
        )

    async def connect_accepted_socket(
        self,
        protocol_factory: ProtocolFactory,
        sock: socket.socket,
        *,
        ssl: Any = None,
        ssl_handshake_timeout: float | None = None,
        ssl_shutdown_timeout: float | None = None,
    ) -> Tuple[asyncio.BaseTransport, Any]:
        """Wrap a socket accepted outside asyncio; TLS runs server-side.

        Clauses: ``loop.connect_accepted_socket/wraps-accepted-socket``,
        ``loop.connect_accepted_socket/ssl``,
        ``loop.connect_accepted_socket/ssl-handshake-timeout-only-with-ssl``,
        ``loop.connect_accepted_socket/ssl-shutdown-timeout``,
        ``loop.connect_accepted_socket/ssl-shutdown-timeout-only-with-ssl``.
        """
        if sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        check_ssl_arguments(ssl, None, ssl_handshake_timeout, ssl_shutdown_timeout)
        sock.setblocking(False)
        return await make_stream(
            self,
            sock,
            protocol_factory,
            ssl,
            server_side=True,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout,
        )

    async def start_tls(
        self,
        transport: asyncio.BaseTransport,
        protocol: Any,
        sslcontext: Any,
        *,
        server_side: bool = False,
        server_hostname: str | None = None,
        ssl_handshake_timeout: float | None = None,
        ssl_shutdown_timeout: float | None = None,
    ) -> asyncio.Transport:
        """Run a TLS handshake over a live stream; return the TLS transport.

        The protocol is not told ``connection_made`` again: it is already
        connected, it just has to use the new transport from now on.

        Clauses: ``loop.start_tls/client-side-upgrade``,
        ``loop.start_tls/server-side-upgrade``, ``loop.start_tls/ssl-extra-info``,
        ``loop.start_tls/server-hostname``, ``loop.start_tls/untrusted``,
        ``loop.start_tls/sslcontext-type``, ``loop.start_tls/ssl-handshake-timeout``,
        ``loop.start_tls/failed-upgrade-connection-lost``,
        ``loop.start_tls/old-transport-not-reused``,
        ``loop.start_tls/ssl-shutdown-timeout``,
        ``loop.start_tls/ssl-shutdown-timeout-positive``.
        """
        loop: Any = self
        if _ssl is None or not isinstance(sslcontext, _ssl.SSLContext):
            raise TypeError(
                f"sslcontext is expected to be an instance of ssl.SSLContext, got {sslcontext!r}"
            )
        if not isinstance(transport, SocketStreamTransport):
            raise TypeError(f"transport {transport!r} is not supported by start_tls()")
        check_handshake_timeout(ssl_handshake_timeout)
        check_shutdown_timeout(ssl_shutdown_timeout)
        waiter = loop.create_future()
        layer = TLSLayer(
            loop,
            protocol,
            sslcontext,
            waiter,
            server_side=server_side,
            server_hostname=server_hostname,
            handshake_timeout=ssl_handshake_timeout,
            shutdown_timeout=ssl_shutdown_timeout,
            call_connection_made=False,
        )
        layer._inherit_pauses(not transport.is_reading(), transport._writing_paused())
        transport.pause_reading()
        transport.set_protocol(layer)
        started = loop.call_soon(layer.connection_made, transport)
        resumed = loop.call_soon(transport.resume_reading)
        try:
            await waiter
        except BaseException:
            transport.close()
            started.cancel()
            resumed.cancel()
            raise
        return layer._transport


async def make_stream(
    loop: Any,
    sock: socket.socket,
    protocol_factory: ProtocolFactory,
    ssl: Any = None,
    *,
    server_side: bool = False,
    server_hostname: str | None = None,
    ssl_handshake_timeout: float | None = None,
    ssl_shutdown_timeout: float | None = None,
    server: Server | None = None,
) -> Tuple[asyncio.BaseTransport, Any]:
    """Wrap a connected socket; for TLS, return once the handshake is done."""
    waiter = loop.create_future()
    try:
        protocol = protocol_factory()
        layer = None
        if ssl:
            layer = TLSLayer(
                loop,
                protocol,
                ssl_context(ssl),
                waiter,
                server_side=server_side,
                server_hostname=server_hostname,
                handshake_timeout=ssl_handshake_timeout,
                shutdown_timeout=ssl_shutdown_timeout,
            )
    except BaseException:
        sock.close()
        raise
    if layer is not None:
        raw = SocketStreamTransport(loop, sock, layer, server=server)
        transport: asyncio.BaseTransport = layer._transport
    else:
        raw = transport = SocketStreamTransport(loop, sock, protocol, waiter, server=server)
    try:
        await waiter
    except BaseException:
        raw.close()
        # Let the close reach connection_lost before the error propagates,
        # so nothing of this connection is left behind.
        await asyncio.sleep(0)
        raise
    return transport, protocol


async def connect_one(
    loop: Any,
    info: Tuple[Any, ...],
    local_infos: List[Tuple[Any, ...]] | None,
) -> socket.socket:
    family, type_, proto, _, address = info
    sock = socket.socket(family, type_, proto)
    try:
        sock.setblocking(False)
        if local_infos is not None:
            bound = False
            bind_errors: List[OSError] = []
            for lfamily, _, _, _, laddr in local_infos:
                if lfamily != family:
                    continue
                try:
                    sock.bind(laddr)
                    bound = True
                    break
                except OSError as exc:
                    bind_errors.append(
                        OSError(
                            exc.errno,
                            f"error while attempting to bind on address {laddr!r}: "
                            f"{(exc.strerror or '').lower()}",
                        )
                    )
            if not bound:
                if bind_errors:
                    raise bind_errors[0]
                raise OSError(f"no matching local address with family={family!r} found")
        await loop.sock_connect(sock, address)
        return sock
    except BaseException:
        sock.close()
        raise


def merge_errors(errors: List[BaseException], all_errors: bool) -> BaseException:
    if all_errors and len(errors) > 1 and sys.version_info >= (3, 11):
        return ExceptionGroup("create_connection failed", errors)  # noqa: F821
    if len(errors) == 1 or all_errors:
        return errors[0]
    first = str(errors[0])
    if all(str(exc) == first for exc in errors):
        return errors[0]
    return OSError("Multiple exceptions: {}".format(", ".join(str(exc) for exc in errors)))
