"""A worker process: runs cases for one loop, one at a time, in its main thread.

The parent writes one JSON task per line to our stdin and reads one JSON
result per line from ``--result-fd``. Results never go to stdout or stderr,
because the loop under test may write anything there. When stdin closes, the
adapter's tear-down hook runs and the worker exits.

The worker never enforces its own timeouts: a loop stuck in native code would
stop any in-process timer too. The parent kills us instead.
"""

from __future__ import annotations

import argparse
import faulthandler
import gc
import json
import os
import sys
import traceback


def _send(stream, message: dict) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="conformance.worker")
    parser.add_argument("--loop", required=True, help="adapter name or module:factory")
    parser.add_argument("--result-fd", type=int, required=True)
    args = parser.parse_args(argv)
    faulthandler.enable()  # a segfault prints where, which the parent reports
    results = os.fdopen(args.result_fd, "w", encoding="utf-8", buffering=1)
    # Case code must not read the task stream by accident.
    tasks = os.fdopen(os.dup(0), "r", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    from .adapters.registry import resolve_adapter
    from .runtime.harness import run_case

    try:
        adapter = resolve_adapter(args.loop)
        adapter.run_setup()
        factory = adapter.load_factory()
    except BaseException as exc:  # reported to the parent, which marks cases as errors
        _send(
            results, {"fatal": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
        )
        return 3
    from .runtime.peers import make_tls_pems

    tls_pems = make_tls_pems()
    loop_refs = {"factory": adapter.factory, "setup": adapter.setup}
    # Every case collects garbage twice (to surface never-retrieved exceptions
    # before the loop closes); freezing what exists now keeps that cheap.
    gc.collect()
    gc.freeze()
    _send(results, {"ready": os.getpid()})
    for line in tasks:
        task = json.loads(line)
        result = run_case(
            task["case"],
            factory,
            multiplier=task["multiplier"],
            debug=task["debug"],
            tls_pems=tls_pems,
            loop_refs=loop_refs,
        )
        result["id"] = task["case"]["id"]
        result["attempt"] = task["attempt"]
        _send(results, result)
    adapter.run_teardown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
