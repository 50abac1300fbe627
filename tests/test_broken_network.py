"""The network specs can fail: each broken loop fails the cases for what it breaks.

Covers network-connections, network-servers, server-objects, tls-upgrade and
transferring-files (tests/broken/network_loops.py).
"""

from __future__ import annotations

import pytest

from .broken_checks import assert_cases_fail, assert_cases_pass_on_asyncio, spec_args

BROKEN = "tests.broken.network_loops"

#: No specs: the whole suite, narrowed with -k, so that the state machines watch the protocols.
SPECS = ()

#: factory -> (selection, the case ids that must fail on it)
CASES = {
    "no_nodelay_loop": (
        ["loop.create_connection/tcp-nodelay/"],
        ["loop.create_connection/tcp-nodelay/set-on-client-socket"],
    ),
    "server_hostname_ignored_loop": (
        ["loop.create_connection/server-hostname/"],
        [
            "loop.create_connection/server-hostname/overrides-host",
            "loop.create_connection/server-hostname/mismatch-fails",
        ],
    ),
    "no_broadcast_loop": (
        ["loop.create_datagram_endpoint/allow-broadcast/"],
        ["loop.create_datagram_endpoint/allow-broadcast/so-broadcast-set"],
    ),
    "no_bytes_unix_path_loop": (
        ["loop.create_unix_connection/paths/"],
        ["loop.create_unix_connection/paths/path-kinds[bytes]"],
    ),
    "ignores_start_serving_loop": (
        ["loop.create_server/start-serving/", "Server.is_serving/"],
        [
            "loop.create_server/start-serving/false-then-start-serving",
            "Server.is_serving/true-when-accepting/lifecycle",
        ],
    ),
    "ignores_backlog_loop": (
        ["loop.create_server/backlog/"],
        ["loop.create_server/backlog/queued-connections"],
    ),
    "still_serving_loop": (
        ["Server.close/", "Server.is_serving/", "Server.async-with/"],
        [
            "Server.close/stops-serving/not-serving-no-sockets",
            "Server.is_serving/true-when-accepting/lifecycle",
            "Server.async-with/closed-after-block/normal-exit",
            "Server.async-with/closed-after-block/exception-exit",
        ],
    ),
    "unclosed_by_cancel_loop": (
        ["Server.serve_forever/accepts-until-cancelled/"],
        ["Server.serve_forever/accepts-until-cancelled/cancel-closes-server"],
    ),
    "shared_sockets_loop": (
        ["Server.sockets/copy/"],
        ["Server.sockets/copy/mutation-does-not-leak"],
    ),
    "start_tls_no_hostname_check_loop": (
        ["loop.start_tls/server-hostname/"],
        [
            "loop.start_tls/server-hostname/mismatch-fails",
            "loop.start_tls/server-hostname/matching-name",
        ],
    ),
    "sendfile_keeps_position_loop": (
        ["loop.sendfile/file-position/after-success", "loop.sendfile/returns-bytes-sent/"],
        [
            "loop.sendfile/file-position/after-success",
            "loop.sendfile/returns-bytes-sent/whole-file[tcp]",
            "loop.sendfile/returns-bytes-sent/whole-file[tls]",
        ],
    ),
    "sendfile_keeps_position_on_error_loop": (
        ["loop.sendfile/file-position/after-"],
        ["loop.sendfile/file-position/after-error"],
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
