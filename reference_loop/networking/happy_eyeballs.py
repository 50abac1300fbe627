"""Happy Eyeballs for create_connection(): address order and staggered attempts.

The docs give ``loop.create_connection()`` two knobs from RFC 8305:

- *interleave* reorders the resolved addresses by family, so that a host whose
  IPv6 addresses all come first (and are all broken) does not make the client
  go through every one of them before it tries IPv4;
- *happy_eyeballs_delay* starts the next attempt while the previous one is
  still pending, once that attempt has had ``delay`` seconds to complete.

Both are written here as plain functions over ``getaddrinfo()`` tuples and a
``connect(info)`` coroutine, so that create_connection() stays a short list
of steps and the algorithm can be read on its own.
"""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from typing import Any, Awaitable, Callable, Dict, List, Sequence, Tuple

AddrInfo = Tuple[Any, ...]
Connect = Callable[[AddrInfo], Awaitable[socket.socket]]


def interleave_by_family(infos: Sequence[AddrInfo], first_family_count: int) -> List[AddrInfo]:
    """Reorder ``infos`` so that address families alternate.

    The families keep the order in which they first appear (the resolver's
    preference), and so do the addresses of each family. RFC 8305's "First
    Address Family Count" is how many addresses of the first family come
    before the first address of another one; after that the families take
    turns, one address each, until all are used.

    Clause: ``loop.create_connection/interleave``.
    """
    by_family: Dict[Any, deque] = {}
    for info in infos:
        by_family.setdefault(info[0], deque()).append(info)
    queues = list(by_family.values())
    if not queues:
        return []
    ordered: List[AddrInfo] = []
    # The first turn of the first family is first_family_count long; every
    # other turn is one address.
    for _ in range(max(first_family_count, 1) - 1):
        if queues[0]:
            ordered.append(queues[0].popleft())
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.popleft())
    return ordered


async def staggered_connect(
    infos: Sequence[AddrInfo], connect: Connect, delay: float
) -> Tuple[socket.socket | None, List[BaseException]]:
    """Race connection attempts, starting one every ``delay`` seconds.

    Attempt ``n + 1`` starts when attempt ``n`` has been pending for
    ``delay`` seconds, or at once when an attempt fails: a refused address
    should cost nothing, a silent one at most ``delay``. Earlier attempts go
    on meanwhile; the first to connect wins.

    Returns ``(socket, [])`` for the winner, or ``(None, errors)`` with every
    attempt's error in address order when all failed. Whatever way this ends
    (a winner, all failed, or the caller cancelled), every other attempt is
    cancelled and waited for, and a socket that connected too late is
    closed, so no losing socket outlives the call.

    Clauses: ``loop.create_connection/happy-eyeballs-delay``,
    ``loop.create_connection/happy-eyeballs-failure-starts-next``.
    """
    loop = asyncio.get_running_loop()
    attempts: List[asyncio.Task] = []
    errors: Dict[int, BaseException] = {}
    winner: socket.socket | None = None
    try:
        while winner is None:
            if len(attempts) < len(infos):
                attempts.append(loop.create_task(connect(infos[len(attempts)])))
            running = [task for task in attempts if not task.done()]
            if not running:
                break  # nothing pending and nothing left to start: all failed
            # Nothing left to start: wait for the pending ones without a limit.
            timeout = delay if len(attempts) < len(infos) else None
            done, _ = await asyncio.wait(
                running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            # In address order, so that of two attempts done in the same
            # pass the earlier address wins.
            for index, task in enumerate(attempts):
                if task not in done:
                    continue
                exc = task.exception()
                if exc is not None:
                    errors[index] = exc
                elif winner is None:
                    winner = task.result()
    finally:
        await _cancel_losers(attempts, winner)
    if winner is not None:
        return winner, []
    return None, [errors[i] for i in sorted(errors)]


async def _cancel_losers(attempts: List[asyncio.Task], winner: socket.socket | None) -> None:
    """Cancel every attempt but the winner's and close what they connected.

    A cancelled attempt closes its own socket (connect_one() closes it on any
    exception); an attempt that finished connecting before it saw the
    cancellation hands back a socket that nobody will use, so it is closed
    here. Waiting for all of them keeps their sockets from outliving
    create_connection().
    """
    for task in attempts:
        if not task.done():
            task.cancel()
    if attempts:
        await asyncio.wait(attempts)
    for task in attempts:
        if task.cancelled() or task.exception() is not None:
            continue
        sock = task.result()
        if sock is not winner:
            sock.close()
