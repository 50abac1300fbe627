"""The protocol watcher: illegal callback orders fail the case, naming the machine."""

from __future__ import annotations

import asyncio

import pytest

from conformance.results import RawResult
from conformance.runtime.harness import HarnessSettings, run_case
from conformance.spec.load import load_suite


@pytest.fixture(scope="module")
def machines() -> dict:
    return load_suite().machines


def drive(machines: dict, code: str) -> RawResult:
    case = {
        "id": "t/t/t",
        "code": code,
        "mode": "sync",
        "code_line": 1,
        "file": "<test>",
        "level": "must",
        "expect": {},
    }
    return run_case(case, asyncio.new_event_loop, HarnessSettings(machines=machines)).raw


class FakeTransport(asyncio.Transport):
    pass


LEGAL = """
class P(Protocol):
    pass
p = P()
p.connection_made(None)
p.data_received(b"x")
p.eof_received()
p.connection_lost(None)
return p.events
"""


def test_legal_order_passes(machines: dict) -> None:
    result = drive(machines, LEGAL)
    assert result.outcome == "pass", result


@pytest.mark.parametrize(
    "change, words",
    [
        ('p.eof_received()\np.data_received(b"y")', "data_received is not allowed in state 'eof'"),
        (
            "p.connection_lost(None)\np.connection_lost(None)",
            "connection_lost is not allowed in state 'end'",
        ),
        ('p.data_received(b"")', "non-empty-bytes"),
        ("p.connection_made(None)", "connection_made is not allowed in state 'connected'"),
    ],
)
def test_illegal_orders_fail(machines: dict, change: str, words: str) -> None:
    code = LEGAL.replace('p.data_received(b"x")', change)
    result = drive(machines, code)
    assert result.outcome == "fail"
    assert "state machine Protocol" in result.message and words in result.message


def test_overridden_callbacks_are_still_watched(machines: dict) -> None:
    code = """
class P(Protocol):
    def data_received(self, data):
        self.mine = data
p = P()
p.data_received(b"too early")
"""
    result = drive(machines, code)
    assert (
        result.outcome == "fail"
        and "data_received is not allowed in state 'start'" in result.message
    )


def test_a_protocol_left_connected_fails(machines: dict) -> None:
    code = "class P(Protocol):\n    pass\np = P()\np.connection_made(None)\n"
    result = drive(machines, code)
    assert result.outcome == "fail" and "transport was left open" in result.message


def test_flow_control_must_alternate(machines: dict) -> None:
    code = LEGAL.replace('p.data_received(b"x")', "p.pause_writing()\np.pause_writing()")
    result = drive(machines, code)
    assert result.outcome == "fail" and "state machine FlowControl" in result.message
