"""Event loops that each break one documented behaviour of "Developing with asyncio".

Each factory takes no arguments and returns a new loop, for ``--loop
tests.broken.developing_with_asyncio_loops:<factory>``.
"""

from __future__ import annotations

import asyncio
import sys


class NoThreadCheckLoop(asyncio.SelectorEventLoop):
    """In debug mode, call_soon()/call_at() from another thread do not raise."""

    def _check_thread(self):
        pass


class FixedSlowDurationLoop(asyncio.SelectorEventLoop):
    """slow_callback_duration stays 0.1 whatever is assigned to it."""

    @property
    def slow_callback_duration(self):
        return 0.1

    @slow_callback_duration.setter
    def slow_callback_duration(self, value):
        pass


class NoOriginTrackingLoop(asyncio.SelectorEventLoop):
    """Debug mode does not turn on coroutine origin tracking."""

    def _set_coroutine_origin_tracking(self, enabled):
        pass


class PrintingLoop(asyncio.SelectorEventLoop):
    """The default exception handler prints to stderr instead of logging on "asyncio"."""

    def default_exception_handler(self, context):
        print("error:", context.get("message"), context.get("exception"), file=sys.stderr)


class NoWakeupLoop(asyncio.SelectorEventLoop):
    """call_soon_threadsafe() does not wake a loop blocked in its selector."""

    def _write_to_self(self):
        pass
