"""The reference loop's clock, timer queue and poll timeout.

These are the parts of the core that the conformance specs cannot see from
outside: which clock the loop reads, how timers with equal deadlines and
cancelled timers are kept, and how long each poll is allowed to block.
Nothing here asserts on elapsed time.
"""

from __future__ import annotations

import asyncio
import gc
import time

import pytest

import reference_loop
from reference_loop.handles import new_timer_handle
from reference_loop.timers import SWEEP_MIN_CANCELLED, TimerQueue


def run_one_iteration(loop: reference_loop.ReferenceEventLoop) -> None:
    loop.stop()
    loop.run_forever()


# -- the clock ------------------------------------------------------------------


def test_time_reads_the_monotonic_clock(loop):
    before = time.monotonic()
    now = loop.time()
    after = time.monotonic()
    assert isinstance(now, float)
    assert before <= now <= after


def test_time_never_goes_backwards(loop):
    readings = [loop.time() for _ in range(1000)]
    assert readings == sorted(readings)


# -- timers ---------------------------------------------------------------------


def test_equal_deadlines_all_fire_in_scheduling_order(loop):
    fired = []
    when = loop.time() - 1  # already due
    for i in range(50):
        loop.call_at(when, fired.append, i)
    run_one_iteration(loop)
    assert fired == list(range(50))


def test_equal_deadlines_with_cancellations_in_the_chain(loop):
    fired = []
    when = loop.time() - 1
    handles = [loop.call_at(when, fired.append, i) for i in range(6)]
    for i in (0, 2, 5):  # the head, the middle and the tail of the chain
        handles[i].cancel()
    run_one_iteration(loop)
    assert fired == [1, 3, 4]


def test_timers_fire_in_deadline_order(loop):
    fired = []
    base = loop.time() - 10
    for offset in (5, 1, 4, 2, 3):
        loop.call_at(base + offset, fired.append, offset)
    run_one_iteration(loop)
    assert fired == [1, 2, 3, 4, 5]


def test_call_at_returns_a_public_timer_handle(loop):
    handle = loop.call_at(loop.time() + 100, print)
    assert isinstance(handle, asyncio.TimerHandle)
    assert handle.when() == pytest.approx(loop.time() + 100, abs=1)
    handle.cancel()
    assert handle.cancelled()


def test_cancelled_timer_does_not_run(loop):
    fired = []
    handle = loop.call_at(loop.time() - 1, fired.append, "cancelled")
    loop.call_at(loop.time() - 1, fired.append, "live")
    handle.cancel()
    run_one_iteration(loop)
    assert fired == ["live"]


def test_timer_cancelled_by_an_earlier_callback_in_the_same_batch(loop):
    fired = []
    when = loop.time() - 1
    later = None

    def first():
        fired.append("first")
        later.cancel()

    loop.call_at(when, first)
    later = loop.call_at(when, fired.append, "second")
    run_one_iteration(loop)
    assert fired == ["first"]


def test_cancelling_after_firing_changes_nothing(loop):
    fired = []
    handle = loop.call_at(loop.time() - 1, fired.append, 1)
    run_one_iteration(loop)
    handle.cancel()
    handle.cancel()
    assert fired == [1]
    assert loop._timers.cancelled_count == 0
    assert len(loop._timers) == 0


def test_many_cancellations_keep_the_queue_bounded(loop):
    keep = loop.call_later(1000, print)
    for _ in range(20):
        handles = [loop.call_later(1000 + i, print) for i in range(500)]
        for handle in handles:
            handle.cancel()
    # 10,000 timers were armed and cancelled; the sweeps keep only a bounded
    # number of cancelled ones around, and never the live one.
    assert len(loop._timers) <= 2 * (SWEEP_MIN_CANCELLED + 1) + 1
    assert loop._timers.next_deadline() == keep.when()
    keep.cancel()


def test_cancelled_heads_are_dropped_when_looking_for_the_next_deadline(loop):
    heads = [loop.call_later(1 + i, print) for i in range(5)]
    live = loop.call_later(50, print)
    for handle in heads:
        handle.cancel()
    assert loop._timers.next_deadline() == live.when()
    assert len(loop._timers) == 1


def test_queue_releases_cancelled_callbacks(loop):
    class Payload:
        pass

    payload = Payload()
    import weakref

    ref = weakref.ref(payload)
    handle = loop.call_later(1000, print, payload)
    del payload
    handle.cancel()
    gc.collect()
    assert ref() is None, "a cancelled timer kept its arguments alive"


def test_nan_deadline_is_refused(loop):
    with pytest.raises(ValueError):
        loop.call_at(float("nan"), print)


def test_timer_queue_sweep_keeps_chain_order():
    loop = reference_loop.new_event_loop()
    try:
        queue = TimerQueue()
        handles = [new_timer_handle(1.0, print, (i,), loop) for i in range(4)]
        for handle in handles:
            queue.push(1.0, handle)
        handles[1].cancel()
        queue.note_cancelled(handles[1])
        queue.sweep()
        ready: list = []
        queue.pop_due(2.0, ready)
        assert ready == [handles[0], handles[2], handles[3]]
        assert len(queue) == 0
    finally:
        loop.close()


# -- the poll timeout ------------------------------------------------------------


def test_poll_does_not_block_when_callbacks_are_ready(loop, selector):
    loop.call_later(1000, print)
    loop.call_soon(lambda: None)
    loop.call_soon(loop.stop)
    loop.run_forever()
    assert selector.timeouts == [0]


def test_poll_does_not_block_past_a_due_timer(loop, selector):
    loop.call_later(1000, print)
    loop.call_at(loop.time() - 1, loop.stop)
    loop.run_forever()
    assert selector.timeouts == [0]


def test_poll_timeout_is_the_time_to_the_earliest_live_timer(loop):
    loop.call_later(1000, print)
    soon = loop.call_later(30, print)
    timeout = loop._poll_timeout()
    assert 0 < timeout <= 30
    soon.cancel()
    assert 30 < loop._poll_timeout() <= 1000


def test_poll_timeout_is_none_without_timers(loop):
    assert loop._poll_timeout() is None
    handle = loop.call_later(10, print)
    handle.cancel()
    assert loop._poll_timeout() is None


def test_poll_timeout_is_zero_when_stopping(loop):
    loop.call_later(1000, print)
    loop.stop()
    assert loop._poll_timeout() == 0
    loop.run_forever()


def test_poll_timeout_is_capped_at_one_day(loop):
    loop.call_later(10 * 24 * 3600, print)
    assert loop._poll_timeout() == 24 * 3600


def test_stop_before_run_polls_once_with_zero_timeout(loop, selector):
    loop.call_later(1000, print)
    loop.stop()
    loop.run_forever()
    assert selector.timeouts == [0]
