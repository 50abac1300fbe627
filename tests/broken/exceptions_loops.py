"""Deliberately broken loops for the exceptions specs.

Each loop hands out futures that break exactly one documented behaviour, so that
tests/test_broken_loops.py can show which cases catch it (tests/broken_loops.yaml lists them).
"""

from __future__ import annotations

import asyncio
from typing import Any


class LenientFuture(asyncio.Future):
    """Completing a done future is silently ignored."""

    def set_result(self, result: Any) -> None:
        if not self.done():
            super().set_result(result)

    def set_exception(self, exception: Any) -> None:
        if not self.done():
            super().set_exception(exception)


class CancelAsErrorFuture(asyncio.Future):
    """cancel() fails the future with RuntimeError instead of cancelling it."""

    def cancel(self, msg: Any = None) -> bool:
        if self.done():
            return False
        self.set_exception(RuntimeError("cancelled"))
        return True


class LenientFutureLoop(asyncio.SelectorEventLoop):
    """Breaks: set_result()/set_exception() "Raises a InvalidStateError error if
    the Future is already done"."""

    def create_future(self) -> asyncio.Future:
        return LenientFuture(loop=self)


class CancelAsErrorLoop(asyncio.SelectorEventLoop):
    """Breaks: "If the Future has been cancelled, this method raises a
    CancelledError exception"."""

    def create_future(self) -> asyncio.Future:
        return CancelAsErrorFuture(loop=self)
