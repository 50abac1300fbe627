"""The loop's timers: handles ordered by deadline.

The obvious structure is a heap of TimerHandle objects, but TimerHandle orders
itself with Python-level comparison methods, and a heap of ``(when, handle)``
pairs allocates one more tracked object per timer, which the garbage collector
then keeps walking. Here the heap holds only the deadlines, as plain floats
(compared in C, never tracked by the collector), each deadline once; a dict maps
each deadline to the first handle due then, and handles due at the same moment
are chained through their ``next_timer`` slot in the order they were
scheduled. The docs leave the order of equal deadlines undefined
(``loop.call_later/same-deadline-order``); first come, first run is the
simplest defined choice.

Cancelled timers stay where they are until they reach the head of the queue,
except that once more than ``SWEEP_MIN_CANCELLED`` of them make up more than
half of the queue, the queue is rebuilt without them, so a program that keeps
arming and cancelling timeouts does not grow the queue without bound.
"""

from __future__ import annotations

import heapq

from .handles import TimerCallbackHandle

__all__ = ["TimerQueue", "SWEEP_MIN_CANCELLED"]

SWEEP_MIN_CANCELLED = 50

_heappush = heapq.heappush
_heappop = heapq.heappop


class TimerQueue:
    """Timer handles by deadline, with lazy, bounded removal of cancelled ones."""

    __slots__ = ("_deadlines", "_first", "_last", "_size", "_cancelled")

    def __init__(self) -> None:
        self._deadlines: list[float] = []  # a heap; each deadline appears once
        self._first: dict[float, TimerCallbackHandle] = {}  # deadline -> first handle
        self._last: dict[float, TimerCallbackHandle] = {}  # only for chains of two or more
        self._size = 0  # handles queued, cancelled ones included
        self._cancelled = 0  # cancelled handles still queued

    def __len__(self) -> int:
        return self._size

    @property
    def cancelled_count(self) -> int:
        """How many cancelled handles are still queued (for tests and curiosity)."""
        return self._cancelled

    def push(self, when: float, handle: TimerCallbackHandle) -> None:
        """Queue ``handle`` to become due at ``when``."""
        first = self._first.get(when)
        if first is None:
            if when != when:  # NaN: it could never be found again
                raise ValueError("a timer deadline cannot be NaN")
            self._first[when] = handle
            _heappush(self._deadlines, when)
        else:
            last = self._last.get(when, first)
            last.next_timer = handle
            self._last[when] = handle
        handle.in_heap = True
        self._size += 1

    def note_cancelled(self, handle: TimerCallbackHandle) -> None:
        """A queued or already popped handle was just cancelled."""
        if not handle.in_heap:
            return
        self._cancelled += 1
        if self._cancelled > SWEEP_MIN_CANCELLED and self._cancelled * 2 > self._size:
            self.sweep()

    def next_deadline(self) -> float | None:
        """The earliest deadline of a live timer, or None; drops cancelled heads."""
        deadlines = self._deadlines
        first = self._first
        while deadlines:
            handle: TimerCallbackHandle | None = first[deadlines[0]]
            while handle is not None:
                if handle.cb is not None:  # not cancelled
                    return deadlines[0]
                handle = handle.next_timer
            self._unlink(_heappop(deadlines), None)
        return None

    def pop_due(self, limit: float, ready: list[TimerCallbackHandle] | object) -> None:
        """Append every live handle due before ``limit`` to ``ready``, in order."""
        # _unlink(), inlined: this runs once per timer that fires.
        deadlines = self._deadlines
        first = self._first
        append = ready.append  # type: ignore[attr-defined]
        while deadlines and deadlines[0] < limit:
            when = _heappop(deadlines)
            handle: TimerCallbackHandle | None = first.pop(when)
            if handle.next_timer is not None:  # type: ignore[union-attr]
                del self._last[when]
            while handle is not None:
                following = handle.next_timer
                handle.next_timer = None
                handle.in_heap = False
                self._size -= 1
                if handle.cb is None:  # cancelled
                    self._cancelled -= 1
                else:
                    append(handle)
                handle = following

    def _unlink(self, when: float, append: object) -> None:
        """Remove the chain due at ``when``; pass its live handles to ``append``."""
        handle: TimerCallbackHandle | None = self._first.pop(when)
        if handle.next_timer is not None:  # type: ignore[union-attr]
            del self._last[when]
        while handle is not None:
            following = handle.next_timer
            handle.next_timer = None
            handle.in_heap = False
            self._size -= 1
            if handle.cb is None:  # cancelled
                self._cancelled -= 1
            elif append is not None:
                append(handle)  # type: ignore[operator]
            handle = following

    def sweep(self) -> None:
        """Rebuild the queue without its cancelled handles."""
        first: dict[float, TimerCallbackHandle] = {}
        last: dict[float, TimerCallbackHandle] = {}
        size = 0
        for when, handle in self._first.items():
            head = tail = None
            while handle is not None:
                following = handle.next_timer
                handle.next_timer = None
                if handle.cb is None:
                    handle.in_heap = False
                else:
                    size += 1
                    if tail is None:
                        head = handle
                    else:
                        tail.next_timer = handle
                    tail = handle
                handle = following
            if head is not None:
                first[when] = head
                if tail is not head:
                    last[when] = tail  # type: ignore[assignment]
        self._first = first
        self._last = last
        self._deadlines = list(first)
        heapq.heapify(self._deadlines)
        self._size = size
        self._cancelled = 0

    def clear(self) -> None:
        """Forget every timer (the loop is closing)."""
        for handle in self._first.values():
            chained: TimerCallbackHandle | None = handle
            while chained is not None:
                following = chained.next_timer
                chained.next_timer = None
                chained.in_heap = False
                chained = following
        self._first.clear()
        self._last.clear()
        self._deadlines.clear()
        self._size = 0
        self._cancelled = 0
