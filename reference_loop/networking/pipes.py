"""Pipes: connect_read_pipe and connect_write_pipe."""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Tuple

from ..transports.pipes import ReadPipeTransport, WritePipeTransport
from .common import ProtocolFactory, until_connected


class PipeMixin:
    """Read and write ends of pipes (and other file-like objects) as transports."""

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
        return await connect_pipe(self, ReadPipeTransport, protocol_factory, pipe)

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
        return await connect_pipe(self, WritePipeTransport, protocol_factory, pipe)


async def connect_pipe(
    loop: Any, transport_class: Callable[..., Any], protocol_factory: ProtocolFactory, pipe: Any
) -> Tuple[Any, Any]:
    """Wrap ``pipe`` in ``transport_class`` for a new protocol; return once it is connected."""
    protocol = protocol_factory()
    waiter = loop.create_future()
    transport = transport_class(loop, pipe, protocol, waiter)
    return await until_connected(transport, protocol, waiter)
