"""Datagram endpoints: create_datagram_endpoint (UDP and AF_UNIX datagrams)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, List, Tuple

from ..transports.datagram import DatagramSocketTransport
from .common import (
    ProtocolFactory,
    is_abstract_unix_path,
    remove_stale_unix_socket,
    resolve,
    set_reuseport,
    until_connected,
)


class DatagramMixin:
    """UDP and Unix datagram endpoints."""

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
            candidates = await datagram_candidates(
                self, local_addr, remote_addr, family, proto, flags
            )
            errors: List[BaseException] = []
            for (af, prot), (laddr, raddr) in candidates:
                udp = None
                try:
                    udp = socket.socket(af, socket.SOCK_DGRAM, prot)
                    if reuse_port:
                        set_reuseport(udp)
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
        return await until_connected(transport, protocol, waiter)


async def datagram_candidates(
    loop: Any,
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
        if local_addr and not is_abstract_unix_path(local_addr):
            remove_stale_unix_socket(local_addr)
        return [((family, proto), (local_addr, remote_addr))]
    by_family: dict = {}
    for index, addr in ((0, local_addr), (1, remote_addr)):
        if addr is None:
            continue
        if not (isinstance(addr, tuple) and len(addr) == 2):
            raise TypeError("2-tuple is expected")
        infos = await resolve(loop, *addr, family, socket.SOCK_DGRAM, proto, flags)
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
