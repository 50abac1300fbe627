"""Holding a blocking function until the loop shows it is free: how a case sees blocking.

Every name lookup a case may make is local and instant, so a loop that runs
socket.getaddrinfo() on its own thread, or waits for a worker thread's
answer, would look as good as one that does not. ``hold_calls`` replaces the
function for the length of one ``async with`` block: a call made on the loop's
own thread runs at once and is recorded as such (holding it would only stall
the case; being there is already what the case looks for), and a call made on
any other thread waits until a timer on the loop has fired a few times after
the call began. A loop that keeps running while the call is pending fires them
within milliseconds; a loop that waits for the call cannot fire them at all,
and the call gives up after the patience given. No duration is measured, so
a slow machine delays the answer but does not change it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from .values import CaseFailure, NotObservable


@dataclass
class HeldCall:
    """One call of the held function."""

    #: It ran on the loop's own thread (so the loop could do nothing else meanwhile).
    on_loop_thread: bool
    #: The loop fired the timers the call waited for (always False on the loop's thread).
    released: bool


class HeldCalls:
    """``owner.name`` replaced for one ``async with`` block; see the module's docstring."""

    #: Timer callbacks the loop must fire while a call waits.
    TICKS = 3
    #: Between those timers (seconds).
    INTERVAL = 0.01

    def __init__(self, loop: Any, owner: Any, name: str, patience: float) -> None:
        self.loop = loop
        self.owner = owner
        self.name = name
        self.patience = patience
        self.calls: list[HeldCall] = []
        self._original: Callable[..., Any] = getattr(owner, name)
        self._ticks = 0
        self._changed = threading.Condition()
        self._loop_thread = 0
        self._ticker: Any = None
        #: Whether the loop fires the ticker's timers with no call pending; only
        #: looked at (on leaving the block) when some call was not released, so
        #: that a loop whose timers never fire is not said to wait for the call.
        self.timers_fire: bool = True

    @property
    def on_loop_thread(self) -> bool:
        """Some call ran on the loop's own thread."""
        return any(call.on_loop_thread for call in self.calls)

    @property
    def all_released(self) -> bool:
        """Every call made off the loop's thread saw the loop fire its timers."""
        return all(call.released for call in self.calls if not call.on_loop_thread)

    def _held(self, *args: Any, **kwargs: Any) -> Any:
        if threading.get_ident() == self._loop_thread:
            self.calls.append(HeldCall(on_loop_thread=True, released=False))
            return self._original(*args, **kwargs)
        with self._changed:
            start = self._ticks
            released = self._changed.wait_for(
                lambda: self._ticks >= start + self.TICKS, timeout=self.patience
            )
        self.calls.append(HeldCall(on_loop_thread=False, released=released))
        return self._original(*args, **kwargs)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.INTERVAL)
            with self._changed:
                self._ticks += 1
                self._changed.notify_all()

    async def _ticks_when_free(self) -> bool:
        """Whether the ticker fires its timers now that nothing is held.

        Polled with sleep(0), not a timer: on a loop whose timers never fire, a
        timer-based wait would never end either.
        """
        start = self._ticks
        deadline = time.monotonic() + self.patience
        while self._ticks < start + self.TICKS:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0)
        return True

    def check_never_blocked(self) -> None:
        """The verdict of a case that holds a function the loop must call off its thread.

        Fails (CaseFailure) when the loop made a call on its own thread, or
        fired no timers while a call was held; raises NotObservable when the
        loop never made a call (it has a function of its own, which cannot be
        held) or fires no timers even when nothing is held (then a held call
        that was not released says nothing about the call).
        """
        what = f"{getattr(self.owner, '__name__', type(self.owner).__name__)}.{self.name}()"
        if not self.calls:
            raise NotObservable(
                f"this loop never called {what}, the only one the case can hold, and what it "
                "uses instead answers local lookups too fast to show whether it blocks the loop"
            )
        if self.on_loop_thread:
            raise CaseFailure(f"{what} ran on the loop's own thread: the call blocked the loop")
        if not self.timers_fire:
            raise NotObservable(
                "this loop fires no 10 ms timer even with nothing pending, so whether it waits "
                f"for {what} cannot be seen (its timers are the call_later cases' to judge)"
            )
        if not self.all_released:
            raise CaseFailure(
                f"the loop fired no timers while {what} was pending: it waited for the call"
            )

    async def __aenter__(self) -> HeldCalls:
        self._loop_thread = threading.get_ident()
        self._ticker = self.loop.create_task(self._tick())
        setattr(self.owner, self.name, self._held)
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        setattr(self.owner, self.name, self._original)
        if not self.all_released:
            self.timers_fire = await self._ticks_when_free()
        self._ticker.cancel()
        await asyncio.wait({self._ticker})  # unlike awaiting it, never raises its CancelledError
