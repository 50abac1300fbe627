"""Loops that each break one documented rule of call_later() / call_at() / time().

Each factory takes no arguments and returns a new loop, for
``asyncio-conformance run --loop tests.broken.scheduling_delayed_callbacks_loops:<factory>``.
They reach into the stdlib loop's private state on purpose: they exist only to
prove that the cases of specs/scheduling-delayed-callbacks.yaml can fail.
"""

from __future__ import annotations

import asyncio


class EarlyTimerLoop(asyncio.SelectorEventLoop):
    """Every timer is due 20 ms before the time it was asked for."""

    def call_at(self, when, callback, *args, context=None):
        return super().call_at(when - 0.02, callback, *args, context=context)


class InsertionOrderLoop(asyncio.SelectorEventLoop):
    """Timers whose deadline has passed go straight to the ready queue, in call order."""

    def call_at(self, when, callback, *args, context=None):
        if when <= self.time():
            self._check_closed()
            handle = asyncio.TimerHandle(when, callback, args, self, context=context)
            self._ready.append(handle)
            return handle
        return super().call_at(when, callback, *args, context=context)


class RejectsNegativeDelayLoop(asyncio.SelectorEventLoop):
    """call_later() refuses a negative delay."""

    def call_later(self, delay, callback, *args, context=None):
        if delay < 0:
            raise ValueError("delay must not be negative")
        return super().call_later(delay, callback, *args, context=context)


class IgnoredTimerContextLoop(asyncio.SelectorEventLoop):
    """call_at() (and so call_later()) drops the context= argument."""

    def call_at(self, when, callback, *args, context=None):
        return super().call_at(when, callback, *args)


class MillisecondClockLoop(asyncio.SelectorEventLoop):
    """loop.time() counts milliseconds, not seconds."""

    def time(self):
        return super().time() * 1000.0


class JitteryClockLoop(asyncio.SelectorEventLoop):
    """loop.time() jumps back 0.5 s on every other read."""

    _flip = False

    def time(self):
        self._flip = not self._flip
        return super().time() - (0.5 if self._flip else 0.0)


def early_timer_loop():
    return EarlyTimerLoop()


def insertion_order_loop():
    return InsertionOrderLoop()


def rejects_negative_delay_loop():
    return RejectsNegativeDelayLoop()


def ignored_timer_context_loop():
    return IgnoredTimerContextLoop()


def millisecond_clock_loop():
    return MillisecondClockLoop()


def jittery_clock_loop():
    return JitteryClockLoop()
