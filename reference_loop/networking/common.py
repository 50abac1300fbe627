"""What the networking mixins share: argument checks, address resolution, and
waiting for a new transport to come up.

Nothing here touches the loop beyond its public ``getaddrinfo``.
"""

from __future__ import annotations

import os
import socket
import stat
import warnings
from typing import Any, Awaitable, Callable, Tuple, Union

from ..transports.tls import check_handshake_timeout, check_shutdown_timeout

try:
    import ssl as _ssl
except ImportError:  # pragma: no cover - Python built without ssl
    _ssl = None  # type: ignore[assignment]

ProtocolFactory = Callable[[], Any]
PathLike = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


async def until_connected(transport: Any, protocol: Any, waiter: Awaitable) -> Tuple[Any, Any]:
    """Wait for ``transport`` to call ``connection_made``; return the pair the docs promise.

    A transport resolves ``waiter`` once its protocol knows it. If that fails,
    or the caller is cancelled meanwhile, the half-made transport is closed so
    that neither its fd nor its protocol outlives the failed call.
    """
    try:
        await waiter
    except BaseException:
        transport.close()
        raise
    return transport, protocol


def is_abstract_unix_path(path: Union[str, bytes]) -> bool:
    return bool(path) and path[0] in (0, "\x00")


def check_ssl_arguments(
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


def ssl_context(ssl: Any) -> Any:
    """``ssl=True`` means the default client context (documented)."""
    if ssl is True:
        if _ssl is None:  # pragma: no cover
            raise RuntimeError("ssl module is not available")
        return _ssl.create_default_context()
    return ssl


def numeric_addrinfo(host: Any, port: Any, family: int, type_: int, proto: int) -> list | None:
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


async def resolve(
    loop: Any, host: Any, port: Any, family: int, type_: int, proto: int, flags: int
) -> list:
    """getaddrinfo through the loop, except for numeric addresses (answered here)."""
    infos = numeric_addrinfo(host, port, family, type_, proto)
    if infos is None:
        infos = await loop.getaddrinfo(
            host, port, family=family, type=type_, proto=proto, flags=flags
        )
    return list(infos)


def set_reuseport(sock: socket.socket) -> None:
    if not hasattr(socket, "SO_REUSEPORT"):
        raise ValueError("reuse_port not supported by socket module")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    except OSError as exc:
        raise ValueError(
            "reuse_port not supported by socket module, SO_REUSEPORT defined but not implemented."
        ) from exc


def remove_stale_unix_socket(path: Union[str, bytes]) -> None:
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
