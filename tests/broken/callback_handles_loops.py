"""Loops whose handles each break one documented rule of Handle / TimerHandle.

Each factory takes no arguments and returns a new loop, for
``asyncio-conformance run --loop tests.broken.callback_handles_loops:<factory>``.
The handles are the stdlib's, retyped to a subclass that overrides one method
(same slots, so ``__class__`` can be assigned); the subclasses use the stdlib
handles' private state on purpose: they exist only to prove that the cases of
specs/callback-handles.yaml can fail.
"""

from __future__ import annotations

import asyncio


class _DeafHandle(asyncio.Handle):
    __slots__ = ()

    def cancel(self):
        """Ignored: the callback still runs."""


class _DeafTimerHandle(asyncio.TimerHandle):
    __slots__ = ()

    def cancel(self):
        """Ignored: the callback still runs."""


class _LateDeafTimerHandle(asyncio.TimerHandle):
    __slots__ = ()

    def cancel(self):
        if self._scheduled:  # still waiting for its deadline
            super().cancel()
        # Once due (handed to the ready queue), cancel() is silently ignored.


class _TouchyHandle(asyncio.Handle):
    __slots__ = ()

    def cancel(self):
        if self.cancelled():
            raise RuntimeError("handle already cancelled")
        super().cancel()


class _TouchyTimerHandle(asyncio.TimerHandle):
    __slots__ = ()

    def cancel(self):
        if self.cancelled():
            raise RuntimeError("handle already cancelled")
        super().cancel()


class _RunMeansCancelledHandle(asyncio.Handle):
    __slots__ = ()

    def _run(self):
        super()._run()
        self._cancelled = True  # reports "cancelled" once the callback ran


class _RunMeansCancelledTimerHandle(asyncio.TimerHandle):
    __slots__ = ()

    def _run(self):
        super()._run()
        self._cancelled = True


class _RelativeWhenTimerHandle(asyncio.TimerHandle):
    __slots__ = ()

    def when(self):
        return super().when() - self._loop.time()  # time left, not a timestamp


class _RetypingLoop(asyncio.SelectorEventLoop):
    """Hands out its handles as ``handle_class`` / ``timer_class`` instances."""

    handle_class = asyncio.Handle
    timer_class = asyncio.TimerHandle

    def call_soon(self, callback, *args, context=None):
        handle = super().call_soon(callback, *args, context=context)
        handle.__class__ = self.handle_class
        return handle

    def call_soon_threadsafe(self, callback, *args, context=None):
        handle = super().call_soon_threadsafe(callback, *args, context=context)
        handle.__class__ = self.handle_class
        return handle

    def call_at(self, when, callback, *args, context=None):
        handle = super().call_at(when, callback, *args, context=context)
        handle.__class__ = self.timer_class
        return handle


def ignored_cancel_loop():
    return type(
        "IgnoredCancelLoop",
        (_RetypingLoop,),
        {"handle_class": _DeafHandle, "timer_class": _DeafTimerHandle},
    )()


def late_cancel_ignored_loop():
    return type("LateCancelIgnoredLoop", (_RetypingLoop,), {"timer_class": _LateDeafTimerHandle})()


def cancel_twice_raises_loop():
    return type(
        "CancelTwiceRaisesLoop",
        (_RetypingLoop,),
        {"handle_class": _TouchyHandle, "timer_class": _TouchyTimerHandle},
    )()


def run_means_cancelled_loop():
    return type(
        "RunMeansCancelledLoop",
        (_RetypingLoop,),
        {"handle_class": _RunMeansCancelledHandle, "timer_class": _RunMeansCancelledTimerHandle},
    )()


def relative_when_loop():
    return type("RelativeWhenLoop", (_RetypingLoop,), {"timer_class": _RelativeWhenTimerHandle})()
