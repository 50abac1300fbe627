"""Callback handles that the reference loop can run without asyncio's internals.

The docs promise that ``call_soon()`` returns an ``asyncio.Handle`` and that
``call_later()``/``call_at()`` return an ``asyncio.TimerHandle``
(``loop.call_soon/returns-handle``, ``loop.call_later/returns-timer-handle``).
Those public classes keep the callback in private attributes and run it through
a private method, which a loop written against the public API must not touch.
So each handle here is a subclass whose public constructor is called normally,
and which keeps its own copy of the callback, its arguments and its context in
its own slots, and the loop runs the callback from those slots.

``cancel()`` is extended (not replaced) so that a cancelled handle lets go of the
callback and its arguments at once, as the public class does for its own copy;
a cancelled timer can sit in the heap for a while before it is swept.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any, Callable

__all__ = ["CallbackHandle", "TimerCallbackHandle", "new_handle", "new_timer_handle"]

_copy_context = contextvars.copy_context


class _ReleasesOnCancel:
    """``cancel()`` that also lets go of the callback and its arguments at once.

    The public ``cancel()`` marks the handle; clearing ``cb`` right after it
    is what the loop's hot path tests instead of calling ``cancelled()``.
    """

    __slots__ = ()

    cb: Any
    cb_args: Any

    def cancel(self) -> None:
        """Cancel the callback and drop the references it holds.

        Clauses: ``Handle.cancel/cancels-callback``, ``Handle.cancel/releases-callback``,
        ``Handle.cancel/no-effect-if-cancelled-or-executed``.
        """
        super().cancel()  # type: ignore[misc]
        self.cb = None
        self.cb_args = None


class CallbackHandle(_ReleasesOnCancel, asyncio.Handle):
    """A handle for ``call_soon()``, ``call_soon_threadsafe()``, readers and writers.

    Build it with ``new_handle()``. ``cb`` is None exactly when the handle is
    cancelled, so the loop's hot path can test one slot instead of calling
    ``cancelled()`` for every callback it runs.
    """

    __slots__ = ("cb", "cb_args", "cb_context")


class TimerCallbackHandle(_ReleasesOnCancel, asyncio.TimerHandle):
    """A handle for ``call_later()`` and ``call_at()``; build it with ``new_timer_handle()``.

    ``in_heap`` says whether the loop's ``timers.TimerQueue`` still holds this
    handle, and ``next_timer`` chains handles due at the same deadline there.
    """

    __slots__ = ("cb", "cb_args", "cb_context", "in_heap", "next_timer")


# The two builders below are what the loop's scheduling methods do inline (a
# Python call less per callback matters there); other code uses these.


def new_handle(
    callback: Callable[..., object],
    args: tuple[Any, ...],
    loop: asyncio.AbstractEventLoop,
    context: contextvars.Context | None = None,
) -> CallbackHandle:
    """A ready-to-queue handle for ``callback(*args)`` in ``context``."""
    if context is None:
        context = _copy_context()
    handle = CallbackHandle(callback, args, loop, context)
    handle.cb = callback
    handle.cb_args = args
    handle.cb_context = context
    return handle


def new_timer_handle(
    when: float,
    callback: Callable[..., object],
    args: tuple[Any, ...],
    loop: asyncio.AbstractEventLoop,
    context: contextvars.Context | None = None,
) -> TimerCallbackHandle:
    """A timer handle for ``callback(*args)`` at loop time ``when``."""
    if context is None:
        context = _copy_context()
    handle = TimerCallbackHandle(when, callback, args, loop, context)
    handle.cb = callback
    handle.cb_args = args
    handle.cb_context = context
    handle.in_heap = False
    handle.next_timer = None
    return handle
