"""The loop's networking methods, written on top of its public API only.

Why a mixin that uses only public methods: it proves that connections,
servers, TLS, datagrams, pipes, sendfile and subprocesses need nothing from a
loop beyond add_reader/add_writer, call_soon/call_later, futures and tasks,
sock_connect, getaddrinfo and a child watcher. A loop author can lift this
layer onto their own core, and a reader can check each method against the
docs without reading the scheduler.

``NetworkingMixin`` must come before the core class in the MRO so that its
methods replace the core's ``NotImplementedError`` stubs.

Each method's docstring names the spec clauses (or spec section) it answers.
"""

from __future__ import annotations

import asyncio
import collections.abc
import errno
import io
import os
import socket
import stat
import subprocess
import sys
import warnings
from typing import Any, Callable, Iterable, List, Sequence, Tuple, Union

from . import child_watcher
from .server import Server
from .transports.datagram import DatagramSocketTransport
from .transports.pipes import ReadPipeTransport, WritePipeTransport
from .transports.socket_stream import SocketStreamTransport
from .transports.subprocess import ProcessTransport
from .transports.tls import TLSLayer, TLSTransport, check_handshake_timeout, check_shutdown_timeout

try:
    import ssl as _ssl
except ImportError:  # pragma: no cover - Python built without ssl
    _ssl = None  # type: ignore[assignment]

ProtocolFactory = Callable[[], Any]
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

#: Chunk size used by sendfile's read-and-write fallback.
SENDFILE_FALLBACK_CHUNK = 256 * 1024


def _is_abstract_unix_path(path: Union[str, bytes]) -> bool:
    return bool(path) and path[0] in (0, "\x00")


def _check_ssl_arguments(
    ssl: Any,
    server_hostname: str | None,
    ssl_handshake_timeout: float | None,
    ssl_shutdown_timeout: float | None,
) -> None:
    if server_hostname is not None and not ssl:
        raise ValueError("server_hostname is only meaningful with ssl")
    if ssl_handshake_timeout is not None and not ssl:
        raise ValueError("ssl_handshake_timeout is only meaningful with ssl")
    if ssl_shutdown_timeout is not None and not ssl:
        raise ValueError("ssl_shutdown_timeout is only meaningful with ssl")
    check_handshake_timeout(ssl_handshake_timeout)
    check_shutdown_timeout(ssl_shutdown_timeout)


def _ssl_context(ssl: Any) -> Any:
    """``ssl=True`` means the default client context (documented)."""
    if ssl is True:
        if _ssl is None:  # pragma: no cover
            raise RuntimeError("ssl module is not available")
        return _ssl.create_default_context()
    return ssl


def _merge_errors(errors: List[BaseException], all_errors: bool) -> BaseException:
    if all_errors and len(errors) > 1 and sys.version_info >= (3, 11):
        return ExceptionGroup("create_connection failed", errors)  # noqa: F821
    if len(errors) == 1 or all_errors:
        return errors[0]
    first = str(errors[0])
    if all(str(exc) == first for exc in errors):
        return errors[0]
    return OSError("Multiple exceptions: {}".format(", ".join(str(exc) for exc in errors)))


def _numeric_addrinfo(host: Any, port: Any, family: int, type_: int, proto: int) -> list | None:
    """getaddrinfo's answer for a numeric IP and port, computed without a lookup.

    Resolving "127.0.0.1" needs no resolver; answering directly keeps
    connections to literal addresses off the executor thread, as the stdlib
    does.
    """
    if not isinstance(host, str) or "%" in host:
        return None
    if isinstance(port, bytes):
        port = port.decode("ascii", "replace")
    if isinstance(port, str):
        if not port.isdigit():
            return None
        port = int(port)
    if port is None:
        port = 0
    if not isinstance(port, int) or isinstance(port, bool):
        return None
    proto = proto or (socket.IPPROTO_TCP if type_ == socket.SOCK_STREAM else socket.IPPROTO_UDP)
    for af in (socket.AF_INET, getattr(socket, "AF_INET6", None)):
        if af is None or family not in (0, af):
            continue
        try:
            socket.inet_pton(af, host)
        except (OSError, ValueError):
            continue
        address = (host, port) if af == socket.AF_INET else (host, port, 0, 0)
        return [(af, type_, proto, "", address)]
    return None


class NetworkingMixin:
    """Streams, servers, TLS, datagrams, pipes, sendfile and subprocesses."""

    async def _resolve(
        self, host: Any, port: Any, family: int, type_: int, proto: int, flags: int
    ) -> list:
        infos = _numeric_addrinfo(host, port, family, type_, proto)
        if infos is None:
            loop: Any = self
            infos = await loop.getaddrinfo(
                host, port, family=family, type=type_, proto=proto, flags=flags
            )
        return list(infos)

    # -- helpers --------------------------------------------------------------------

    async def _make_stream(
        self,
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
        loop: Any = self
        waiter = loop.create_future()
        try:
            protocol = protocol_factory()
            layer = None
            if ssl:
                layer = TLSLayer(
                    loop,
                    protocol,
                    _ssl_context(ssl),
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

    def _server_connection(
        self,
        protocol_factory: ProtocolFactory,
        ssl: Any,
        ssl_handshake_timeout: float | None,
        ssl_shutdown_timeout: float | None,
    ) -> Callable[[socket.socket, Server], None]:
        loop: Any = self

        def accept(conn: socket.socket, server: Server) -> None:
            if not ssl:
                try:
                    protocol = protocol_factory()
                except BaseException as exc:
                    if isinstance(exc, (SystemExit, KeyboardInterrupt)):
                        raise
                    conn.close()
                    _report_incoming_failure(loop, exc)
                    return
                SocketStreamTransport(loop, conn, protocol, server=server)
                return
            task = loop.create_task(
                self._make_stream(
                    conn,
                    protocol_factory,
                    ssl,
                    server_side=True,
                    ssl_handshake_timeout=ssl_handshake_timeout,
                    ssl_shutdown_timeout=ssl_shutdown_timeout,
                    server=server,
                )
            )
            task.add_done_callback(_incoming_tls_result)

        return accept

    async def _connect_one(
        self,
        info: Tuple[Any, ...],
        local_infos: List[Tuple[Any, ...]] | None,
    ) -> socket.socket:
        loop: Any = self
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

    # -- streams ----------------------------------------------------------------------

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
        """Open a stream connection; addresses are tried one after another.

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
        ``loop.create_connection/ssl-handshake-timeout-only-with-ssl``.
        """
        if server_hostname is not None and not ssl:
            raise ValueError("server_hostname is only meaningful with ssl")
        if ssl and server_hostname is None:
            if not host:
                raise ValueError("You must set server_hostname when using ssl without a host")
            server_hostname = host
        _check_ssl_arguments(ssl, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
        if host is not None or port is not None:
            if sock is not None:
                raise ValueError("host/port and sock can not be specified at the same time")
            infos = await self._resolve(host, port, family, socket.SOCK_STREAM, proto, flags)
            if not infos:
                raise OSError("getaddrinfo() returned empty list")
            local_infos = None
            if local_addr is not None:
                local_infos = await self._resolve(
                    *local_addr, family, socket.SOCK_STREAM, proto, flags
                )
                if not local_infos:
                    raise OSError("getaddrinfo() returned empty list")
            errors: List[BaseException] = []
            for info in infos:
                try:
                    sock = await self._connect_one(info, local_infos)
                    break
                except OSError as exc:
                    errors.append(exc)
            else:
                raise _merge_errors(errors, all_errors)
        else:
            if sock is None:
                raise ValueError("host and port was not specified and no sock specified")
            if sock.type != socket.SOCK_STREAM:
                raise ValueError(f"A Stream Socket was expected, got {sock!r}")
            sock.setblocking(False)
        return await self._make_stream(
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
        ``loop.create_unix_connection/tls``.
        """
        loop: Any = self
        if ssl:
            if server_hostname is None:
                raise ValueError("you have to pass server_hostname when using ssl")
        _check_ssl_arguments(ssl, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
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
        return await self._make_stream(
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
        ``loop.connect_accepted_socket/ssl-handshake-timeout-only-with-ssl``.
        """
        if sock.type != socket.SOCK_STREAM:
            raise ValueError(f"A Stream Socket was expected, got {sock!r}")
        _check_ssl_arguments(ssl, None, ssl_handshake_timeout, ssl_shutdown_timeout)
        sock.setblocking(False)
        return await self._make_stream(
            sock,
            protocol_factory,
            ssl,
            server_side=True,
            ssl_handshake_timeout=ssl_handshake_timeout,
            ssl_shutdown_timeout=ssl_shutdown_timeout,
        )

    # -- servers ----------------------------------------------------------------------

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
        ``loop.create_server/ssl-handshake-timeout-only-with-ssl``.
        """
        loop: Any = self
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        _check_ssl_arguments(ssl, None, ssl_handshake_timeout, ssl_shutdown_timeout)
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
                    self._configure_listener(listener, af, reuse_address, reuse_port, keep_alive)
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
            self._server_connection(
                protocol_factory, ssl, ssl_handshake_timeout, ssl_shutdown_timeout
            ),
            backlog,
        )
        if start_serving:
            server._start_serving()
            await asyncio.sleep(0)
        return server

    @staticmethod
    def _configure_listener(
        sock: socket.socket,
        family: int,
        reuse_address: bool | None,
        reuse_port: bool | None,
        keep_alive: bool | None,
    ) -> None:
        if reuse_address:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            _set_reuseport(sock)
        if keep_alive:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        if family == getattr(socket, "AF_INET6", None) and hasattr(socket, "IPPROTO_IPV6"):
            # One socket per family: the IPv6 one must not also claim IPv4.
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)

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
        ``loop.create_unix_server/path-or-sock-required``.
        """
        loop: Any = self
        if isinstance(ssl, bool):
            raise TypeError("ssl argument must be an SSLContext or None")
        _check_ssl_arguments(ssl, None, ssl_handshake_timeout, ssl_shutdown_timeout)
        unix_paths: List[Tuple[str, int, int]] = []
        if path is not None:
            if sock is not None:
                raise ValueError("path and sock can not be specified at the same time")
            path = os.fspath(path)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                if not _is_abstract_unix_path(path):
                    _remove_stale_unix_socket(path)
                try:
                    sock.bind(path)
                except OSError as exc:
                    if exc.errno == errno.EADDRINUSE:
                        raise OSError(
                            errno.EADDRINUSE, f"Address {path!r} is already in use"
                        ) from None
                    raise
                if cleanup_socket and not _is_abstract_unix_path(path):
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
            self._server_connection(
                protocol_factory, ssl, ssl_handshake_timeout, ssl_shutdown_timeout
            ),
            backlog,
            unix_paths,
        )
        if start_serving:
            server._start_serving()
            await asyncio.sleep(0)
        return server

    # -- datagrams --------------------------------------------------------------------

    async def create_datagram_endpoint(
        self,
        protocol_factory: ProtocolFactory,
        local_addr: Any = None,
        remote_addr: Any = None,
        *,
        family: int = 0,
        proto: int = 0,
        flags: int = 0,
        reuse_address: bool | None = None,
        reuse_port: bool | None = None,
        allow_broadcast: bool | None = None,
        sock: socket.socket | None = None,
    ) -> Tuple[asyncio.BaseTransport, Any]:
        """Create a UDP (or AF_UNIX datagram) endpoint.

        ``reuse_address=True`` is refused: SO_REUSEADDR on UDP lets another
        process steal the port's traffic, which is why the stdlib dropped it.

        Clauses: ``loop.create_datagram_endpoint/returns-pair``,
        ``loop.create_datagram_endpoint/datagram-received-addr``,
        ``loop.create_datagram_endpoint/remote-addr``,
        ``loop.create_datagram_endpoint/fixed-remote-other-addr``,
        ``loop.create_datagram_endpoint/family``,
        ``loop.create_datagram_endpoint/allow-broadcast``,
        ``loop.create_datagram_endpoint/broadcast-off-by-default``,
        ``loop.create_datagram_endpoint/reuse-port``,
        ``loop.create_datagram_endpoint/reuse-address``,
        ``loop.create_datagram_endpoint/sock-argument``,
        ``loop.create_datagram_endpoint/sock-excludes-addresses``.
        """
        loop: Any = self
        if reuse_address:
            raise ValueError(
                "Passing `reuse_address=True` is no longer supported, as the usage of "
                "SO_REUSEADDR in UDP poses a significant security concern."
            )
        remote = None
        if sock is not None:
            if sock.type != socket.SOCK_DGRAM:
                raise ValueError(f"A UDP Socket was expected, got {sock!r}")
            given = {
                "local_addr": local_addr,
                "remote_addr": remote_addr,
                "family": family,
                "proto": proto,
                "flags": flags,
                "reuse_port": reuse_port,
                "allow_broadcast": allow_broadcast,
            }
            problems = ", ".join(f"{k}={v}" for k, v in given.items() if v)
            if problems:
                raise ValueError(
                    "socket modifier keyword arguments can not be used "
                    f"when sock is specified. ({problems})"
                )
            sock.setblocking(False)
        else:
            candidates = await self._datagram_candidates(
                local_addr, remote_addr, family, proto, flags
            )
            errors: List[BaseException] = []
            for (af, prot), (laddr, raddr) in candidates:
                udp = None
                try:
                    udp = socket.socket(af, socket.SOCK_DGRAM, prot)
                    if reuse_port:
                        _set_reuseport(udp)
                    if allow_broadcast:
                        udp.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                    udp.setblocking(False)
                    if laddr is not None:
                        udp.bind(laddr)
                    if raddr is not None:
                        if not allow_broadcast:
                            await loop.sock_connect(udp, raddr)
                        remote = raddr
                except OSError as exc:
                    if udp is not None:
                        udp.close()
                    errors.append(exc)
                    continue
                except BaseException:
                    if udp is not None:
                        udp.close()
                    raise
                sock = udp
                break
            else:
                raise errors[0]
        try:
            protocol = protocol_factory()
        except BaseException:
            sock.close()
            raise
        waiter = loop.create_future()
        transport = DatagramSocketTransport(loop, sock, protocol, remote, waiter)
        try:
            await waiter
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    async def _datagram_candidates(
        self,
        local_addr: Any,
        remote_addr: Any,
        family: int,
        proto: int,
        flags: int,
    ) -> List[Tuple[Tuple[int, int], Tuple[Any, Any]]]:
        if not (local_addr or remote_addr):
            if family == 0:
                raise ValueError("unexpected address family")
            return [((family, proto), (None, None))]
        if family == getattr(socket, "AF_UNIX", None):
            for addr in (local_addr, remote_addr):
                if addr is not None and not isinstance(addr, (str, bytes)):
                    raise TypeError("string is expected")
            if local_addr and not _is_abstract_unix_path(local_addr):
                _remove_stale_unix_socket(local_addr)
            return [((family, proto), (local_addr, remote_addr))]
        by_family: dict = {}
        for index, addr in ((0, local_addr), (1, remote_addr)):
            if addr is None:
                continue
            if not (isinstance(addr, tuple) and len(addr) == 2):
                raise TypeError("2-tuple is expected")
            infos = await self._resolve(*addr, family, socket.SOCK_DGRAM, proto, flags)
            if not infos:
                raise OSError("getaddrinfo() returned empty list")
            for af, _, prot, _, address in infos:
                slot = by_family.setdefault((af, prot), [None, None])
                if slot[index] is None:
                    slot[index] = address
        pairs = [
            (key, (pair[0], pair[1]))
            for key, pair in by_family.items()
            if not (local_addr and pair[0] is None) and not (remote_addr and pair[1] is None)
        ]
        if not pairs:
            raise ValueError("can not get address information")
        return pairs

    # -- pipes ------------------------------------------------------------------------

    async def connect_read_pipe(
        self, protocol_factory: ProtocolFactory, pipe: Any
    ) -> Tuple[asyncio.ReadTransport, Any]:
        """Open the read end of a pipe as a ReadTransport.

        Clauses: ``loop.connect_read_pipe/returns-pair``,
        ``loop.connect_read_pipe/data-arrives``,
        ``loop.connect_read_pipe/eof-then-connection-lost``,
        ``loop.connect_read_pipe/set-non-blocking``,
        ``loop.connect_read_pipe/pipe-extra-info``,
        ``loop.connect_read_pipe/factory-returns-protocol``,
        ``loop.connect_read_pipe/pipe-is-file-like``.
        """
        loop: Any = self
        protocol = protocol_factory()
        waiter = loop.create_future()
        transport = ReadPipeTransport(loop, pipe, protocol, waiter)
        try:
            await waiter
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    async def connect_write_pipe(
        self, protocol_factory: ProtocolFactory, pipe: Any
    ) -> Tuple[asyncio.WriteTransport, Any]:
        """Open the write end of a pipe as a WriteTransport.

        Clauses: ``loop.connect_write_pipe/returns-pair``,
        ``loop.connect_write_pipe/data-arrives``,
        ``loop.connect_write_pipe/reader-close-noticed``,
        ``loop.connect_write_pipe/write-after-reader-closed``,
        ``loop.connect_write_pipe/reader-closed-argument``,
        ``loop.connect_write_pipe/set-non-blocking``,
        ``loop.connect_write_pipe/pipe-extra-info``,
        ``loop.connect_write_pipe/factory-returns-protocol``,
        ``loop.connect_write_pipe/pipe-is-file-like``.
        """
        loop: Any = self
        protocol = protocol_factory()
        waiter = loop.create_future()
        transport = WritePipeTransport(loop, pipe, protocol, waiter)
        try:
            await waiter
        except BaseException:
            transport.close()
            raise
        return transport, protocol

    # -- TLS upgrade ------------------------------------------------------------------

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
        ``loop.start_tls/old-transport-not-reused``.
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
        # The handshake must read whatever the application's reading state;
        # a pause the application asked for applies again once it is done.
        layer._app_reading_paused = not transport.is_reading()
        # Likewise a pause_writing already sent must be answered by a resume.
        layer._app_paused_writing = transport._gate.paused
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

    # -- sendfile ---------------------------------------------------------------------

    async def sendfile(
        self,
        transport: asyncio.BaseTransport,
        file: Any,
        offset: int = 0,
        count: int | None = None,
        *,
        fallback: bool = True,
    ) -> int:
        """Send a file: ``os.sendfile`` on plain sockets, read+write otherwise.

        Clauses: ``loop.sendfile/returns-bytes-sent``,
        ``loop.sendfile/offset-and-count``, ``loop.sendfile/file-position``,
        ``loop.sendfile/fallback``, ``loop.sendfile/native-without-fallback``,
        ``loop.sendfile/no-fallback-raises``, ``loop.sendfile/no-fallback-runtime-error``,
        ``loop.sendfile/ordered-with-writes``, ``loop.sendfile/binary-file``,
        ``loop.sendfile/text-file-refused``.
        """
        _check_sendfile_arguments(file, offset, count)
        if transport.is_closing():
            raise RuntimeError("Transport is closing")
        if isinstance(transport, SocketStreamTransport) and transport._can_sendfile_natively():
            try:
                return await transport._sendfile_native(file, offset, count)
            except asyncio.SendfileNotAvailableError:
                if not fallback:
                    raise
        elif not fallback:
            raise asyncio.SendfileNotAvailableError(
                f"fallback is disabled and native sendfile is not supported for {transport!r}"
            )
        if not isinstance(transport, (SocketStreamTransport, TLSTransport)):
            raise RuntimeError(f"sendfile is not supported for transport {transport!r}")
        return await self._sendfile_by_copy(transport, file, offset, count)

    async def _sendfile_by_copy(
        self, transport: Any, file: Any, offset: int, count: int | None
    ) -> int:
        sent = 0
        if offset:
            file.seek(offset)
        try:
            while count is None or sent < count:
                size = SENDFILE_FALLBACK_CHUNK
                if count is not None:
                    size = min(size, count - sent)
                await transport._wait_writable()
                data = file.read(size)  # a regular file: reading does not block
                if not data:
                    break
                if transport.is_closing():
                    raise ConnectionError("Connection closed by peer")
                transport.write(data)
                sent += len(data)
            await transport._wait_writable()
            return sent
        finally:
            file.seek(offset + sent)

    # -- subprocesses -----------------------------------------------------------------

    async def subprocess_exec(
        self,
        protocol_factory: ProtocolFactory,
        program: Any,
        *args: Any,
        stdin: Any = subprocess.PIPE,
        stdout: Any = subprocess.PIPE,
        stderr: Any = subprocess.PIPE,
        universal_newlines: bool = False,
        shell: bool = False,
        bufsize: int = 0,
        encoding: str | None = None,
        errors: str | None = None,
        text: bool | None = None,
        **kwargs: Any,
    ) -> Tuple[asyncio.SubprocessTransport, Any]:
        """Start ``program *args`` without a shell.

        Clauses: ``loop.subprocess_exec/argv-from-args``,
        ``loop.subprocess_exec/no-shell``, ``loop.subprocess_exec/bytes-args``,
        ``loop.subprocess_exec/returns-pair``, ``loop.subprocess_exec/stdin``,
        ``loop.subprocess_exec/stdout``, ``loop.subprocess_exec/stderr``,
        ``loop.subprocess_exec/stderr-to-stdout``, ``loop.subprocess_exec/none-inherits``,
        ``loop.subprocess_exec/popen-kwargs``, ``loop.subprocess_exec/forbidden-kwargs``,
        ``loop.subprocess_exec/text-mode-rejected``,
        ``loop.subprocess_exec/close-kills-running-child``.
        """
        if universal_newlines:
            raise ValueError("universal_newlines must be False")
        if shell:
            raise ValueError("shell must be False")
        if bufsize != 0:
            raise ValueError("bufsize must be 0")
        if text:
            raise ValueError("text must be False")
        if encoding is not None:
            raise ValueError("encoding must be None")
        if errors is not None:
            raise ValueError("errors must be None")
        argv = (program,) + args
        return await self._spawn(protocol_factory, argv, False, stdin, stdout, stderr, kwargs)

    async def subprocess_shell(
        self,
        protocol_factory: ProtocolFactory,
        cmd: Union[str, bytes],
        *,
        stdin: Any = subprocess.PIPE,
        stdout: Any = subprocess.PIPE,
        stderr: Any = subprocess.PIPE,
        universal_newlines: bool = False,
        shell: bool = True,
        bufsize: int = 0,
        encoding: str | None = None,
        errors: str | None = None,
        text: bool | None = None,
        **kwargs: Any,
    ) -> Tuple[asyncio.SubprocessTransport, Any]:
        """Start *cmd* through the platform shell.

        Clauses: ``loop.subprocess_shell/shell-command``,
        ``loop.subprocess_shell/returns-pair``, ``loop.subprocess_shell/remaining-arguments``,
        ``loop.subprocess_shell/forbidden-kwargs``,
        ``loop.subprocess_shell/cmd-must-be-a-string``.
        """
        if not isinstance(cmd, (bytes, str)):
            raise ValueError("cmd must be a string")
        if universal_newlines:
            raise ValueError("universal_newlines must be False")
        if not shell:
            raise ValueError("shell must be True")
        if bufsize != 0:
            raise ValueError("bufsize must be 0")
        if text:
            raise ValueError("text must be False")
        if encoding is not None:
            raise ValueError("encoding must be None")
        if errors is not None:
            raise ValueError("errors must be None")
        return await self._spawn(protocol_factory, cmd, True, stdin, stdout, stderr, kwargs)

    async def _spawn(
        self,
        protocol_factory: ProtocolFactory,
        args: Any,
        shell: bool,
        stdin: Any,
        stdout: Any,
        stderr: Any,
        kwargs: dict,
    ) -> Tuple[asyncio.SubprocessTransport, Any]:
        loop: Any = self
        protocol = protocol_factory()
        transport = ProcessTransport(
            loop,
            protocol,
            args,
            shell,
            stdin,
            stdout,
            stderr,
            child_watcher.watch_child,
            **kwargs,
        )
        try:
            await transport._connect()
        except BaseException:
            transport.close()
            await transport._wait()
            raise
        return transport, protocol


def _set_reuseport(sock: socket.socket) -> None:
    if not hasattr(socket, "SO_REUSEPORT"):
        raise ValueError("reuse_port not supported by socket module")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    except OSError as exc:
        raise ValueError(
            "reuse_port not supported by socket module, SO_REUSEPORT defined but not implemented."
        ) from exc


def _remove_stale_unix_socket(path: Union[str, bytes]) -> None:
    """A socket file left by a dead server would make bind() fail: remove it."""
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.remove(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        warnings.warn(
            f"could not check or remove stale Unix socket {path!r}: {exc!r}", stacklevel=3
        )


def _check_sendfile_arguments(file: Any, offset: Any, count: Any) -> None:
    if "b" not in getattr(file, "mode", "b"):
        raise ValueError("file should be opened in binary mode")
    if isinstance(file, io.TextIOBase):
        raise ValueError("file should be opened in binary mode")
    if not isinstance(offset, int):
        raise TypeError(f"offset must be a non-negative integer (got {offset!r})")
    if offset < 0:
        raise ValueError(f"offset must be a non-negative integer (got {offset!r})")
    if count is not None:
        if not isinstance(count, int):
            raise TypeError(f"count must be a positive integer (got {count!r})")
        if count <= 0:
            raise ValueError(f"count must be a positive integer (got {count!r})")


def _report_incoming_failure(loop: Any, exc: BaseException) -> None:
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


def _incoming_tls_result(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        _report_incoming_failure(task.get_loop(), exc)


__all__: Iterable[str] = ["NetworkingMixin"]
