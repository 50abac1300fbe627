"""Small loops for the project's own tests: broken ones, hanging ones, crashing ones.

Each breaks exactly one thing, so a test can show that the suite notices.
"""

from __future__ import annotations

import asyncio
import os
import signal


class LifoLoop(asyncio.SelectorEventLoop):
    """call_soon runs callbacks in reverse order within a batch."""

    def call_soon(self, callback, *args, context=None):  # type: ignore[override]
        handle = super().call_soon(callback, *args, context=context)
        ready = self._ready  # the stdlib's private queue: fine for a deliberately broken test loop
        ready.rotate(1)
        return handle


def lifo_loop() -> asyncio.AbstractEventLoop:
    return LifoLoop()


def hanging_factory() -> asyncio.AbstractEventLoop:
    """Never returns a loop: the worker is stuck before the case even starts."""
    while True:
        signal.pause()


class SegfaultingLoop(asyncio.SelectorEventLoop):
    def call_soon(self, *args, **kwargs):  # type: ignore[override]
        import ctypes

        ctypes.string_at(0)


def segfault_loop() -> asyncio.AbstractEventLoop:
    return SegfaultingLoop()


class ExitingLoop(asyncio.SelectorEventLoop):
    def call_soon(self, *args, **kwargs):  # type: ignore[override]
        os._exit(9)


def exiting_loop() -> asyncio.AbstractEventLoop:
    return ExitingLoop()


def broken_factory() -> asyncio.AbstractEventLoop:
    raise RuntimeError("this factory cannot make a loop")


class _MeddlingPolicy(asyncio.DefaultEventLoopPolicy):
    pass


def policy_changing_loop() -> asyncio.AbstractEventLoop:
    """Installs its own global policy every time it makes a loop."""
    asyncio.set_event_loop_policy(_MeddlingPolicy())
    return asyncio.SelectorEventLoop()


def not_a_loop() -> object:
    """Returns something that is not an event loop at all."""
    return object()
