"""Fixtures shared by the reference loop's own tests.

Every test here must give back what it used: ``no_leaks`` applies to all of
them and fails a test that leaves a thread running or a file descriptor
open. ``loop`` is a reference loop waiting in a ``RecordingSelector``, so a
test can also look at the timeouts the loop polled with.
"""

from __future__ import annotations

import gc
import socket
import threading
from typing import Any, Callable, Iterator, List, Tuple

import pytest

import reference_loop

from .support import RecordingSelector, open_fds, run


@pytest.fixture(autouse=True)
def no_leaks() -> Iterator[None]:
    """Fail a test that leaves a thread running or a file descriptor open."""
    threads = set(threading.enumerate())
    fds = open_fds()
    yield
    if set(threading.enumerate()) <= threads and open_fds() <= fds:
        return  # the common case, without a costly full collection
    # Something is still open: it may only be waiting for the collector.
    gc.collect()
    assert set(threading.enumerate()) <= threads, "a thread was left running"
    leaked = open_fds() - fds
    assert not leaked, f"file descriptors left open: {leaked}"


@pytest.fixture
def selector() -> RecordingSelector:
    return RecordingSelector()


@pytest.fixture
def loop(selector: RecordingSelector) -> Iterator[reference_loop.ReferenceEventLoop]:
    """A reference loop; after the test its executor is shut down and it is closed."""
    lp = reference_loop.ReferenceEventLoop(selector)
    yield lp
    if not lp.is_closed():
        lp.run_until_complete(lp.shutdown_default_executor())
        lp.close()


@pytest.fixture
def socket_pair(loop: Any) -> Iterator[Callable[..., Tuple[Any, socket.socket]]]:
    """``socket_pair(protocol)``: a stream transport for ``protocol`` and the peer socket.

    The pair is a ``socket.socketpair()`` with small kernel buffers (4 KiB
    unless ``sndbuf`` says otherwise), so that a few writes fill them. After
    the test, a transport still open is aborted (its protocol's ``lost``
    future awaited, where it has one) and the peer closed.
    """
    made: List[Tuple[Any, socket.socket]] = []

    def make(protocol: Any, *, sndbuf: int = 4096) -> Tuple[Any, socket.socket]:
        ours, peer = socket.socketpair()
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, sndbuf)
        transport, _ = run(loop, loop.connect_accepted_socket(lambda: protocol, ours))
        made.append((transport, peer))
        return transport, peer

    yield make
    for transport, peer in made:
        if not transport.is_closing():
            transport.abort()
        lost = getattr(transport.get_protocol(), "lost", None)
        if lost is not None and not loop.is_closed():
            run(loop, lost)
        peer.close()
