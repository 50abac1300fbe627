"""The transports, protocols and state-machines specs can fail: each broken loop fails its cases."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

SPECS = ["specs/transports.yaml", "specs/protocols.yaml", "specs/state-machines.yaml"]
BROKEN = "tests.broken.transports_loops"

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "data_after_eof_loop": (
        [
            "state-machine.Protocol/eof-ends-data/",
            "Protocol.eof_received/on-peer-eof/peer-shuts-down-writing[tcp4]",
        ],
        [
            "state-machine.Protocol/eof-ends-data/data-then-eof[keep-open]",
            "state-machine.Protocol/eof-ends-data/data-then-eof[close]",
            "Protocol.eof_received/on-peer-eof/peer-shuts-down-writing[tcp4]",
        ],
    ),
    "double_lost_loop": (
        [
            "BaseTransport.close/idempotent/",
            "state-machine.Protocol/connection-callbacks-once/echo-round-trip",
        ],
        [
            "BaseTransport.close/idempotent/close-twice",
            "state-machine.Protocol/connection-callbacks-once/echo-round-trip",
        ],
    ),
    "ignores_eof_result_loop": (
        [
            "Protocol.eof_received/true-keeps-half-open/still-writable[tcp4]",
            "BufferedProtocol.eof_received/",
        ],
        [
            "Protocol.eof_received/true-keeps-half-open/still-writable[tcp4]",
            "BufferedProtocol.eof_received/like-protocol/true-keeps-half-open",
        ],
    ),
    "pause_at_equality_loop": (
        ["flow-control.watermarks/pause-strictly-over-high/equality-does-not-pause["],
        [
            "flow-control.watermarks/pause-strictly-over-high/equality-does-not-pause[tcp4]",
            "flow-control.watermarks/pause-strictly-over-high/equality-does-not-pause[unix]",
            "flow-control.watermarks/pause-strictly-over-high/equality-does-not-pause[write-pipe]",
        ],
    ),
    "lax_limits_loop": (
        [
            "WriteTransport.set_write_buffer_limits/low-at-most-high/rejected[",
            "flow-control.watermarks/invalid-rejected/",
        ],
        [
            "WriteTransport.set_write_buffer_limits/low-at-most-high/rejected[low-over-high-tcp4]",
            "WriteTransport.set_write_buffer_limits/low-at-most-high/rejected[negative-high]",
            "WriteTransport.set_write_buffer_limits/low-at-most-high/rejected[low-over-high-pipe]",
            "flow-control.watermarks/invalid-rejected/value-error[low-over-high]",
            "flow-control.watermarks/invalid-rejected/value-error[negative-low]",
        ],
    ),
    "abort_flushes_loop": (
        ["WriteTransport.abort/buffered-data-lost/nothing-sent-after-abort"],
        ["WriteTransport.abort/buffered-data-lost/nothing-sent-after-abort"],
    ),
    "deaf_pause_loop": (
        [
            "ReadTransport.pause_reading/no-data-while-paused/",
            "ReadTransport.is_reading/true-while-receiving/tracks",
        ],
        [
            "ReadTransport.pause_reading/no-data-while-paused/paused-then-resumed[tcp4]",
            "ReadTransport.pause_reading/no-data-while-paused/paused-then-resumed[read-pipe]",
            "ReadTransport.is_reading/true-while-receiving/tracks-pause-and-resume[tcp4]",
        ],
    ),
    "wrong_addr_loop": (
        ["DatagramProtocol.datagram_received/data-and-addr/"],
        [
            "DatagramProtocol.datagram_received/data-and-addr/ipv4",
            "DatagramProtocol.datagram_received/data-and-addr/connected-endpoint",
        ],
    ),
}


@pytest.mark.parametrize("factory", sorted(CASES))
def test_broken_loop_fails_its_cases(conformance_run, factory: str) -> None:
    patterns, failing = CASES[factory]
    code, results = conformance_run(f"{BROKEN}:{factory}", *spec_args(SPECS, patterns))
    assert_cases_fail(code, results, failing)


def test_the_same_cases_pass_on_asyncio(conformance_run) -> None:
    patterns = sorted({p for selection, _ in CASES.values() for p in selection})
    code, results = conformance_run("asyncio", *spec_args(SPECS, patterns))
    failing = {case_id for _, ids in CASES.values() for case_id in ids}
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=False)
