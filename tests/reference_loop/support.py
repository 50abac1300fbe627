"""Helpers the reference loop's tests share: protocols that record, and peers.

Fixtures live in ``conftest.py``; this module holds the plain classes and
functions that tests import by name.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import socket
from typing import Any, Awaitable, List, Optional, Set

#: Seconds any single step of a test may take before it counts as hung.
TIMEOUT = 10


def open_fds() -> Set[str]:
    """The process's open file descriptors (empty where /proc is missing)."""
    return set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else set()


def run(loop: asyncio.AbstractEventLoop, aw: Awaitable[Any]) -> Any:
    """Run ``aw`` on ``loop``, failing the test after ``TIMEOUT`` seconds."""
    return loop.run_until_complete(asyncio.wait_for(aw, TIMEOUT))


class RecordingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """The default selector, noting the timeout of every select() call."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: List[Optional[float]] = []

    def select(self, timeout: Optional[float] = None):  # type: ignore[override]
        self.timeouts.append(timeout)
        return super().select(timeout)


class Recorder(asyncio.Protocol):
    """Records every callback and checks the documented order as it goes."""

    def __init__(self, loop: asyncio.AbstractEventLoop, eof_result: Any = None) -> None:
        self.events: list = []
        self.data = bytearray()
        self.eof_result = eof_result
        self.lost = loop.create_future()
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        assert not self.events
        self.events.append("made")
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        assert data, "empty data delivered"
        assert "eof" not in self.events and "lost" not in self.events
        self.events.append("data")
        self.data += data

    def eof_received(self) -> Any:
        assert "eof" not in self.events
        self.events.append("eof")
        return self.eof_result

    def pause_writing(self) -> None:
        assert self.flow()[-1:] != ["pause"]
        self.events.append("pause")

    def resume_writing(self) -> None:
        assert self.flow()[-1:] == ["pause"]
        self.events.append("resume")

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        assert "lost" not in self.events
        self.events.append("lost")
        self.lost.set_result(exc)

    def flow(self) -> list:
        return [e for e in self.events if e in ("pause", "resume")]


def fill(transport: Any) -> int:
    """Write until the kernel refuses, so the transport buffers; return bytes written."""
    total = 0
    chunk = b"x" * 65536
    while transport.get_write_buffer_size() == 0:
        transport.write(chunk)
        total += len(chunk)
    return total


def drain(peer: socket.socket, expected: Optional[int] = None) -> int:
    """Read from ``peer`` until end of file (or ``expected`` bytes); return the count."""
    got = 0
    while True:
        data = peer.recv(1 << 20)
        if not data:
            return got
        got += len(data)
        if expected is not None and got >= expected:
            return got
