"""Settling futures that somebody may have given up on.

The loop, the server and every transport hand out futures ("waiters") that a
coroutine awaits: a new transport's waiter, a writer waiting for room, a
``wait_closed()`` caller. By the time the event they wait for happens, the
waiting coroutine may have been cancelled, which cancels its future, and
setting a result on a cancelled future raises ``InvalidStateError``. So no
code here sets a waiter's outcome directly: it goes through ``settle``, which
leaves a future that is already done alone.
"""

from __future__ import annotations

import asyncio
from typing import Any, Iterable

__all__ = ["settle", "settle_all"]


def settle(waiter: asyncio.Future, exc: BaseException | None = None, result: Any = None) -> None:
    """Give ``waiter`` its outcome (``exc`` if one is given, else ``result``), unless it is done."""
    if waiter.done():
        return
    if exc is None:
        waiter.set_result(result)
    else:
        waiter.set_exception(exc)


def settle_all(waiters: Iterable[asyncio.Future], exc: BaseException | None = None) -> None:
    """``settle`` each waiter alike: all succeed with None, or all fail with ``exc``."""
    for waiter in waiters:
        settle(waiter, exc)
