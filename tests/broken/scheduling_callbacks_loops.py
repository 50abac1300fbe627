"""Loops that each break one documented rule of call_soon() / call_soon_threadsafe().

Each factory takes no arguments and returns a new loop, for
``asyncio-conformance run --loop tests.broken.scheduling_callbacks_loops:<factory>``.
They reach into the stdlib loop's private state on purpose: they exist only to
prove that the cases of specs/scheduling-callbacks.yaml can fail.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading


class LifoLoop(asyncio.SelectorEventLoop):
    """call_soon() puts the new callback first: callbacks run in reverse order."""

    def call_soon(self, callback, *args, context=None):
        handle = super().call_soon(callback, *args, context=context)
        self._ready.rotate(1)  # the handle just appended moves to the front
        return handle


class DrainingLoop(asyncio.SelectorEventLoop):
    """Runs callbacks scheduled by callbacks in the same iteration, without polling."""

    def _run_once(self):
        super()._run_once()
        while self._ready and not self._stopping:
            handle = self._ready.popleft()
            if not handle.cancelled():
                handle._run()


class LateStopLoop(asyncio.SelectorEventLoop):
    """stop() takes effect one iteration late, so callbacks of the final batch also run."""

    def stop(self):
        self.call_soon(super().stop)


class UnwokenLoop(asyncio.SelectorEventLoop):
    """call_soon_threadsafe() queues the callback but never wakes the loop's poll."""

    def call_soon_threadsafe(self, callback, *args, context=None):
        return self.call_soon(callback, *args, context=context)


class ThreadLifoLoop(asyncio.SelectorEventLoop):
    """Callbacks from other threads jump to the front of the queue."""

    def call_soon_threadsafe(self, callback, *args, context=None):
        handle = super().call_soon_threadsafe(callback, *args, context=context)
        if threading.get_ident() != self._thread_id:
            self._ready.rotate(1)
        return handle


class LoopContextLoop(asyncio.SelectorEventLoop):
    """Without context=, callbacks run in one context of the loop, not the caller's."""

    def __init__(self):
        super().__init__()
        self._own_context = contextvars.Context()

    def call_soon(self, callback, *args, context=None):
        if context is None:
            context = self._own_context
        return super().call_soon(callback, *args, context=context)


class IgnoredContextLoop(asyncio.SelectorEventLoop):
    """call_soon() drops the context= argument."""

    def call_soon(self, callback, *args, context=None):
        return super().call_soon(callback, *args)


def lifo_loop():
    return LifoLoop()


def draining_loop():
    return DrainingLoop()


def late_stop_loop():
    return LateStopLoop()


def unwoken_loop():
    return UnwokenLoop()


def thread_lifo_loop():
    return ThreadLifoLoop()


def loop_context_loop():
    return LoopContextLoop()


def ignored_context_loop():
    return IgnoredContextLoop()
