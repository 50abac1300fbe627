"""The watermark state machine as a pure unit.

A conformance case can only see pause_writing/resume_writing through real
sockets, whose kernel buffers hide the exact sizes; here the gate is fed sizes
directly, so every edge (equality, zero marks, defaults) is pinned exactly.
"""

from __future__ import annotations

import random

import pytest

from reference_loop.transports.flow_control import (
    DEFAULT_HIGH_WATER,
    WatermarkGate,
    resolve_limits,
)


@pytest.mark.parametrize(
    ("high", "low", "expected"),
    [
        (None, None, (DEFAULT_HIGH_WATER // 4, DEFAULT_HIGH_WATER)),
        (100, None, (25, 100)),
        (None, 10, (10, 40)),
        (7, 3, (3, 7)),
        (0, None, (0, 0)),
        (0, 0, (0, 0)),
        (5, 5, (5, 5)),
        (1, None, (0, 1)),
    ],
)
def test_resolve_limits(high, low, expected):
    assert resolve_limits(high, low) == expected


@pytest.mark.parametrize(("high", "low"), [(1, 2), (-1, None), (None, -1), (10, -1), (-4, -8)])
def test_resolve_limits_rejects(high, low):
    with pytest.raises(ValueError):
        resolve_limits(high, low)


# (high, low, sizes, expected events) where sizes alternate grow/shrink steps
# written as ("g", size) or ("s", size).
TABLE = [
    ("equal-high-does-not-pause", 10, 2, [("g", 10)], []),
    ("over-high-pauses", 10, 2, [("g", 11)], ["pause"]),
    ("pause-once", 10, 2, [("g", 11), ("g", 50)], ["pause"]),
    ("above-low-stays-paused", 10, 2, [("g", 11), ("s", 3)], ["pause"]),
    ("equal-low-resumes", 10, 2, [("g", 11), ("s", 2)], ["pause", "resume"]),
    ("below-low-resumes", 10, 2, [("g", 11), ("s", 0)], ["pause", "resume"]),
    ("no-resume-without-pause", 10, 2, [("g", 5), ("s", 0)], []),
    ("high-zero-any-byte-pauses", 0, 0, [("g", 1)], ["pause"]),
    ("high-zero-empty-no-pause", 0, 0, [("g", 0)], []),
    ("low-zero-resumes-only-empty", 10, 0, [("g", 11), ("s", 1), ("s", 0)], ["pause", "resume"]),
    (
        "cycles",
        4,
        1,
        [("g", 5), ("s", 1), ("g", 4), ("g", 5), ("s", 0)],
        ["pause", "resume", "pause", "resume"],
    ),
]


@pytest.mark.parametrize(
    ("high", "low", "steps", "expected"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_gate_table(high, low, steps, expected):
    gate = WatermarkGate(high, low)
    events = []
    for kind, size in steps:
        if kind == "g" and gate.grew(size):
            events.append("pause")
        if kind == "s" and gate.shrank(size):
            events.append("resume")
    assert events == expected


def test_gate_always_alternates_starting_with_pause():
    rng = random.Random(1234)
    for _ in range(200):
        high = rng.randint(0, 50)
        low = rng.randint(0, high)
        gate = WatermarkGate(high, low)
        events = []
        size = 0
        for _ in range(100):
            if rng.random() < 0.5:
                size += rng.randint(0, 20)
                if gate.grew(size):
                    events.append("pause")
                    assert size > high
            else:
                size = max(0, size - rng.randint(0, 20))
                if gate.shrank(size):
                    events.append("resume")
                    assert size <= low
        assert events == ["pause", "resume"] * (len(events) // 2) + ["pause"] * (len(events) % 2)


def test_set_limits_keeps_pause_state():
    gate = WatermarkGate(10, 2)
    assert gate.grew(11)
    gate.set_limits(100)
    assert gate.paused
    assert gate.limits() == (25, 100)
    assert gate.shrank(20)
