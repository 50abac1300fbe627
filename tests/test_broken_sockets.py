"""The fd-watching, socket, DNS and pipe specs can fail: each broken loop fails what it breaks."""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

BROKEN = "tests.broken.sockets_loops"

#: No specs: the whole suite, narrowed with -k, so that the state machines watch the protocols.
SPECS = ()

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "recv_drops_first_byte_loop": (
        ["loop.sock_recv/receives-bytes/"],
        [
            "loop.sock_recv/receives-bytes/data-already-there",
            "loop.sock_recv/receives-bytes/at-most-nbytes",
            "loop.sock_recv/receives-bytes/large-stream-in-order",
        ],
    ),
    "reader_not_replaced_loop": (
        ["loop.add_reader/replaces-previous/"],
        [
            "loop.add_reader/replaces-previous/only-new-one-runs",
            "loop.add_reader/replaces-previous/new-args",
        ],
    ),
    "remove_reader_always_true_loop": (
        ["loop.remove_reader/returns-whether-registered/"],
        [
            "loop.remove_reader/returns-whether-registered/result[never-registered]",
            "loop.remove_reader/returns-whether-registered/result[removed-twice]",
            "loop.remove_reader/returns-whether-registered/result[only-a-writer]",
        ],
    ),
    "remove_reader_drops_writer_loop": (
        ["loop.remove_reader/read-only/"],
        ["loop.remove_reader/read-only/writer-still-runs"],
    ),
    "sendall_truncates_loop": (
        ["loop.sock_sendall/sends-everything/"],
        [
            "loop.sock_sendall/sends-everything/all-data-arrives[one-mib]",
            "loop.sock_sendall/sends-everything/tcp-socket",
        ],
    ),
    "cancelled_recv_eats_data_loop": (
        ["loop.sock_recv/cancelled-loses-nothing/"],
        ["loop.sock_recv/cancelled-loses-nothing/next-recv-gets-everything"],
    ),
    "sendfile_keeps_position_loop": (
        ["loop.sock_sendfile/position-updated/"],
        [
            "loop.sock_sendfile/position-updated/after-success[whole]",
            "loop.sock_sendfile/position-updated/after-error",
        ],
    ),
    "getaddrinfo_drops_arguments_loop": (
        ["loop.getaddrinfo/same-as-socket-getaddrinfo/"],
        [
            "loop.getaddrinfo/same-as-socket-getaddrinfo/matches-blocking-call[type-stream]",
            "loop.getaddrinfo/same-as-socket-getaddrinfo/matches-blocking-call[flag-canonname]",
        ],
    ),
    "getaddrinfo_returns_future_loop": (
        ["loop.getaddrinfo/is-coroutine/", "loop.getnameinfo/is-coroutine/"],
        [
            "loop.getaddrinfo/is-coroutine/coroutine-object",
            "loop.getnameinfo/is-coroutine/coroutine-object",
        ],
    ),
    "read_pipe_empty_data_loop": (
        ["loop.connect_read_pipe/eof-then-connection-lost/"],
        [
            "loop.connect_read_pipe/eof-then-connection-lost/writer-closes[after-data]",
            "loop.connect_read_pipe/eof-then-connection-lost/writer-closes[no-data]",
        ],
    ),
    "pipe_left_blocking_loop": (
        ["loop.connect_read_pipe/set-non-blocking/"],
        ["loop.connect_read_pipe/set-non-blocking/fd-non-blocking"],
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
    assert_cases_pass_on_asyncio(code, results, failing, require_pass=True)
